"""Lambda's tables in the store. Configurations are kept as the JSON AWS returns them."""

from __future__ import annotations

from pocketcloud.context import RequestContext
from pocketcloud.store import Store

NAMESPACE = "lambda_service"

SCHEMA = (
    """
    CREATE TABLE lambda_functions (
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        name TEXT NOT NULL,
        next_version INTEGER NOT NULL DEFAULT 1,
        tags TEXT NOT NULL DEFAULT '{}',
        policy TEXT NOT NULL DEFAULT '[]',
        reserved_concurrency INTEGER,
        event_invoke_config TEXT,
        url_config TEXT,
        created REAL NOT NULL,
        PRIMARY KEY (account_id, region, name)
    );
    CREATE TABLE lambda_versions (
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        name TEXT NOT NULL,
        version TEXT NOT NULL,
        config TEXT NOT NULL,
        code_blob_id TEXT NOT NULL,
        PRIMARY KEY (account_id, region, name, version)
    );
    CREATE TABLE lambda_aliases (
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        name TEXT NOT NULL,
        alias TEXT NOT NULL,
        config TEXT NOT NULL,
        PRIMARY KEY (account_id, region, name, alias)
    );
    CREATE TABLE lambda_layer_versions (
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        layer_name TEXT NOT NULL,
        version INTEGER NOT NULL,
        config TEXT NOT NULL,
        blob_id TEXT NOT NULL,
        PRIMARY KEY (account_id, region, layer_name, version)
    );
    CREATE TABLE lambda_async_events (
        event_id TEXT PRIMARY KEY,
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        name TEXT NOT NULL,
        qualifier TEXT NOT NULL,
        payload BLOB NOT NULL,
        received REAL NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt REAL NOT NULL
    );
    CREATE INDEX lambda_async_events_due ON lambda_async_events (next_attempt);
    CREATE TABLE lambda_destination_records (
        record_id TEXT PRIMARY KEY,
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        destination TEXT NOT NULL,
        record TEXT NOT NULL,
        created REAL NOT NULL
    );
    """,
    """
    CREATE TABLE lambda_usage (
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        name TEXT NOT NULL,
        requests INTEGER NOT NULL,
        billed_ms INTEGER NOT NULL,
        gb_seconds REAL NOT NULL,
        PRIMARY KEY (account_id, region, name)
    );
    CREATE TABLE lambda_function_urls (
        url_id TEXT PRIMARY KEY,
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        name TEXT NOT NULL,
        qualifier TEXT NOT NULL,
        config TEXT NOT NULL,
        UNIQUE (account_id, region, name, qualifier)
    );
    """,
    """
    CREATE TABLE lambda_provisioned_concurrency (
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        name TEXT NOT NULL,
        qualifier TEXT NOT NULL,
        requested INTEGER NOT NULL,
        last_modified TEXT NOT NULL,
        PRIMARY KEY (account_id, region, name, qualifier)
    );
    """,
    # A layer's version numbers are never reused, even once every version is deleted.
    """
    CREATE TABLE lambda_layers (
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        layer_name TEXT NOT NULL,
        last_version INTEGER NOT NULL,
        PRIMARY KEY (account_id, region, layer_name)
    );
    INSERT INTO lambda_layers (account_id, region, layer_name, last_version)
        SELECT account_id, region, layer_name, max(version) FROM lambda_layer_versions
        GROUP BY account_id, region, layer_name;
    """,
    # A layer version's resource policy (AddLayerVersionPermission) and its revision.
    """
    ALTER TABLE lambda_layer_versions ADD COLUMN policy TEXT NOT NULL DEFAULT '[]';
    ALTER TABLE lambda_layer_versions ADD COLUMN policy_revision TEXT;
    """,
    # Recursion and runtime-management settings, code signing configurations, and each
    # resource policy's RevisionId (no longer read: a policy's RevisionId is now that of the
    # version or alias it is attached to).
    """
    ALTER TABLE lambda_functions ADD COLUMN recursive_loop TEXT;
    ALTER TABLE lambda_functions ADD COLUMN runtime_management TEXT NOT NULL DEFAULT '{}';
    ALTER TABLE lambda_functions ADD COLUMN code_signing_config_arn TEXT;
    ALTER TABLE lambda_functions ADD COLUMN policy_revisions TEXT NOT NULL DEFAULT '{}';
    CREATE TABLE lambda_code_signing_configs (
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        config_id TEXT NOT NULL,
        config TEXT NOT NULL,
        PRIMARY KEY (account_id, region, config_id)
    );
    """,
)


def store(ctx: RequestContext) -> Store:
    """The cloud's store, with Lambda's schema registered once per store."""
    return ready_store(ctx.cloud.store)


def ready_store(db: Store) -> Store:
    db.ensure_schema(NAMESPACE, list(SCHEMA))
    return db
