"""Answers recorded from DynamoDB that earlier passes missed: the wording of an empty key value
(GetItem, PutItem and Query calls quoted in moto issue 7062 and other users' reports)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError
from tests.services.dynamodb.conftest import error_of

_EMPTY = (
    "One or more parameter values are not valid. The AttributeValue for a key attribute "
    "cannot contain an empty {kind} value. Key: {name}"
)


def _refusal(call: Any, **params: Any) -> tuple[str, str]:
    with pytest.raises(ClientError) as excinfo:
        call(**params)
    return error_of(excinfo)


def test_an_empty_key_value_is_not_valid_in_every_item_call(
    ddb: Any, make_table: Callable[..., str]
) -> None:
    name = make_table()
    empty_hash = {"pk": {"S": ""}, "sk": {"S": "a"}}
    expected = ("ValidationException", _EMPTY.format(kind="string", name="pk"))
    assert _refusal(ddb.put_item, TableName=name, Item=empty_hash) == expected
    assert _refusal(ddb.get_item, TableName=name, Key=empty_hash) == expected
    assert _refusal(ddb.delete_item, TableName=name, Key=empty_hash) == expected
    empty_sort = {"pk": {"S": "a"}, "sk": {"S": ""}}
    assert _refusal(ddb.put_item, TableName=name, Item=empty_sort) == (
        "ValidationException", _EMPTY.format(kind="string", name="sk"))  # fmt: skip


def test_a_query_for_an_empty_hash_key_is_refused(
    ddb: Any, make_table: Callable[..., str]
) -> None:
    name = make_table(hash=("pk", "B"), range=None)
    assert _refusal(
        ddb.query, TableName=name, KeyConditionExpression="pk = :p",
        ExpressionAttributeValues={":p": {"B": b""}},
    ) == ("ValidationException", _EMPTY.format(kind="binary", name="pk"))  # fmt: skip


def test_a_query_of_an_index_for_an_empty_hash_key_names_the_index(
    ddb: Any, make_table: Callable[..., str]
) -> None:
    name = make_table(
        more_attributes={"g": "S"},
        GlobalSecondaryIndexes=[{
            "IndexName": "by-g", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
            "Projection": {"ProjectionType": "ALL"},
        }],
    )  # fmt: skip
    assert _refusal(
        ddb.query, TableName=name, IndexName="by-g", KeyConditionExpression="g = :g",
        ExpressionAttributeValues={":g": {"S": ""}},
    ) == ("ValidationException",
          "One or more parameter values are not valid. A value specified for a secondary index "
          "key is not supported. The AttributeValue for a key attribute cannot contain an empty "
          "string value. IndexName: by-g, IndexKey: g")  # fmt: skip
    # A non-empty value still queries.
    found = ddb.query(TableName=name, IndexName="by-g", KeyConditionExpression="g = :g",
                      ExpressionAttributeValues={":g": {"S": "x"}})  # fmt: skip
    assert found["Count"] == 0
