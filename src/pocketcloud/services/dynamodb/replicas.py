"""Global tables, version 2019.11.21: UpdateTable's ReplicaUpdates add and remove replicas.

A replica is a table of the same name in another region of the same account. Every member's
metadata lists the group's regions; every item change is applied to all members in the same
store transaction (see changes.py), so each region sees every write, in the order written, and
the last write anywhere wins everywhere. Replicas keep their own streams, indexes and counts.
"""

from __future__ import annotations

import json
from typing import Any

from pocketcloud.arns import arn
from pocketcloud.context import RequestContext
from pocketcloud.errors import AwsError
from pocketcloud.infra.regions import is_valid_region
from pocketcloud.services.dynamodb import resource_policies, storage, streams
from pocketcloud.services.dynamodb.storage import TableMeta
from pocketcloud.services.dynamodb.values import invalid
from pocketcloud.store import Tx

GLOBAL_TABLE_VERSION = "2019.11.21"
LEGACY_VERSION = "2017.11.29"  # legacy_globals.py; its members' meta say so under VERSION_KEY
VERSION_KEY = "global_version"
_ROW = "SELECT table_id, meta FROM dynamodb_tables WHERE account_id = ? AND region = ? AND name = ?"


def place(table: TableMeta) -> tuple[str, str]:
    """(account id, region) of a table, from its ARN."""
    parts = table.description["TableArn"].split(":")
    return parts[4], parts[3]


def other_tables(tx: Tx, table: TableMeta) -> list[TableMeta]:
    account_id, region = place(table)
    found = []
    for other in table.meta.get("replicas") or ():
        if other != region:
            row = tx.fetchone(_ROW, (account_id, other, table.name))
            if row is not None:
                found.append(storage.build_meta(table.name, row[0], json.loads(row[1])))
    return found


def is_legacy(table: TableMeta) -> bool:
    return table.meta.get(VERSION_KEY) == LEGACY_VERSION


def synced_regions(table: TableMeta) -> list[str]:
    """The regions whose settings DynamoDB keeps in step with this table's: a current-version
    group's (a legacy global table's members keep their own settings)."""
    return [] if is_legacy(table) else list(table.meta.get("replicas") or ())


def describe(table: TableMeta, shown: dict[str, Any], creating: tuple[str, ...] = ()) -> None:
    """GlobalTableVersion and Replicas of a current-version member; a legacy member shows
    neither (AWS: only DescribeGlobalTable tells a 2017.11.29 replica)."""
    group = table.meta.get("replicas")
    if not group or is_legacy(table):
        return
    _, region = place(table)
    shown["GlobalTableVersion"] = GLOBAL_TABLE_VERSION
    shown["Replicas"] = [
        {"RegionName": other, "ReplicaStatus": "CREATING" if other in creating else "ACTIVE"}
        for other in group
        if other != region
    ]


def update_replicas(
    ctx: RequestContext, table: TableMeta, updates: list[dict[str, Any]]
) -> list[str]:
    """Apply ReplicaUpdates (Create, Delete); the regions being created."""
    created: list[str] = []
    with storage.store(ctx).write() as tx:
        row = tx.fetchone(_ROW, (ctx.account_id, ctx.region, table.name))
        if row is None:
            raise AwsError("ResourceNotFoundException", storage.RESOURCE_NOT_FOUND)
        source = storage.build_meta(table.name, row[0], json.loads(row[1]))
        if is_legacy(source):
            raise invalid(
                f"One or more parameter values were invalid: Table {table.name} is a replica of "
                f"a global table of version {LEGACY_VERSION}: use UpdateGlobalTable"
            )
        group = list(source.meta.get("replicas") or [ctx.region])
        for update in updates:
            if "Create" in update:
                region = update["Create"]["RegionName"]
                _check_new_region(ctx, tx, source, group, region)
                _create_replica(ctx, tx, source, region)
                group.append(region)
                created.append(region)
            elif "Delete" in update:
                region = update["Delete"]["RegionName"]
                if region not in group or region == ctx.region:
                    raise invalid(
                        f"Failed to delete the replica of table with name: '{table.name}' "
                        f"in region {region} because it is not a replica of this table"
                    )
                _drop_table(ctx, tx, region, table.name)
                group.remove(region)
            else:
                raise invalid("Only Create and Delete replica updates are supported")
        _save_group(ctx, tx, table.name, group)
    return created


