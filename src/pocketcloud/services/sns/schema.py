"""SNS tables: topics, subscriptions, pending deliveries, FIFO deduplication, the outbox.

A Publish commits one `sns_deliveries` row per matching subscription before it answers, so an
acknowledged message survives kill -9; the delivery job removes a row once its endpoint took
the message (at-least-once, as AWS promises).
"""

from __future__ import annotations

from pocketcloud.store import Store

NAMESPACE = "sns"

SCHEMA = (
    """
    CREATE TABLE sns_topics (
        topic_arn TEXT PRIMARY KEY,
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        name TEXT NOT NULL,
        attributes TEXT NOT NULL,
        tags TEXT NOT NULL,
        sequence INTEGER NOT NULL DEFAULT 0,
        created_s REAL NOT NULL
    );
    CREATE INDEX sns_topics_by_region ON sns_topics (account_id, region, name);
    CREATE TABLE sns_subscriptions (
        subscription_arn TEXT PRIMARY KEY,
        topic_arn TEXT NOT NULL,
        owner TEXT NOT NULL,
        protocol TEXT NOT NULL,
        endpoint TEXT NOT NULL,
        attributes TEXT NOT NULL,
        confirmed INTEGER NOT NULL,
        token TEXT,
        created_s REAL NOT NULL
    );
    CREATE INDEX sns_subscriptions_by_topic ON sns_subscriptions (topic_arn);
    CREATE INDEX sns_subscriptions_by_token ON sns_subscriptions (token);
    CREATE TABLE sns_deliveries (
        delivery_id INTEGER PRIMARY KEY AUTOINCREMENT,
        subscription_arn TEXT NOT NULL,
        kind TEXT NOT NULL,
        record TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_s REAL NOT NULL,
        created_s REAL NOT NULL
    );
    CREATE INDEX sns_deliveries_due ON sns_deliveries (next_attempt_s);
    CREATE TABLE sns_deduplication (
        topic_arn TEXT NOT NULL,
        dedup_id TEXT NOT NULL,
        message_id TEXT NOT NULL,
        sequence_number TEXT,
        expires_s REAL NOT NULL,
        PRIMARY KEY (topic_arn, dedup_id)
    );
    CREATE TABLE sns_outbox (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        protocol TEXT NOT NULL,
        endpoint TEXT NOT NULL,
        topic_arn TEXT,
        subscription_arn TEXT,
        message_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        subject TEXT,
        message TEXT NOT NULL,
        created_s REAL NOT NULL
    );
    CREATE TABLE sns_signing (
        key_id INTEGER PRIMARY KEY,
        private_key_pem TEXT NOT NULL,
        certificate_pem TEXT NOT NULL
    );
    """,
    """
    CREATE TABLE sns_sms_attributes (
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        attributes TEXT NOT NULL,
        PRIMARY KEY (account_id, region)
    );
    CREATE INDEX sns_deliveries_by_subscription ON sns_deliveries (subscription_arn, delivery_id);
    """,
    """
    CREATE TABLE sns_platform (
        arn TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        application_arn TEXT NOT NULL,
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        attributes TEXT NOT NULL,
        created_s REAL NOT NULL
    );
    CREATE INDEX sns_platform_by_application ON sns_platform (application_arn, kind, arn);
    CREATE INDEX sns_platform_by_region ON sns_platform (account_id, region, kind, arn);
    """,
    """
    CREATE TABLE sns_sms_sandbox (
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        phone_number TEXT NOT NULL,
        status TEXT NOT NULL,
        one_time_password TEXT,
        created_s REAL NOT NULL,
        PRIMARY KEY (account_id, region, phone_number)
    );
    """,
)

def ready_store(store: Store) -> Store:
    """The store with SNS's tables in place (migrated once per store object)."""
    return store.ensure_schema(NAMESPACE, SCHEMA)
