"""Making a new table from saved items: the common part of RestoreTableFromBackup and
RestoreTableToPointInTime. The restored table gets the source's keys, indexes, billing and
encryption (or the request's overrides), but not its streams, TTL, tags or recovery settings,
as DynamoDB documents."""

from __future__ import annotations

from typing import Any

from pocketcloud.context import RequestContext
from pocketcloud.services.dynamodb import storage
from pocketcloud.services.dynamodb import table_validation as check
from pocketcloud.services.dynamodb.tables import described, insert_table, new_description

_KEPT_INDEX_MEMBERS = ("IndexName", "KeySchema", "Projection")


def _indexes(source: dict[str, Any], member: str, override: Any, mode: str) -> list[Any]:
    if override is not None:
        return list(override)
    indexes = []
    for index in source.get(member) or ():
        kept = {name: index[name] for name in _KEPT_INDEX_MEMBERS}
        throughput = index.get("ProvisionedThroughput") or {}
        if member == "GlobalSecondaryIndexes" and mode == "PROVISIONED":
            kept["ProvisionedThroughput"] = {
                "ReadCapacityUnits": max(1, throughput.get("ReadCapacityUnits", 1)),
                "WriteCapacityUnits": max(1, throughput.get("WriteCapacityUnits", 1)),
            }
        indexes.append(kept)
    return indexes


def restored_params(source: dict[str, Any], target: str, request: dict[str, Any]) -> dict[str, Any]:
    """CreateTable's parameters for the restored table."""
    current = (source.get("BillingModeSummary") or {}).get("BillingMode", "PROVISIONED")
    mode = request.get("BillingModeOverride") or current
    params: dict[str, Any] = {
        "TableName": target,
        "AttributeDefinitions": source["AttributeDefinitions"],
        "KeySchema": source["KeySchema"],
        "BillingMode": mode,
    }
    if mode == "PROVISIONED":
        throughput = request.get("ProvisionedThroughputOverride") or source.get(
            "ProvisionedThroughput"
        ) or {}  # fmt: skip
        params["ProvisionedThroughput"] = {
            "ReadCapacityUnits": max(1, throughput.get("ReadCapacityUnits", 1)),
            "WriteCapacityUnits": max(1, throughput.get("WriteCapacityUnits", 1)),
        }
    for member, override in (
        ("GlobalSecondaryIndexes", "GlobalSecondaryIndexOverride"),
        ("LocalSecondaryIndexes", "LocalSecondaryIndexOverride"),
    ):
        indexes = _indexes(source, member, request.get(override), mode)
        if indexes:
            params[member] = indexes
    sse = request.get("SSESpecificationOverride")
    if sse is not None:
        params["SSESpecification"] = sse
    elif (source.get("SSEDescription") or {}).get("Status") == "ENABLED":
        params["SSESpecification"] = {
            "Enabled": True,
            "SSEType": "KMS",
            "KMSMasterKeyId": source["SSEDescription"].get("KMSMasterKeyArn"),
        }
    return params


def restore_table(
    ctx: RequestContext,
    params: dict[str, Any],
    rows: list[tuple[bytes, bytes, bytes]],
    summary: dict[str, Any],
) -> dict[str, Any]:
    """Create the table `params` describe holding `rows` (pk, sk, encoded item)."""
    types = check.attribute_types(params["AttributeDefinitions"])
    mode = check.check_billing(params)
    check.check_indexes(params, types, mode)
    now = ctx.cloud.clock.now()
    description = new_description(ctx, params, mode, now)
    description["RestoreSummary"] = {**summary, "RestoreInProgress": False}
    meta: dict[str, Any] = {"description": description, "tags": [], storage.JSON_ITEMS: True}
    name = params["TableName"]
    with storage.store(ctx).write() as tx:
        table_id = insert_table(
            tx, ctx.account_id, ctx.region, name, meta, exists_code="TableAlreadyExistsException"
        )
        table = storage.build_meta(name, table_id, meta)
        size_total = 0
        for pk, sk, raw in rows:
            item = storage.decode_item(raw)
            size = _size(item)
            size_total += size
            storage.write_item(tx, table, (pk, sk), None, item, size)
    storage.forget(ctx, name)
    shown = described(table, (len(rows), size_total), {})
    shown["TableStatus"] = "CREATING"
    shown["RestoreSummary"]["RestoreInProgress"] = True
    for index in shown.get("GlobalSecondaryIndexes", ()):
        index["IndexStatus"] = "CREATING"
    return {"TableDescription": shown}


def _size(item: Any) -> int:
    from pocketcloud.services.dynamodb.values import item_size_bytes

    return item_size_bytes(item)
