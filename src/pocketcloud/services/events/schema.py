"""EventBridge's tables: buses, rules, targets, archives and replays, connections and API
destinations, and the durable outbox of deliveries.

The outbox (``events_deliveries``) is shared with S3 event notifications: a delivery row is
committed before the request that caused it is acknowledged, and removed once delivered.
"""

from __future__ import annotations

from pocketcloud.store import Store

NAMESPACE = "events"

SCHEMA = (
    """
    CREATE TABLE events_buses (
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        name TEXT NOT NULL,
        description TEXT,
        tags TEXT NOT NULL DEFAULT '{}',
        created REAL NOT NULL,
        modified REAL NOT NULL,
        PRIMARY KEY (account_id, region, name)
    );
    CREATE TABLE events_rules (
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        bus TEXT NOT NULL,
        name TEXT NOT NULL,
        config TEXT NOT NULL,
        pattern TEXT,
        schedule TEXT,
        enabled INTEGER NOT NULL,
        next_fire REAL,
        tags TEXT NOT NULL DEFAULT '{}',
        PRIMARY KEY (account_id, region, bus, name)
    );
    CREATE INDEX events_rules_due ON events_rules (next_fire) WHERE next_fire IS NOT NULL;
    CREATE TABLE events_targets (
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        bus TEXT NOT NULL,
        rule TEXT NOT NULL,
        target_id TEXT NOT NULL,
        target TEXT NOT NULL,
        PRIMARY KEY (account_id, region, bus, rule, target_id)
    );
    CREATE TABLE events_deliveries (
        delivery_id TEXT PRIMARY KEY,
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        target TEXT NOT NULL,
        payload TEXT NOT NULL,
        principal TEXT NOT NULL,
        source_arn TEXT NOT NULL,
        created REAL NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt REAL NOT NULL
    );
    CREATE INDEX events_deliveries_due ON events_deliveries (next_attempt);
    """,
    """
    CREATE TABLE events_bus_policies (
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        name TEXT NOT NULL,
        policy TEXT NOT NULL,
        PRIMARY KEY (account_id, region, name)
    );
    """,
    """
    CREATE TABLE events_bus_settings (
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        name TEXT NOT NULL,
        settings TEXT NOT NULL,
        PRIMARY KEY (account_id, region, name)
    );
    CREATE TABLE events_archives (
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        name TEXT NOT NULL,
        bus TEXT NOT NULL,
        config TEXT NOT NULL,
        retention_days INTEGER NOT NULL,
        event_count INTEGER NOT NULL DEFAULT 0,
        size_bytes INTEGER NOT NULL DEFAULT 0,
        created REAL NOT NULL,
        PRIMARY KEY (account_id, region, name)
    );
    CREATE TABLE events_archived (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        archive TEXT NOT NULL,
        received REAL NOT NULL,
        event TEXT NOT NULL
    );
    CREATE INDEX events_archived_by_time ON events_archived (account_id, region, archive,
                                                            received);
    CREATE INDEX events_archived_received ON events_archived (received);
    CREATE TABLE events_replays (
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        name TEXT NOT NULL,
        config TEXT NOT NULL,
        state TEXT NOT NULL,
        cursor INTEGER NOT NULL DEFAULT 0,
        created REAL NOT NULL,
        PRIMARY KEY (account_id, region, name)
    );
    CREATE INDEX events_replays_active ON events_replays (state);
    CREATE TABLE events_connections (
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        name TEXT NOT NULL,
        config TEXT NOT NULL,
        secrets TEXT NOT NULL,
        state TEXT NOT NULL,
        PRIMARY KEY (account_id, region, name)
    );
    CREATE TABLE events_api_destinations (
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        name TEXT NOT NULL,
        config TEXT NOT NULL,
        PRIMARY KEY (account_id, region, name)
    );
    """,
)


def ready_store(db: Store) -> Store:
    """The store, with EventBridge's schema registered once per store."""
    db.ensure_schema(NAMESPACE, list(SCHEMA))
    return db
