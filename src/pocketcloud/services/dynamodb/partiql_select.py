"""ExecuteStatement's SELECT: a Query per partition the WHERE names (in ORDER BY's order),
or a Scan when it names none, paged by Limit, the 1 MB page and NextToken."""

from __future__ import annotations

import base64
from typing import Any

import cbor2

from pocketcloud.context import RequestContext
from pocketcloud.services.dynamodb import items as single
from pocketcloud.services.dynamodb import query as reads
from pocketcloud.services.dynamodb import storage
from pocketcloud.services.dynamodb.expressions.evaluate import Env, resolve
from pocketcloud.services.dynamodb.expressions.request import prepare
from pocketcloud.services.dynamodb.partiql_keys import checked_partitions
from pocketcloud.services.dynamodb.partiql_parser import Column, Statement
from pocketcloud.services.dynamodb.storage import KeyAttribute
from pocketcloud.services.dynamodb.values import invalid, scalar_order_key

_MEMBERS = ("ConsistentRead", "ReturnConsumedCapacity")


def with_expressions(params: dict[str, Any], statement: Statement) -> dict[str, Any]:
    """Set exactly the placeholders the request's expressions use (DynamoDB refuses unused
    ones)."""
    text = " ".join(str(params[m]) for m in (
        "ConditionExpression", "FilterExpression", "UpdateExpression", "KeyConditionExpression",
    ) if m in params)  # fmt: skip
    names = {p: n for p, n in statement.built.names.items() if _uses(text, p)}
    values = {p: v for p, v in statement.built.values.items() if _uses(text, p)}
    values.update(params.pop("_values", {}))  # placeholders the plan added (a partition key)
    params.pop("ExpressionAttributeNames", None)
    params.pop("ExpressionAttributeValues", None)
    if names:
        params["ExpressionAttributeNames"] = names
    if values:
        params["ExpressionAttributeValues"] = values
    return params


def _uses(text: str, placeholder: str) -> bool:
    at = text.find(placeholder)
    while at >= 0:
        end = at + len(placeholder)
        if end == len(text) or not (text[end].isalnum() or text[end] == "_"):
            return True
        at = text.find(placeholder, end)
    return False


def run_select(ctx: RequestContext, statement: Statement, params: dict[str, Any]) -> Any:
    table = storage.table_meta(ctx, statement.table)
    keys: tuple[KeyAttribute, KeyAttribute | None] = (table.hash_key, table.range_key)
    if statement.index:
        index = table.indexes.get(statement.index)
        if index is None:
            raise invalid(f"The table does not have the specified index: {statement.index}")
        keys = (index.hash_key, index.range_key)
    found = checked_partitions(statement.shape, keys[0].name, keys[0].type)
    partitions_ascending, forward = _check_order(statement, found, keys)
    if found is not None and partitions_ascending is not None:
        found.sort(key=scalar_order_key, reverse=not partitions_ascending)
    request: dict[str, Any] = {"TableName": table.name}
    if statement.index:
        request["IndexName"] = statement.index
    request.update({m: params[m] for m in _MEMBERS if params.get(m) is not None})
    token = _decode_token(params["NextToken"]) if params.get("NextToken") else None
    if found is None:
        result = _scan(ctx, statement, request, params.get("Limit"), token)
    else:
        result = _queries(ctx, statement, request, (found, forward), params.get("Limit"), token)
    result["Items"] = [project_row(statement.projection, i, statement) for i in result["Items"]]
    return result


def _check_order(
    statement: Statement, found: list[Any] | None, keys: tuple[KeyAttribute, Any]
) -> tuple[bool | None, bool]:
    """(partitions ascending, or None to keep the statement's order; sort key ascending), as
    ORDER BY asks, by DynamoDB's rules."""
    if not statement.order:
        return None, True
    if statement.where is None:
        raise invalid("Must have WHERE clause in the statement when using ORDER BY clause.")
    key_names = [k.name for k in keys if k is not None]
    for name, _ in statement.order:
        if name not in key_names:
            raise invalid(f"Attribute {name} in ORDER BY clause must be part of the primary key")
    if found is None:
        raise invalid("Must have at least one non-optional hash key condition in WHERE clause "
                      "when using ORDER BY clause.")  # fmt: skip
    named = dict(statement.order)
    if len(found) > 1 and keys[0].name not in named:
        raise invalid("Must have hash key in ORDER BY clause when more than one hash key "
                      "condition specified in WHERE clause.")  # fmt: skip
    sort_name = keys[1].name if keys[1] is not None else None
    # Ordered by the partition key alone, DynamoDB answers each partition's items in
    # descending sort key order (as recorded against DynamoDB).
    sort_ascending = not named[sort_name] if sort_name in named else False
    partitions_ascending = not named[keys[0].name] if keys[0].name in named else None
    return partitions_ascending, sort_ascending


