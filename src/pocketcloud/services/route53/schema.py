"""Route 53 tables: hosted zones, their record sets, changes, health checks, tags and
reusable delegation sets; query logging configurations, CIDR collections with their blocks,
VPC association authorizations, and traffic policies (versions) with their instances.

Route 53 is global: rows carry an account but no region. A record set is keyed by
(zone, name, type, set identifier); `sort_name` holds the name with its labels reversed, the
order ListResourceRecordSets walks. `data` is the record set as the API returns it (JSON).
"""

from __future__ import annotations

from pocketcloud.store import Store

NAMESPACE = "route53"

SCHEMA = (
    """
    CREATE TABLE route53_zones (
        zone_id TEXT PRIMARY KEY,
        account_id TEXT NOT NULL,
        name TEXT NOT NULL,
        caller_reference TEXT NOT NULL,
        comment TEXT,
        private INTEGER NOT NULL,
        vpcs TEXT NOT NULL,
        name_servers TEXT NOT NULL,
        delegation_set_id TEXT NOT NULL,
        change_id TEXT NOT NULL,
        created_s REAL NOT NULL
    );
    CREATE INDEX route53_zones_by_name ON route53_zones (account_id, name, zone_id);
    CREATE UNIQUE INDEX route53_zones_by_reference ON route53_zones (account_id, caller_reference);
    CREATE TABLE route53_records (
        zone_id TEXT NOT NULL REFERENCES route53_zones (zone_id) ON DELETE CASCADE,
        sort_name TEXT NOT NULL,
        type TEXT NOT NULL,
        set_identifier TEXT NOT NULL,
        name TEXT NOT NULL,
        data TEXT NOT NULL,
        PRIMARY KEY (zone_id, sort_name, type, set_identifier)
    );
    CREATE TABLE route53_changes (
        change_id TEXT PRIMARY KEY,
        account_id TEXT NOT NULL,
        comment TEXT,
        submitted_s REAL NOT NULL
    );
    CREATE TABLE route53_health_checks (
        health_check_id TEXT PRIMARY KEY,
        account_id TEXT NOT NULL,
        caller_reference TEXT NOT NULL,
        config TEXT NOT NULL,
        version INTEGER NOT NULL,
        created_s REAL NOT NULL
    );
    CREATE UNIQUE INDEX route53_health_checks_by_reference
        ON route53_health_checks (account_id, caller_reference);
    CREATE TABLE route53_tags (
        resource_type TEXT NOT NULL,
        resource_id TEXT NOT NULL,
        key TEXT NOT NULL,
        value TEXT NOT NULL,
        PRIMARY KEY (resource_type, resource_id, key)
    );
    """,
    """
    CREATE TABLE route53_delegation_sets (
        delegation_set_id TEXT PRIMARY KEY,
        account_id TEXT NOT NULL,
        caller_reference TEXT NOT NULL,
        name_servers TEXT NOT NULL,
        created_s REAL NOT NULL
    );
    CREATE UNIQUE INDEX route53_delegation_sets_by_reference
        ON route53_delegation_sets (account_id, caller_reference);
    """,
    """
    CREATE TABLE route53_query_logging (
        config_id TEXT PRIMARY KEY,
        account_id TEXT NOT NULL,
        zone_id TEXT NOT NULL UNIQUE,
        log_group_arn TEXT NOT NULL,
        created_s REAL NOT NULL
    );
    CREATE TABLE route53_cidr_collections (
        collection_id TEXT PRIMARY KEY,
        account_id TEXT NOT NULL,
        name TEXT NOT NULL,
        caller_reference TEXT NOT NULL,
        version INTEGER NOT NULL,
        created_s REAL NOT NULL
    );
    CREATE UNIQUE INDEX route53_cidr_collections_by_name
        ON route53_cidr_collections (account_id, name);
    CREATE TABLE route53_cidr_blocks (
        collection_id TEXT NOT NULL,
        location TEXT NOT NULL,
        cidr TEXT NOT NULL,
        PRIMARY KEY (collection_id, location, cidr)
    );
    CREATE TABLE route53_vpc_authorizations (
        zone_id TEXT NOT NULL,
        vpc_id TEXT NOT NULL,
        vpc_region TEXT NOT NULL,
        created_s REAL NOT NULL,
        PRIMARY KEY (zone_id, vpc_id, vpc_region)
    );
    """,
    """
    CREATE TABLE route53_traffic_policies (
        policy_id TEXT NOT NULL,
        version INTEGER NOT NULL,
        account_id TEXT NOT NULL,
        name TEXT NOT NULL,
        type TEXT NOT NULL,
        document TEXT NOT NULL,
        comment TEXT,
        PRIMARY KEY (policy_id, version)
    );
    CREATE TABLE route53_traffic_policy_instances (
        instance_id TEXT PRIMARY KEY,
        account_id TEXT NOT NULL,
        zone_id TEXT NOT NULL,
        name TEXT NOT NULL,
        ttl INTEGER NOT NULL,
        policy_id TEXT NOT NULL,
        policy_version INTEGER NOT NULL,
        type TEXT NOT NULL
    );
    CREATE UNIQUE INDEX route53_traffic_policy_instances_by_name
        ON route53_traffic_policy_instances (zone_id, name);
    """,
)


def ready_store(store: Store) -> Store:
    """The store with Route 53's tables in place (migrated once per store object)."""
    store.ensure_schema(NAMESPACE, list(SCHEMA))
    return store
