"""Amazon DynamoDB: one function per operation (they live in the modules named below)."""

from __future__ import annotations

from pocketcloud.services.dynamodb.backups import (
    create_backup,
    delete_backup,
    describe_backup,
    describe_continuous_backups,
    list_backups,
    restore_table_from_backup,
    restore_table_to_point_in_time,
    update_continuous_backups,
)
from pocketcloud.services.dynamodb.batch import batch_get_item, batch_write_item
from pocketcloud.services.dynamodb.constraints import checked
from pocketcloud.services.dynamodb.exports import (
    describe_export,
    export_table_to_point_in_time,
    list_exports,
)
from pocketcloud.services.dynamodb.global_settings import (
    describe_global_table_settings,
    update_global_table_settings,
)
from pocketcloud.services.dynamodb.imports import describe_import, import_table, list_imports
from pocketcloud.services.dynamodb.insights import (
    describe_contributor_insights,
    list_contributor_insights,
    update_contributor_insights,
)
from pocketcloud.services.dynamodb.items import delete_item, get_item, put_item, update_item
from pocketcloud.services.dynamodb.legacy_globals import (
    create_global_table,
    describe_global_table,
    list_global_tables,
    update_global_table,
)
from pocketcloud.services.dynamodb.owners import owned
from pocketcloud.services.dynamodb.partiql import (
    batch_execute_statement,
    execute_statement,
    execute_transaction,
)
from pocketcloud.services.dynamodb.query import query, scan
from pocketcloud.services.dynamodb.replica_autoscaling import (
    describe_table_replica_auto_scaling,
    update_table_replica_auto_scaling,
)
from pocketcloud.services.dynamodb.resource_policies import (
    delete_resource_policy,
    get_resource_policy,
    put_resource_policy,
)
from pocketcloud.services.dynamodb.table_updates import update_table
from pocketcloud.services.dynamodb.tables import (
    create_table,
    delete_table,
    describe_endpoints,
    describe_limits,
    describe_table,
    list_tables,
)
from pocketcloud.services.dynamodb.tags import list_tags_of_resource, tag_resource, untag_resource
from pocketcloud.services.dynamodb.transactions import transact_get_items, transact_write_items
from pocketcloud.services.dynamodb.ttl import describe_time_to_live, update_time_to_live
from pocketcloud.services.dynamodb.wire import register as register_wire

register_wire()  # before the first response is serialized

__all__ = [
    "batch_execute_statement",
    "execute_statement",
    "execute_transaction",
    "create_backup",
    "delete_backup",
    "describe_backup",
    "describe_continuous_backups",
    "list_backups",
    "restore_table_from_backup",
    "restore_table_to_point_in_time",
    "update_continuous_backups",
    "batch_get_item",
    "batch_write_item",
    "transact_get_items",
    "transact_write_items",
    "create_table",
    "create_global_table",
    "describe_global_table",
    "list_global_tables",
    "update_global_table",
    "describe_global_table_settings",
    "update_global_table_settings",
    "describe_table_replica_auto_scaling",
    "update_table_replica_auto_scaling",
    "describe_export",
    "export_table_to_point_in_time",
    "list_exports",
    "describe_import",
    "import_table",
    "list_imports",
    "describe_contributor_insights",
    "list_contributor_insights",
    "update_contributor_insights",
    "delete_resource_policy",
    "get_resource_policy",
    "put_resource_policy",
    "delete_item",
    "delete_table",
    "describe_endpoints",
    "describe_limits",
    "describe_table",
    "describe_time_to_live",
    "get_item",
    "list_tables",
    "list_tags_of_resource",
    "put_item",
    "query",
    "scan",
    "tag_resource",
    "untag_resource",
    "update_item",
    "update_table",
    "update_time_to_live",
]

# Every operation served over HTTP first checks its request against the spec's constraints.
for _name in __all__:
    globals()[_name] = checked(owned(globals()[_name]))
