"""Account Management tables: the account's name, contact information and primary email
(with a pending email update), its alternate contacts, and the outbox of email it "sent".

Accounts are global: rows carry an account but no region.
"""

from __future__ import annotations

from pocketcloud.cloud import Cloud
from pocketcloud.store import Store

NAMESPACE = "account"

SCHEMA = (
    """
    CREATE TABLE account_information (
        account_id TEXT PRIMARY KEY,
        account_name TEXT,
        contact TEXT,
        primary_email TEXT,
        pending_email TEXT,
        pending_otp TEXT,
        email_update_status TEXT,
        email_updated_s REAL,
        created_s REAL NOT NULL
    );
    CREATE TABLE account_alternate_contacts (
        account_id TEXT NOT NULL,
        contact_type TEXT NOT NULL,
        contact TEXT NOT NULL,
        PRIMARY KEY (account_id, contact_type)
    );
    CREATE TABLE account_outbox (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        account_id TEXT NOT NULL,
        to_address TEXT NOT NULL,
        subject TEXT NOT NULL,
        message TEXT NOT NULL,
        created_s REAL NOT NULL
    );
    """,
)


def store(cloud: Cloud) -> Store:
    return cloud.store.ensure_schema(NAMESPACE, SCHEMA)
