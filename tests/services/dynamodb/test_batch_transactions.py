"""BatchGetItem, BatchWriteItem, TransactWriteItems and TransactGetItems through boto3."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError


def _key(i: int) -> dict[str, Any]:
    return {"pk": {"S": f"k{i}"}}


def test_batch_write_then_batch_get(ddb: Any, make_table: Any) -> None:
    name = make_table(range=None)
    ddb.batch_write_item(
        RequestItems={
            name: [{"PutRequest": {"Item": {**_key(i), "v": {"N": str(i)}}}} for i in range(25)]
        }
    )
    got = ddb.batch_get_item(
        RequestItems={
            name: {
                "Keys": [_key(i) for i in range(0, 30, 3)],
                "ProjectionExpression": "v",
            }
        }
    )
    assert sorted(int(i["v"]["N"]) for i in got["Responses"][name]) == list(range(0, 25, 3))
    assert got["UnprocessedKeys"] == {}
    ddb.batch_write_item(RequestItems={name: [{"DeleteRequest": {"Key": _key(0)}}]})
    assert "Item" not in ddb.get_item(TableName=name, Key=_key(0))


def test_batch_limits_and_duplicates(ddb: Any, make_table: Any) -> None:
    name = make_table(range=None)
    with pytest.raises(ClientError) as excinfo:
        ddb.batch_write_item(
            RequestItems={
                name: [
                    {"PutRequest": {"Item": _key(1)}},
                    {"DeleteRequest": {"Key": _key(1)}},
                ]
            }
        )
    assert excinfo.value.response["Error"]["Message"] == (
        "Provided list of item keys contains duplicates"
    )
    with pytest.raises(ClientError) as excinfo:
        ddb.batch_write_item(
            RequestItems={name: [{"PutRequest": {"Item": _key(i)}} for i in range(26)]}
        )
    assert excinfo.value.response["Error"]["Code"] == "ValidationException"
    with pytest.raises(ClientError) as excinfo:
        ddb.batch_get_item(RequestItems={name: {"Keys": [_key(i) for i in range(101)]}})
    assert excinfo.value.response["Error"]["Message"] == (
        f"1 validation error detected: Value at 'requestItems.{name}.member.keys' failed to "
        "satisfy constraint: Member must have length less than or equal to 100"
    )


def test_transaction_is_all_or_nothing_with_reasons_in_order(ddb: Any, make_table: Any) -> None:
    name = make_table(range=None)
    ddb.put_item(TableName=name, Item={**_key(1), "balance": {"N": "10"}})
    with pytest.raises(ClientError) as excinfo:
        ddb.transact_write_items(
            TransactItems=[
                {"Put": {"TableName": name, "Item": {**_key(2), "balance": {"N": "5"}}}},
                {
                    "Update": {
                        "TableName": name,
                        "Key": _key(1),
                        "UpdateExpression": "SET balance = balance - :x",
                        "ConditionExpression": "balance >= :x",
                        "ExpressionAttributeValues": {":x": {"N": "50"}},
                        "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
                    }
                },
            ]
        )
    response = excinfo.value.response
    assert response["Error"]["Code"] == "TransactionCanceledException"
    reasons = response["CancellationReasons"]
    assert [r["Code"] for r in reasons] == ["None", "ConditionalCheckFailed"]
    assert reasons[1]["Item"]["balance"] == {"N": "10"}
    assert "Item" not in ddb.get_item(TableName=name, Key=_key(2))
    ddb.transact_write_items(
        TransactItems=[
            {"Put": {"TableName": name, "Item": {**_key(2), "balance": {"N": "5"}}}},
            {
                "Update": {
                    "TableName": name,
                    "Key": _key(1),
                    "UpdateExpression": "SET balance = balance - :x",
                    "ExpressionAttributeValues": {":x": {"N": "5"}},
                }
            },
            {
                "ConditionCheck": {
                    "TableName": name,
                    "Key": _key(3),
                    "ConditionExpression": "attribute_not_exists(pk)",
                }
            },
        ]
    )
    got = ddb.transact_get_items(
        TransactItems=[
            {"Get": {"TableName": name, "Key": _key(1)}},
            {"Get": {"TableName": name, "Key": _key(2)}},
            {"Get": {"TableName": name, "Key": _key(3)}},
        ]
    )["Responses"]
    assert [r.get("Item", {}).get("balance") for r in got] == [{"N": "5"}, {"N": "5"}, None]


def test_one_item_twice_in_a_transaction_is_refused(ddb: Any, make_table: Any) -> None:
    name = make_table(range=None)
    with pytest.raises(ClientError) as excinfo:
        ddb.transact_write_items(
            TransactItems=[
                {"Put": {"TableName": name, "Item": _key(1)}},
                {"Delete": {"TableName": name, "Key": _key(1)}},
            ]
        )
    assert excinfo.value.response["Error"]["Message"] == (
        "Transaction request cannot include multiple operations on one item"
    )


def test_client_request_token_makes_retries_idempotent(ddb: Any, make_table: Any) -> None:
    name = make_table(range=None)
    ddb.put_item(TableName=name, Item={**_key(1), "n": {"N": "0"}})
    update = {
        "Update": {
            "TableName": name,
            "Key": _key(1),
            "UpdateExpression": "ADD n :one",
            "ExpressionAttributeValues": {":one": {"N": "1"}},
        }
    }
    for _ in range(3):
        ddb.transact_write_items(TransactItems=[update], ClientRequestToken="token-1")
    assert ddb.get_item(TableName=name, Key=_key(1))["Item"]["n"] == {"N": "1"}
    update["Update"]["ExpressionAttributeValues"] = {":one": {"N": "2"}}
    with pytest.raises(ClientError) as excinfo:
        ddb.transact_write_items(TransactItems=[update], ClientRequestToken="token-1")
    assert excinfo.value.response["Error"]["Code"] == "IdempotentParameterMismatchException"