def _scan(
    ctx: RequestContext, statement: Statement, request: dict[str, Any], limit: Any, token: Any
) -> dict[str, Any]:
    if statement.where:
        request["FilterExpression"] = statement.where
    if limit is not None:
        request["Limit"] = limit
    if token is not None:
        request["ExclusiveStartKey"] = token["k"]
    answer = reads.scan(ctx, with_expressions(request, statement), encoded=False)
    result: dict[str, Any] = {"Items": answer["Items"]}
    if answer.get("LastEvaluatedKey"):
        result["NextToken"] = _encode_token({"p": 0, "k": answer["LastEvaluatedKey"]})
        result["LastEvaluatedKey"] = answer["LastEvaluatedKey"]
    if "ConsumedCapacity" in answer:
        result["ConsumedCapacity"] = answer["ConsumedCapacity"]
    return result


def _queries(
    ctx: RequestContext,
    statement: Statement,
    request: dict[str, Any],
    plan: tuple[list[Any], bool],
    limit: int | None,
    token: Any,
) -> dict[str, Any]:
    """Query the partitions in turn from the token's place, until Limit items were read or a
    partition stops at its 1 MB page."""
    found, sort_ascending = plan
    start, start_key = (token["p"], token["k"]) if token else (0, None)
    items: list[Any] = []
    consumed: list[Any] = []
    for position in range(start, len(found)):
        left = None if limit is None else limit - len(items)
        answer = _query_one(ctx, statement, request, found[position], sort_ascending, left,
                            start_key)  # fmt: skip
        start_key = None
        items += answer["kept"]
        consumed += [answer["ConsumedCapacity"]] if "ConsumedCapacity" in answer else []
        last = answer.get("LastEvaluatedKey")
        full = limit is not None and answer["read"] >= (left or 0)
        if last or (full and position + 1 < len(found)):
            result = {"Items": items, "NextToken": _encode_token(
                {"p": position if last else position + 1, "k": last})}  # fmt: skip
            if last:
                result["LastEvaluatedKey"] = last
            return _with_capacity(result, consumed)
        if full:
            break
    return _with_capacity({"Items": items}, consumed)


def _query_one(
    ctx: RequestContext,
    statement: Statement,
    base: dict[str, Any],
    partition: Any,
    ascending: bool,
    limit: int | None,
    start_key: Any,
) -> dict[str, Any]:
    """One partition's items that WHERE accepts (WHERE may name key attributes, which a
    Query's FilterExpression may not, so it is checked here on each item)."""
    table = storage.table_meta(ctx, statement.table)
    index = table.indexes.get(statement.index) if statement.index else None
    hash_name = (index.hash_key if index else table.hash_key).name
    request = {**base, "KeyConditionExpression": f"{statement.built.name(hash_name)} = :partition",
               "ScanIndexForward": ascending, "_values": {":partition": partition}}  # fmt: skip
    if limit is not None:
        request["Limit"] = limit
    if start_key is not None:
        request["ExclusiveStartKey"] = start_key
    answer = reads.query(ctx, with_expressions(request, statement), encoded=False)
    answer["read"] = answer.get("ScannedCount", len(answer["Items"]))
    answer["kept"] = answer["Items"]
    if statement.where is not None:
        where = prepare(with_expressions({"ConditionExpression": statement.where}, statement),
                        ("ConditionExpression",))  # fmt: skip
        tree = where.get("ConditionExpression")
        answer["kept"] = [i for i in answer["Items"]
                          if single.check_condition(tree, i, where.env, "Statement")]  # fmt: skip
    return answer


def _with_capacity(result: dict[str, Any], consumed: list[Any]) -> dict[str, Any]:
    if consumed:
        total = dict(consumed[0])
        total["CapacityUnits"] = sum(c.get("CapacityUnits", 0) for c in consumed)
        result["ConsumedCapacity"] = total
    return result


def project_row(columns: list[Column] | None, item: Any, statement: Statement) -> Any:
    """The item's projected columns, each named as DynamoDB names a path's column."""
    if columns is None:
        return item
    env = Env(statement.built.names, {})
    row = {}
    for column in columns:
        value = resolve(item, column.path, env)
        if value is not None:
            row[column.name] = value
    return row


def _encode_token(position: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(cbor2.dumps(position)).decode("ascii")


def _decode_token(token: str) -> Any:
    try:
        decoded = cbor2.loads(base64.urlsafe_b64decode(token.encode("ascii")))
    except Exception:  # noqa: BLE001 (any garbage token is the client's error)
        raise invalid("Invalid NextToken") from None
    if not isinstance(decoded, dict) or not isinstance(decoded.get("p"), int) or decoded["p"] < 0:
        raise invalid("Invalid NextToken")
    return decoded
