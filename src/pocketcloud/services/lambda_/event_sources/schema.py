"""The event source mappings' table (its own schema namespace, beside Lambda's)."""

from __future__ import annotations

from pocketcloud.context import RequestContext
from pocketcloud.store import Store

NAMESPACE = "lambda_event_sources"

SCHEMA = (
    """
    CREATE TABLE lambda_event_source_mappings (
        uuid TEXT PRIMARY KEY,
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        kind TEXT NOT NULL,
        source_arn TEXT NOT NULL,
        function_arn TEXT NOT NULL,
        config TEXT NOT NULL,
        target_state TEXT NOT NULL,
        position TEXT,
        attempts INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX lambda_event_source_mappings_by_source
        ON lambda_event_source_mappings (account_id, region, source_arn);
    """,
)


def ready_store(db: Store) -> Store:
    db.ensure_schema(NAMESPACE, list(SCHEMA))
    return db


def store(ctx: RequestContext) -> Store:
    return ready_store(ctx.cloud.store)
