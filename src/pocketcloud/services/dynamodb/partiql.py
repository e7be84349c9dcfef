"""ExecuteStatement, BatchExecuteStatement and ExecuteTransaction: PartiQL statements run as
the JSON API's own operations (GetItem, Query, Scan, PutItem, UpdateItem, DeleteItem and the
transactional ones), so both front doors share one set of semantics and errors."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any, TypeVar

from pocketcloud.context import RequestContext
from pocketcloud.errors import AwsError
from pocketcloud.services.dynamodb import items as single
from pocketcloud.services.dynamodb import storage, transactions
from pocketcloud.services.dynamodb.partiql_keys import conjuncts, exact_key, write_key
from pocketcloud.services.dynamodb.partiql_parser import Statement, parse
from pocketcloud.services.dynamodb.partiql_select import project_row, run_select, with_expressions
from pocketcloud.services.dynamodb.storage import TableMeta
from pocketcloud.services.dynamodb.values import check_list_length, invalid

MAX_BATCH_STATEMENTS = 25
MAX_TRANSACTION_STATEMENTS = 100
_T = TypeVar("_T")


def _guard(table: TableMeta, statement: Statement, kind: str) -> str:
    """WHERE as a write's condition: INSERT needs no item, UPDATE an existing one that WHERE
    accepts; DELETE of a missing item is a no-op, as in DynamoDB."""
    first = statement.built.name(table.hash_key.name)
    if kind == "INSERT":
        return f"attribute_not_exists({first})"
    if kind == "DELETE":
        return f"attribute_not_exists({first}) OR ({statement.where})"
    return f"attribute_exists({first}) AND ({statement.where})"


def _update_expression(statement: Statement) -> str:
    clauses = [(word, parts) for word, parts in (
        ("SET", statement.sets), ("REMOVE", statement.removes), ("ADD", statement.adds),
        ("DELETE", statement.deletes)) if parts]  # fmt: skip
    return " ".join(f"{word} {', '.join(parts)}" for word, parts in clauses)


def write_request(ctx: RequestContext, statement: Statement) -> tuple[str, dict[str, Any]]:
    """(operation, its params) for an INSERT, UPDATE, DELETE or EXISTS."""
    table = storage.table_meta(ctx, statement.table)
    if statement.kind == "INSERT":
        assert statement.item is not None
        params = {"TableName": table.name, "Item": statement.item,
                  "ConditionExpression": _guard(table, statement, "INSERT")}  # fmt: skip
        return "Put", with_expressions(params, statement)
    if statement.kind == "EXISTS":
        key = _exists_key(table, statement)
        params = {"TableName": table.name, "Key": key, "ConditionExpression":
                  f"attribute_exists({statement.built.name(table.hash_key.name)}) "
                  f"AND ({statement.where})"}  # fmt: skip
        return "ConditionCheck", with_expressions(params, statement)
    params = {"TableName": table.name, "Key": write_key(table, statement),
              "ConditionExpression": _guard(table, statement, statement.kind)}  # fmt: skip
    if statement.kind == "UPDATE":
        params["UpdateExpression"] = _update_expression(statement)
        return "Update", with_expressions(params, statement)
    return "Delete", with_expressions(params, statement)


def _exists_key(table: TableMeta, statement: Statement) -> dict[str, Any]:
    """EXISTS reads one item by `=` on its key, with a condition beyond the key."""
    parts = conjuncts(statement.shape)
    keyed = {p[1]: p[2] for p in reversed(parts) if p[0] == "eq" and p[1] in table.key_names()}
    beyond = [p for p in parts if not (p[0] == "eq" and p[1] in table.key_names())]
    if set(keyed) != set(table.key_names()) or not beyond or statement.index:
        raise invalid("EXISTS() must contain a single item read with additional condition")
    return {name: keyed[name] for name in table.key_names()}


def _run_write(ctx: RequestContext, statement: Statement, params: dict[str, Any]) -> Any:
    operation, request = write_request(ctx, statement)
    if statement.returning:
        request["ReturnValues"] = statement.returning
    for member in ("ReturnValuesOnConditionCheckFailure", "ReturnConsumedCapacity"):
        if params.get(member):
            request[member] = params[member]
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


# -- the operations -------------------------------------------------------------------------


def execute_statement(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    statement = parse(params["Statement"], params.get("Parameters"))
    if statement.kind == "EXISTS":
        raise invalid("EXISTS can only be used in ExecuteTransaction write requests.")
    if statement.kind == "SELECT":
        return run_select(ctx, statement, params)  # type: ignore[no-any-return]
    if params.get("Limit") is not None or params.get("NextToken"):
        raise invalid("Limit and NextToken are only supported for SELECT statements")
    return _run_write(ctx, statement, params)  # type: ignore[no-any-return]


_BATCH_CODES = {
    "ConditionalCheckFailedException": "ConditionalCheckFailed",
    "DuplicateItemException": "DuplicateItem",
    "ResourceNotFoundException": "ResourceNotFound",
    "ValidationException": "ValidationError",
    "ItemCollectionSizeLimitExceededException": "ItemCollectionSizeLimitExceeded",
    "ProvisionedThroughputExceededException": "ProvisionedThroughputExceeded",
    "TransactionConflictException": "TransactionConflict",
    "RequestLimitExceeded": "RequestLimitExceeded",
    "ThrottlingException": "ThrottlingError",
}


def batch_execute_statement(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """Each statement answers on its own (a statement that fails to parse too); only the mix
    of reads and writes fails the whole request."""
    given = params["Statements"]
    check_list_length("statements", given, MAX_BATCH_STATEMENTS)
    parsed: list[Statement | AwsError] = []
    for request in given:
        try:
            parsed.append(parse(request["Statement"], request.get("Parameters")))
        except AwsError as error:
            parsed.append(error)
    kinds = {s.kind == "SELECT" for s in parsed if isinstance(s, Statement)}
    if len(kinds) > 1:
        raise invalid("Supported operations in a batch are either all reads or all writes")
    return {"Responses": [_batch_one(ctx, r, s) for r, s in zip(given, parsed, strict=True)]}


def _batch_one(
    ctx: RequestContext, request: dict[str, Any], statement: Statement | AwsError
) -> dict[str, Any]:
    response: dict[str, Any] = {}
    try:
        if isinstance(statement, AwsError):
            raise statement
        response["TableName"] = statement.table
        if statement.kind == "EXISTS":
            raise invalid("EXISTS can only be used in ExecuteTransaction write requests.")
        if statement.kind == "SELECT":
            item = _batch_read(ctx, request, statement)
            if item is not None:
                response["Item"] = item
        else:
            _run_write(ctx, statement, request)
    except AwsError as error:
        response["Error"] = {"Code": _BATCH_CODES.get(error.code, error.code),
                             "Message": error.message}  # fmt: skip
        if error.fields.get("Item") is not None:
            response["Error"]["Item"] = error.fields["Item"]
        if error.code == "ResourceNotFoundException":  # DynamoDB names no table it lacks
            response.pop("TableName", None)
    return response


def _batch_read(ctx: RequestContext, request: dict[str, Any], statement: Statement) -> Any:
    table = storage.table_meta(ctx, statement.table)
    key = exact_key(table, statement)
    if key is None or statement.index:
        raise invalid("Select statements within BatchExecuteStatement must specify the primary "
                      "key in the where clause.")  # fmt: skip
    get = {"TableName": table.name, "Key": key,
           "ConsistentRead": bool(request.get("ConsistentRead"))}  # fmt: skip
    item = single.get_item(ctx, get, encoded=False).get("Item")
    return None if item is None else _projected(statement, item)


def _projected(statement: Statement, item: Any) -> Any:
    return project_row(statement.projection, item, statement)


def _validated(position: int, step: Callable[[], _T]) -> _T:
    """A transaction's statement checked, its ValidationException naming its place."""
    try:
        return step()
    except AwsError as error:
        if error.code != "ValidationException":
            raise
        raise invalid(f"Validation failed in TransactStatements[{position}]: "
                      f"{error.message}") from None  # fmt: skip


