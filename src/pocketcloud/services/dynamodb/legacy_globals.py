"""Global tables version 2017.11.29 (legacy): CreateGlobalTable, DescribeGlobalTable,
UpdateGlobalTable and ListGlobalTables.

A legacy global table joins tables the caller made beforehand, one per region: same name and
keys, streams on with NEW_AND_OLD_IMAGES, and empty. Once joined, the members replicate as
current-version replicas do (every member's meta names the group, so changes.py applies each
write to all of them in one store transaction). What differs is management: this API, each
member keeps its own settings, removing a region leaves its table standing, and DescribeTable
shows no GlobalTableVersion (AWS: DescribeGlobalTable is how a legacy replica is told).
"""

from __future__ import annotations

import json
from typing import Any

from pocketcloud.arns import global_arn
from pocketcloud.context import RequestContext
from pocketcloud.errors import AwsError
from pocketcloud.infra.regions import is_valid_region
from pocketcloud.services.dynamodb import replicas, storage
from pocketcloud.services.dynamodb.storage import TableMeta
from pocketcloud.services.dynamodb.values import invalid, invalid_parameter
from pocketcloud.store import Tx

LIST_GLOBAL_TABLES_MAX = 100
_GROUP = "SELECT created_s, regions FROM dynamodb_global_tables WHERE account_id = ? AND name = ?"
_SAVE = "UPDATE dynamodb_global_tables SET regions = ? WHERE account_id = ? AND name = ?"


def global_table_arn(account_id: str, name: str) -> str:
    return global_arn("dynamodb", account_id, f"global-table/{name}")


def not_found() -> AwsError:
    return AwsError("GlobalTableNotFoundException", "Global table not found")


def group_of(ctx: RequestContext, tx: Tx, name: str) -> tuple[float, list[str]]:
    """(creation time, regions) of the account's global table `name`."""
    row = tx.fetchone(_GROUP, (ctx.account_id, name))
    if row is None:
        raise not_found()
    return float(row[0]), list(json.loads(row[1]))


def member(ctx: RequestContext, tx: Tx, region: str, name: str) -> TableMeta | None:
    row = tx.fetchone(
        "SELECT table_id, meta FROM dynamodb_tables "
        "WHERE account_id = ? AND region = ? AND name = ?",
        (ctx.account_id, region, name),
    )
    return None if row is None else storage.build_meta(name, row[0], json.loads(row[1]))


# -- the operations -------------------------------------------------------------------------


