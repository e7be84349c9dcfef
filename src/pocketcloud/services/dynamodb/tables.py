"""Table operations: CreateTable, DescribeTable, ListTables, DeleteTable, UpdateTable, TTL.

Creation, updates and deletion finish at once; the operation's own answer reports the
transitional status (CREATING, UPDATING, DELETING) as AWS does, and DescribeTable afterwards
reports the settled one, so waiters succeed on their first poll.
"""

from __future__ import annotations

import json
from typing import Any

from pocketcloud.arns import arn
from pocketcloud.context import RequestContext
from pocketcloud.errors import AwsError
from pocketcloud.services.dynamodb import (
    encryption,
    history,
    replicas,
    resource_policies,
    storage,
    streams,
    warm_throughput,
)
from pocketcloud.services.dynamodb import table_validation as check
from pocketcloud.services.dynamodb.storage import RESOURCE_NOT_FOUND, TableMeta
from pocketcloud.services.dynamodb.values import invalid, invalid_parameter
from pocketcloud.store import Tx

MAX_LIST_TABLES = 100
MAX_TABLES_PER_REGION = 2500


def table_arn(ctx: RequestContext, name: str) -> str:
    return arn("dynamodb", ctx.region, ctx.account_id, f"table/{name}")


def create_table(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = params["TableName"]
    check.check_table_name(name)
    # Optional in newer specs: without it, the key schema names undefined attributes (a 400).
    types = check.attribute_types(params.setdefault("AttributeDefinitions", []))
    check.check_key_schema(params.setdefault("KeySchema", []), types, "table")
    mode = check.check_billing(params)
    check.check_indexes(params, types, mode)
    check.check_defined_attributes_used(params, types)
    check.check_stream_specification(params.get("StreamSpecification"))
    check.check_table_class(params.get("TableClass"))
    tags = list(params.get("Tags") or [])
    check.check_tags(tags)
    check.check_tag_count(len(tags))
    now = ctx.cloud.clock.now()
    description = new_description(ctx, params, mode, now)
    meta = {"description": description, "tags": tags, storage.JSON_ITEMS: True}
    policy = params.get("ResourcePolicy")
    if policy is not None:
        resource_policies.check_policy(ctx, policy, description["TableArn"], True)
    with storage.store(ctx).write() as tx:
        table_id = insert_table(tx, ctx.account_id, ctx.region, name, meta)
        if policy is not None:
            resource_policies.store_policy(ctx, tx, table_id, description["TableArn"], policy)
    if policy is not None:
        resource_policies.changed(storage.store(ctx))
    storage.forget(ctx, name)
    shown = described(storage.build_meta(name, table_id, meta), (0, 0), {})
    shown["TableStatus"] = "CREATING"
    warm_throughput.mark(shown, "CREATING")
    for index in shown.get("GlobalSecondaryIndexes", ()):
        index["IndexStatus"] = "CREATING"
        warm_throughput.mark(index, "CREATING")
    return {"TableDescription": shown}


def insert_table(
    tx: Tx,
    account_id: str,
    region: str,
    name: str,
    meta: dict[str, Any],
    exists_code: str = "ResourceInUseException",
) -> int:
    """A new table row; its id. AWS's errors when the name is taken or the quota is reached."""
    exists = tx.fetchvalue(
        "SELECT 1 FROM dynamodb_tables WHERE account_id = ? AND region = ? AND name = ?",
        (account_id, region, name),
    )
    if exists:
        raise AwsError(exists_code, f"Table already exists: {name}")
    count = tx.fetchvalue(
        "SELECT COUNT(*) FROM dynamodb_tables WHERE account_id = ? AND region = ?",
        (account_id, region),
    )
    if count >= MAX_TABLES_PER_REGION:
        raise AwsError(
            "LimitExceededException",
            f"Subscriber limit exceeded: Table limit of {MAX_TABLES_PER_REGION} reached",
        )
    table_id = int(tx.fetchvalue("SELECT COALESCE(MAX(table_id), 0) + 1 FROM dynamodb_tables"))
    tx.execute(
        "INSERT INTO dynamodb_tables (account_id, region, name, table_id, meta) "
        "VALUES (?, ?, ?, ?, ?)",
        (account_id, region, name, table_id, json.dumps(meta)),
    )
    return table_id


def new_description(
    ctx: RequestContext, params: dict[str, Any], mode: str, now: float
) -> dict[str, Any]:
    name = params["TableName"]
    description: dict[str, Any] = {
        "AttributeDefinitions": params["AttributeDefinitions"],
        "TableName": name,
        "KeySchema": params["KeySchema"],
        "TableStatus": "ACTIVE",
        "CreationDateTime": now,
        "ProvisionedThroughput": throughput_description(params.get("ProvisionedThroughput")),
        "TableArn": table_arn(ctx, name),
        "TableId": ctx.cloud.ids.uuid4(),
        "DeletionProtectionEnabled": bool(params.get("DeletionProtectionEnabled", False)),
    }
    if mode == "PAY_PER_REQUEST":
        description["BillingModeSummary"] = {
            "BillingMode": mode,
            "LastUpdateToPayPerRequestDateTime": now,
        }
    if params.get("TableClass"):
        description["TableClassSummary"] = {"TableClass": params["TableClass"]}
    if params.get("WarmThroughput"):
        description["WarmThroughput"] = warm_throughput.requested(params["WarmThroughput"])
    sse = encryption.description(ctx, params.get("SSESpecification"))
    if sse is not None:
        description["SSEDescription"] = sse
    for member in ("GlobalSecondaryIndexes", "LocalSecondaryIndexes"):
        indexes = params.get(member)
        if indexes:
            description[member] = [new_index(ctx, name, i, member) for i in indexes]
    spec = params.get("StreamSpecification")
    if spec and spec.get("StreamEnabled"):
        streams.enable(ctx, description, spec, now)
    return description


def new_index(
    ctx: RequestContext, table: str, index: dict[str, Any], member: str
) -> dict[str, Any]:
    described = {
        "IndexName": index["IndexName"],
        "KeySchema": index["KeySchema"],
        "Projection": index["Projection"],
        "IndexArn": table_arn(ctx, table) + "/index/" + index["IndexName"],
    }
    if member == "GlobalSecondaryIndexes":
        described["IndexStatus"] = "ACTIVE"
        described["ProvisionedThroughput"] = throughput_description(
            index.get("ProvisionedThroughput")
        )
        if index.get("WarmThroughput"):
            described["WarmThroughput"] = warm_throughput.requested(index["WarmThroughput"])
    return described


def throughput_description(given: dict[str, int] | None) -> dict[str, Any]:
    given = given or {}
    return {
        "NumberOfDecreasesToday": 0,
        "ReadCapacityUnits": given.get("ReadCapacityUnits", 0),
        "WriteCapacityUnits": given.get("WriteCapacityUnits", 0),
    }


def described(
    table: TableMeta, counts: tuple[int, int], index_counts: dict[str, tuple[int, int]]
) -> dict[str, Any]:
    shown = json.loads(json.dumps(table.description))  # a copy callers may change
    shown["ItemCount"], shown["TableSizeBytes"] = counts
    for member in ("GlobalSecondaryIndexes", "LocalSecondaryIndexes"):
        for index in shown.get(member, ()):
            count, size = index_counts.get(index["IndexName"], (0, 0))
            index["ItemCount"], index["IndexSizeBytes"] = count, size
    warm_throughput.show(shown)
    replicas.describe(table, shown)
    return shown


def describe_table(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    table = storage.table_meta(ctx, params["TableName"], named=True)
    with storage.store(ctx).read() as tx:
        counts = storage.table_counts(tx, table.table_id)
        index_counts = {
            name: storage.index_counts(tx, table.table_id, name) for name in table.indexes
        }
    return {"Table": described(table, counts, index_counts)}


def list_tables(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    limit = params.get("Limit", MAX_LIST_TABLES)
    if not 1 <= limit <= MAX_LIST_TABLES:
        raise invalid(
            f"1 validation error detected: Value '{limit}' at 'limit' failed to satisfy "
            "constraint: Member must have value less than or equal to 100"
        )
    start = params.get("ExclusiveStartTableName", "")
    with storage.store(ctx).read() as tx:
        rows = tx.fetchall(
            "SELECT name FROM dynamodb_tables WHERE account_id = ? AND region = ? AND name > ? "
            "ORDER BY name LIMIT ?",
            (ctx.account_id, ctx.region, start, limit + 1),
        )
    names = [row[0] for row in rows[:limit]]
    result: dict[str, Any] = {"TableNames": names}
    if len(rows) > limit:
        result["LastEvaluatedTableName"] = names[-1]
    return result


def delete_table(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = params["TableName"]
    table = storage.table_meta(ctx, name, named=True)
    if table.description.get("DeletionProtectionEnabled"):
        raise invalid(
            "Resource cannot be deleted as it is currently protected against deletion. "
            "Disable deletion protection first."
        )
    if history.active(table):  # DynamoDB keeps a system backup of a table with PITR on
        from pocketcloud.services.dynamodb.backups import take_backup

        take_backup(ctx, name, f"{name}$DeletedTableBackup", "SYSTEM")
    with storage.store(ctx).write() as tx:
        counts = storage.table_counts(tx, table.table_id)
        deleted = tx.execute(
            "DELETE FROM dynamodb_tables WHERE account_id = ? AND region = ? AND name = ?",
            (ctx.account_id, ctx.region, name),
        )
        if not deleted:
            raise AwsError("ResourceNotFoundException", RESOURCE_NOT_FOUND)
        drop_rows(tx, table.table_id)
        replicas.table_deleted(ctx, tx, table)
    resource_policies.changed(storage.store(ctx))
    storage.forget(ctx, name)
    shown = described(table, counts, {})
    shown["TableStatus"] = "DELETING"
    warm_throughput.mark(shown, "DELETING")
    return {"TableDescription": shown}


def drop_rows(tx: Tx, table_id: int) -> None:
    """Everything a table owns but its own row."""
    for sql in (
        "DELETE FROM dynamodb_items WHERE table_id = ?",
        "DELETE FROM dynamodb_index_entries WHERE table_id = ?",
        "DELETE FROM dynamodb_stream_records WHERE table_id = ?",
        "DELETE FROM dynamodb_ttl WHERE table_id = ?",
        "DELETE FROM dynamodb_history WHERE table_id = ?",
        "DELETE FROM dynamodb_resource_policies WHERE table_id = ?",
    ):
        tx.execute(sql, (table_id,))


def save_meta(ctx: RequestContext, table: TableMeta, meta: dict[str, Any]) -> TableMeta:
    with storage.store(ctx).write() as tx:
        changed = tx.execute(
            "UPDATE dynamodb_tables SET meta = ? WHERE account_id = ? AND region = ? AND name = ?",
            (json.dumps(meta), ctx.account_id, ctx.region, table.name),
        )
    storage.forget(ctx, table.name)
    if not changed:
        raise AwsError("ResourceNotFoundException", RESOURCE_NOT_FOUND)
    return storage.build_meta(table.name, table.table_id, meta)


def table_for_arn(ctx: RequestContext, resource_arn: str) -> TableMeta:
    prefix = table_arn(ctx, "")
    if not resource_arn.startswith(prefix):
        raise invalid(f"Invalid TableArn: Invalid ResourceArn provided as input {resource_arn}")
    name = resource_arn[len(prefix) :].split("/", 1)[0]
    try:
        return storage.table_meta(ctx, name)
    except AwsError:
        # 'ResourcArn' is DynamoDB's own spelling in this answer (dynalite's tagging tests,
        # run against DynamoDB, expect it).
        raise AwsError(
            "ResourceNotFoundException",
            f"Requested resource not found: ResourcArn: {resource_arn} not found",
        ) from None


def describe_endpoints(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    host = ctx.request.host if ctx.request is not None and ctx.request.host else ""
    address = host or f"dynamodb.{ctx.region}.amazonaws.com"
    return {"Endpoints": [{"Address": address, "CachePeriodInMinutes": 1440}]}


def describe_limits(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    return {
        "AccountMaxReadCapacityUnits": 80000,
        "AccountMaxWriteCapacityUnits": 80000,
        "TableMaxReadCapacityUnits": 40000,
        "TableMaxWriteCapacityUnits": 40000,
    }


def check_key_attribute_changes(table: TableMeta, params: dict[str, Any]) -> None:
    if params.get("KeySchema"):
        raise invalid_parameter("Cannot update the key schema of a table")
