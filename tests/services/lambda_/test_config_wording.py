"""Function URL configurations and function settings refused in AWS's own words."""

from __future__ import annotations

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from tests.services.lambda_.helpers import ROLE, create, zip_of
from tests.support import refusal

ARN = "arn:aws:lambda:us-east-1:000000000000:function:"
QUALIFIER_PATTERN = r"pattern: ((?!^\d+$)^[0-9a-zA-Z-_]+$)"


@pytest.fixture
def lam(endpoint: str):  # type: ignore[no-untyped-def]
    # Without botocore's own checks, so that the server's answer to an empty list is seen.
    config = Config(retries={"max_attempts": 1}, parameter_validation=False)
    return boto3.client("lambda", region_name="us-east-1", endpoint_url=endpoint, config=config,
                        aws_access_key_id="test", aws_secret_access_key="test")


def test_url_config_of_a_missing_function_or_alias(lam) -> None:  # type: ignore[no-untyped-def]
    name = create(lam)
    does_not_exist = ("ResourceNotFoundException", "Function does not exist", 404)
    generic = ("ResourceNotFoundException", "The resource you requested does not exist.", 404)
    for target in ({"FunctionName": "nope"}, {"FunctionName": f"{ARN}nope"},
                   {"FunctionName": name, "Qualifier": "nope"}):
        assert refusal(lam.create_function_url_config, AuthType="NONE", **target) == does_not_exist
        assert refusal(lam.update_function_url_config, AuthType="NONE", **target) == does_not_exist
        assert refusal(lam.get_function_url_config, **target) == generic
        assert refusal(lam.delete_function_url_config, **target) == generic
    assert refusal(lam.list_function_url_configs, FunctionName="nope") == does_not_exist
    assert refusal(lam.get_function_url_config, FunctionName=name) == generic
    assert refusal(lam.update_function_url_config, FunctionName=name) == generic


def test_url_config_qualifier_must_be_an_alias(lam) -> None:  # type: ignore[no-untyped-def]
    name = create(lam)
    lam.publish_version(FunctionName=name)
    for qualifier in ("1", "$LATEST"):
        for call, extra in ((lam.create_function_url_config, {"AuthType": "NONE"}),
                            (lam.get_function_url_config, {}),
                            (lam.update_function_url_config, {}),
                            (lam.delete_function_url_config, {})):
            code, message, status = refusal(call, FunctionName=name, Qualifier=qualifier, **extra)
            assert (code, status) == ("ValidationException", 400)
            assert f"Value '{qualifier}' at 'qualifier'" in message
            assert message.endswith(QUALIFIER_PATTERN)


def test_unknown_runtime_is_an_invalid_parameter(lam) -> None:  # type: ignore[no-untyped-def]
    for runtime in ("non-existent-runtime", "PYTHON3.9"):
        with pytest.raises(ClientError) as raised:
            create(lam, Runtime=runtime)
        error = raised.value.response["Error"]
        assert error["Code"] == "InvalidParameterValueException"
        assert error["Message"].startswith(
            f"Value {runtime} at 'runtime' failed to satisfy constraint: Member must satisfy "
            "enum value set: [")
        assert error["Message"].endswith("python3.12, python3.13, python3.14, nodejs18.x, "
                                         "nodejs20.x, nodejs22.x, nodejs24.x, provided.al2, "
                                         "provided.al2023, java11, java17, java21, java25, "
                                         "dotnet8, ruby3.2, ruby3.3, ruby3.4] or be a valid ARN")
        assert raised.value.response["Type"] == "User"


def test_architectures_are_shown_as_aws_shows_a_list(lam) -> None:  # type: ignore[no-untyped-def]
    prefix = "1 validation error detected: Value "
    cases = {
        ("x86_64", "arm64"): "'[x86_64, arm64]' at 'architectures' failed to satisfy constraint: "
                             "Member must have length less than or equal to 1",
        ("X86_64",): "'[X86_64]' at 'architectures' failed to satisfy constraint: Member must "
                     "satisfy constraint: [Member must satisfy enum value set: [x86_64, arm64], "
                     "Member must not be null]",
        (): "'[]' at 'architectures' failed to satisfy constraint: Member must have length "
            "greater than or equal to 1",
    }
    for architectures, wording in cases.items():
        with pytest.raises(ClientError) as raised:
            create(lam, Architectures=list(architectures))
        assert raised.value.response["Error"] == {"Code": "ValidationException",
                                                  "Message": prefix + wording}
    name = create(lam)
    code, message, _ = refusal(lam.update_function_code, FunctionName=name,
                               ZipFile=zip_of({"app.py": ""}), Architectures=["ARM64"])
    assert code == "ValidationException" and "Value '[ARM64]'" in message
    assert lam.get_function_configuration(FunctionName=name)["Role"] == ROLE
