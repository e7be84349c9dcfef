"""ExpressionAttributeNames/Values and legacy parameters: the checks DynamoDB makes on the
request as a whole, before (or instead of) parsing its expressions."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError
from tests.services.dynamodb.conftest import error_of

KEY = {"pk": {"S": "k"}}
ONLY_WITH_EXPRESSIONS = "ExpressionAttributeValues can only be specified when using expressions: "


@pytest.mark.parametrize(
    ("operation", "extra", "null"),
    [
        ("put_item", {"Item": KEY}, "ConditionExpression is null"),
        ("delete_item", {"Key": KEY}, "ConditionExpression is null"),
        ("update_item", {"Key": KEY}, "UpdateExpression and ConditionExpression are null"),
        ("scan", {}, "FilterExpression is null"),
        (
            "query",
            {"KeyConditions": {"pk": {"ComparisonOperator": "EQ",
                                      "AttributeValueList": [{"S": "k"}]}}},  # fmt: skip
            "FilterExpression and KeyConditionExpression are null",
        ),
    ],
)
def test_values_without_expressions_name_the_expressions_missing(
    ddb: Any, make_table: Any, operation: str, extra: dict[str, Any], null: str
) -> None:
    with pytest.raises(ClientError) as excinfo:
        getattr(ddb, operation)(TableName=make_table(range=None),
                                ExpressionAttributeValues={":v": {"S": "x"}}, **extra)  # fmt: skip
    assert error_of(excinfo) == ("ValidationException", ONLY_WITH_EXPRESSIONS + null)


def test_placeholders_without_expressions_come_before_the_legacy_conflict(
    ddb: Any, make_table: Any
) -> None:
    with pytest.raises(ClientError) as excinfo:
        ddb.update_item(TableName=make_table(range=None), Key=KEY,
                        Expected={"b": {"Exists": False}},
                        ExpressionAttributeValues={":v": {"S": "x"}})  # fmt: skip
    assert error_of(excinfo) == (
        "ValidationException",
        ONLY_WITH_EXPRESSIONS + "UpdateExpression and ConditionExpression are null",
    )


@pytest.mark.parametrize(
    ("operation", "extra", "legacy", "expressions"),
    [
        (
            "update_item",
            {"Key": KEY, "AttributeUpdates": {"b": {"Action": "DELETE"}},
             "Expected": {"b": {"Exists": False}}, "UpdateExpression": "REMOVE c",
             "ConditionExpression": "attribute_exists(#b)",
             "ExpressionAttributeNames": {"#b": "b"}},
            "AttributeUpdates, Expected",
            "UpdateExpression, ConditionExpression",
        ),
        (
            "scan",
            {"AttributesToGet": ["a"], "ScanFilter": {}, "ConditionalOperator": "OR",
             "FilterExpression": "a = :v", "ProjectionExpression": "a",
             "ExpressionAttributeValues": {":v": {"S": "x"}}},
            "AttributesToGet, ScanFilter, ConditionalOperator",
            "ProjectionExpression, FilterExpression",
        ),
        (
            "put_item",
            {"Item": KEY, "ConditionalOperator": "AND",
             "ConditionExpression": "attribute_not_exists(pk)"},
            "ConditionalOperator",
            "ConditionExpression",
        ),
    ],
)
def test_legacy_and_expression_parameters_together_list_only_the_parameters(
    ddb: Any, make_table: Any, operation: str, extra: dict[str, Any], legacy: str,
    expressions: str,
) -> None:
    with pytest.raises(ClientError) as excinfo:
        getattr(ddb, operation)(TableName=make_table(range=None), **extra)
    assert error_of(excinfo) == (
        "ValidationException",
        "Can not use both expression and non-expression parameters in the same request: "
        f"Non-expression parameters: {{{legacy}}} Expression parameters: {{{expressions}}}",
    )


@pytest.mark.parametrize(
    ("names", "values", "message"),
    [
        ({"a": "b"}, {":v": {"S": "x"}},
         'ExpressionAttributeNames contains invalid key: Syntax error; key: "a"'),
        ({"#": "b"}, {":v": {"S": "x"}},
         'ExpressionAttributeNames contains invalid key: Syntax error; key: "#"'),
        (None, {":v": {"S": "x"}, "v": {"S": "x"}},
         'ExpressionAttributeValues contains invalid key: Syntax error; key: "v"'),
        # A bad key is found before a bad value, whatever their order.
        (None, {":v": {}, "w": {"S": "x"}},
         'ExpressionAttributeValues contains invalid key: Syntax error; key: "w"'),
        (None, {":v": {}},
         "ExpressionAttributeValues contains invalid value: Supplied AttributeValue is empty, "
         "must contain exactly one of the supported datatypes for key :v"),
        (None, {":v": {"SS": []}},
         "ExpressionAttributeValues contains invalid value: One or more parameter values were "
         "invalid: An string set  may not be empty for key :v"),
        (None, {":v": {"N": "1e126"}},
         "ExpressionAttributeValues contains invalid value: Number overflow. Attempting to "
         "store a number with magnitude larger than supported range for key :v"),
    ],
)  # fmt: skip
def test_placeholder_maps_are_checked_key_by_key(
    raw_ddb: Any, make_table: Any, names: Any, values: Any, message: str
) -> None:
    extra: dict[str, Any] = {"ExpressionAttributeValues": values}
    if names is not None:
        extra["ExpressionAttributeNames"] = names
    with pytest.raises(ClientError) as excinfo:
        raw_ddb.update_item(TableName=make_table(range=None), Key=KEY,
                            UpdateExpression="SET b = :v", **extra)  # fmt: skip
    assert error_of(excinfo) == ("ValidationException", message)


@pytest.mark.parametrize(
    ("rule", "problem"),
    [
        ({}, "Value must be provided when Exists is null"),
        ({"Exists": True}, "Value must be provided when Exists is true"),
        ({"Exists": False, "Value": {"S": "a"}}, "Value cannot be used when Exists is false"),
        ({"ComparisonOperator": "LT"},
         "Value or AttributeValueList must be used with ComparisonOperator: LT"),
        ({"Exists": True, "ComparisonOperator": "LT"},
         "Exists and ComparisonOperator cannot be used together"),
        ({"AttributeValueList": [{"S": "a"}], "Value": {"S": "a"}, "ComparisonOperator": "LT"},
         "Value and AttributeValueList cannot be used together"),
        ({"AttributeValueList": [{"S": "a"}]},
         "AttributeValueList can only be used with a ComparisonOperator"),
        ({"Exists": True, "AttributeValueList": [{"S": "a"}]},
         "AttributeValueList can only be used with a ComparisonOperator"),
    ],
)  # fmt: skip
def test_legacy_expected_entries_are_checked_member_by_member(
    ddb: Any, make_table: Any, rule: dict[str, Any], problem: str
) -> None:
    with pytest.raises(ClientError) as excinfo:
        ddb.put_item(TableName=make_table(range=None), Item=KEY, Expected={"a": rule})
    assert error_of(excinfo) == (
        "ValidationException",
        f"One or more parameter values were invalid: {problem} for Attribute: a",
    )


@pytest.mark.parametrize(
    ("rule", "operator"),
    [
        ({"Value": {"S": "a"}, "ComparisonOperator": "NULL"}, "NULL"),
        ({"Value": {"S": "a"}, "ComparisonOperator": "BETWEEN"}, "BETWEEN"),
        ({"AttributeValueList": [], "ComparisonOperator": "EQ"}, "EQ"),
    ],
)
def test_legacy_value_counts_as_one_argument_of_the_operator(
    ddb: Any, make_table: Any, rule: dict[str, Any], operator: str
) -> None:
    with pytest.raises(ClientError) as excinfo:
        ddb.put_item(TableName=make_table(range=None), Item=KEY, Expected={"a": rule})
    assert error_of(excinfo) == (
        "ValidationException",
        "One or more parameter values were invalid: Invalid number of argument(s) for the "
        f"{operator} ComparisonOperator",
    )


def test_legacy_value_with_an_operator_is_compared(ddb: Any, make_table: Any) -> None:
    name = make_table(range=None)
    ddb.put_item(TableName=name, Item={**KEY, "n": {"N": "5"}})
    ddb.put_item(TableName=name, Item={**KEY, "n": {"N": "6"}},
                 Expected={"n": {"Value": {"N": "9"}, "ComparisonOperator": "LT"}})  # fmt: skip
    with pytest.raises(ClientError) as excinfo:
        ddb.put_item(TableName=name, Item=KEY,
                     Expected={"n": {"Value": {"N": "1"}, "ComparisonOperator": "LT"}})  # fmt: skip
    assert error_of(excinfo)[0] == "ConditionalCheckFailedException"
