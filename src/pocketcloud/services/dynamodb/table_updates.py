"""UpdateTable: billing mode, throughput, global secondary indexes, streams, protection."""

from __future__ import annotations

import contextlib
import dataclasses
import json
from typing import Any

from pocketcloud.context import RequestContext
from pocketcloud.errors import AwsError
from pocketcloud.services.dynamodb import encryption, replicas, storage, streams, warm_throughput
from pocketcloud.services.dynamodb import table_validation as check
from pocketcloud.services.dynamodb.tables import (
    described,
    new_index,
    save_meta,
    throughput_description,
)
from pocketcloud.services.dynamodb.values import invalid, invalid_parameter

# Settings a global table keeps the same on every replica (deletion protection and table
# class stay per replica, as in DynamoDB).
_REPLICATED_SETTINGS = ("AttributeDefinitions", "BillingMode", "ProvisionedThroughput",
                        "GlobalSecondaryIndexUpdates")  # fmt: skip


def update_table(
    ctx: RequestContext, params: dict[str, Any], *, propagate: bool = True
) -> dict[str, Any]:
    check_request(params)
    table = storage.table_meta(ctx, params["TableName"], named=True)
    if params.get("ReplicaUpdates"):
        return _update_replicas(ctx, table, params)
    answer = _update_one(ctx, table, params)
    shared = {k: params[k] for k in _REPLICATED_SETTINGS if params.get(k) is not None}
    if propagate and shared:
        for region in replicas.synced_regions(table):
            if region != ctx.region:
                there = dataclasses.replace(ctx, region=region)
                with contextlib.suppress(AwsError):  # a replica already so (created after)
                    update_table(there, {"TableName": table.name, **shared}, propagate=False)
    return answer


def _update_one(ctx: RequestContext, table: Any, params: dict[str, Any]) -> dict[str, Any]:
    meta = json.loads(json.dumps(table.meta))
    description = meta["description"]
    now = ctx.cloud.clock.now()
    _update_billing(description, params, now)
    if "DeletionProtectionEnabled" in params:
        description["DeletionProtectionEnabled"] = bool(params["DeletionProtectionEnabled"])
    _update_table_class(description, params.get("TableClass"), now)
    if params.get("WarmThroughput"):
        asked = warm_throughput.requested(params["WarmThroughput"])
        description["WarmThroughput"] = {**description.get("WarmThroughput", {}), **asked}
    _update_stream(ctx, description, params.get("StreamSpecification"), now)
    sse_changing = encryption.update(ctx, description, params.get("SSESpecification"))
    created, deleted = _update_indexes(ctx, description, params)
    updated = save_meta(ctx, table, meta)
    if created or deleted:
        with storage.store(ctx).write() as tx:
            for name in deleted:
                tx.execute(
                    "DELETE FROM dynamodb_index_entries WHERE table_id = ? AND index_name = ?",
                    (table.table_id, name),
                )
            for name in created:
                storage.backfill_index(tx, updated, updated.indexes[name])
    shown = described(updated, (0, 0), {})
    with storage.store(ctx).read() as tx:
        shown["ItemCount"], shown["TableSizeBytes"] = storage.table_counts(tx, table.table_id)
    shown["TableStatus"] = "UPDATING"
    for index in shown.get("GlobalSecondaryIndexes", ()):
        if index["IndexName"] in created:
            index["IndexStatus"] = "CREATING"
            warm_throughput.mark(index, "CREATING")
    if params.get("WarmThroughput"):
        warm_throughput.mark(shown, "UPDATING")
    if sse_changing is not None:
        shown["SSEDescription"] = sse_changing
    return {"TableDescription": shown}


def _update_replicas(ctx: RequestContext, table: Any, params: dict[str, Any]) -> dict[str, Any]:
    created = replicas.update_replicas(ctx, table, params["ReplicaUpdates"])
    updated = storage.table_meta(ctx, table.name)
    shown = described(updated, (0, 0), {})
    replicas.describe(updated, shown, creating=tuple(created))
    with storage.store(ctx).read() as tx:
        shown["ItemCount"], shown["TableSizeBytes"] = storage.table_counts(tx, table.table_id)
    shown["TableStatus"] = "UPDATING"
    return {"TableDescription": shown}


# What UpdateTable can change, as its refusal of a request that changes nothing names them (the
# members with no request member of their own are always named).
_UPDATES = (("ProvisionedThroughput", "ProvisionedThroughput"), ("BillingMode", "BillingMode"),
            ("UpdateStreamEnabled", "StreamSpecification"),
            ("GlobalSecondaryIndexUpdates", "GlobalSecondaryIndexUpdates"),
            ("SSESpecification", "SSESpecification"), ("ReplicaUpdates", "ReplicaUpdates"),
            ("MultiAccountReplicaReady", ""), ("ReplicaTransitRoleArn", ""),
            ("MultiRegionConsistency", "MultiRegionConsistency"),
            ("DeletionProtectionEnabled", "DeletionProtectionEnabled"),
            ("OnDemandThroughput", "OnDemandThroughput"), ("WarmThroughput", "WarmThroughput"),
            ("TableClass", "TableClass"), ("", "GlobalTableWitnessUpdates"))  # fmt: skip
