"""Lambda's errors for aliases, concurrency and asynchronous settings, worded as AWS words them."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError
from tests.services.lambda_.helpers import create

ARN = "arn:aws:lambda:us-east-1:000000000000:function:"


@pytest.fixture
def lam(client):  # type: ignore[no-untyped-def]
    return client("lambda")


def _error(call: Any, **params: Any) -> tuple[str, str, int]:
    with pytest.raises(ClientError) as raised:
        call(**params)
    response = raised.value.response
    return (response["Error"]["Code"], response["Error"]["Message"],
            response["ResponseMetadata"]["HTTPStatusCode"])


def test_routing_weights_are_checked_as_the_model_checks_them(lam) -> None:  # type: ignore[no-untyped-def]
    name = create(lam)
    lam.publish_version(FunctionName=name)
    field = "Value '{2=2.0}' at 'routingConfig.additionalVersionWeights'"
    code, message, _ = _error(lam.create_alias, FunctionName=name, Name="a", FunctionVersion="1",
                              RoutingConfig={"AdditionalVersionWeights": {"2": 2.0}})
    assert code == "ValidationException" and field in message
    assert "Member must have value greater than or equal to 0.0" in message
    code, message, _ = _error(lam.create_alias, FunctionName=name, Name="a", FunctionVersion="1",
                              RoutingConfig={"AdditionalVersionWeights": {"$LATEST": 0.5}})
    assert code == "ValidationException"
    assert "Value '{$LATEST=0.5}'" in message and "pattern: [0-9]+" in message


def test_alias_of_a_missing_function_or_missing_alias(lam) -> None:  # type: ignore[no-untyped-def]
    name = create(lam)
    assert _error(lam.create_alias, FunctionName=f"{name}-gone", Name="a",
                  FunctionVersion="1") == (
        "ResourceNotFoundException", f"Function not found: {ARN}{name}-gone:1", 404)
    assert _error(lam.get_alias, FunctionName=name, Name="missing") == (
        "ResourceNotFoundException", f"Cannot find alias arn: {ARN}{name}:missing", 404)
