"""Lambda's errors for aliases, concurrency and asynchronous settings, worded as AWS words them."""

from __future__ import annotations

import pytest
from tests.services.lambda_.helpers import create
from tests.support import refusal

ARN = "arn:aws:lambda:us-east-1:000000000000:function:"


@pytest.fixture
def lam(client):  # type: ignore[no-untyped-def]
    return client("lambda")


def test_routing_weights_are_checked_as_the_model_checks_them(lam) -> None:  # type: ignore[no-untyped-def]
    name = create(lam)
    lam.publish_version(FunctionName=name)
    field = "Value '{2=2.0}' at 'routingConfig.additionalVersionWeights'"
    code, message, _ = refusal(lam.create_alias, FunctionName=name, Name="a", FunctionVersion="1",
                               RoutingConfig={"AdditionalVersionWeights": {"2": 2.0}})
    assert code == "ValidationException" and field in message
    assert "Member must have value greater than or equal to 0.0" in message
    code, message, _ = refusal(lam.create_alias, FunctionName=name, Name="a", FunctionVersion="1",
                               RoutingConfig={"AdditionalVersionWeights": {"$LATEST": 0.5}})
    assert code == "ValidationException"
    assert "Value '{$LATEST=0.5}'" in message and "pattern: [0-9]+" in message


def test_alias_of_a_missing_function_or_missing_alias(lam) -> None:  # type: ignore[no-untyped-def]
    name = create(lam)
    assert refusal(lam.create_alias, FunctionName=f"{name}-gone", Name="a",
                   FunctionVersion="1") == (
        "ResourceNotFoundException", f"Function not found: {ARN}{name}-gone:1", 404)
    assert refusal(lam.get_alias, FunctionName=name, Name="missing") == (
        "ResourceNotFoundException", f"Cannot find alias arn: {ARN}{name}:missing", 404)


def test_reserved_concurrency_is_for_functions_only(lam) -> None:  # type: ignore[no-untyped-def]
    name = create(lam)
    lam.publish_version(FunctionName=name)
    code, message, _ = refusal(lam.put_function_concurrency, FunctionName=f"{name}:1",
                               ReservedConcurrentExecutions=1)
    assert code == "InvalidParameterValueException"
    assert message.startswith("This operation is permitted on Lambda functions only.")
    assert refusal(lam.put_function_concurrency, FunctionName="no-such-fn",
                   ReservedConcurrentExecutions=1) == (
        "ResourceNotFoundException", f"Function not found: {ARN}no-such-fn:$LATEST", 404)


def test_event_invoke_config_errors_and_shape(lam) -> None:  # type: ignore[no-untyped-def]
    name = create(lam)
    missing = ("ResourceNotFoundException", "The function doesn't exist.", 404)
    assert refusal(lam.put_function_event_invoke_config, FunctionName="no-such-fn",
                   MaximumRetryAttempts=1) == missing
    assert refusal(lam.put_function_event_invoke_config, FunctionName=name, Qualifier="nope",
                   MaximumRetryAttempts=1) == missing
    assert refusal(lam.list_function_event_invoke_configs, FunctionName="no-such-fn") == missing
    assert refusal(lam.get_function_event_invoke_config, FunctionName="no-such-fn") == (
        "ResourceNotFoundException",
        f"The function {ARN}no-such-fn:$LATEST doesn't have an EventInvokeConfig", 404)
    assert refusal(lam.put_function_event_invoke_config, FunctionName=name)[:2] == (
        "InvalidParameterValueException",
        "You must specify at least one of error handling or destination setting.")
    put = lam.put_function_event_invoke_config(FunctionName=name, MaximumRetryAttempts=1)
    assert put["DestinationConfig"] == {"OnSuccess": {}, "OnFailure": {}}
    assert put["FunctionArn"] == f"{ARN}{name}:$LATEST"
    listed = lam.list_function_event_invoke_configs(FunctionName=name)
    assert listed["FunctionEventInvokeConfigs"][0]["DestinationConfig"]["OnFailure"] == {}


def test_tags_belong_to_unqualified_function_arns(lam) -> None:  # type: ignore[no-untyped-def]
    name = create(lam)
    lam.publish_version(FunctionName=name)
    code, message, _ = refusal(lam.tag_resource, Resource=f"{ARN}{name}:1", Tags={"a": "b"})
    assert (code, message) == ("InvalidParameterValueException", "Tags on function aliases and "
                               "versions are not supported. Please specify a function ARN.")
    code, message, _ = refusal(lam.tag_resource, Resource="arn:aws:something", Tags={"a": "b"})
    assert code == "ValidationException" and "at 'resource'" in message
    assert refusal(lam.tag_resource, Resource=f"{ARN}{name}", Tags={})[:2] == (
        "InvalidParameterValueException", "An error occurred and the request cannot be processed.")
    too_many = {f"k{i}": "v" for i in range(51)}
    assert refusal(lam.tag_resource, Resource=f"{ARN}{name}", Tags=too_many)[:2] == (
        "InvalidParameterValueException", "Number of tags exceeds resource tag limit.")


def test_event_source_mapping_without_a_source(lam) -> None:  # type: ignore[no-untyped-def]
    name = create(lam)
    assert refusal(lam.create_event_source_mapping, FunctionName=name)[:2] == (
        "InvalidParameterValueException", "Unrecognized event source.")