# Changes DynamoDB makes only alone, in the order it names them when several are asked.
_ALONE = (("SSESpecification", "Server-Side Encryption modification"),
          ("TableClass", "TableClass modification"),
          ("DeletionProtectionEnabled", "DeletionProtection modification"),
          ("ReplicaUpdates", "Replica modification"))  # fmt: skip


def check_request(params: dict[str, Any]) -> None:
    """Something to change, and the changes that must come alone coming alone (a consistency
    mode only qualifies a replica change, so it is neither)."""
    asked = {member for _, member in _UPDATES
             if member and params.get(member) is not None}  # fmt: skip
    asked.discard("MultiRegionConsistency")
    if not asked:
        names = [name for name, member in _UPDATES
                 if name and (not member or params.get(member) is None)]  # fmt: skip
        raise invalid(f"At least one of {', '.join(names[:-1])} or {names[-1]} is required")
    for member, change in _ALONE:
        if member in asked and len(asked) > 1:
            raise invalid_parameter(f"{change} must be the only operation in the request")
    _check_index_updates(params.get("GlobalSecondaryIndexUpdates") or ())


def _check_index_updates(updates: Any) -> None:
    """Each index update names one action, and one index at most once (dynalite's updateTable
    tests record DynamoDB's words)."""
    named: set[Any] = set()
    for update in updates:
        action = next((update[kind] for kind in ("Update", "Create", "Delete")
                       if update.get(kind) is not None), None)  # fmt: skip
        if action is None:
            raise invalid_parameter(
                "One of GlobalSecondaryIndexUpdate.Update, GlobalSecondaryIndexUpdate.Create, "
                "GlobalSecondaryIndexUpdate.Delete must not be null"
            )
        name = action.get("IndexName")
        if name in named:
            raise invalid_parameter(
                "Only one global secondary index update per index is allowed simultaneously. "
                f"Index: {name}"
            )
        named.add(name)


def _update_table_class(description: dict[str, Any], table_class: Any, now: float) -> None:
    check.check_table_class(table_class)
    if table_class is None:
        return
    current = (description.get("TableClassSummary") or {}).get("TableClass", "STANDARD")
    summary = {**description.get("TableClassSummary", {}), "TableClass": table_class}
    if table_class != current:  # DynamoDB dates only a change
        summary["LastUpdateDateTime"] = now
    description["TableClassSummary"] = summary


def _update_billing(description: dict[str, Any], params: dict[str, Any], now: float) -> None:
    mode = params.get("BillingMode")
    current = (description.get("BillingModeSummary") or {}).get("BillingMode", "PROVISIONED")
    throughput = params.get("ProvisionedThroughput")
    if mode == "PAY_PER_REQUEST" and throughput is not None:
        raise invalid_parameter(
            "Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode "
            "is PAY_PER_REQUEST"
        )
    if mode == "PROVISIONED" and current != "PROVISIONED" and throughput is None:
        raise invalid_parameter(
            "ProvisionedThroughput must be specified when BillingMode is PROVISIONED"
        )
    if throughput is not None:
        if (mode or current) == "PAY_PER_REQUEST":
            raise invalid(
                "One or more parameter values were invalid: Neither ReadCapacityUnits nor "
                "WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST"
            )
        check.check_throughput(throughput)
        before = description.get("ProvisionedThroughput") or {}
        if current == "PROVISIONED":
            _check_throughput_changes(before, throughput)
        description["ProvisionedThroughput"] = _changed_throughput(before, throughput, now)
    if mode and mode != current:
        summary: dict[str, Any] = {"BillingMode": mode}
        if mode == "PAY_PER_REQUEST":
            summary["LastUpdateToPayPerRequestDateTime"] = now
            description["ProvisionedThroughput"] = throughput_description(None)
        description["BillingModeSummary"] = summary


_UNITS = ("ReadCapacityUnits", "WriteCapacityUnits")
_DAY_S = 86400


