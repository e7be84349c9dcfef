"""Query requests DynamoDB refuses: filters on key attributes, starting keys outside the query."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError
from tests.services.dynamodb.conftest import error_of

_KEY_FILTER = "can only contain non-primary key attributes: Primary key attribute: "


@pytest.fixture
def indexed(make_table: Any) -> str:
    """pk/sk table with a KEYS_ONLY GSI on g/n and a KEYS_ONLY LSI on pk/l."""
    return make_table(  # type: ignore[no-any-return]
        more_attributes={"g": "S", "n": "N", "l": "S"},
        GlobalSecondaryIndexes=[{
            "IndexName": "gsi",
            "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"},
                          {"AttributeName": "n", "KeyType": "RANGE"}],
            "Projection": {"ProjectionType": "KEYS_ONLY"}}],
        LocalSecondaryIndexes=[{
            "IndexName": "lsi",
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"},
                          {"AttributeName": "l", "KeyType": "RANGE"}],
            "Projection": {"ProjectionType": "KEYS_ONLY"}}],
    )  # fmt: skip


def _query(ddb: Any, table: str, **extra: Any) -> Any:
    values = {":h": {"S": "a"}, **extra.pop("values", {})}
    key = extra.pop("key", "pk = :h")
    return ddb.query(TableName=table, KeyConditionExpression=key,
                     ExpressionAttributeValues=values, **extra)  # fmt: skip


@pytest.mark.parametrize(
    ("index", "key", "condition", "refused"),
    [
        (None, "pk = :h", "pk = :v", "pk"),
        (None, "pk = :h", "sk = :v", "sk"),
        (None, "pk = :h", "x = :v AND (size(sk.deep) > :n OR x = :v)", "sk"),
        ("gsi", "g = :h", "n > :n", "n"),
        ("lsi", "pk = :h", "begins_with(l, :v)", "l"),
    ],
)
def test_filter_expression_on_a_key_of_the_queried_schema_is_refused(
    ddb: Any, indexed: str, index: str | None, key: str, condition: str, refused: str
) -> None:
    extra = {"IndexName": index} if index else {}
    offered = {":v": {"S": "b"}, ":n": {"N": "1"}}
    used = {name: value for name, value in offered.items() if name in condition}
    with pytest.raises(ClientError) as excinfo:
        _query(ddb, indexed, key=key, FilterExpression=condition, values=used, **extra)
    assert error_of(excinfo) == (
        "ValidationException",
        "Filter Expression " + _KEY_FILTER + refused,
    )


def test_filter_names_a_key_through_a_placeholder(ddb: Any, indexed: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        _query(ddb, indexed, FilterExpression="#k = :v",
               ExpressionAttributeNames={"#k": "sk"}, values={":v": {"S": "b"}})  # fmt: skip
    assert error_of(excinfo) == ("ValidationException", "Filter Expression " + _KEY_FILTER + "sk")


def test_filter_on_attributes_outside_the_queried_key_schema_is_allowed(
    ddb: Any, indexed: str
) -> None:
    ddb.put_item(TableName=indexed, Item={"pk": {"S": "a"}, "sk": {"S": "1"}, "g": {"S": "x"}})
    found = _query(ddb, indexed, FilterExpression="g = :v", values={":v": {"S": "x"}})
    assert found["Count"] == 1
    # The table's sort key is not part of the LSI's key schema.
    found = _query(ddb, indexed, IndexName="lsi", FilterExpression="sk = :v",
                   values={":v": {"S": "1"}})  # fmt: skip
    assert found["Count"] == 0  # the item has no l, so it is not in the index


def test_query_filter_on_a_key_is_refused(ddb: Any, indexed: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        ddb.query(
            TableName=indexed,
            KeyConditions={"pk": {"ComparisonOperator": "EQ", "AttributeValueList": [{"S": "a"}]}},
            QueryFilter={"sk": {"ComparisonOperator": "NOT_NULL"}},
        )
    assert error_of(excinfo) == ("ValidationException", "QueryFilter " + _KEY_FILTER + "sk")


def test_scan_filter_may_name_keys(ddb: Any, indexed: str) -> None:
    assert ddb.scan(TableName=indexed, FilterExpression="pk = :v",
                    ExpressionAttributeValues={":v": {"S": "a"}})["Count"] == 0  # fmt: skip


@pytest.mark.parametrize(
    ("start", "message"),
    [
        ({"pk": {"S": "b"}, "sk": {"S": "5"}},
         "The provided starting key is outside query boundaries based on provided conditions"),
        ({"pk": {"S": "a"}, "sk": {"S": "1"}},
         "The provided starting key does not match the range key predicate"),
        ({"pk": {"S": "a"}, "sk": {"N": "5"}},
         "The provided starting key is invalid: The provided key element does not match the "
         "schema"),
    ],
)  # fmt: skip
def test_starting_key_must_lie_inside_the_query(
    ddb: Any, indexed: str, start: dict[str, Any], message: str
) -> None:
    with pytest.raises(ClientError) as excinfo:
        _query(ddb, indexed, key="pk = :h AND sk > :s", values={":s": {"S": "3"}},
               ExclusiveStartKey=start)  # fmt: skip
    assert error_of(excinfo) == ("ValidationException", message)


def test_index_starting_key_outside_the_partition(ddb: Any, indexed: str) -> None:
    start = {"pk": {"S": "a"}, "sk": {"S": "1"}, "g": {"S": "other"}, "n": {"N": "1"}}
    with pytest.raises(ClientError) as excinfo:
        _query(ddb, indexed, IndexName="gsi", key="g = :h", ExclusiveStartKey=start)
    assert error_of(excinfo) == (
        "ValidationException",
        "The provided starting key is outside query boundaries based on provided conditions",
    )


def test_pages_resume_from_their_last_evaluated_key(ddb: Any, indexed: str) -> None:
    for n in range(4):
        ddb.put_item(TableName=indexed, Item={"pk": {"S": "a"}, "sk": {"S": str(n)}})
    page = _query(ddb, indexed, key="pk = :h AND sk > :s", values={":s": {"S": "0"}}, Limit=2)
    rest = _query(ddb, indexed, key="pk = :h AND sk > :s", values={":s": {"S": "0"}},
                  ExclusiveStartKey=page["LastEvaluatedKey"])  # fmt: skip
    assert [i["sk"]["S"] for i in page["Items"] + rest["Items"]] == ["1", "2", "3"]


def test_count_with_a_projection_is_refused(ddb: Any, indexed: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        _query(ddb, indexed, Select="COUNT", ProjectionExpression="x")
    assert error_of(excinfo) == (
        "ValidationException",
        "Cannot specify the ProjectionExpression when choosing to get only the Count",
    )


@pytest.mark.parametrize("operation", ["query", "scan"])
def test_projection_of_what_a_global_index_does_not_project(
    ddb: Any, indexed: str, operation: str
) -> None:
    args: dict[str, Any] = {"TableName": indexed, "IndexName": "gsi",
                            "ProjectionExpression": "zz, pk, #a.b, zz.c, g",
                            "ExpressionAttributeNames": {"#a": "aa"}}  # fmt: skip
    if operation == "query":
        args |= {"KeyConditionExpression": "g = :h",
                 "ExpressionAttributeValues": {":h": {"S": "a"}}}  # fmt: skip
    with pytest.raises(ClientError) as excinfo:
        getattr(ddb, operation)(**args)
    assert error_of(excinfo) == (
        "ValidationException",
        "One or more parameter values were invalid: Global secondary index gsi does not "
        "project [zz, aa]",
    )


def test_projection_of_index_and_table_keys_on_a_global_index(ddb: Any, indexed: str) -> None:
    item = {"pk": {"S": "a"}, "sk": {"S": "1"}, "g": {"S": "h"}, "n": {"N": "2"}, "x": {"S": "x"}}
    ddb.put_item(TableName=indexed, Item=item)
    found = _query(ddb, indexed, IndexName="gsi", key="g = :h", values={":h": {"S": "h"}},
                   ProjectionExpression="pk, n")  # fmt: skip
    assert found["Items"] == [{"pk": {"S": "a"}, "n": {"N": "2"}}]
    # A local index fetches the rest from the table.
    ddb.put_item(TableName=indexed, Item={**item, "l": {"S": "l"}})
    found = _query(ddb, indexed, IndexName="lsi", ProjectionExpression="x")
    assert found["Items"] == [{"x": {"S": "x"}}]


def _eq(value: str) -> dict[str, Any]:
    return {"ComparisonOperator": "EQ", "AttributeValueList": [{"S": value}]}


@pytest.mark.parametrize(
    ("conditions", "message"),
    [
        ({}, "Conditions can be of length 1 or 2 only"),
        ({"pk": _eq("a"), "sk": _eq("b"), "x": _eq("c")},
         "Conditions can be of length 1 or 2 only"),
        ({"x": {"ComparisonOperator": "NULL"}}, "Query condition missed key schema element: pk"),
        ({"pk": _eq("a"), "x": _eq("b")}, "Query condition missed key schema element: sk"),
        ({"pk": {"ComparisonOperator": "NOT_NULL"}},
         "Attempted conditional constraint is not an indexable operation"),
        ({"pk": _eq("a"), "sk": {"ComparisonOperator": "CONTAINS",
                                 "AttributeValueList": [{"S": "b"}]}},
         "Attempted conditional constraint is not an indexable operation"),
        ({"pk": {"ComparisonOperator": "LE", "AttributeValueList": [{"S": "a"}]}},
         "Query key condition not supported"),
    ],
)  # fmt: skip
def test_legacy_key_conditions_refused(
    ddb: Any, make_table: Any, conditions: dict[str, Any], message: str
) -> None:
    with pytest.raises(ClientError) as excinfo:
        ddb.query(TableName=make_table(), KeyConditions=conditions)
    assert error_of(excinfo) == ("ValidationException", message)


def test_a_second_condition_on_a_table_without_sort_key(ddb: Any, make_table: Any) -> None:
    name = make_table(range=None)
    with pytest.raises(ClientError) as excinfo:
        ddb.query(TableName=name, KeyConditionExpression="pk = :a AND x = :b",
                  ExpressionAttributeValues={":a": {"S": "a"}, ":b": {"S": "b"}})  # fmt: skip
    assert error_of(excinfo) == ("ValidationException", "Query key condition not supported")
