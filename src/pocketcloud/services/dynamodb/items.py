"""Single-item operations: PutItem, GetItem, UpdateItem, DeleteItem.

Each write is one store transaction: read the old item (only when something needs it),
check the condition, write the item, its index entries and its stream record.
"""

from __future__ import annotations

from typing import Any

from pocketcloud.context import RequestContext
from pocketcloud.errors import AwsError
from pocketcloud.protocol.serializing.wire import PreEncodedJson
from pocketcloud.services.dynamodb import capacity, changes, storage
from pocketcloud.services.dynamodb.expressions.evaluate import Env, evaluate, project
from pocketcloud.services.dynamodb.expressions.lexer import ExpressionError
from pocketcloud.services.dynamodb.expressions.request import (
    NO_EXPRESSIONS,
    Expressions,
    prepare,
)
from pocketcloud.services.dynamodb.expressions.updates import apply_update, updated_paths
from pocketcloud.services.dynamodb.keys import (
    check_index_keys,
    check_item_keys,
    check_size,
    checked_size,
    clean_key,
)
from pocketcloud.services.dynamodb.storage import TableMeta
from pocketcloud.services.dynamodb.values import (
    Item,
    clean_item_sized,
    invalid,
    invalid_parameter,
    item_size_bytes,
)

_PUT_EXPRESSIONS = ("ConditionExpression",)
_GET_EXPRESSIONS = ("ProjectionExpression",)
_UPDATE_EXPRESSIONS = ("UpdateExpression", "ConditionExpression")
_RETURN_VALUES = ("NONE", "ALL_OLD", "UPDATED_OLD", "ALL_NEW", "UPDATED_NEW")


def check_condition(tree: Any, item: Item | None, env: Env, member: str) -> bool:
    try:
        return evaluate(tree, item, env)
    except ExpressionError as error:
        raise error.for_expression(member) from None


def condition_failed(old: Item | None, params: dict[str, Any]) -> AwsError:
    fields = {}
    if params.get("ReturnValuesOnConditionCheckFailure") == "ALL_OLD" and old is not None:
        fields["Item"] = old
    return AwsError(
        "ConditionalCheckFailedException", "The conditional request failed", fields=fields
    )


def _return_values(params: dict[str, Any], allowed: tuple[str, ...]) -> str:
    wanted = params.get("ReturnValues") or "NONE"
    if wanted not in allowed:  # a value outside the enum was refused by the constraints
        raise invalid("ReturnValues can only be ALL_OLD or NONE")
    return wanted


def collection_metrics(
    tx: Any,
    table: TableMeta,
    key: tuple[bytes, bytes],
    key_item: Item,
    params: dict[str, Any],
    *,
    growing: bool,
) -> dict[str, Any] | None:
    """On a table with a local secondary index: refuse a write that grows the item collection
    past 10 GB; the ItemCollectionMetrics when asked."""
    if not capacity.has_collections(table):
        return None
    size = capacity.collection_size(tx, table, key[0])
    if growing:
        capacity.check_collection(size)
    if params.get("ReturnItemCollectionMetrics") != "SIZE":
        return None
    estimate = capacity.collection_estimate(tx, table, key[0])
    return capacity.collection_metrics(table, key_item, estimate)


def _finish(
    result: dict[str, Any], used: dict[str, Any] | None, metrics: dict[str, Any] | None
) -> dict[str, Any]:
    if used is not None:
        result["ConsumedCapacity"] = used
    if metrics is not None:
        result["ItemCollectionMetrics"] = metrics
    return result


