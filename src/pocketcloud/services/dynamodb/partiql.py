"""ExecuteStatement, BatchExecuteStatement and ExecuteTransaction: PartiQL statements run as
the JSON API's own operations (GetItem, Query, Scan, PutItem, UpdateItem, DeleteItem and the
transactional ones), so both front doors share one set of semantics and errors."""

from __future__ import annotations

import base64
import re
from typing import Any

import cbor2

from pocketcloud.context import RequestContext
from pocketcloud.errors import AwsError
from pocketcloud.services.dynamodb import items as single
from pocketcloud.services.dynamodb import query as reads
from pocketcloud.services.dynamodb import storage, transactions
from pocketcloud.services.dynamodb.expressions.request import prepare
from pocketcloud.services.dynamodb.partiql_parser import Statement, parse
from pocketcloud.services.dynamodb.storage import TableMeta
from pocketcloud.services.dynamodb.values import check_list_length, invalid

MAX_BATCH_STATEMENTS = 25
MAX_TRANSACTION_STATEMENTS = 100
_KEYS_REQUIRED = "Where clause does not contain a mandatory equality on all key attributes"


def _key(table: TableMeta, statement: Statement) -> dict[str, Any] | None:
    """The full primary key when WHERE pins every key attribute with `=`."""
    names = table.key_names()
    if all(name in statement.keys for name in names):
        return {name: statement.keys[name] for name in names}
    return None


def _required_key(table: TableMeta, statement: Statement) -> dict[str, Any]:
    key = _key(table, statement)
    if key is None:
        raise invalid(_KEYS_REQUIRED)
    return key


