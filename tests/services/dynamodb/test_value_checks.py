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