def put_item(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    table = storage.table_meta(ctx, params["TableName"])
    item, size = clean_item_sized(params["Item"])
    check_item_keys(table, item)
    check_size(size)
    wanted = _return_values(params, ("NONE", "ALL_OLD"))
    expressions = prepare(params, _PUT_EXPRESSIONS)
    condition = expressions.get("ConditionExpression")
    key = table.primary_key(item)
    mode = params.get("ReturnConsumedCapacity")
    needs_old = (
        condition is not None
        or wanted == "ALL_OLD"
        or table.indexes
        or (table.stream_view_type is not None)
        or mode in ("TOTAL", "INDEXES")
    )
    if not needs_old and changes.row_only(table):  # the common put: one statement
        storage.write_item_alone(ctx, table, key, item, size)
        return PreEncodedJson(b"{}") if ctx.protocol == "json" else {}  # still an empty dict
    now = ctx.cloud.clock.now()
    with storage.store(ctx).write() as tx:
        old = storage.read_item(tx, table, *key) if needs_old else None
        if condition is not None and not check_condition(
            condition, old, expressions.env, "ConditionExpression"
        ):
            raise condition_failed(old, params)
        changes.put(tx, table, key, old, item, size, now)
        metrics = collection_metrics(tx, table, key, item, params, growing=True)
    result: dict[str, Any] = {}
    if wanted == "ALL_OLD" and old is not None:
        result["Attributes"] = old
    return _finish(result, capacity.write_consumed(mode, table, old, item), metrics)


def get_item(
    ctx: RequestContext, params: dict[str, Any], *, encoded: bool = True
) -> dict[str, Any]:
    """`encoded`: an HTTP caller may get the stored JSON bytes as they are (a callers inside
    pocketcloud always gets the dict)."""
    table = storage.table_meta(ctx, params["TableName"])
    key = table.primary_key(clean_key(table, params["Key"]))
    expressions = prepare(params, _GET_EXPRESSIONS)
    raw = storage.read_raw(ctx, table, *key)
    if (
        encoded
        and ctx.protocol == "json"
        and ctx.request is not None
        and params.get("ReturnConsumedCapacity") in (None, "NONE")
        and (expressions is NO_EXPRESSIONS or expressions.get("ProjectionExpression") is None)
    ):  # the fast path: the stored wire form is the answer
        return PreEncodedJson(b"{}" if raw is None else b'{"Item":' + storage.raw_json(raw) + b"}")
    item = None if raw is None else storage.decode_item(raw)
    result: dict[str, Any] = {}
    if item is not None:
        paths = expressions.get("ProjectionExpression")
        result["Item"] = item if paths is None else project(item, paths, expressions.env)
    mode = params.get("ReturnConsumedCapacity")
    if mode is not None:
        size = 0 if item is None else item_size_bytes(item)
        used = capacity.consumed(
            mode,
            table,
            capacity.read_units(size, bool(params.get("ConsistentRead"))),
            reading=True,
        )
        if used is not None:
            result["ConsumedCapacity"] = used
    return result


def delete_item(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    table = storage.table_meta(ctx, params["TableName"])
    key_item = clean_key(table, params["Key"])
    key = table.primary_key(key_item)
    wanted = _return_values(params, ("NONE", "ALL_OLD"))
    expressions = prepare(params, _PUT_EXPRESSIONS)
    condition = expressions.get("ConditionExpression")
    if (condition is None and wanted == "NONE" and changes.row_only(table)
            and params.get("ReturnConsumedCapacity") not in ("TOTAL", "INDEXES")):
        storage.delete_item_alone(ctx, table, key)  # the common delete: one statement
        return PreEncodedJson(b"{}") if ctx.protocol == "json" else {}
    now = ctx.cloud.clock.now()
    with storage.store(ctx).write() as tx:
        old = storage.read_item(tx, table, *key)
        if condition is not None and not check_condition(
            condition, old, expressions.env, "ConditionExpression"
        ):
            raise condition_failed(old, params)
        if old is not None:
            changes.remove(tx, table, key, old, now)
        metrics = collection_metrics(tx, table, key, key_item, params, growing=False)
    result: dict[str, Any] = {}
    if wanted == "ALL_OLD" and old is not None:
        result["Attributes"] = old
    used = capacity.write_consumed(params.get("ReturnConsumedCapacity"), table, old, None)
    return _finish(result, used, metrics)


def updated_item(
    table: TableMeta, key_item: Item, old: Item | None, expressions: Expressions
) -> tuple[Item, list[tuple[Any, ...]]]:
    """The item after the request's update (UpdateExpression or AttributeUpdates)."""
    update = expressions.get("UpdateExpression")
    base = old if old is not None else dict(key_item)
    if not update:
        return base, []
    try:
        paths = updated_paths(update, expressions.env)
        new = apply_update(base, update, expressions.env)
    except ExpressionError as error:
        raise error.for_expression("UpdateExpression") from None
    return new, paths


def check_update_paths(table: TableMeta, expressions: Expressions) -> None:
    update = expressions.get("UpdateExpression")
    if not update:
        return
    try:
        paths = updated_paths(update, expressions.env)
    except ExpressionError as error:
        raise error.for_expression("UpdateExpression") from None
    keys = table.key_names()
    for path in paths:
        if path[0] in keys:
            raise invalid_parameter(
                f"Cannot update attribute {path[0]}. This attribute is part of the key"
            )


def update_item(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    table = storage.table_meta(ctx, params["TableName"])
    key_item = clean_key(table, params["Key"])
    key = table.primary_key(key_item)
    wanted = _return_values(params, _RETURN_VALUES)
    expressions = prepare(params, _UPDATE_EXPRESSIONS)
    check_update_paths(table, expressions)
    condition = expressions.get("ConditionExpression")
    now = ctx.cloud.clock.now()
    with storage.store(ctx).write() as tx:
        old = storage.read_item(tx, table, *key)
        if condition is not None and not check_condition(
            condition, old, expressions.env, "ConditionExpression"
        ):
            raise condition_failed(old, params)
        new, paths = updated_item(table, key_item, old, expressions)
        if table.indexes:
            check_index_keys(table, new)
        size = checked_size(new, updating=True)
        changes.put(tx, table, key, old, new, size, now)
        metrics = collection_metrics(tx, table, key, key_item, params, growing=True)
    result: dict[str, Any] = {}
    attributes = _returned_attributes(wanted, old, new, paths)
    if attributes:
        result["Attributes"] = attributes
    used = capacity.write_consumed(params.get("ReturnConsumedCapacity"), table, old, new)
    return _finish(result, used, metrics)


def _returned_attributes(
    wanted: str, old: Item | None, new: Item, paths: list[tuple[Any, ...]]
) -> Item | None:
    if wanted == "ALL_OLD":
        return old
    if wanted == "ALL_NEW":
        return new
    if wanted in ("UPDATED_OLD", "UPDATED_NEW"):
        source = old if wanted == "UPDATED_OLD" else new
        if source is None:
            return None
        nodes = tuple(("path", path) for path in paths)
        return project(source, nodes, Env(None, None))
    return None