def _with_expressions(
    params: dict[str, Any], statement: Statement, extra_values: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Set exactly the placeholders the request's expressions use (DynamoDB refuses unused
    ones)."""
    used = set(_PLACEHOLDER.findall(_used(params)))
    values = {**statement.built.values, **(extra_values or {})}
    names = {p: n for p, n in statement.built.names.items() if p in used}
    chosen = {p: v for p, v in values.items() if p in used}
    params.pop("ExpressionAttributeNames", None)
    params.pop("ExpressionAttributeValues", None)
    if names:
        params["ExpressionAttributeNames"] = names
    if chosen:
        params["ExpressionAttributeValues"] = chosen
    return params


_PLACEHOLDER = re.compile(r"[#:][A-Za-z0-9_]+")


def _used(params: dict[str, Any]) -> str:
    return " ".join(
        str(params[m])
        for m in (
            "ConditionExpression",
            "FilterExpression",
            "ProjectionExpression",
            "UpdateExpression",
            "KeyConditionExpression",
        )  # fmt: skip
        if m in params
    )


def _condition(table: TableMeta, statement: Statement, exists: bool) -> str:
    """WHERE as a write's condition; the item must exist (UPDATE, DELETE) as DynamoDB's do."""
    first = statement.built.name(table.hash_key.name)
    guard = f"attribute_exists({first})" if exists else f"attribute_not_exists({first})"
    return guard if statement.where is None else f"{guard} AND ({statement.where})"


# -- plans: one JSON API request per statement ----------------------------------------------


def write_request(ctx: RequestContext, statement: Statement) -> tuple[str, dict[str, Any]]:
    """(operation, its params) for an INSERT, UPDATE or DELETE."""
    table = storage.table_meta(ctx, statement.table)
    if statement.kind == "EXISTS":
        params = {"TableName": table.name, "Key": _required_key(table, statement),
                  "ConditionExpression": _condition(table, statement, exists=True)}  # fmt: skip
        return "ConditionCheck", _with_expressions(params, statement)
    if statement.kind == "INSERT":
        assert statement.item is not None
        params = {"TableName": table.name, "Item": statement.item,
                  "ConditionExpression": _condition(table, statement, exists=False)}  # fmt: skip
        return "Put", _with_expressions(params, statement)
    key = _required_key(table, statement)
    params = {"TableName": table.name, "Key": key,
              "ConditionExpression": _condition(table, statement, exists=True)}  # fmt: skip
    if statement.kind == "UPDATE":
        clauses = []
        if statement.sets:
            clauses.append("SET " + ", ".join(statement.sets))
        if statement.removes:
            clauses.append("REMOVE " + ", ".join(statement.removes))
        params["UpdateExpression"] = " ".join(clauses)
        return "Update", _with_expressions(params, statement)
    return "Delete", _with_expressions(params, statement)


def _run_write(ctx: RequestContext, statement: Statement, params: dict[str, Any]) -> Any:
    operation, request = write_request(ctx, statement)
    if statement.returning:
        request["ReturnValues"] = statement.returning
    if params.get("ReturnValuesOnConditionCheckFailure"):
        request["ReturnValuesOnConditionCheckFailure"] = params[
            "ReturnValuesOnConditionCheckFailure"
        ]
    if params.get("ReturnConsumedCapacity"):
        request["ReturnConsumedCapacity"] = params["ReturnConsumedCapacity"]
    run = {"Put": single.put_item, "Update": single.update_item, "Delete": single.delete_item}
    try:
        answer = run[operation](ctx, request)
    except AwsError as error:
        if operation == "Put" and error.code == "ConditionalCheckFailedException":
            raise AwsError(
                "DuplicateItemException", "Duplicate primary key exists in table"
            ) from None
        raise
    result: dict[str, Any] = {"Items": [answer["Attributes"]] if answer.get("Attributes") else []}
    if "ConsumedCapacity" in answer:
        result["ConsumedCapacity"] = answer["ConsumedCapacity"]
    return result


def _run_select(ctx: RequestContext, statement: Statement, params: dict[str, Any]) -> Any:
    table = storage.table_meta(ctx, statement.table)
    built = statement.built
    request: dict[str, Any] = {"TableName": table.name}
    if statement.index:
        request["IndexName"] = statement.index
    if statement.projection:
        request["ProjectionExpression"] = ", ".join(statement.projection)
    for member in ("ConsistentRead", "ReturnConsumedCapacity", "Limit"):
        if params.get(member) is not None:
            request[member] = params[member]
    if params.get("NextToken"):
        request["ExclusiveStartKey"] = _decode_token(params["NextToken"])
    index = table.indexes.get(statement.index) if statement.index else None
    if statement.index and index is None:
        raise invalid(f"The table does not have the specified index: {statement.index}")
    hash_name = (index.hash_key if index else table.hash_key).name
    if hash_name in statement.keys:
        pk = built.name(hash_name)
        request["KeyConditionExpression"] = f"{pk} = :partition"
        if statement.descending:
            request["ScanIndexForward"] = False
        answer = _query_filtered(ctx, request, statement, statement.keys[hash_name])
    else:
        if statement.where:
            request["FilterExpression"] = statement.where
        answer = reads.scan(ctx, _with_expressions(request, statement), encoded=False)
    result: dict[str, Any] = {"Items": answer.get("Items", [])}
    if answer.get("LastEvaluatedKey"):
        result["NextToken"] = _encode_token(answer["LastEvaluatedKey"])
        result["LastEvaluatedKey"] = answer["LastEvaluatedKey"]
    if "ConsumedCapacity" in answer:
        result["ConsumedCapacity"] = answer["ConsumedCapacity"]
    return result


def _query_filtered(
    ctx: RequestContext, request: dict[str, Any], statement: Statement, partition: Any
) -> dict[str, Any]:
    """Query the partition, then keep the items WHERE accepts (it may name key attributes,
    which a Query's FilterExpression may not)."""
    answer = reads.query(
        ctx, _with_expressions(request, statement, {":partition": partition}), encoded=False
    )
    if statement.where is None:
        return answer
    where = prepare(_with_expressions({"ConditionExpression": statement.where}, statement),
                    ("ConditionExpression",))  # fmt: skip
    tree = where.get("ConditionExpression")
    full_items = answer["Items"]
    if statement.projection:  # filter on the full items, then project
        unprojected = {k: v for k, v in request.items() if k != "ProjectionExpression"}
        full_items = reads.query(
            ctx,
            _with_expressions(unprojected, statement, {":partition": partition}),
            encoded=False,
        )["Items"]
    kept = [single.check_condition(tree, item, where.env, "Statement") for item in full_items]
    answer["Items"] = [item for item, keep in zip(answer["Items"], kept, strict=True) if keep]
    return answer


def _encode_token(key: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(cbor2.dumps(key)).decode("ascii")


def _decode_token(token: str) -> Any:
    try:
        return cbor2.loads(base64.urlsafe_b64decode(token.encode("ascii")))
    except Exception:  # noqa: BLE001 (any garbage token is the client's error)
        raise invalid("Invalid NextToken") from None


# -- the operations -------------------------------------------------------------------------


def execute_statement(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    statement = parse(params["Statement"], params.get("Parameters"))
    if statement.kind == "EXISTS":
        raise invalid("EXISTS is only supported in ExecuteTransaction")
    if statement.kind == "SELECT":
        return _run_select(ctx, statement, params)  # type: ignore[no-any-return]
    if params.get("Limit") is not None or params.get("NextToken"):
        raise invalid("Limit and NextToken are only supported for SELECT statements")
    return _run_write(ctx, statement, params)  # type: ignore[no-any-return]


def batch_execute_statement(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    given = params["Statements"]
    check_list_length("statements", given, MAX_BATCH_STATEMENTS)
    parsed = [parse(s["Statement"], s.get("Parameters")) for s in given]
    if any(s.kind == "EXISTS" for s in parsed):
        raise invalid("EXISTS is only supported in ExecuteTransaction")
    if len({s.kind == "SELECT" for s in parsed}) > 1:
        raise invalid("Supported operations in a batch are either all reads or all writes")
    responses = []
    for request, statement in zip(given, parsed, strict=True):
        responses.append(_batch_one(ctx, request, statement))
    return {"Responses": responses}


_BATCH_CODES = {
    "ConditionalCheckFailedException": "ConditionalCheckFailed",
    "DuplicateItemException": "DuplicateItem",
    "ResourceNotFoundException": "ResourceNotFound",
    "ValidationException": "ValidationError",
    "ItemCollectionSizeLimitExceededException": "ItemCollectionSizeLimitExceeded",
}


def _batch_one(ctx: RequestContext, request: dict[str, Any], statement: Statement) -> Any:
    response: dict[str, Any] = {"TableName": statement.table}
    try:
        if statement.kind == "SELECT":
            table = storage.table_meta(ctx, statement.table)
            key = _key(table, statement)
            if key is None or statement.index:
                raise invalid("Batch read statements must specify the full primary key")
            get = {"TableName": table.name, "Key": key,
                   "ConsistentRead": bool(request.get("ConsistentRead"))}  # fmt: skip
            if statement.projection:
                get["ProjectionExpression"] = ", ".join(statement.projection)
                get = _with_expressions(get, statement)
            item = single.get_item(ctx, get, encoded=False).get("Item")
            if item is not None:
                response["Item"] = item
        else:
            _run_write(ctx, statement, request)
    except AwsError as error:
        response["Error"] = {"Code": _BATCH_CODES.get(error.code, error.code),
                             "Message": error.message}  # fmt: skip
        if error.fields.get("Item") is not None:
            response["Error"]["Item"] = error.fields["Item"]
    return response


def execute_transaction(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    given = params["TransactStatements"]
    check_list_length("transactStatements", given, MAX_TRANSACTION_STATEMENTS)
    parsed = [parse(s["Statement"], s.get("Parameters")) for s in given]
    reads_only = {s.kind == "SELECT" for s in parsed}
    if len(reads_only) > 1:
        raise invalid("Transactions must contain either all reads or all writes")
    extra = {k: params[k] for k in ("ReturnConsumedCapacity",) if params.get(k)}
    if reads_only == {True}:
        gets = []
        for statement in parsed:
            table = storage.table_meta(ctx, statement.table)
            get: dict[str, Any] = {"TableName": table.name, "Key": _required_key(table, statement)}
            if statement.projection:
                get["ProjectionExpression"] = ", ".join(statement.projection)
                get = _with_expressions(get, statement)
            gets.append({"Get": get})
        answer = transactions.transact_get_items(ctx, {"TransactItems": gets, **extra})
        return {"Responses": answer["Responses"], **_consumed(answer)}
    actions = [{kind: request} for kind, request in (write_request(ctx, s) for s in parsed)]
    if params.get("ClientRequestToken"):
        extra["ClientRequestToken"] = params["ClientRequestToken"]
    answer = transactions.transact_write_items(ctx, {"TransactItems": actions, **extra})
    return {"Responses": [], **_consumed(answer)}  # writes answer an empty list, as in AWS


def _consumed(answer: dict[str, Any]) -> dict[str, Any]:
    return {"ConsumedCapacity": answer["ConsumedCapacity"]} if "ConsumedCapacity" in answer else {}