def _check_new_region(
    ctx: RequestContext, tx: Tx, source: TableMeta, group: list[str], region: str
) -> None:
    if not is_valid_region(region):
        raise invalid(f"Region {region} is not a valid AWS region")
    if region in group:
        raise invalid(
            f"Failed to create a the new replica of table with name: '{source.name}' because "
            "one or more replicas already existed as tables."
            if region != ctx.region
            else f"Cannot add a replica of table '{source.name}' in its own region {region}"
        )
    if tx.fetchone(_ROW, (ctx.account_id, region, source.name)) is not None:
        raise invalid(
            f"Failed to create a the new replica of table with name: '{source.name}' because "
            "one or more replicas already existed as tables."
        )


def _create_replica(ctx: RequestContext, tx: Tx, source: TableMeta, region: str) -> None:
    from pocketcloud.services.dynamodb.tables import insert_table  # tables imports this module

    now = ctx.cloud.clock.now()
    meta = json.loads(json.dumps(source.meta))
    meta.pop("pitr", None)
    description = meta["description"]
    description["TableArn"] = arn("dynamodb", region, ctx.account_id, f"table/{source.name}")
    description["TableId"] = ctx.cloud.ids.uuid4()
    description["CreationDateTime"] = now
    for member in ("GlobalSecondaryIndexes", "LocalSecondaryIndexes"):
        for index in description.get(member) or ():
            index["IndexArn"] = f"{description['TableArn']}/index/{index['IndexName']}"
    if source.stream_view_type is None:
        streams.enable(ctx, description, {"StreamViewType": "NEW_AND_OLD_IMAGES"}, now)
    else:
        streams.enable(ctx, description, {"StreamViewType": source.stream_view_type}, now)
    table_id = insert_table(tx, ctx.account_id, region, source.name, meta)
    replica = storage.build_meta(source.name, table_id, meta)
    rows = tx.fetchall(
        "SELECT pk, sk, item, size_bytes FROM dynamodb_items WHERE table_id = ?",
        (source.table_id,),
    )
    for pk, sk, raw, size in rows:
        storage.write_item(tx, replica, (pk, sk), None, storage.decode_item(raw), size)
    storage.forget_in(ctx.cloud, ctx.account_id, region, source.name)
    if source.stream_view_type is None:  # replication needs the source's stream too
        own = json.loads(json.dumps(source.meta))
        streams.enable(ctx, own["description"], {"StreamViewType": "NEW_AND_OLD_IMAGES"}, now)
        tx.execute(
            "UPDATE dynamodb_tables SET meta = ? WHERE table_id = ?",
            (json.dumps(own), source.table_id),
        )


def _drop_table(ctx: RequestContext, tx: Tx, region: str, name: str) -> None:
    from pocketcloud.services.dynamodb.tables import drop_rows

    row = tx.fetchone(_ROW, (ctx.account_id, region, name))
    if row is not None:
        drop_rows(tx, row[0])
        tx.execute("DELETE FROM dynamodb_tables WHERE table_id = ?", (row[0],))
        resource_policies.changed(storage.store(ctx))  # its policy went with it
    storage.forget_in(ctx.cloud, ctx.account_id, region, name)


def _save_group(ctx: RequestContext, tx: Tx, name: str, group: list[str]) -> None:
    for region in group:
        row = tx.fetchone(_ROW, (ctx.account_id, region, name))
        if row is None:
            continue
        meta = json.loads(row[1])
        if len(group) > 1:
            meta["replicas"] = sorted(group)
        else:
            meta.pop("replicas", None)
        tx.execute(
            "UPDATE dynamodb_tables SET meta = ? WHERE table_id = ?", (json.dumps(meta), row[0])
        )
        storage.forget_in(ctx.cloud, ctx.account_id, region, name)


def table_deleted(ctx: RequestContext, tx: Tx, table: TableMeta) -> None:
    """DeleteTable of one member: the others stay, without it."""
    if is_legacy(table):
        from pocketcloud.services.dynamodb import legacy_globals  # it imports this module

        legacy_globals.member_deleted(ctx, tx, table)
        return
    group = [r for r in table.meta.get("replicas") or () if r != ctx.region]
    if group:
        _save_group(ctx, tx, table.name, group)
