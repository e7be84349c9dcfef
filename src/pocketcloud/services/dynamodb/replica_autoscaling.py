"""DescribeTableReplicaAutoScaling and UpdateTableReplicaAutoScaling: the auto scaling settings
of a table's replicas and of their global secondary indexes.

Settings only: pocketcloud has no Application Auto Scaling service, so nothing watches a
table's consumption or changes its provisioned throughput because of them. As in DynamoDB,
write settings are the same on every replica of a current-version global table and read
settings are each replica's own. They live in each table's meta under "autoscaling":
{"read": description, "write": description, "indexes": {name: {"read": ..., "write": ...}}}.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from typing import Any

from pocketcloud.context import RequestContext
from pocketcloud.errors import AwsError
from pocketcloud.services.dynamodb import replicas, storage
from pocketcloud.services.dynamodb.storage import TableMeta
from pocketcloud.services.dynamodb.values import invalid
from pocketcloud.store import Tx

# Application Auto Scaling's bounds on a DynamoDB target tracking policy's utilization.
TARGET_VALUE_MIN, TARGET_VALUE_MAX = 20.0, 90.0
_ROLE = ("arn:aws:iam::{account}:role/aws-service-role/dynamodb.application-autoscaling."
         "amazonaws.com/AWSServiceRoleForApplicationAutoScaling_DynamoDBTable")  # fmt: skip
_POLICY_METRIC = {"read": "DynamoDBReadCapacityUtilization",
                  "write": "DynamoDBWriteCapacityUtilization"}  # fmt: skip
KEY = "autoscaling"


def shown(settings: dict[str, Any] | None) -> dict[str, Any]:
    """An AutoScalingSettingsDescription (auto scaling is off until someone configures it)."""
    return json.loads(json.dumps(settings)) if settings else {"AutoScalingDisabled": True}


def merged(
    ctx: RequestContext,
    current: dict[str, Any] | None,
    update: dict[str, Any],
    kind: str,
    resource: str,
) -> dict[str, Any]:
    """The settings after an AutoScalingSettingsUpdate (`kind`: read or write; `resource`:
    table/<name> or table/<name>/index/<index>, as the default policy name carries it)."""
    settings = json.loads(json.dumps(current or {}))
    for member in ("MinimumUnits", "MaximumUnits", "AutoScalingDisabled"):
        if update.get(member) is not None:
            settings[member] = update[member]
    settings.setdefault("AutoScalingDisabled", False)
    settings["AutoScalingRoleArn"] = update.get("AutoScalingRoleArn") or settings.get(
        "AutoScalingRoleArn", _ROLE.format(account=ctx.account_id))
    policy = update.get("ScalingPolicyUpdate")
    if policy is not None:
        config = dict(policy["TargetTrackingScalingPolicyConfiguration"])
        _check_target(config.get("TargetValue"))
        name = policy.get("PolicyName") or f"{_POLICY_METRIC[kind]}:{resource}"
        settings["ScalingPolicies"] = [
            {"PolicyName": name, "TargetTrackingScalingPolicyConfiguration": config}
        ]
    _check_bounds(settings)
    return settings  # type: ignore[no-any-return]


def _check_target(value: Any) -> None:
    if (not isinstance(value, int | float) or isinstance(value, bool)
            or not TARGET_VALUE_MIN <= value <= TARGET_VALUE_MAX):  # fmt: skip
        raise invalid(
            f"TargetValue must be between {TARGET_VALUE_MIN} and {TARGET_VALUE_MAX} for "
            "DynamoDB target tracking scaling policies"
        )


def _check_bounds(settings: dict[str, Any]) -> None:
    low, high = settings.get("MinimumUnits"), settings.get("MaximumUnits")
    if not isinstance(low, int) or not isinstance(high, int) or low < 1 or high < 1:
        raise invalid("Auto scaling settings must specify MinimumUnits and MaximumUnits of "
                      "at least 1")  # fmt: skip
    if low > high:
        raise invalid(
            f"Minimum capacity {low} cannot be greater than maximum capacity {high}"
        )


def rewrite(
    ctx: RequestContext, tx: Tx, region: str, name: str, change: Callable[[dict[str, Any]], None]
) -> None:
    """`change(autoscaling)` applied to the stored settings of table `name` in `region`."""
    row = tx.fetchone(
        "SELECT table_id, meta FROM dynamodb_tables "
        "WHERE account_id = ? AND region = ? AND name = ?",
        (ctx.account_id, region, name),
    )
    if row is None:
        return
    meta = json.loads(row[1])
    change(meta.setdefault(KEY, {}))
    tx.execute("UPDATE dynamodb_tables SET meta = ? WHERE table_id = ?", (json.dumps(meta), row[0]))
    storage.forget_in(ctx.cloud, ctx.account_id, region, name)


def _group(ctx: RequestContext, table: TableMeta) -> list[str]:
    """The regions this call describes and updates: a current-version group, else its own."""
    return replicas.synced_regions(table) or [ctx.region]


def _provisioned(table: TableMeta) -> bool:
    summary = table.description.get("BillingModeSummary") or {}
    return summary.get("BillingMode", "PROVISIONED") == "PROVISIONED"


# -- the operations -------------------------------------------------------------------------


def describe_table_replica_auto_scaling(
    ctx: RequestContext, params: dict[str, Any]
) -> dict[str, Any]:
    table = storage.table_meta(ctx, params["TableName"])
    return {"TableAutoScalingDescription": _description(ctx, table)}


def _description(ctx: RequestContext, table: TableMeta) -> dict[str, Any]:
    described = []
    with storage.store(ctx).read() as tx:
        for region in _group(ctx, table):
            row = tx.fetchone(
                "SELECT table_id, meta FROM dynamodb_tables "
                "WHERE account_id = ? AND region = ? AND name = ?",
                (ctx.account_id, region, table.name),
            )
            if row is not None:
                member = storage.build_meta(table.name, row[0], json.loads(row[1]))
                described.append(_replica(region, member))
    return {"TableName": table.name, "TableStatus": "ACTIVE", "Replicas": described}


def _replica(region: str, table: TableMeta) -> dict[str, Any]:
    settings = table.meta.get(KEY) or {}
    replica: dict[str, Any] = {"RegionName": region, "ReplicaStatus": "ACTIVE"}
    provisioned = _provisioned(table)
    if provisioned:
        replica["ReplicaProvisionedReadCapacityAutoScalingSettings"] = shown(settings.get("read"))
        replica["ReplicaProvisionedWriteCapacityAutoScalingSettings"] = shown(settings.get("write"))
    indexes = []
    for index in table.description.get("GlobalSecondaryIndexes") or ():
        shown_index: dict[str, Any] = {"IndexName": index["IndexName"], "IndexStatus": "ACTIVE"}
        if provisioned:
            own = (settings.get("indexes") or {}).get(index["IndexName"]) or {}
            shown_index["ProvisionedReadCapacityAutoScalingSettings"] = shown(own.get("read"))
            shown_index["ProvisionedWriteCapacityAutoScalingSettings"] = shown(own.get("write"))
        indexes.append(shown_index)
    replica["GlobalSecondaryIndexes"] = indexes
    return replica


def update_table_replica_auto_scaling(
    ctx: RequestContext, params: dict[str, Any]
) -> dict[str, Any]:
    table = storage.table_meta(ctx, params["TableName"])
    if not _provisioned(table):
        raise invalid(
            "Auto scaling cannot be set for a table in PAY_PER_REQUEST billing mode: "
            f"{table.name}"
        )
    group = _group(ctx, table)
    write = params.get("ProvisionedWriteCapacityAutoScalingUpdate")
    index_writes = {u["IndexName"]: u for u in params.get("GlobalSecondaryIndexUpdates") or ()
                    if u.get("IndexName")}  # fmt: skip
    reads = {u["RegionName"]: u for u in params.get("ReplicaUpdates") or ()}
    for region in reads:
        if region not in group:
            raise invalid(f"Table {table.name} has no replica in region {region}")
    for update in [*index_writes.values(), *_index_reads(reads)]:
        if update.get("IndexName") not in table.indexes:
            raise AwsError("ResourceNotFoundException",
                           f"Requested resource not found: Index: {update.get('IndexName')}")

    label = f"table/{table.name}"

    def change(region: str, settings: dict[str, Any]) -> None:
        if write is not None:
            settings["write"] = merged(ctx, settings.get("write"), write, "write", label)
        for name, update in index_writes.items():
            set_index(ctx, settings, name, "write", update.get(
                "ProvisionedWriteCapacityAutoScalingUpdate"), label)
        read = reads.get(region)
        if read is not None:
            _apply_read(ctx, settings, read, label)

    with storage.store(ctx).write() as tx:
        for region in group:
            rewrite(ctx, tx, region, table.name, functools.partial(change, region))
    return {"TableAutoScalingDescription": _description(ctx, table)}


def _index_reads(reads: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    return [update for read in reads.values()
            for update in read.get("ReplicaGlobalSecondaryIndexUpdates") or ()]  # fmt: skip


def _apply_read(
    ctx: RequestContext, settings: dict[str, Any], read: dict[str, Any], label: str
) -> None:
    update = read.get("ReplicaProvisionedReadCapacityAutoScalingUpdate")
    if update is not None:
        settings["read"] = merged(ctx, settings.get("read"), update, "read", label)
    for index in read.get("ReplicaGlobalSecondaryIndexUpdates") or ():
        set_index(ctx, settings, index["IndexName"], "read",
                   index.get("ProvisionedReadCapacityAutoScalingUpdate"), label)  # fmt: skip


def set_index(
    ctx: RequestContext,
    settings: dict[str, Any],
    name: str,
    kind: str,
    update: dict[str, Any] | None,
    label: str,
) -> None:
    if update is None:
        return
    own = settings.setdefault("indexes", {}).setdefault(name, {})
    own[kind] = merged(ctx, own.get(kind), update, kind, f"{label}/index/{name}")
