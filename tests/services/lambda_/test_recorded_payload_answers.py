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


def test_an_event_over_1_mb_names_its_size_and_the_limit(echo: tuple[Any, str]) -> None:
    # '... byte payload is too large for the Event invocation type (limit 1048576 bytes)',
    # as AWS answers since it raised the asynchronous limit from 256 KB to 1 MB.
    lam, name = echo
    payload = b'"' + b"x" * (1024 * 1024) + b'"'
    with pytest.raises(ClientError) as raised:
        lam.invoke(FunctionName=name, Payload=payload, InvocationType="Event")
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 413
    assert raised.value.response["Error"] == {
        "Code": "RequestEntityTooLargeException",
        "Message": f"{len(payload)} byte payload is too large for the Event invocation type "
                   "(limit 1048576 bytes)"}
    under = b'"' + b"x" * (300 * 1024) + b'"'
    assert lam.invoke(FunctionName=name, Payload=under, InvocationType="Event")["StatusCode"] == 202


def test_a_request_over_6_mb_is_refused_before_it_runs(echo: tuple[Any, str]) -> None:
    lam, name = echo
    with pytest.raises(ClientError) as raised:
        lam.invoke(FunctionName=name, Payload=b'"' + b"x" * (6 * 1024 * 1024) + b'"')
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 413
    assert raised.value.response["Error"] == {
        "Code": "RequestEntityTooLargeException",
        "Message": "Request must be smaller than 6291456 bytes for the InvokeFunction operation"}


def test_an_alias_runs_its_version_and_a_missing_one_is_not_found(
        echo: tuple[Any, str]) -> None:
    # test_lambda_api's invoke answers: ExecutedVersion names the version the alias points at;
    # an unknown qualifier is 'Function not found: <qualified ARN>'.
    lam, name = echo
    version = lam.publish_version(FunctionName=name)["Version"]
    lam.create_alias(FunctionName=name, Name="live", FunctionVersion=version)
    assert lam.invoke(FunctionName=name, Qualifier="live")["ExecutedVersion"] == version
    arn = f"arn:aws:lambda:us-east-1:000000000000:function:{name}"
    for qualifier in ("nosuch", "7"):
        with pytest.raises(ClientError) as raised:
            lam.invoke(FunctionName=name, Qualifier=qualifier)
        assert raised.value.response["Error"] == {
            "Code": "ResourceNotFoundException",
            "Message": f"Function not found: {arn}:{qualifier}"}
