"""Invoke's refusals of a payload, worded as AWS words them (aws-cli answers recorded in public
reports: Jackson's 'Unrecognized token' / 'Unexpected character' / 'Invalid UTF-8 start byte')."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError
from tests.services.lambda_.helpers import create

PREFIX = "Could not parse request body into json: Could not parse payload into json: "
EXPECTED = "(JSON String, Number, Array, Object or token 'null', 'true' or 'false')"
SOURCE = "[Source: REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); "


@pytest.fixture(scope="module")
def echo(endpoint: str) -> tuple[Any, str]:
    import boto3
    lam = boto3.client("lambda", region_name="us-east-1", endpoint_url=endpoint,
                       aws_access_key_id="test", aws_secret_access_key="test")
    return lam, create(lam, "def handler(event, context):\n    return event\n")


def _refusal(lam: Any, name: str, payload: bytes, **params: Any) -> dict[str, Any]:
    with pytest.raises(ClientError) as raised:
        lam.invoke(FunctionName=name, Payload=payload, **params)
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    error: dict[str, Any] = raised.value.response["Error"]
    assert error["Code"] == "InvalidRequestContentException"
    return error


@pytest.mark.parametrize("invocation_type", ["RequestResponse", "Event", "DryRun"])
def test_a_bare_word_is_an_unrecognized_token(echo: tuple[Any, str],
                                              invocation_type: str) -> None:
    lam, name = echo
    error = _refusal(lam, name, b"Hello World", InvocationType=invocation_type)
    assert error["Message"] == (f"{PREFIX}Unrecognized token 'Hello': was expecting {EXPECTED}\n"
                                f" at {SOURCE}line: 1, column: 7]")


def test_a_quote_that_is_no_json_string_is_an_unexpected_character(
        echo: tuple[Any, str]) -> None:
    lam, name = echo
    error = _refusal(lam, name, b"'test'")
    assert error["Message"] == (f"{PREFIX}Unexpected character (''' (code 39)): expected a "
                                f"valid value {EXPECTED}\n at {SOURCE}line: 1, column: 2]")


def test_bytes_that_are_no_utf8_are_named(echo: tuple[Any, str]) -> None:
    lam, name = echo
    error = _refusal(lam, name, b'{"a": "\x87"}')
    assert error["Message"] == f"{PREFIX}Invalid UTF-8 start byte 0x87"
