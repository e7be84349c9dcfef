"""IAM's tables (namespace ``iam``), keyed by account; every write bumps a generation so the
caches in credentials.py (access keys, a principal's policies) know to refresh."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pocketcloud.cloud import Cloud
    from pocketcloud.store import Store, Tx

SCHEMA = (
    """
    CREATE TABLE iam_users (
        account_id TEXT NOT NULL, name TEXT NOT NULL, user_id TEXT NOT NULL,
        path TEXT NOT NULL, create_date REAL NOT NULL, boundary_arn TEXT,
        tags TEXT NOT NULL DEFAULT '[]', password_set REAL,
        PRIMARY KEY (account_id, name)
    );
    CREATE TABLE iam_groups (
        account_id TEXT NOT NULL, name TEXT NOT NULL, group_id TEXT NOT NULL,
        path TEXT NOT NULL, create_date REAL NOT NULL,
        PRIMARY KEY (account_id, name)
    );
    CREATE TABLE iam_group_members (
        account_id TEXT NOT NULL, group_name TEXT NOT NULL, user_name TEXT NOT NULL,
        PRIMARY KEY (account_id, group_name, user_name)
    );
    CREATE TABLE iam_roles (
        account_id TEXT NOT NULL, name TEXT NOT NULL, role_id TEXT NOT NULL,
        path TEXT NOT NULL, create_date REAL NOT NULL, trust_policy TEXT NOT NULL,
        description TEXT NOT NULL DEFAULT '', max_session_s INTEGER NOT NULL,
        boundary_arn TEXT, tags TEXT NOT NULL DEFAULT '[]', last_used REAL,
        last_used_region TEXT,
        PRIMARY KEY (account_id, name)
    );
    CREATE TABLE iam_policies (
        account_id TEXT NOT NULL, arn TEXT NOT NULL, name TEXT NOT NULL,
        policy_id TEXT NOT NULL, path TEXT NOT NULL, description TEXT NOT NULL DEFAULT '',
        create_date REAL NOT NULL, update_date REAL NOT NULL, default_version TEXT NOT NULL,
        next_version INTEGER NOT NULL, tags TEXT NOT NULL DEFAULT '[]',
        PRIMARY KEY (account_id, arn)
    );
    CREATE TABLE iam_policy_versions (
        account_id TEXT NOT NULL, policy_arn TEXT NOT NULL, version_id TEXT NOT NULL,
        document TEXT NOT NULL, create_date REAL NOT NULL,
        PRIMARY KEY (account_id, policy_arn, version_id)
    );
    CREATE TABLE iam_inline_policies (
        account_id TEXT NOT NULL, owner_kind TEXT NOT NULL, owner_name TEXT NOT NULL,
        policy_name TEXT NOT NULL, document TEXT NOT NULL,
        PRIMARY KEY (account_id, owner_kind, owner_name, policy_name)
    );
    CREATE TABLE iam_attachments (
        account_id TEXT NOT NULL, owner_kind TEXT NOT NULL, owner_name TEXT NOT NULL,
        policy_arn TEXT NOT NULL,
        PRIMARY KEY (account_id, owner_kind, owner_name, policy_arn)
    );
    CREATE INDEX iam_attachments_by_policy ON iam_attachments (account_id, policy_arn);
    CREATE TABLE iam_access_keys (
        access_key_id TEXT PRIMARY KEY, account_id TEXT NOT NULL, user_name TEXT NOT NULL,
        secret TEXT NOT NULL, status TEXT NOT NULL, create_date REAL NOT NULL,
        last_used REAL, last_used_service TEXT, last_used_region TEXT
    );
    CREATE INDEX iam_access_keys_by_user ON iam_access_keys (account_id, user_name);
    CREATE TABLE iam_instance_profiles (
        account_id TEXT NOT NULL, name TEXT NOT NULL, profile_id TEXT NOT NULL,
        path TEXT NOT NULL, create_date REAL NOT NULL, role_name TEXT,
        tags TEXT NOT NULL DEFAULT '[]',
        PRIMARY KEY (account_id, name)
    );
    CREATE TABLE iam_account_settings (
        account_id TEXT NOT NULL, name TEXT NOT NULL, value TEXT NOT NULL,
        PRIMARY KEY (account_id, name)
    );
    CREATE TABLE iam_oidc_providers (
        account_id TEXT NOT NULL, arn TEXT NOT NULL, url TEXT NOT NULL,
        client_ids TEXT NOT NULL, thumbprints TEXT NOT NULL, create_date REAL NOT NULL,
        tags TEXT NOT NULL DEFAULT '[]',
        PRIMARY KEY (account_id, arn)
    );
    CREATE TABLE iam_sessions (
        access_key_id TEXT PRIMARY KEY, account_id TEXT NOT NULL, secret TEXT NOT NULL,
        session_token TEXT NOT NULL, principal_arn TEXT NOT NULL,
        principal_type TEXT NOT NULL, role_arn TEXT NOT NULL DEFAULT '',
        user_id TEXT NOT NULL, expires_at REAL NOT NULL, session_policies TEXT NOT NULL,
        source_identity TEXT, tags TEXT NOT NULL DEFAULT '{}', chained INTEGER NOT NULL,
        source_user_arn TEXT NOT NULL DEFAULT ''
    );
    """,
    # session tags a chained session inherits (AssumeRole's TransitiveTagKeys)
    "ALTER TABLE iam_sessions ADD COLUMN transitive_keys TEXT NOT NULL DEFAULT '[]';",
    # a login profile's PasswordResetRequired (the profile itself: iam_users.password_set)
    "ALTER TABLE iam_users ADD COLUMN password_reset INTEGER NOT NULL DEFAULT 0;",
    # virtual MFA devices (user_name NULL: unassigned); drift_steps from ResyncMFADevice,
    # last_step: the newest TOTP step used, so a code works once
    """
    CREATE TABLE iam_mfa_devices (
        account_id TEXT NOT NULL, serial TEXT NOT NULL, seed TEXT NOT NULL,
        create_date REAL NOT NULL, user_name TEXT, enable_date REAL,
        tags TEXT NOT NULL DEFAULT '[]', drift_steps INTEGER NOT NULL DEFAULT 0,
        last_step INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (account_id, serial)
    );
    CREATE INDEX iam_mfa_devices_by_user ON iam_mfa_devices (account_id, user_name);
    ALTER TABLE iam_sessions ADD COLUMN mfa_at REAL;
    """,
    # SAML providers, server certificates, users' signing certificates, SSH public keys and
    # service-specific credentials; password_hash: ChangePassword checks the old password
    """
    CREATE TABLE iam_saml_providers (
        account_id TEXT NOT NULL, arn TEXT NOT NULL, provider_uuid TEXT NOT NULL,
        metadata TEXT NOT NULL, valid_until REAL NOT NULL, create_date REAL NOT NULL,
        encryption_mode TEXT NOT NULL DEFAULT 'Allowed', private_keys TEXT NOT NULL DEFAULT '[]',
        tags TEXT NOT NULL DEFAULT '[]',
        PRIMARY KEY (account_id, arn)
    );
    CREATE TABLE iam_server_certificates (
        account_id TEXT NOT NULL, name TEXT NOT NULL, certificate_id TEXT NOT NULL,
        path TEXT NOT NULL, body TEXT NOT NULL, chain TEXT, upload_date REAL NOT NULL,
        expiration REAL NOT NULL, tags TEXT NOT NULL DEFAULT '[]',
        PRIMARY KEY (account_id, name)
    );
    CREATE TABLE iam_signing_certificates (
        certificate_id TEXT PRIMARY KEY, account_id TEXT NOT NULL, user_name TEXT NOT NULL,
        body TEXT NOT NULL, fingerprint TEXT NOT NULL, status TEXT NOT NULL,
        upload_date REAL NOT NULL
    );
    CREATE INDEX iam_signing_certificates_by_user ON iam_signing_certificates
        (account_id, user_name);
    CREATE TABLE iam_ssh_public_keys (
        key_id TEXT PRIMARY KEY, account_id TEXT NOT NULL, user_name TEXT NOT NULL,
        body TEXT NOT NULL, fingerprint TEXT NOT NULL, status TEXT NOT NULL,
        upload_date REAL NOT NULL
    );
    CREATE INDEX iam_ssh_public_keys_by_user ON iam_ssh_public_keys (account_id, user_name);
    CREATE TABLE iam_service_credentials (
        credential_id TEXT PRIMARY KEY, account_id TEXT NOT NULL, user_name TEXT NOT NULL,
        service_name TEXT NOT NULL, service_user_name TEXT NOT NULL, password TEXT NOT NULL,
        status TEXT NOT NULL, create_date REAL NOT NULL
    );
    CREATE INDEX iam_service_credentials_by_user ON iam_service_credentials
        (account_id, user_name);
    ALTER TABLE iam_users ADD COLUMN password_hash TEXT;
    """,
    # the credential report and service-last-accessed jobs (credential_report.py,
    # access_reports.py); when each entity
    # last used each action (last_access.py)
    """
    CREATE TABLE iam_reports (
        account_id TEXT NOT NULL, kind TEXT NOT NULL, report_id TEXT NOT NULL,
        created REAL NOT NULL, body TEXT NOT NULL,
        PRIMARY KEY (account_id, kind, report_id)
    );
    CREATE TABLE iam_last_access (
        account_id TEXT NOT NULL, entity_arn TEXT NOT NULL, action TEXT NOT NULL,
        last_at REAL NOT NULL, region TEXT NOT NULL,
        PRIMARY KEY (account_id, entity_arn, action)
    );
    """,
    # OIDC providers' trusted identity propagation (UpdateOpenIDConnectProvider): a
    # ContextProvider as JSON and an Identity Center instance ARN, NULL when not configured
    """
    ALTER TABLE iam_oidc_providers ADD COLUMN context_provider TEXT;
    ALTER TABLE iam_oidc_providers ADD COLUMN identity_center TEXT;
    """,
    # outbound identity federation (outbound_federation.py): the account's issuer, whether
    # STS vends tokens, and its signing keys (PEM, PKCS#8), kept across Disable and Enable
    """
    CREATE TABLE iam_outbound_federation (
        account_id TEXT PRIMARY KEY, issuer_id TEXT NOT NULL, enabled INTEGER NOT NULL,
        rsa_key TEXT NOT NULL, ec_key TEXT NOT NULL, enabled_date REAL NOT NULL
    );
    """,
)

_generations: dict[int, int] = {}


def store_of(cloud: Cloud) -> Store:
    store = cloud.store
    store.ensure_schema("iam", SCHEMA)
    return store


def generation(cloud: Cloud) -> int:
    """Changes whenever IAM's state changes: caches compare it."""
    return _generations.get(id(cloud.store), 0)


@contextmanager
def writing(cloud: Cloud) -> Iterator[Tx]:
    """A write transaction that invalidates the caches (also when it raises: harmless)."""
    store = store_of(cloud)
    try:
        with store.write() as tx:
            yield tx
    finally:
        _generations[id(cloud.store)] = _generations.get(id(cloud.store), 0) + 1


@contextmanager
def reading(cloud: Cloud) -> Iterator[Tx]:
    with store_of(cloud).read() as tx:
        yield tx
