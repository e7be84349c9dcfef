"""BatchGetItem and BatchWriteItem. Each batch runs in one store transaction, so every
request is processed and UnprocessedKeys/UnprocessedItems only carry what the 16 MB
response limit leaves out."""

from __future__ import annotations

import zlib
from typing import Any

from pocketcloud.context import RequestContext
from pocketcloud.services.dynamodb import capacity, changes, storage
from pocketcloud.services.dynamodb.expressions.evaluate import project
from pocketcloud.services.dynamodb.expressions.request import prepare
from pocketcloud.services.dynamodb.items import collection_metrics
from pocketcloud.services.dynamodb.keys import check_batch_item_keys, checked_size, clean_key
from pocketcloud.services.dynamodb.values import clean_item, invalid, item_size_bytes

MAX_BATCH_GET_KEYS = 100
MAX_BATCH_WRITE_REQUESTS = 25
BATCH_GET_RESPONSE_BYTES_MAX = 16 * 1024 * 1024
_DUPLICATES = "Provided list of item keys contains duplicates"


def batch_get_item(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    requests = params["RequestItems"]
    _check_not_empty(requests)
    for name, request in requests.items():
        count = len(request.get("Keys") or ())
        if not 1 <= count <= MAX_BATCH_GET_KEYS:
            shown = "'[]' " if count == 0 else ""  # a long list's rendering is left out
            bound = ("greater than or equal to 1" if count == 0
                     else f"less than or equal to {MAX_BATCH_GET_KEYS}")  # fmt: skip
            raise invalid(
                f"1 validation error detected: Value {shown}at 'requestItems.{name}.member.keys' "
                f"failed to satisfy constraint: Member must have length {bound}"
            )
    if sum(len(r["Keys"]) for r in requests.values()) > MAX_BATCH_GET_KEYS:
        raise invalid("Too many items requested for the BatchGetItem call")
    plans = []
    for name, request in requests.items():
        table = storage.table_meta(ctx, name)
        keys = [table.primary_key(clean_key(table, key)) for key in request["Keys"]]
        if len(set(keys)) != len(keys):
            raise invalid(_DUPLICATES)
        plans.append((name, table, keys, prepare(request, ("ProjectionExpression",)), request))
    responses: dict[str, list[Any]] = {}
    unprocessed: dict[str, Any] = {}
    consumed = []
    size_total = 0
    with storage.store(ctx).read() as tx:
        for name, table, keys, expressions, request in plans:
            found = responses.setdefault(name, [])
            units = 0.0
            for position, key in enumerate(keys):
                if size_total >= BATCH_GET_RESPONSE_BYTES_MAX:
                    left = request["Keys"][position:]
                    unprocessed[name] = {**request, "Keys": left}
                    break
                item = storage.read_item(tx, table, *key)
                size = item_size_bytes(item) if item else 0
                units += capacity.read_units(size, bool(request.get("ConsistentRead")))
                if item is None:
                    continue
                size_total += size
                paths = expressions.get("ProjectionExpression")
                found.append(item if paths is None else project(item, paths, expressions.env))
            used = capacity.consumed(
                params.get("ReturnConsumedCapacity"), table, units, reading=True
            )
            if used is not None:
                consumed.append(used)
    result: dict[str, Any] = {"Responses": responses, "UnprocessedKeys": unprocessed}
    if consumed:
        result["ConsumedCapacity"] = consumed
    return result


def batch_write_item(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    requests = params["RequestItems"]
    _check_not_empty(requests)
    if any(not 1 <= len(writes) <= MAX_BATCH_WRITE_REQUESTS for writes in requests.values()):
        raise invalid(
            f"1 validation error detected: Value '{_java_map(requests)}' at 'requestItems' "
            "failed to satisfy constraint: Map value must satisfy constraint: [Member must have "
            f"length less than or equal to {MAX_BATCH_WRITE_REQUESTS}, Member must have length "
            "greater than or equal to 1]"
        )
    if sum(len(writes) for writes in requests.values()) > MAX_BATCH_WRITE_REQUESTS:
        raise invalid("Too many items requested for the BatchWriteItem call")
    plans = []
    for name, writes in requests.items():
        table = storage.table_meta(ctx, name)
        seen: set[tuple[bytes, bytes]] = set()
        for write in writes:
            plan = _write_plan(table, write)
            if plan[1] in seen:
                raise invalid(_DUPLICATES)
            seen.add(plan[1])
            plans.append((table, *plan))
    now = ctx.cloud.clock.now()
    units: dict[str, float] = {}
    on_indexes: dict[str, dict[str, float]] = {}
    metrics: dict[str, list[Any]] = {}
    with storage.store(ctx).write() as tx:
        for table, item, key, size in plans:
            old = storage.read_item(tx, table, *key)
            if item is None:
                if old is not None:
                    changes.remove(tx, table, key, old, now)
                size = item_size_bytes(old) if old else 0
            else:
                changes.put(tx, table, key, old, item, size, now)
                size = max(size, item_size_bytes(old) if old else 0)
            units[table.name] = units.get(table.name, 0.0) + capacity.write_units(size)
            spent = on_indexes.setdefault(table.name, {})
            for name, more in capacity.index_write_units(table, old, item).items():
                spent[name] = spent.get(name, 0.0) + more
            source = item if item is not None else old
            if source is not None:
                found = collection_metrics(tx, table, key, table.key_of(source), params,
                                           growing=item is not None)  # fmt: skip
                if found is not None:
                    metrics.setdefault(table.name, []).append(found)
    result: dict[str, Any] = {"UnprocessedItems": {}}
    consumed = [
        capacity.consumed(
            params.get("ReturnConsumedCapacity"),
            storage.table_meta(ctx, name),
            spent,
            reading=False,
            index_units=on_indexes.get(name),
        )
        for name, spent in units.items()
    ]
    if any(consumed):
        result["ConsumedCapacity"] = consumed
    if metrics:
        result["ItemCollectionMetrics"] = metrics
    return result


def _write_plan(table: Any, write: dict[str, Any]) -> tuple[Any, tuple[bytes, bytes], int]:
    put, delete = write.get("PutRequest"), write.get("DeleteRequest")
    if (put is None) == (delete is None):  # DynamoDB checks the union as it does a value's
        raise invalid(
            "Supplied AttributeValue has more than one datatypes set, must contain exactly one "
            "of the supported datatypes"
        )
    if put is not None:
        item = clean_item(put["Item"])
        check_batch_item_keys(table, item)
        return item, table.primary_key(item), checked_size(item)
    assert delete is not None
    return None, table.primary_key(clean_key(table, delete["Key"])), 0


def _check_not_empty(requests: dict[str, Any]) -> None:
    if not requests:
        raise invalid(
            "1 validation error detected: Value '{}' at 'requestItems' failed to satisfy "
            "constraint: Member must have length greater than or equal to 1"
        )


def _java_map(requests: dict[str, list[Any]]) -> str:
    """The request map as DynamoDB's Java model prints it in a constraint message:
    {table=[com.amazonaws.dynamodb.v20120810.WriteRequest@1a2b3c4d, ...]}."""
    tables = []
    for name, writes in requests.items():
        shown = ", ".join(
            f"com.amazonaws.dynamodb.v20120810.WriteRequest@{zlib.crc32(repr(w).encode()):08x}"
            for w in writes
        )
        tables.append(f"{name}=[{shown}]")
    return "{" + ", ".join(tables) + "}"
