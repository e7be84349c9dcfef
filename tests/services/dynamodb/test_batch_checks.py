"""BatchWriteItem, BatchGetItem, TransactWriteItems and TransactGetItems requests DynamoDB
refuses before touching an item, in its words."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError
from tests.services.dynamodb.conftest import error_of

MAP_VALUE = (
    "failed to satisfy constraint: Map value must satisfy constraint: [Member must have length "
    "less than or equal to 25, Member must have length greater than or equal to 1]"
)
ONE_DATATYPE = (
    "Supplied AttributeValue has more than one datatypes set, must contain exactly one of the "
    "supported datatypes"
)


def _key(n: int) -> dict[str, Any]:
    return {"pk": {"S": str(n)}}


def _refused(call: Any, **params: Any) -> tuple[str, str]:
    with pytest.raises(ClientError) as excinfo:
        call(**params)
    return error_of(excinfo)


@pytest.mark.parametrize("operation", ["batch_write_item", "batch_get_item"])
def test_empty_request_items(raw_ddb: Any, operation: str) -> None:
    assert _refused(getattr(raw_ddb, operation), RequestItems={}) == (
        "ValidationException",
        "1 validation error detected: Value '{}' at 'requestItems' failed to satisfy "
        "constraint: Member must have length greater than or equal to 1",
    )


def test_batch_write_list_lengths(raw_ddb: Any, make_table: Any) -> None:
    name = make_table(range=None)
    assert _refused(raw_ddb.batch_write_item, RequestItems={name: []}) == (
        "ValidationException",
        f"1 validation error detected: Value '{{{name}=[]}}' at 'requestItems' {MAP_VALUE}",
    )
    code, message = _refused(raw_ddb.batch_write_item, RequestItems={
        name: [{"PutRequest": {"Item": _key(n)}} for n in range(26)]})  # fmt: skip
    assert code == "ValidationException"
    assert message.startswith(
        f"1 validation error detected: Value '{{{name}=[com.amazonaws.dynamodb.v20120810."
        "WriteRequest@"
    )
    assert message.endswith(f"]}}' at 'requestItems' {MAP_VALUE}")


def test_batch_write_over_25_across_tables(ddb: Any, make_table: Any) -> None:
    first, second = make_table(range=None), make_table(range=None)
    writes = [{"PutRequest": {"Item": _key(n)}} for n in range(13)]
    assert _refused(ddb.batch_write_item, RequestItems={first: writes, second: writes}) == (
        "ValidationException",
        "Too many items requested for the BatchWriteItem call",
    )


@pytest.mark.parametrize(
    "write",
    [{}, {"PutRequest": {"Item": _key(1)}, "DeleteRequest": {"Key": _key(1)}}],
)
def test_write_request_with_other_than_one_request(
    raw_ddb: Any, make_table: Any, write: dict[str, Any]
) -> None:
    name = make_table(range=None)
    assert _refused(raw_ddb.batch_write_item, RequestItems={name: [write]}) == (
        "ValidationException",
        ONE_DATATYPE,
    )


def test_batch_get_key_list_lengths(raw_ddb: Any, make_table: Any) -> None:
    name = make_table(range=None)
    assert _refused(raw_ddb.batch_get_item, RequestItems={name: {"Keys": []}}) == (
        "ValidationException",
        f"1 validation error detected: Value '[]' at 'requestItems.{name}.member.keys' failed "
        "to satisfy constraint: Member must have length greater than or equal to 1",
    )
    other = make_table(range=None)
    split = {name: {"Keys": [_key(n) for n in range(60)]},
             other: {"Keys": [_key(n) for n in range(41)]}}  # fmt: skip
    assert _refused(raw_ddb.batch_get_item, RequestItems=split) == (
        "ValidationException",
        "Too many items requested for the BatchGetItem call",
    )


def test_batch_on_a_missing_table(ddb: Any) -> None:
    missing = ("ResourceNotFoundException", "Requested resource not found")
    assert _refused(ddb.batch_get_item, RequestItems={"no-such": {"Keys": [_key(1)]}}) == missing
    put = [{"PutRequest": {"Item": _key(1)}}]
    assert _refused(ddb.batch_write_item, RequestItems={"no-such": put}) == missing


@pytest.mark.parametrize(
    ("operation", "field"),
    [
        ("transact_write_items", "transactItems"),
        ("transact_get_items", "transactItems"),
    ],
)
def test_empty_transactions(raw_ddb: Any, operation: str, field: str) -> None:
    assert _refused(getattr(raw_ddb, operation), TransactItems=[]) == (
        "ValidationException",
        f"1 validation error detected: Value '[]' at '{field}' failed to satisfy constraint: "
        "Member must have length greater than or equal to 1",
    )


def test_empty_partiql_batches(raw_ddb: Any) -> None:
    assert _refused(raw_ddb.execute_transaction, TransactStatements=[])[1] == (
        "1 validation error detected: Value '[]' at 'transactStatements' failed to satisfy "
        "constraint: Member must have length greater than or equal to 1"
    )
    assert _refused(raw_ddb.batch_execute_statement, Statements=[])[1] == (
        "1 validation error detected: Value '[]' at 'statements' failed to satisfy "
        "constraint: Member must have length greater than or equal to 1"
    )


def test_transact_item_without_an_action(raw_ddb: Any, make_table: Any) -> None:
    name = make_table(range=None)
    assert _refused(raw_ddb.transact_write_items, TransactItems=[{}]) == (
        "ValidationException",
        "The action or operation requested is invalid. Verify that the action is typed "
        "correctly.",
    )
    both = {"Put": {"TableName": name, "Item": _key(1)},
            "Delete": {"TableName": name, "Key": _key(1)}}  # fmt: skip
    assert _refused(raw_ddb.transact_write_items, TransactItems=[both]) == (
        "ValidationException",
        "TransactItems can only contain one of Check, Put, Update or Delete",
    )


@pytest.mark.parametrize(
    "item",
    [{"other": {"S": "x"}}, {"pk": {"S": "a"}}, {"pk": {"N": "1"}, "sk": {"S": "b"}}],
    ids=["no-key", "no-sort-key", "key-of-another-type"],
)
def test_batch_put_not_matching_the_key_schema(
    ddb: Any, make_table: Any, item: dict[str, Any]
) -> None:
    name = make_table()
    write = {name: [{"PutRequest": {"Item": item}}]}
    assert _refused(ddb.batch_write_item, RequestItems=write) == (
        "ValidationException",
        "The provided key element does not match the schema",
    )
    assert ddb.scan(TableName=name)["Count"] == 0
