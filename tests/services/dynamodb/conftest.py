"""DynamoDB test helpers: a fresh table per test on the shared server."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest


@pytest.fixture
def ddb(client: Callable[..., Any]) -> Any:
    return client("dynamodb")


@pytest.fixture
def resource(endpoint: str) -> Any:
    import boto3

    return boto3.resource(
        "dynamodb",
        region_name="us-east-1",
        endpoint_url=endpoint,
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )


def unique(prefix: str = "t") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


@pytest.fixture
def make_table(ddb: Any) -> Callable[..., str]:
    """make_table(hash=("pk", "S"), range=("sk", "S"), **extra) -> a new table's name."""

    def make(
        hash: tuple[str, str] = ("pk", "S"),
        range: tuple[str, str] | None = ("sk", "S"),
        **extra: Any,
    ) -> str:
        name = unique()
        keys = [{"AttributeName": hash[0], "KeyType": "HASH"}]
        definitions = {hash[0]: hash[1]}
        if range:
            keys.append({"AttributeName": range[0], "KeyType": "RANGE"})
            definitions[range[0]] = range[1]
        for attribute, kind in extra.pop("more_attributes", {}).items():
            definitions[attribute] = kind
        ddb.create_table(
            TableName=name,
            KeySchema=keys,
            AttributeDefinitions=[
                {"AttributeName": n, "AttributeType": t} for n, t in definitions.items()
            ],
            BillingMode="PAY_PER_REQUEST",
            **extra,
        )
        return name

    return make


@pytest.fixture
def raw_ddb(endpoint: str) -> Any:
    """A client without botocore's own parameter checks: requests reach the server's checks."""
    import boto3
    from botocore.config import Config

    config = Config(parameter_validation=False, retries={"max_attempts": 1})
    return boto3.client(
        "dynamodb",
        region_name="us-east-1",
        endpoint_url=endpoint,
        aws_access_key_id="test",
        aws_secret_access_key="test",
        config=config,
    )


def error_of(excinfo: pytest.ExceptionInfo[Any]) -> tuple[str, str]:
    """A ClientError's (code, message)."""
    error = excinfo.value.response["Error"]
    return error["Code"], error["Message"]
