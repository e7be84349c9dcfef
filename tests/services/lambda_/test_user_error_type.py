"""Lambda's InvalidParameterValue, ResourceConflict and ResourceNotFound answers carry
"Type": "User" (their shapes' Type member), wherever they are raised."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError
from tests.services.lambda_.helpers import ROLE, create, zip_of


@pytest.fixture
def lam(client):  # type: ignore[no-untyped-def]
    return client("lambda")


def _answer(call: Any, **params: Any) -> tuple[str, Any]:
    with pytest.raises(ClientError) as raised:
        call(**params)
    return raised.value.response["Error"]["Code"], raised.value.response.get("Type")


def test_user_errors_say_type_user(lam) -> None:  # type: ignore[no-untyped-def]
    name = create(lam)
    assert _answer(lam.get_function, FunctionName=f"{name}:1", Qualifier="2") == (
        "InvalidParameterValueException", "User")
    # MaxItems beyond the model's 10000 is the model's ValidationException, before the operation
    assert _answer(lam.list_functions, MaxItems=20000)[0] == "ValidationException"
    missing_layer = "arn:aws:lambda:us-east-1:000000000000:layer:nope:1"
    assert _answer(lam.create_function, FunctionName=f"{name}-2", Runtime="python3.11",
                   Role=ROLE, Handler="app.handler", Code={"ZipFile": zip_of({"a.py": ""})},
                   Layers=[missing_layer]) == ("InvalidParameterValueException", "User")
    assert _answer(lam.create_function, FunctionName=name, Runtime="python3.11", Role=ROLE,
                   Handler="app.handler", Code={"ZipFile": zip_of({"a.py": ""})}) == (
        "ResourceConflictException", "User")
    assert _answer(lam.get_alias, FunctionName=name, Name="nope") == (
        "ResourceNotFoundException", "User")


def test_model_validation_errors_have_no_type(lam) -> None:  # type: ignore[no-untyped-def]
    assert _answer(lam.get_function, FunctionName="bad name!") == ("ValidationException", None)
