"""DescribeGlobalTableSettings and UpdateGlobalTableSettings (global tables version 2017.11.29):
each member's billing mode, provisioned throughput, global secondary index throughput and auto
scaling settings (state only; see replica_autoscaling.py).

Write capacity and the billing mode are set for the whole global table; read capacity per
replica. Every check runs before anything changes, so an update applies to all members or to
none.
"""

from __future__ import annotations

import dataclasses
import functools
from typing import Any

from pocketcloud.context import RequestContext
from pocketcloud.errors import AwsError
from pocketcloud.services.dynamodb import legacy_globals, replica_autoscaling, storage
from pocketcloud.services.dynamodb.replica_autoscaling import merged, set_index, shown
from pocketcloud.services.dynamodb.storage import TableMeta
from pocketcloud.services.dynamodb.values import invalid_parameter


def _members(ctx: RequestContext, name: str) -> list[tuple[str, TableMeta]]:
    with storage.store(ctx).read() as tx:
        _, regions = legacy_globals.group_of(ctx, tx, name)
        found = [(r, legacy_globals.member(ctx, tx, r, name)) for r in regions]
    return [(region, table) for region, table in found if table is not None]


def _mode(table: TableMeta) -> str:
    return str((table.description.get("BillingModeSummary") or {}).get("BillingMode",
                                                                      "PROVISIONED"))


def _replica_settings(region: str, table: TableMeta) -> dict[str, Any]:
    description = table.description
    throughput = description.get("ProvisionedThroughput") or {}
    scaling = table.meta.get(replica_autoscaling.KEY) or {}
    mode = _mode(table)
    summary = description.get("BillingModeSummary") or {"BillingMode": mode}
    settings: dict[str, Any] = {
        "RegionName": region,
        "ReplicaStatus": "ACTIVE",
        "ReplicaBillingModeSummary": summary,
        "ReplicaProvisionedReadCapacityUnits": throughput.get("ReadCapacityUnits", 0),
        "ReplicaProvisionedWriteCapacityUnits": throughput.get("WriteCapacityUnits", 0),
    }
    if mode == "PROVISIONED":
        settings["ReplicaProvisionedReadCapacityAutoScalingSettings"] = shown(scaling.get("read"))
        settings["ReplicaProvisionedWriteCapacityAutoScalingSettings"] = shown(
            scaling.get("write"))
    if description.get("TableClassSummary"):
        settings["ReplicaTableClassSummary"] = description["TableClassSummary"]
    settings["ReplicaGlobalSecondaryIndexSettings"] = [
        _index_settings(index, (scaling.get("indexes") or {}).get(index["IndexName"]) or {},
                        mode)
        for index in description.get("GlobalSecondaryIndexes") or ()
    ]  # fmt: skip
    return settings


def _index_settings(index: dict[str, Any], scaling: dict[str, Any], mode: str) -> dict[str, Any]:
    throughput = index.get("ProvisionedThroughput") or {}
    settings: dict[str, Any] = {
        "IndexName": index["IndexName"],
        "IndexStatus": index.get("IndexStatus", "ACTIVE"),
        "ProvisionedReadCapacityUnits": throughput.get("ReadCapacityUnits", 0),
        "ProvisionedWriteCapacityUnits": throughput.get("WriteCapacityUnits", 0),
    }
    if mode == "PROVISIONED":
        settings["ProvisionedReadCapacityAutoScalingSettings"] = shown(scaling.get("read"))
        settings["ProvisionedWriteCapacityAutoScalingSettings"] = shown(scaling.get("write"))
    return settings