def _check_throughput_changes(before: dict[str, Any], asked: dict[str, Any]) -> None:
    """DynamoDB refuses a throughput equal to the current one (text as dynalite records it
    from DynamoDB's answer)."""
    if any(before.get(units) != asked.get(units) for units in _UNITS):
        return
    read, write = before.get("ReadCapacityUnits"), before.get("WriteCapacityUnits")
    raise invalid(
        "The provisioned throughput for the table will not change. The requested value equals "
        f"the current value. Current ReadCapacityUnits provisioned for the table: {read}. "
        f"Requested ReadCapacityUnits: {read}. Current WriteCapacityUnits provisioned for the "
        f"table: {write}. Requested WriteCapacityUnits: {write}. Refer to the Amazon DynamoDB "
        "Developer Guide for current limits and how to request higher limits."
    )


def _changed_throughput(
    before: dict[str, Any], asked: dict[str, Any], now: float
) -> dict[str, Any]:
    """The new throughput with its history: an increase dates LastIncreaseDateTime, a decrease
    dates LastDecreaseDateTime and counts in NumberOfDecreasesToday (a UTC day's count)."""
    after = {**before, **throughput_description(asked)}
    changes = [asked.get(units, 0) - before.get(units, 0) for units in _UNITS]
    if any(change > 0 for change in changes):
        after["LastIncreaseDateTime"] = now
    if any(change < 0 for change in changes):
        last = before.get("LastDecreaseDateTime")
        same_day = last is not None and int(last // _DAY_S) == int(now // _DAY_S)
        after["NumberOfDecreasesToday"] = (before.get("NumberOfDecreasesToday", 0)
                                           if same_day else 0) + 1  # fmt: skip
        after["LastDecreaseDateTime"] = now
    else:
        after["NumberOfDecreasesToday"] = before.get("NumberOfDecreasesToday", 0)
    return after


def _update_stream(
    ctx: RequestContext, description: dict[str, Any], spec: dict[str, Any] | None, now: float
) -> None:
    if spec is None:
        return
    check.check_stream_specification(spec)
    enabled = (description.get("StreamSpecification") or {}).get("StreamEnabled")
    if spec.get("StreamEnabled"):
        if enabled:
            raise invalid(
                f"Table already has an enabled stream: TableName: {description['TableName']}"
            )
        streams.enable(ctx, description, spec, now)
    else:
        if not enabled:
            raise invalid(f"Table has no stream to disable: TableName: {description['TableName']}")
        streams.disable(description)


def _update_indexes(
    ctx: RequestContext, description: dict[str, Any], params: dict[str, Any]
) -> tuple[list[str], list[str]]:
    updates = params.get("GlobalSecondaryIndexUpdates") or []
    if not updates:
        return [], []
    types = {a["AttributeName"]: a["AttributeType"] for a in description["AttributeDefinitions"]}
    for definition in params.get("AttributeDefinitions") or ():
        types[definition["AttributeName"]] = definition["AttributeType"]
    indexes = description.get("GlobalSecondaryIndexes") or []
    mode = (description.get("BillingModeSummary") or {}).get("BillingMode", "PROVISIONED")
    created: list[str] = []
    deleted: list[str] = []
    for update in updates:
        if "Create" in update:
            index = update["Create"]
            if any(i["IndexName"] == index["IndexName"] for i in indexes):
                raise invalid_parameter(
                    f"Attempting to create an index which already exists: {index['IndexName']}"
                )
            check.check_key_schema(index["KeySchema"], types, "index")
            check.check_projection(index.get("Projection") or {}, index["IndexName"])
            check.check_global_index_billing(index, mode)
            indexes.append(new_index(ctx, description["TableName"], index,
                                      "GlobalSecondaryIndexes"))  # fmt: skip
            created.append(index["IndexName"])
        elif "Delete" in update:
            name = update["Delete"]["IndexName"]
            if not any(i["IndexName"] == name for i in indexes):
                raise AwsError(
                    "ResourceNotFoundException", f"Requested resource not found: Index: {name}"
                )
            indexes = [i for i in indexes if i["IndexName"] != name]
            deleted.append(name)
        elif "Update" in update:
            name = update["Update"]["IndexName"]
            found = next((i for i in indexes if i["IndexName"] == name), None)
            if found is None:
                raise AwsError(
                    "ResourceNotFoundException", f"Requested resource not found: Index: {name}"
                )
            throughput = update["Update"].get("ProvisionedThroughput")
            if throughput is not None:
                check.check_throughput(throughput)
                found["ProvisionedThroughput"] = throughput_description(throughput)
    used = {k["AttributeName"] for k in description["KeySchema"]}
    for index in indexes + (description.get("LocalSecondaryIndexes") or []):
        used |= {k["AttributeName"] for k in index["KeySchema"]}
    description["AttributeDefinitions"] = [
        {"AttributeName": name, "AttributeType": kind}
        for name, kind in types.items()
        if name in used
    ]
    if indexes:
        description["GlobalSecondaryIndexes"] = indexes
    else:
        description.pop("GlobalSecondaryIndexes", None)
    return created, deleted
