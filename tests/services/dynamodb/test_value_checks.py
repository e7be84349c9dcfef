"""Attribute values and keys DynamoDB refuses, with its error code and message (never a 500)."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError
from tests.services.dynamodb.conftest import error_of

OVERFLOW = (
    "Number overflow. Attempting to store a number with magnitude larger than supported range"
)
UNDERFLOW = (
    "Number underflow. Attempting to store a number with magnitude smaller than supported range"
)


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("1" + "0" * 1030, OVERFLOW),  # one significant digit, a huge magnitude
        ("1e1000", OVERFLOW),
        ("-1E+999999999", OVERFLOW),
        ("1e-1000", UNDERFLOW),
    ],
)
def test_numbers_far_out_of_range_are_a_validation_error(
    ddb: Any, make_table: Any, number: str, message: str
) -> None:
    name = make_table(range=("sk", "N"))
    for item in (
        {"pk": {"S": "a"}, "sk": {"N": "1"}, "n": {"N": number}},
        {"pk": {"S": "a"}, "sk": {"N": number}},
    ):
        with pytest.raises(ClientError) as excinfo:
            ddb.put_item(TableName=name, Item=item)
        assert error_of(excinfo) == ("ValidationException", message)


@pytest.mark.parametrize(
    ("attribute", "value", "message"),
    [
        ("pk", "a" * 2049, "Size of hashkey has exceeded the maximum size limit of2048 bytes"),
        ("sk", "b" * 1025,
         "Aggregated size of all range keys has exceeded the size limit of 1024 bytes"),
    ],
)  # fmt: skip
def test_oversized_keys_are_refused(
    ddb: Any, make_table: Any, attribute: str, value: str, message: str
) -> None:
    item = {"pk": {"S": "a"}, "sk": {"S": "b"}, attribute: {"S": value}}
    with pytest.raises(ClientError) as excinfo:
        ddb.put_item(TableName=make_table(), Item=item)
    assert error_of(excinfo) == (
        "ValidationException",
        "One or more parameter values were invalid: " + message,
    )


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ({}, "Supplied AttributeValue is empty, must contain exactly one of the supported "
             "datatypes"),
        ({"SS": []}, "One or more parameter values were invalid: An string set  may not be "
                     "empty"),
    ],
)  # fmt: skip
def test_a_bad_value_in_the_starting_key_says_the_starting_key_is_invalid(
    raw_ddb: Any, make_table: Any, value: Any, problem: str
) -> None:
    with pytest.raises(ClientError) as excinfo:
        raw_ddb.scan(TableName=make_table(range=None), ExclusiveStartKey={"pk": value})
    assert error_of(excinfo) == (
        "ValidationException",
        "The provided starting key is invalid: " + problem,
    )


def test_duplicate_attributes_to_get_are_refused(ddb: Any, make_table: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        ddb.scan(TableName=make_table(range=None), AttributesToGet=["a", "b", "a"])
    assert error_of(excinfo) == (
        "ValidationException",
        "One or more parameter values were invalid: Duplicate value in attribute name: a",
    )


def test_an_empty_key_schema_is_too_short(raw_ddb: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        raw_ddb.create_table(TableName="empty-schema", KeySchema=[], AttributeDefinitions=[],
                             BillingMode="PAY_PER_REQUEST")  # fmt: skip
    assert error_of(excinfo) == (
        "ValidationException",
        "1 validation error detected: Value '[]' at 'keySchema' failed to satisfy constraint: "
        "Member must have length greater than or equal to 1",
    )
