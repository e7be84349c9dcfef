"""CloudWatch Logs' tables: log groups, their streams, and the events in them."""

from __future__ import annotations

from pocketcloud.context import RequestContext
from pocketcloud.store import Store

NAMESPACE = "logs_service"

SCHEMA = (
    """
    CREATE TABLE logs_groups (
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        name TEXT NOT NULL,
        created_ms INTEGER NOT NULL,
        retention_days INTEGER,
        kms_key_id TEXT,
        log_group_class TEXT NOT NULL DEFAULT 'STANDARD',
        tags TEXT NOT NULL DEFAULT '{}',
        PRIMARY KEY (account_id, region, name)
    );
    CREATE TABLE logs_streams (
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        group_name TEXT NOT NULL,
        name TEXT NOT NULL,
        created_ms INTEGER NOT NULL,
        first_event_ms INTEGER,
        last_event_ms INTEGER,
        last_ingestion_ms INTEGER,
        stored_bytes INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (account_id, region, group_name, name)
    );
    CREATE TABLE logs_events (
        event_id INTEGER PRIMARY KEY AUTOINCREMENT,
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        group_name TEXT NOT NULL,
        stream_name TEXT NOT NULL,
        timestamp_ms INTEGER NOT NULL,
        ingestion_ms INTEGER NOT NULL,
        message TEXT NOT NULL
    );
    CREATE INDEX logs_events_by_stream
        ON logs_events (account_id, region, group_name, stream_name, event_id);
    CREATE INDEX logs_events_by_time
        ON logs_events (account_id, region, group_name, timestamp_ms);
    """,
)


def store(ctx: RequestContext) -> Store:
    return ready_store(ctx.cloud.store)


def ready_store(db: Store) -> Store:
    db.ensure_schema(NAMESPACE, list(SCHEMA))
    return db
