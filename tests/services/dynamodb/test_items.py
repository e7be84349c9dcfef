"""Items through boto3: put, get, update, delete, return values, conditions and limits."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from botocore.exceptions import ClientError


def _error(excinfo: pytest.ExceptionInfo[ClientError]) -> tuple[str, str]:
    error = excinfo.value.response["Error"]
    return error["Code"], error["Message"]


KEY = {"pk": {"S": "user#1"}, "sk": {"S": "profile"}}


def test_put_then_get_every_type(ddb: Any, make_table: Any) -> None:
    name = make_table()
    item = {
        **KEY,
        "s": {"S": ""},
        "n": {"N": "00100.50"},
        "b": {"B": b"\x00\x01"},
        "t": {"BOOL": True},
        "z": {"NULL": True},
        "m": {"M": {"inner": {"L": [{"N": "1"}, {"S": "x"}]}}},
        "ss": {"SS": ["a", "b"]},
        "ns": {"NS": ["1", "2.5"]},
        "bs": {"BS": [b"x", b"y"]},
        "mb": {"M": {"x": {"B": b"\xff"}, "l": {"L": [{"BS": [b"\x01"]}, {"N": "1"}]}}},
    }
    ddb.put_item(TableName=name, Item=item)
    got = ddb.get_item(TableName=name, Key=KEY, ConsistentRead=True)["Item"]
    assert got["n"] == {"N": "100.5"}  # normalised as DynamoDB stores numbers
    assert got["b"] == {"B": b"\x00\x01"}
    assert got["m"] == item["m"] and set(got["ss"]["SS"]) == {"a", "b"}
    assert got["s"] == {"S": ""}
    assert got["mb"] == item["mb"]  # binary deep inside maps and lists, base64 on the wire


def test_missing_item_has_no_item_member(ddb: Any, make_table: Any) -> None:
    assert "Item" not in ddb.get_item(TableName=make_table(), Key=KEY)


@pytest.mark.parametrize(
    ("key", "message"),
    [
        ({"pk": {"S": "a"}}, "The provided key element does not match the schema"),
        (
            {"pk": {"N": "1"}, "sk": {"S": "a"}},
            "The provided key element does not match the schema",
        ),
        ({**KEY, "x": {"S": "a"}}, "The provided key element does not match the schema"),
    ],
)
def test_key_must_match_schema(ddb: Any, make_table: Any, key: Any, message: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        ddb.get_item(TableName=make_table(), Key=key)
    assert _error(excinfo) == ("ValidationException", message)


@pytest.mark.parametrize(
    ("item", "message"),
    [
        (
            {"pk": {"S": "a"}},
            "One or more parameter values were invalid: Missing the key sk in the item",
        ),
        (
            {"pk": {"N": "1"}, "sk": {"S": "a"}},
            "One or more parameter values were invalid: Type mismatch for key pk expected: S "
            "actual: N",
        ),
        (
            {"pk": {"S": ""}, "sk": {"S": "a"}},
            "One or more parameter values are not valid. The AttributeValue for a key attribute "
            "cannot contain an empty string value. Key: pk",
        ),
        (
            {**KEY, "s": {"SS": []}},
            "One or more parameter values were invalid: An string set  may not be empty",
        ),
        (
            {**KEY, "s": {"SS": ["a", "a"]}},
            "One or more parameter values were invalid: Input collection [a, a] contains "
            "duplicates.",
        ),
        (
            {**KEY, "n": {"N": "1e126"}},
            "Number overflow. Attempting to store a number with magnitude larger than supported "
            "range",
        ),
        (
            {**KEY, "n": {"N": "1" * 39}},
            "Attempting to store more than 38 significant digits in a Number",
        ),
        ({**KEY, "n": {"N": "one"}}, "A value provided cannot be converted into a number"),
    ],
)
def test_invalid_items_are_refused(ddb: Any, make_table: Any, item: Any, message: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        ddb.put_item(TableName=make_table(), Item=item)
    assert _error(excinfo) == ("ValidationException", message)


def test_item_size_limit_counts_names_and_values(ddb: Any, make_table: Any) -> None:
    name = make_table()
    fixed = len("pk") + len("user#1") + len("sk") + len("profile") + len("data")
    ddb.put_item(TableName=name, Item={**KEY, "data": {"S": "x" * (400 * 1024 - fixed)}})
    with pytest.raises(ClientError) as excinfo:
        ddb.put_item(TableName=name, Item={**KEY, "data": {"S": "x" * (400 * 1024 - fixed + 1)}})
    assert _error(excinfo) == (
        "ValidationException",
        "Item size has exceeded the maximum allowed size",
    )


def test_item_size_limit_counts_utf8_bytes_of_names_and_values(ddb: Any, make_table: Any) -> None:
    name = make_table()
    fixed = len("pk") + len("user#1") + len("sk") + len("profile") + len("naïve".encode())
    budget = 400 * 1024 - fixed - len("😀".encode())
    text = "😀" + "é" * (budget // 2) + "x" * (budget % 2)  # exactly the rest, in UTF-8 bytes
    ddb.put_item(TableName=name, Item={**KEY, "naïve": {"S": text}})
    got = ddb.get_item(TableName=name, Key=KEY)["Item"]
    assert got["naïve"] == {"S": text}
    with pytest.raises(ClientError) as excinfo:
        ddb.put_item(TableName=name, Item={**KEY, "naïve": {"S": text + "x"}})
    assert _error(excinfo) == (
        "ValidationException",
        "Item size has exceeded the maximum allowed size",
    )


def test_conditional_put_and_return_values(ddb: Any, make_table: Any) -> None:
    name = make_table()
    ddb.put_item(
        TableName=name,
        Item={**KEY, "v": {"N": "1"}},
        ConditionExpression="attribute_not_exists(pk)",
    )
    with pytest.raises(ClientError) as excinfo:
        ddb.put_item(
            TableName=name,
            Item={**KEY, "v": {"N": "2"}},
            ConditionExpression="attribute_not_exists(pk)",
            ReturnValuesOnConditionCheckFailure="ALL_OLD",
        )
    assert _error(excinfo) == ("ConditionalCheckFailedException", "The conditional request failed")
    assert excinfo.value.response["Item"]["v"] == {"N": "1"}
    old = ddb.put_item(TableName=name, Item={**KEY, "v": {"N": "3"}}, ReturnValues="ALL_OLD")
    assert old["Attributes"]["v"] == {"N": "1"}


def test_update_expression_actions_and_return_values(ddb: Any, make_table: Any) -> None:
    name = make_table()
    ddb.put_item(
        TableName=name,
        Item={
            **KEY,
            "count": {"N": "1"},
            "tags": {"SS": ["a", "b"]},
            "extra": {"SS": ["a", "b"]},
            "parts": {"L": [{"S": "x"}, {"S": "y"}]},
            "gone": {"S": "g"},
        },
    )
    result = ddb.update_item(
        TableName=name,
        Key=KEY,
        UpdateExpression="SET #c = #c + :one, parts = list_append(parts, :more), "
        "created = if_not_exists(created, :now), nested = :map REMOVE gone ADD tags :t "
        "DELETE extra :a",
        ExpressionAttributeNames={"#c": "count"},
        ExpressionAttributeValues={
            ":one": {"N": "1"},
            ":more": {"L": [{"S": "z"}]},
            ":now": {"N": "42"},
            ":t": {"SS": ["c"]},
            ":a": {"SS": ["a"]},
            ":map": {"M": {"k": {"S": "v"}}},
        },
        ReturnValues="ALL_NEW",
    )["Attributes"]
    assert result["count"] == {"N": "2"}
    assert result["parts"]["L"] == [{"S": "x"}, {"S": "y"}, {"S": "z"}]
    assert result["created"] == {"N": "42"} and "gone" not in result
    assert set(result["tags"]["SS"]) == {"a", "b", "c"}
    assert result["extra"] == {"SS": ["b"]}
    updated_old = ddb.update_item(
        TableName=name,
        Key=KEY,
        UpdateExpression="SET nested.k = :v, parts[0] = :v",
        ExpressionAttributeValues={":v": {"S": "new"}},
        ReturnValues="UPDATED_OLD",
    )["Attributes"]
    assert updated_old == {"nested": {"M": {"k": {"S": "v"}}}, "parts": {"L": [{"S": "x"}]}}


def test_update_creates_missing_item_and_refuses_key_updates(ddb: Any, make_table: Any) -> None:
    name = make_table()
    new = ddb.update_item(
        TableName=name,
        Key=KEY,
        UpdateExpression="ADD visits :one",
        ExpressionAttributeValues={":one": {"N": "1"}},
        ReturnValues="ALL_NEW",
    )["Attributes"]
    assert new == {**KEY, "visits": {"N": "1"}}
    with pytest.raises(ClientError) as excinfo:
        ddb.update_item(
            TableName=name,
            Key=KEY,
            UpdateExpression="SET pk = :v",
            ExpressionAttributeValues={":v": {"S": "x"}},
        )
    assert _error(excinfo)[1] == (
        "One or more parameter values were invalid: Cannot update attribute pk. "
        "This attribute is part of the key"
    )


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"ConditionExpression": "status = :s", "ExpressionAttributeValues": {":s": {"S": "a"}}},
            "Invalid ConditionExpression: Attribute name is a reserved keyword; "
            "reserved keyword: status",
        ),
        (
            {
                "ConditionExpression": "a = :s",
                "ExpressionAttributeValues": {":s": {"S": "a"}, ":x": {"S": "b"}},
            },
            "Value provided in ExpressionAttributeValues unused in expressions: keys: {:x}",
        ),
        (
            {"ConditionExpression": "#a = :s", "ExpressionAttributeValues": {":s": {"S": "a"}}},
            "Invalid ConditionExpression: An expression attribute name used in the document path "
            "is not defined; attribute name: #a",
        ),
        (
            {"ConditionExpression": "a = :s"},
            "Invalid ConditionExpression: An expression attribute value used in expression is not "
            "defined; attribute value: :s",
        ),
        (
            {"ConditionExpression": "a = "},
            'Invalid ConditionExpression: Syntax error; token: "<EOF>", near: "="',
        ),
    ],
)
def test_expression_errors_are_worded_as_dynamodb(
    ddb: Any, make_table: Any, kwargs: dict[str, Any], message: str
) -> None:
    with pytest.raises(ClientError) as excinfo:
        ddb.put_item(TableName=make_table(), Item=KEY, **kwargs)
    assert _error(excinfo) == ("ValidationException", message)


def test_delete_with_condition_and_all_old(ddb: Any, make_table: Any) -> None:
    name = make_table()
    ddb.put_item(TableName=name, Item={**KEY, "v": {"N": "5"}})
    with pytest.raises(ClientError):
        ddb.delete_item(
            TableName=name,
            Key=KEY,
            ConditionExpression="v > :x",
            ExpressionAttributeValues={":x": {"N": "10"}},
        )
    old = ddb.delete_item(
        TableName=name,
        Key=KEY,
        ConditionExpression="v BETWEEN :a AND :b",
        ExpressionAttributeValues={":a": {"N": "1"}, ":b": {"N": "9"}},
        ReturnValues="ALL_OLD",
    )["Attributes"]
    assert old["v"] == {"N": "5"}
    assert "Item" not in ddb.get_item(TableName=name, Key=KEY)


def test_projection_of_nested_paths(ddb: Any, make_table: Any) -> None:
    name = make_table()
    ddb.put_item(
        TableName=name,
        Item={
            **KEY,
            "a": {"M": {"b": {"L": [{"S": "0"}, {"S": "1"}, {"S": "2"}]}, "c": {"S": "no"}}},
            "d": {"S": "no"},
        },
    )
    got = ddb.get_item(
        TableName=name,
        Key=KEY,
        ProjectionExpression="a.b[2], a.b[0], #k",
        ExpressionAttributeNames={"#k": "pk"},
    )["Item"]
    assert got == {"pk": KEY["pk"], "a": {"M": {"b": {"L": [{"S": "0"}, {"S": "2"}]}}}}


def test_consumed_capacity(ddb: Any, make_table: Any) -> None:
    name = make_table()
    put = ddb.put_item(
        TableName=name, Item={**KEY, "d": {"S": "x" * 3000}}, ReturnConsumedCapacity="TOTAL"
    )
    assert put["ConsumedCapacity"] == {
        "TableName": name,
        "CapacityUnits": 3.0,
        "WriteCapacityUnits": 3.0,
    }
    got = ddb.get_item(TableName=name, Key=KEY, ReturnConsumedCapacity="TOTAL")
    assert got["ConsumedCapacity"]["CapacityUnits"] == 0.5


def test_resource_table_api_with_conditions_builder(resource: Any, make_table: Any) -> None:
    from boto3.dynamodb.conditions import Attr

    table = resource.Table(make_table())
    table.put_item(Item={"pk": "u", "sk": "1", "price": Decimal("9.99"), "tags": {"x"}})
    table.update_item(
        Key={"pk": "u", "sk": "1"},
        UpdateExpression="SET price = price * :x" if False else "SET price = price + :x",
        ConditionExpression=Attr("price").lt(10) & Attr("tags").contains("x"),
        ExpressionAttributeValues={":x": Decimal("0.01")},
    )
    assert table.get_item(Key={"pk": "u", "sk": "1"})["Item"]["price"] == Decimal("10")


def test_placeholders_without_expressions_and_legacy_parameters(
    ddb: Any, make_table: Any
) -> None:
    name = make_table()
    for extra, message in (
        (
            {"ExpressionAttributeValues": {":v": {"N": "1"}}},
            "ExpressionAttributeValues can only be specified when using expressions: "
            "ConditionExpression is null",
        ),
        (
            {"ExpressionAttributeNames": {"#v": "v"}},
            "ExpressionAttributeNames can only be specified when using expressions",
        ),
    ):
        with pytest.raises(ClientError) as excinfo:
            ddb.put_item(TableName=name, Item={**KEY, "v": {"N": "1"}}, **extra)
        assert _error(excinfo) == ("ValidationException", message)
    # The legacy parameters still stand for their expressions.
    ddb.put_item(TableName=name, Item={**KEY, "v": {"N": "1"}},
                 Expected={"v": {"Exists": False}})  # fmt: skip
    with pytest.raises(ClientError) as excinfo:
        ddb.put_item(TableName=name, Item={**KEY, "v": {"N": "2"}},
                     Expected={"v": {"Exists": False}})  # fmt: skip
    assert _error(excinfo)[0] == "ConditionalCheckFailedException"
    got = ddb.get_item(TableName=name, Key=KEY, AttributesToGet=["v"])["Item"]
    assert got == {"v": {"N": "1"}}
