"""CloudWatch Logs' tables: log groups, their streams, the events in them (migration 1);
subscription and metric filters, Insights queries and their saved definitions, resource
policies, destinations, export tasks and per-group policy documents (migration 2); tags on
destinations (migration 3)."""

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
    """
    CREATE TABLE logs_subscription_filters (
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        group_name TEXT NOT NULL,
        name TEXT NOT NULL,
        pattern TEXT NOT NULL,
        destination_arn TEXT NOT NULL,
        role_arn TEXT,
        distribution TEXT NOT NULL,
        created_ms INTEGER NOT NULL,
        PRIMARY KEY (account_id, region, group_name, name)
    );
    CREATE TABLE logs_metric_filters (
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        group_name TEXT NOT NULL,
        name TEXT NOT NULL,
        pattern TEXT NOT NULL,
        transformations TEXT NOT NULL,
        metric_name TEXT NOT NULL,
        metric_namespace TEXT NOT NULL,
        created_ms INTEGER NOT NULL,
        PRIMARY KEY (account_id, region, group_name, name)
    );
    CREATE TABLE logs_queries (
        query_id TEXT PRIMARY KEY,
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        query_string TEXT NOT NULL,
        group_names TEXT NOT NULL,
        start_s INTEGER NOT NULL,
        end_s INTEGER NOT NULL,
        row_limit INTEGER,
        status TEXT NOT NULL,
        created_ms INTEGER NOT NULL,
        results TEXT,
        statistics TEXT
    );
    CREATE INDEX logs_queries_by_account ON logs_queries (account_id, region, created_ms);
    CREATE TABLE logs_query_definitions (
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        definition_id TEXT NOT NULL,
        name TEXT NOT NULL,
        query_string TEXT NOT NULL,
        group_names TEXT NOT NULL,
        modified_ms INTEGER NOT NULL,
        PRIMARY KEY (account_id, region, definition_id)
    );
    CREATE TABLE logs_resource_policies (
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        name TEXT NOT NULL,
        document TEXT NOT NULL,
        updated_ms INTEGER NOT NULL,
        PRIMARY KEY (account_id, region, name)
    );
    CREATE TABLE logs_destinations (
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        name TEXT NOT NULL,
        target_arn TEXT NOT NULL,
        role_arn TEXT NOT NULL,
        access_policy TEXT,
        created_ms INTEGER NOT NULL,
        PRIMARY KEY (account_id, region, name)
    );
    CREATE TABLE logs_export_tasks (
        task_id TEXT PRIMARY KEY,
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        name TEXT,
        group_name TEXT NOT NULL,
        stream_prefix TEXT,
        from_ms INTEGER NOT NULL,
        to_ms INTEGER NOT NULL,
        bucket TEXT NOT NULL,
        prefix TEXT NOT NULL,
        status TEXT NOT NULL,
        message TEXT,
        created_ms INTEGER NOT NULL,
        completed_ms INTEGER
    );
    CREATE INDEX logs_export_tasks_by_account ON logs_export_tasks (account_id, region, status);
    CREATE TABLE logs_policy_documents (
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        kind TEXT NOT NULL,
        name TEXT NOT NULL,
        document TEXT NOT NULL,
        extra TEXT NOT NULL DEFAULT '{}',
        updated_ms INTEGER NOT NULL,
        PRIMARY KEY (account_id, region, kind, name)
    );
    """,
    """
    ALTER TABLE logs_destinations ADD COLUMN tags TEXT NOT NULL DEFAULT '{}';
    """,
)

# the tables that belong to one log group, emptied with it by DeleteLogGroup
GROUP_TABLES = ("logs_subscription_filters", "logs_metric_filters")


def store(ctx: RequestContext) -> Store:
    return ready_store(ctx.cloud.store)


def ready_store(db: Store) -> Store:
    db.ensure_schema(NAMESPACE, list(SCHEMA))
    return db
