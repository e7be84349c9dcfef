"""SQS tables: queues, their messages, FIFO deduplication records and message move tasks.

Messages are keyed by (queue_key, seq): `seq` grows with every enqueue, so it is the FIFO
order and the age order used for retention. `visible_at_s` carries delays and visibility
timeouts; the index on it is what a receive on a standard queue walks.
"""

from __future__ import annotations

from pocketcloud.store import Store

NAMESPACE = "sqs"

SCHEMA = (
    """
    CREATE TABLE sqs_queues (
        queue_key INTEGER PRIMARY KEY,
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        name TEXT NOT NULL,
        attributes TEXT NOT NULL,
        tags TEXT NOT NULL,
        created_s REAL NOT NULL,
        modified_s REAL NOT NULL,
        purged_s REAL NOT NULL DEFAULT 0
    );
    CREATE UNIQUE INDEX sqs_queues_by_name ON sqs_queues (account_id, region, name);
    CREATE TABLE sqs_messages (
        queue_key INTEGER NOT NULL,
        seq INTEGER NOT NULL,
        message_id TEXT NOT NULL,
        body TEXT NOT NULL,
        message_attributes TEXT,
        system_attributes TEXT,
        md5_body TEXT NOT NULL,
        md5_attributes TEXT,
        md5_system_attributes TEXT,
        sender_id TEXT NOT NULL,
        sent_s REAL NOT NULL,
        enqueued_s REAL NOT NULL,
        visible_at_s REAL NOT NULL,
        receive_count INTEGER NOT NULL DEFAULT 0,
        first_receive_s REAL,
        group_id TEXT,
        dedup_id TEXT,
        sequence_number TEXT,
        dead_letter_source_arn TEXT,
        PRIMARY KEY (queue_key, seq)
    );
    CREATE INDEX sqs_messages_by_visibility ON sqs_messages (queue_key, visible_at_s);
    CREATE TABLE sqs_deduplication (
        queue_key INTEGER NOT NULL,
        scope_key TEXT NOT NULL,
        message_id TEXT NOT NULL,
        sequence_number TEXT,
        expires_s REAL NOT NULL,
        PRIMARY KEY (queue_key, scope_key)
    );
    CREATE TABLE sqs_move_tasks (
        task_handle TEXT PRIMARY KEY,
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        source_arn TEXT NOT NULL,
        destination_arn TEXT,
        max_per_second INTEGER,
        status TEXT NOT NULL,
        moved INTEGER NOT NULL DEFAULT 0,
        to_move INTEGER NOT NULL,
        failure_reason TEXT,
        started_s REAL NOT NULL
    );
    CREATE INDEX sqs_move_tasks_by_source ON sqs_move_tasks (source_arn, started_s);
    """,
)


def ready_store(store: Store) -> Store:
    """The store with SQS's tables in place (migrated once per store object)."""
    store.ensure_schema(NAMESPACE, list(SCHEMA))
    return store
