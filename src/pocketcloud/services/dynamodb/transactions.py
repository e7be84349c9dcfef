"""TransactWriteItems and TransactGetItems: all or nothing, in one store transaction.

Every condition is checked against the state before the transaction; if any fails, nothing
is written and TransactionCanceledException lists a reason per action, in order. An update
that cannot apply to its item (a missing operand, a bad document path, a wrong type...) is such
a reason too, 'ValidationError' with the message UpdateItem would answer (as DynamoDB answers:
aws-sdk-net issue 1292 shows one), not the request's own error.
A ClientRequestToken makes a repeated request a no-op for ten minutes.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from pocketcloud.context import RequestContext
from pocketcloud.errors import AwsError
from pocketcloud.services.dynamodb import capacity, changes, storage
from pocketcloud.services.dynamodb.expressions.evaluate import project
from pocketcloud.services.dynamodb.expressions.request import Expressions, prepare
from pocketcloud.services.dynamodb.items import (
    check_condition,
    check_update_paths,
    collection_metrics,
    updated_item,
)
from pocketcloud.services.dynamodb.keys import (
    check_index_keys,
    check_item_keys,
    checked_size,
    clean_key,
)
from pocketcloud.services.dynamodb.storage import TableMeta
from pocketcloud.services.dynamodb.values import (
    Item,
    check_list_length,
    clean_item,
    invalid,
    item_size_bytes,
)

MAX_TRANSACTION_ITEMS = 100
TOKEN_LIFETIME_S = 600.0
_ACTIONS = ("ConditionCheck", "Put", "Delete", "Update")
_EXPRESSIONS = {
    "ConditionCheck": ("ConditionExpression",),
    "Put": ("ConditionExpression",),
    "Delete": ("ConditionExpression",),
    "Update": ("UpdateExpression", "ConditionExpression"),
}


@dataclass
class _Action:
    kind: str
    table: TableMeta
    key: tuple[bytes, bytes]
    key_item: Item
    request: dict[str, Any]
    expressions: Expressions
    item: Item | None = None  # Put's item, or Update's item once updated
    size: int = 0
    index_units: dict[str, float] = field(default_factory=dict)


def transact_write_items(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    given = params["TransactItems"]
    check_list_length("transactItems", given, MAX_TRANSACTION_ITEMS)
    actions = [_plan(ctx, entry) for entry in given]
    keys = [(a.table.table_id, a.key) for a in actions]
    if len(set(keys)) != len(keys):
        raise invalid("Transaction request cannot include multiple operations on one item")
    token = params.get("ClientRequestToken")
    now = ctx.cloud.clock.now()
    with storage.store(ctx).write() as tx:
        if token is not None and _seen_token(ctx, tx, token, given, now):
            return {}
        olds = [storage.read_item(tx, a.table, *a.key) for a in actions]
        reasons = [_reason(a, old) for a, old in zip(actions, olds, strict=True)]
        if any(r["Code"] != "None" for r in reasons):
            codes = ", ".join(r["Code"] for r in reasons)
            raise AwsError(
                "TransactionCanceledException",
                f"Transaction cancelled, please refer cancellation reasons for specific reasons "
                f"[{codes}]",
                fields={"CancellationReasons": reasons},
            )
        for action, old in zip(actions, olds, strict=True):
            _apply(tx, action, old, now)
        metrics = _collection_metrics(tx, actions, params)
    result: dict[str, Any] = {}
    if metrics:
        result["ItemCollectionMetrics"] = metrics
    mode = params.get("ReturnConsumedCapacity")
    if mode in ("TOTAL", "INDEXES"):
        result["ConsumedCapacity"] = _capacity(mode, actions, reading=False)
    return result


def _plan(ctx: RequestContext, entry: dict[str, Any]) -> _Action:
    present = [kind for kind in _ACTIONS if kind in entry]
    if not present:  # as DynamoDB reads an entry naming an action it does not know
        raise invalid(
            "The action or operation requested is invalid. Verify that the action is typed "
            "correctly."
        )
    if len(present) > 1:
        raise invalid("TransactItems can only contain one of Check, Put, Update or Delete")
    kind = present[0]
    request = entry[kind]
    table = storage.table_meta(ctx, request["TableName"])
    expressions = prepare(request, _EXPRESSIONS[kind])
    if kind == "Put":
        item = clean_item(request["Item"])
        check_item_keys(table, item)
        key_item = table.key_of(item)
        return _Action(kind, table, table.primary_key(item), key_item, request, expressions,
                       item, checked_size(item))  # fmt: skip
    key_item = clean_key(table, request["Key"])
    if kind == "Update":
        check_update_paths(table, expressions)
    if kind == "ConditionCheck" and expressions.get("ConditionExpression") is None:
        raise invalid("The ConditionExpression is required for a ConditionCheck")
    return _Action(kind, table, table.primary_key(key_item), key_item, request, expressions)


def _reason(action: _Action, old: Item | None) -> dict[str, Any]:
    condition = action.expressions.get("ConditionExpression")
    if condition is None or check_condition(
        condition, old, action.expressions.env, "ConditionExpression"
    ):
        return _update(action, old) if action.kind == "Update" else {"Code": "None"}
    reason: dict[str, Any] = {
        "Code": "ConditionalCheckFailed",
        "Message": "The conditional request failed",
    }
    wanted = action.request.get("ReturnValuesOnConditionCheckFailure")
    if wanted == "ALL_OLD" and old is not None:
        reason["Item"] = old
    return reason


def _update(action: _Action, old: Item | None) -> dict[str, Any]:
    """The Update's new item, kept for _apply; what stops it is the action's reason."""
    table = action.table
    try:
        new, _ = updated_item(table, action.key_item, old, action.expressions)
        if table.indexes:
            check_index_keys(table, new)
        action.size = checked_size(new, updating=True)
    except AwsError as error:
        if error.code != "ValidationException":
            raise
        return {"Code": "ValidationError", "Message": error.message}
    action.item = new
    return {"Code": "None"}


def _apply(tx: Any, action: _Action, old: Item | None, now: float) -> None:
    table = action.table
    new: Item | None = None
    if action.kind == "Put":
        assert action.item is not None
        new = action.item
        changes.put(tx, table, action.key, old, new, action.size, now)
    elif action.kind == "Delete":
        if old is not None:
            changes.remove(tx, table, action.key, old, now)
            action.size = item_size_bytes(old)
    elif action.kind == "Update":
        assert action.item is not None  # made by _update
        new = action.item
        changes.put(tx, table, action.key, old, new, action.size, now)
    if action.kind == "ConditionCheck":  # charged as a write of the item it checks
        action.size = item_size_bytes(old) if old is not None else 0
        return
    if old is not None:  # a write costs the larger of the item before and after
        action.size = max(action.size, item_size_bytes(old))
    action.index_units = capacity.index_write_units(table, old, new)


def _collection_metrics(
    tx: Any, actions: list[_Action], params: dict[str, Any]
) -> dict[str, list[dict[str, Any]]]:
    """Each written item collection (tables with a local secondary index), per table; the
    10 GB limit is checked as for the single-item writes."""
    found: dict[str, list[dict[str, Any]]] = {}
    for action in actions:
        if action.kind == "ConditionCheck":
            continue
        metrics = collection_metrics(tx, action.table, action.key, action.key_item, params,
                                     growing=action.kind != "Delete")  # fmt: skip
        if metrics is not None:
            found.setdefault(action.table.name, []).append(metrics)
    return found


def _seen_token(ctx: RequestContext, tx: Any, token: str, given: list[Any], now: float) -> bool:
    digest = hashlib.sha256(json.dumps(given, sort_keys=True, default=repr).encode()).hexdigest()
    tx.execute(
        "DELETE FROM dynamodb_transaction_tokens WHERE created_s < ?", (now - TOKEN_LIFETIME_S,)
    )
    row = tx.fetchone(
        "SELECT request_hash FROM dynamodb_transaction_tokens "
        "WHERE account_id = ? AND region = ? AND token = ?",
        (ctx.account_id, ctx.region, token),
    )
    if row is not None:
        if row[0] != digest:
            raise AwsError(
                "IdempotentParameterMismatchException",
                "Request params are different from the original request",
            )
        return True
    tx.execute(
        "INSERT INTO dynamodb_transaction_tokens (account_id, region, token, request_hash, "
        "created_s) VALUES (?, ?, ?, ?, ?)",
        (ctx.account_id, ctx.region, token, digest, now),
    )
    return False


def _capacity(mode: str, actions: list[_Action], *, reading: bool) -> list[dict[str, Any]]:
    totals: dict[str, tuple[TableMeta, float]] = {}
    on_indexes: dict[str, dict[str, float]] = {}
    for action in actions:
        units = (
            capacity.read_units(action.size, True) if reading else capacity.write_units(action.size)
        )
        table, spent = totals.get(action.table.name, (action.table, 0.0))
        totals[action.table.name] = (table, spent + 2 * units)  # transactions cost double
        spent_on = on_indexes.setdefault(action.table.name, {})
        for name, more in action.index_units.items():
            spent_on[name] = spent_on.get(name, 0.0) + 2 * more
    return [
        used
        for table, spent in totals.values()
        if (
            used := capacity.consumed(
                mode, table, spent, reading=reading, index_units=on_indexes.get(table.name)
            )
        )
        is not None
    ]


def transact_get_items(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    given = params["TransactItems"]
    check_list_length("transactItems", given, MAX_TRANSACTION_ITEMS)
    actions = []
    for entry in given:
        request = entry["Get"]
        table = storage.table_meta(ctx, request["TableName"])
        key_item = clean_key(table, request["Key"])
        expressions = prepare(request, ("ProjectionExpression",))
        actions.append(_Action("Get", table, table.primary_key(key_item), key_item, request,
                               expressions))  # fmt: skip
    keys = [(a.table.table_id, a.key) for a in actions]
    if len(set(keys)) != len(keys):
        raise invalid("Transaction request cannot include multiple operations on one item")
    responses: list[dict[str, Any]] = []
    with storage.store(ctx).read() as tx:
        for action in actions:
            item = storage.read_item(tx, action.table, *action.key)
            if item is None:
                responses.append({})
                continue
            action.size = item_size_bytes(item)
            paths = action.expressions.get("ProjectionExpression")
            shown = item if paths is None else project(item, paths, action.expressions.env)
            responses.append({"Item": shown})
    result: dict[str, Any] = {"Responses": responses}
    mode = params.get("ReturnConsumedCapacity")
    if mode in ("TOTAL", "INDEXES"):
        result["ConsumedCapacity"] = _capacity(mode, actions, reading=True)
    return result