def execute_transaction(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    given = params["TransactStatements"]
    check_list_length("transactStatements", given, MAX_TRANSACTION_STATEMENTS)
    parsed = [_validated(i, partial(parse, s["Statement"], s.get("Parameters")))
              for i, s in enumerate(given)]  # fmt: skip
    reads_only = {s.kind == "SELECT" for s in parsed}
    if len(reads_only) > 1:
        raise invalid("ExecuteTransaction API does not support both read and write operations "
                      "in the same request.")  # fmt: skip
    _cancel_for_missing_tables(ctx, parsed)
    extra = {k: params[k] for k in ("ReturnConsumedCapacity",) if params.get(k)}
    if reads_only == {True}:
        return _transaction_reads(ctx, parsed, extra)
    actions = [
        {kind: request}
        for kind, request in (
            _validated(i, partial(_transaction_write, ctx, s)) for i, s in enumerate(parsed)
        )
    ]
    if params.get("ClientRequestToken"):
        extra["ClientRequestToken"] = params["ClientRequestToken"]
    answer = transactions.transact_write_items(ctx, {"TransactItems": actions, **extra})
    return {"Responses": [], **_consumed(answer)}  # writes answer an empty list, as in AWS


def _cancel_for_missing_tables(ctx: RequestContext, parsed: list[Statement]) -> None:
    """A statement on a missing table cancels the transaction, with a reason for it."""
    reasons = []
    for statement in parsed:
        try:
            storage.table_meta(ctx, statement.table)
            reasons.append({"Code": "None"})
        except AwsError as error:
            if error.code != "ResourceNotFoundException":
                raise
            reasons.append({"Code": "ResourceNotFound", "Message": "Requested resource not found"})
    if any(r["Code"] != "None" for r in reasons):
        codes = ", ".join(r["Code"] for r in reasons)
        raise AwsError(
            "TransactionCanceledException",
            "Transaction cancelled, please refer cancellation reasons for specific reasons "
            f"[{codes}]",
            fields={"CancellationReasons": reasons},
        )


def _transaction_write(ctx: RequestContext, statement: Statement) -> tuple[str, dict[str, Any]]:
    if statement.returning:
        raise invalid("RETURNING clause is not supported in ExecuteTransaction.")
    return write_request(ctx, statement)


def _transaction_reads(
    ctx: RequestContext, parsed: list[Statement], extra: dict[str, Any]
) -> dict[str, Any]:
    gets = [{"Get": _validated(i, partial(_transaction_get, ctx, s))}
            for i, s in enumerate(parsed)]  # fmt: skip
    answer = transactions.transact_get_items(ctx, {"TransactItems": gets, **extra})
    responses = answer["Responses"]
    for response, statement in zip(responses, parsed, strict=True):
        if "Item" in response:
            response["Item"] = _projected(statement, response["Item"])
    return {"Responses": responses, **_consumed(answer)}


def _transaction_get(ctx: RequestContext, statement: Statement) -> dict[str, Any]:
    if statement.index:
        raise invalid("Reads on indices are not supported within transactions.")
    table = storage.table_meta(ctx, statement.table)
    key = exact_key(table, statement)
    if key is None:
        raise invalid("Select statements within ExecuteTransaction must specify the primary "
                      "key in the where clause.")  # fmt: skip
    return {"TableName": table.name, "Key": key}


def _consumed(answer: dict[str, Any]) -> dict[str, Any]:
    return {"ConsumedCapacity": answer["ConsumedCapacity"]} if "ConsumedCapacity" in answer else {}
