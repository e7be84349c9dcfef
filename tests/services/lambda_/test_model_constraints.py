"""Lambda checks a request against its model's constraints before the operation runs, in AWS's
words: every broken constraint, in the model's member order, in one ValidationException."""

from __future__ import annotations

import boto3
import pytest
from botocore.config import Config
from tests.services.lambda_.helpers import ROLE, unique_name, zip_of
from tests.support import refusal

PREFIX = "1 validation error detected: "


@pytest.fixture
def lam(endpoint: str):  # type: ignore[no-untyped-def]
    # Without botocore's own checks, so that the server's answers to bad values are seen.
    config = Config(retries={"max_attempts": 1}, parameter_validation=False)
    return boto3.client("lambda", region_name="us-east-1", endpoint_url=endpoint, config=config,
                        aws_access_key_id="test", aws_secret_access_key="test")


def _pattern(lam, operation: str, member: str) -> str:  # type: ignore[no-untyped-def]
    shape = lam.meta.service_model.operation_model(operation).input_shape
    return str(shape.members[member].metadata["pattern"])


def test_a_function_name_outside_the_pattern(lam) -> None:  # type: ignore[no-untyped-def]
    pattern = _pattern(lam, "GetFunction", "FunctionName")
    assert refusal(lam.get_function, FunctionName="bad name!") == (
        "ValidationException", PREFIX + "Value 'bad name!' at 'functionName' failed to satisfy "
        f"constraint: Member must satisfy regular expression pattern: {pattern}", 400)


def test_every_broken_member_in_model_order(lam) -> None:  # type: ignore[no-untyped-def]
    description = "d" * 257
    assert refusal(lam.create_function, FunctionName=unique_name(), Runtime="python3.12",
                   Role=ROLE, Handler="app.handler", Code={"ZipFile": zip_of({"app.py": ""})},
                   MemorySize=64, Timeout=0, Description=description) == (
        "ValidationException",
        f"3 validation errors detected: Value '{description}' at 'description' failed to "
        "satisfy constraint: Member must have length less than or equal to 256; Value '0' at "
        "'timeout' failed to satisfy constraint: Member must have value greater than or equal "
        "to 1; Value '64' at 'memorySize' failed to satisfy constraint: Member must have value "
        "greater than or equal to 128", 400)


def test_member_names_lower_only_their_first_letter(lam) -> None:  # type: ignore[no-untyped-def]
    pattern = _pattern(lam, "CreateFunction", "KMSKeyArn")
    code, message, _ = refusal(lam.create_function, FunctionName=unique_name(),
                               Runtime="python3.12", Role=ROLE, Handler="app.handler",
                               Code={"ZipFile": zip_of({"app.py": ""})}, KMSKeyArn="a:b")
    assert (code, message) == ("ValidationException", PREFIX + "Value 'a:b' at 'kMSKeyArn' "
                               "failed to satisfy constraint: Member must satisfy regular "
                               f"expression pattern: {pattern}")


def test_a_runtime_stays_lambdas_own_answer(lam) -> None:  # type: ignore[no-untyped-def]
    code, message, _ = refusal(lam.create_function, FunctionName=unique_name(),
                               Runtime="cobol", Role=ROLE, Handler="app.handler",
                               Code={"ZipFile": zip_of({"app.py": ""})})
    assert code == "InvalidParameterValueException"
    assert message.startswith("Value cobol at 'runtime'")
