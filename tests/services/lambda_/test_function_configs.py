"""Recursion, runtime management and scaling settings of a function, through boto3."""

from __future__ import annotations

import pytest
from tests.services.lambda_.helpers import create
from tests.support import refusal

ARN = "arn:aws:lambda:us-east-1:000000000000:function:"
RUNTIME = "arn:aws:lambda:us-east-1::runtime:" + "ab" * 32


@pytest.fixture
def lam(client):  # type: ignore[no-untyped-def]
    return client("lambda")


def test_recursion_config_defaults_to_terminate_and_can_allow(lam) -> None:  # type: ignore[no-untyped-def]
    name = create(lam)
    assert lam.get_function_recursion_config(FunctionName=name)["RecursiveLoop"] == "Terminate"
    put = lam.put_function_recursion_config(FunctionName=name, RecursiveLoop="Allow")
    assert put["RecursiveLoop"] == "Allow"
    assert lam.get_function_recursion_config(FunctionName=f"{ARN}{name}")["RecursiveLoop"] == (
        "Allow")
    code, message, _ = refusal(lam.put_function_recursion_config, FunctionName=name,
                               RecursiveLoop="Sometimes")
    assert code == "ValidationException" and "[Allow, Terminate]" in message
    assert refusal(lam.get_function_recursion_config, FunctionName=f"{name}-gone") == (
        "ResourceNotFoundException", f"Function not found: {ARN}{name}-gone", 404)
    assert refusal(lam.get_function_recursion_config, FunctionName=f"{name}:1")[0] == (
        "ValidationException")


def test_runtime_management_per_version(lam) -> None:  # type: ignore[no-untyped-def]
    name = create(lam, Publish=True)
    assert lam.get_runtime_management_config(FunctionName=name)["UpdateRuntimeOn"] == "Auto"
    put = lam.put_runtime_management_config(FunctionName=name, Qualifier="1",
                                            UpdateRuntimeOn="Manual", RuntimeVersionArn=RUNTIME)
    assert (put["UpdateRuntimeOn"], put["RuntimeVersionArn"], put["FunctionArn"]) == (
        "Manual", RUNTIME, f"{ARN}{name}:1")
    got = lam.get_runtime_management_config(FunctionName=name, Qualifier="1")
    assert got["RuntimeVersionArn"] == RUNTIME
    latest = lam.get_runtime_management_config(FunctionName=name)
    assert latest["UpdateRuntimeOn"] == "Auto" and "RuntimeVersionArn" not in latest
    assert latest["FunctionArn"] == f"{ARN}{name}"
    lam.put_runtime_management_config(FunctionName=name, UpdateRuntimeOn="FunctionUpdate")
    assert lam.get_runtime_management_config(FunctionName=name)["UpdateRuntimeOn"] == (
        "FunctionUpdate")
    assert refusal(lam.put_runtime_management_config, FunctionName=name,
                   UpdateRuntimeOn="Manual")[0] == "InvalidParameterValueException"
    assert refusal(lam.put_runtime_management_config, FunctionName=name, UpdateRuntimeOn="Auto",
                   RuntimeVersionArn=RUNTIME)[0] == "InvalidParameterValueException"
    assert refusal(lam.put_runtime_management_config, FunctionName=name,
                   UpdateRuntimeOn="Manual",
                   RuntimeVersionArn="arn:aws:lambda:us-east-1:runtime:nope")[0] == (
        "ValidationException")
    assert refusal(lam.get_runtime_management_config, FunctionName=name, Qualifier="9") == (
        "ResourceNotFoundException", f"Function not found: {ARN}{name}:9", 404)


def test_scaling_config_needs_a_capacity_provider(lam) -> None:  # type: ignore[no-untyped-def]
    name = create(lam, Publish=True)
    code, message, status = refusal(lam.put_function_scaling_config, FunctionName=name,
                                    Qualifier="1", FunctionScalingConfig={
                                        "MinExecutionEnvironments": 1,
                                        "MaxExecutionEnvironments": 2})
    assert (code, status) == ("InvalidParameterValueException", 400)
    assert "capacity provider" in message
    assert refusal(lam.get_function_scaling_config, FunctionName=name,
                   Qualifier="1")[0] == "InvalidParameterValueException"
    assert refusal(lam.get_function_scaling_config, FunctionName=name, Qualifier="4") == (
        "ResourceNotFoundException", f"Function not found: {ARN}{name}:4", 404)
    assert refusal(lam.get_function_scaling_config, FunctionName=name,
                   Qualifier="$LATEST")[0] == "ValidationException"