def create_global_table(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = params["GlobalTableName"]
    regions = _regions(params["ReplicationGroup"])
    now = ctx.cloud.clock.now()
    with storage.store(ctx).write() as tx:
        if tx.fetchone(_GROUP, (ctx.account_id, name)) is not None:
            raise AwsError(
                "GlobalTableAlreadyExistsException", "Global table with this name already exists"
            )
        tables = [_joinable(ctx, tx, region, name) for region in regions]
        for table, region in zip(tables[1:], regions[1:], strict=True):
            _check_alike(tables[0], table, region)
        tx.execute(
            "INSERT INTO dynamodb_global_tables (account_id, name, created_s, regions) "
            "VALUES (?, ?, ?, ?)",
            (ctx.account_id, name, now, json.dumps(regions)),
        )
        _mark_members(ctx, tx, name, regions, regions)
    return {"GlobalTableDescription": _description(ctx, name, now, regions, "CREATING")}


def describe_global_table(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = params["GlobalTableName"]
    with storage.store(ctx).read() as tx:
        created, regions = group_of(ctx, tx, name)
    return {"GlobalTableDescription": _description(ctx, name, created, regions, "ACTIVE")}


def update_global_table(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = params["GlobalTableName"]
    updates = params["ReplicaUpdates"]
    if not updates:
        raise invalid_parameter("ReplicaUpdates must not be empty")
    with storage.store(ctx).write() as tx:
        created, regions = group_of(ctx, tx, name)
        before = list(regions)
        for update in updates:
            _apply_update(ctx, tx, name, regions, update)
        tx.execute(_SAVE, (json.dumps(regions), ctx.account_id, name))
        _mark_members(ctx, tx, name, regions, sorted({*before, *regions}))
    return {"GlobalTableDescription": _description(ctx, name, created, regions, "UPDATING")}


def list_global_tables(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    limit = min(params.get("Limit") or LIST_GLOBAL_TABLES_MAX, LIST_GLOBAL_TABLES_MAX)
    wanted = params.get("RegionName")
    start = params.get("ExclusiveStartGlobalTableName") or ""
    with storage.store(ctx).read() as tx:
        rows = tx.fetchall(
            "SELECT name, regions FROM dynamodb_global_tables WHERE account_id = ? AND name > ? "
            "ORDER BY name",
            (ctx.account_id, start),
        )
    found = []
    for name, raw in rows:
        regions = json.loads(raw)
        if wanted is None or wanted in regions:
            found.append({"GlobalTableName": name,
                          "ReplicationGroup": [{"RegionName": r} for r in regions]})  # fmt: skip
    result: dict[str, Any] = {"GlobalTables": found[:limit]}
    if len(found) > limit:
        result["LastEvaluatedGlobalTableName"] = found[limit - 1]["GlobalTableName"]
    return result


def member_deleted(ctx: RequestContext, tx: Tx, table: TableMeta) -> None:
    """DeleteTable of a member: its region leaves the group (the other members stay)."""
    row = tx.fetchone(_GROUP, (ctx.account_id, table.name))
    if row is None:
        return
    regions = [r for r in json.loads(row[1]) if r != ctx.region]
    tx.execute(_SAVE, (json.dumps(regions), ctx.account_id, table.name))
    _mark_members(ctx, tx, table.name, regions, regions)


# -- helpers --------------------------------------------------------------------------------


def _regions(group: list[dict[str, Any]]) -> list[str]:
    for index, replica in enumerate(group, start=1):
        if replica.get("RegionName") is None:  # optional in the model, not in the service
            raise invalid(
                "1 validation error detected: Value null at "
                f"'replicationGroup.{index}.member.regionName' failed to satisfy constraint: "
                "Member must not be null"
            )
    regions = [replica["RegionName"] for replica in group]
    if not regions:
        raise invalid_parameter("ReplicationGroup must contain at least one region")
    for region in regions:
        if not is_valid_region(region):
            raise invalid(f"Region {region} is not a valid AWS region")
    if len(set(regions)) != len(regions):
        raise invalid_parameter("ReplicationGroup contains duplicate regions")
    return regions


def _joinable(ctx: RequestContext, tx: Tx, region: str, name: str) -> TableMeta:
    """The table that joins the group in `region`, or AWS's error for why it cannot."""
    table = member(ctx, tx, region, name)
    if table is None:
        raise AwsError(
            "TableNotFoundException",
            f"Table not found: Table: '{name}' not found in region: '{region}'.",
        )
    if table.meta.get("replicas"):
        raise invalid_parameter(
            f"Table: {name} in region: {region} is already a replica of a global table"
        )
    if table.stream_view_type != "NEW_AND_OLD_IMAGES":
        raise invalid_parameter(
            f"Table: {name} in region: {region} must have DynamoDB Streams enabled with "
            "StreamViewType NEW_AND_OLD_IMAGES"
        )
    if storage.table_counts(tx, table.table_id)[0]:
        raise invalid_parameter(f"Replica table: {name} in region: {region} is not empty")
    return table


def _shape(table: TableMeta) -> Any:
    """What every member must share: its key schema and its indexes' names and keys."""
    def keys(schema: list[dict[str, str]]) -> list[tuple[str, str, str]]:
        return [(k["AttributeName"], k["KeyType"], types[k["AttributeName"]]) for k in schema]

    description = table.description
    types = {a["AttributeName"]: a["AttributeType"] for a in description["AttributeDefinitions"]}
    indexes = {
        (member, index["IndexName"]): keys(index["KeySchema"])
        for member in ("GlobalSecondaryIndexes", "LocalSecondaryIndexes")
        for index in description.get(member) or ()
    }
    return keys(description["KeySchema"]), indexes


def _check_alike(first: TableMeta, table: TableMeta, region: str) -> None:
    mine, theirs = _shape(table), _shape(first)
    if mine[0] != theirs[0]:
        raise invalid_parameter(
            f"Table: {table.name} in region: {region} has a key schema that differs from the "
            "other replicas'"
        )
    if mine[1] != theirs[1]:
        raise invalid_parameter(
            f"Table: {table.name} in region: {region} has secondary indexes that differ from "
            "the other replicas'"
        )


def _apply_update(
    ctx: RequestContext, tx: Tx, name: str, regions: list[str], update: dict[str, Any]
) -> None:
    if ("Create" in update) == ("Delete" in update):
        raise invalid_parameter("A replica update must contain exactly one of Create or Delete")
    if "Delete" in update:
        region = update["Delete"]["RegionName"]
        if region not in regions:
            raise AwsError("ReplicaNotFoundException", f"Replica not found in region: {region}")
        regions.remove(region)
        return
    region = update["Create"]["RegionName"]
    if not is_valid_region(region):
        raise invalid(f"Region {region} is not a valid AWS region")
    if region in regions:
        raise AwsError(
            "ReplicaAlreadyExistsException", f"Replica already exists in region: {region}"
        )
    table = _joinable(ctx, tx, region, name)
    source = next((m for r in regions if (m := member(ctx, tx, r, name)) is not None), None)
    if source is not None:
        _check_alike(source, table, region)
        _copy_items(tx, source, table)
    regions.append(region)


def _copy_items(tx: Tx, source: TableMeta, target: TableMeta) -> None:
    """A new member starts with the group's items (written before it joined)."""
    rows = tx.fetchall(
        "SELECT pk, sk, item, size_bytes FROM dynamodb_items WHERE table_id = ?",
        (source.table_id,),
    )
    for pk, sk, raw, size in rows:
        storage.write_item(tx, target, (pk, sk), None, storage.decode_item(raw), size)


def _mark_members(
    ctx: RequestContext, tx: Tx, name: str, regions: list[str], touched: list[str]
) -> None:
    """Each member's meta names the group (so writes replicate); a region that left it is
    a standalone table again."""
    for region in touched:
        table = member(ctx, tx, region, name)
        if table is None:
            continue
        meta = json.loads(json.dumps(table.meta))
        if region in regions:
            meta["replicas"] = sorted(regions)
            meta[replicas.VERSION_KEY] = replicas.LEGACY_VERSION
        else:
            meta.pop("replicas", None)
            meta.pop(replicas.VERSION_KEY, None)
        tx.execute(
            "UPDATE dynamodb_tables SET meta = ? WHERE table_id = ?",
            (json.dumps(meta), table.table_id),
        )
        storage.forget_in(ctx.cloud, ctx.account_id, region, name)


def _description(
    ctx: RequestContext, name: str, created: float, regions: list[str], status: str
) -> dict[str, Any]:
    return {
        "ReplicationGroup": [{"RegionName": r, "ReplicaStatus": "ACTIVE"} for r in regions],
        "GlobalTableArn": global_table_arn(ctx.account_id, name),
        "CreationDateTime": created,
        "GlobalTableStatus": status,
        "GlobalTableName": name,
    }