def describe_global_table_settings(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = params["GlobalTableName"]
    members = _members(ctx, name)
    return {"GlobalTableName": name,
            "ReplicaSettings": [_replica_settings(r, t) for r, t in members]}  # fmt: skip


def update_global_table_settings(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    from pocketcloud.services.dynamodb.table_updates import update_table  # it imports tables

    name = params["GlobalTableName"]
    members = _members(ctx, name)
    replica_updates = _replica_updates(params, [r for r, _ in members])
    index_writes = {u["IndexName"]: u for u in
                    params.get("GlobalTableGlobalSecondaryIndexSettingsUpdate") or ()}  # fmt: skip
    for region, table in members:
        _check_indexes(table, index_writes, replica_updates.get(region))
    plans = [(region, table, _table_update(params, table, index_writes,
                                           replica_updates.get(region)))
             for region, table in members]  # fmt: skip
    _update_scaling(ctx, name, params, index_writes, replica_updates)  # all or none: first
    for region, _, update in plans:
        if len(update) > 1:  # more than the table's name
            update_table(dataclasses.replace(ctx, region=region), update, propagate=False)
    return describe_global_table_settings(ctx, {"GlobalTableName": name})


def _replica_updates(params: dict[str, Any], regions: list[str]) -> dict[str, dict[str, Any]]:
    updates: dict[str, dict[str, Any]] = {}
    for update in params.get("ReplicaSettingsUpdate") or ():
        region = update["RegionName"]
        if region not in regions:
            raise AwsError("ReplicaNotFoundException", f"Replica not found in region: {region}")
        if region in updates:
            raise invalid_parameter(f"Duplicate replica settings update for region: {region}")
        updates[region] = update
    return updates


def _check_indexes(
    table: TableMeta, index_writes: dict[str, Any], replica: dict[str, Any] | None
) -> None:
    reads = [u["IndexName"] for u in (replica or {}).get(
        "ReplicaGlobalSecondaryIndexSettingsUpdate") or ()]
    for index in [*index_writes, *reads]:
        if index not in table.indexes or not table.indexes[index].is_global:
            raise AwsError("IndexNotFoundException", f"Index not found: {index}")


def _table_update(
    params: dict[str, Any],
    table: TableMeta,
    index_writes: dict[str, dict[str, Any]],
    replica: dict[str, Any] | None,
) -> dict[str, Any]:
    """The UpdateTable request that gives one member its new settings (checked up front)."""
    replica = replica or {}
    mode = params.get("GlobalTableBillingMode") or _mode(table)
    update: dict[str, Any] = {"TableName": table.name}
    if params.get("GlobalTableBillingMode") and mode != _mode(table):
        update["BillingMode"] = mode
    if replica.get("ReplicaTableClass"):
        update["TableClass"] = replica["ReplicaTableClass"]
    throughput = table.description.get("ProvisionedThroughput") or {}
    write = params.get("GlobalTableProvisionedWriteCapacityUnits")
    read = replica.get("ReplicaProvisionedReadCapacityUnits")
    asked = write is not None or read is not None
    if mode == "PAY_PER_REQUEST" and (asked or index_writes or replica.get(
            "ReplicaGlobalSecondaryIndexSettingsUpdate")):
        raise invalid_parameter(
            "Provisioned capacity cannot be set for a global table in PAY_PER_REQUEST mode")
    if mode == "PROVISIONED" and (asked or "BillingMode" in update):
        wanted = {"ReadCapacityUnits": read or throughput.get("ReadCapacityUnits", 0),
                  "WriteCapacityUnits": write or throughput.get("WriteCapacityUnits", 0)}
        if not all(wanted.values()):
            raise invalid_parameter(
                "Both read and write capacity units must be set for a global table in "
                "PROVISIONED mode")
        update["ProvisionedThroughput"] = wanted
    index_updates = _index_updates(table, index_writes, replica)
    if index_updates:
        update["GlobalSecondaryIndexUpdates"] = index_updates
    return update


def _index_updates(
    table: TableMeta, index_writes: dict[str, dict[str, Any]], replica: dict[str, Any]
) -> list[dict[str, Any]]:
    reads = {u["IndexName"]: u for u in
             replica.get("ReplicaGlobalSecondaryIndexSettingsUpdate") or ()}  # fmt: skip
    updates = []
    for index in table.description.get("GlobalSecondaryIndexes") or ():
        name = index["IndexName"]
        read = (reads.get(name) or {}).get("ProvisionedReadCapacityUnits")
        write = (index_writes.get(name) or {}).get("ProvisionedWriteCapacityUnits")
        if read is None and write is None:
            continue
        current = index.get("ProvisionedThroughput") or {}
        throughput = {"ReadCapacityUnits": read or current.get("ReadCapacityUnits") or 1,
                      "WriteCapacityUnits": write or current.get("WriteCapacityUnits") or 1}
        updates.append({"Update": {"IndexName": name, "ProvisionedThroughput": throughput}})
    return updates


def _update_scaling(
    ctx: RequestContext,
    name: str,
    params: dict[str, Any],
    index_writes: dict[str, dict[str, Any]],
    replica_updates: dict[str, dict[str, Any]],
) -> None:
    write = params.get("GlobalTableProvisionedWriteCapacityAutoScalingSettingsUpdate")
    label = f"table/{name}"

    def change(region: str, settings: dict[str, Any]) -> None:
        if write is not None:
            settings["write"] = merged(ctx, settings.get("write"), write, "write", label)
        for index, update in index_writes.items():
            scaling = update.get("ProvisionedWriteCapacityAutoScalingSettingsUpdate")
            if scaling is not None:
                set_index(ctx, settings, index, "write", scaling, label)
        replica = replica_updates.get(region) or {}
        read = replica.get("ReplicaProvisionedReadCapacityAutoScalingSettingsUpdate")
        if read is not None:
            settings["read"] = merged(ctx, settings.get("read"), read, "read", label)
        for index_update in replica.get("ReplicaGlobalSecondaryIndexSettingsUpdate") or ():
            scaling = index_update.get("ProvisionedReadCapacityAutoScalingSettingsUpdate")
            if scaling is not None:
                set_index(ctx, settings, index_update["IndexName"], "read", scaling, label)

    with storage.store(ctx).write() as tx:
        _, regions = legacy_globals.group_of(ctx, tx, name)
        for region in regions:
            replica_autoscaling.rewrite(ctx, tx, region, name, functools.partial(change, region))

