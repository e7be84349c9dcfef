"""Route 53 Domains tables: registered domains (global, one owner each) and operations."""

from __future__ import annotations

from pocketcloud.store import Store

NAMESPACE = "route53domains"

SCHEMA = (
    """
    CREATE TABLE route53domains_domains (
        domain_name TEXT PRIMARY KEY,
        account_id TEXT NOT NULL,
        data TEXT NOT NULL,
        created_s REAL NOT NULL
    );
    CREATE INDEX route53domains_by_account ON route53domains_domains (account_id, domain_name);
    CREATE TABLE route53domains_operations (
        operation_id TEXT PRIMARY KEY,
        account_id TEXT NOT NULL,
        domain_name TEXT NOT NULL,
        type TEXT NOT NULL,
        submitted_s REAL NOT NULL
    );
    """,
)


def ready_store(store: Store) -> Store:
    store.ensure_schema(NAMESPACE, list(SCHEMA))
    return store
