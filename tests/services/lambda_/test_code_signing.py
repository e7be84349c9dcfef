"""Code signing configurations: their lifecycle, the functions they guard, Enforce refusing
every (necessarily unsigned) package."""

from __future__ import annotations

import re

import pytest
from tests.services.lambda_.helpers import create, zip_of
from tests.support import refusal

ARN = "arn:aws:lambda:us-east-1:000000000000:function:"
PROFILE = "arn:aws:signer:us-east-1:000000000000:/signing-profiles/p/abcdef1234"


@pytest.fixture
def lam(client):  # type: ignore[no-untyped-def]
    return client("lambda")


def _config(lam, policy: str | None = None) -> dict:  # type: ignore[no-untyped-def,type-arg]
    params = {"AllowedPublishers": {"SigningProfileVersionArns": [PROFILE]}}
    if policy:
        params["CodeSigningPolicies"] = {"UntrustedArtifactOnDeployment": policy}
    answer = lam.create_code_signing_config(**params)
    assert answer["ResponseMetadata"]["HTTPStatusCode"] == 201
    return dict(answer["CodeSigningConfig"])


def test_lifecycle_of_a_configuration(lam) -> None:  # type: ignore[no-untyped-def]
    config = _config(lam)
    csc_arn = config["CodeSigningConfigArn"]
    assert re.fullmatch(r"csc-[a-z0-9]{17}", config["CodeSigningConfigId"])
    assert csc_arn.endswith(f":code-signing-config:{config['CodeSigningConfigId']}")
    assert config["CodeSigningPolicies"] == {"UntrustedArtifactOnDeployment": "Warn"}
    assert config["Description"] == ""
    assert lam.get_code_signing_config(CodeSigningConfigArn=csc_arn)["CodeSigningConfig"] == config
    updated = lam.update_code_signing_config(
        CodeSigningConfigArn=csc_arn, Description="strict",
        CodeSigningPolicies={"UntrustedArtifactOnDeployment": "Enforce"})["CodeSigningConfig"]
    assert (updated["Description"], updated["AllowedPublishers"]) == (
        "strict", config["AllowedPublishers"])
    listed = lam.list_code_signing_configs()["CodeSigningConfigs"]
    assert csc_arn in [c["CodeSigningConfigArn"] for c in listed]
    lam.delete_code_signing_config(CodeSigningConfigArn=csc_arn)
    assert refusal(lam.get_code_signing_config, CodeSigningConfigArn=csc_arn) == (
        "ResourceNotFoundException",
        f"The Lambda code signing configuration {csc_arn} can not be found.", 404)


def test_listing_pages(lam) -> None:  # type: ignore[no-untyped-def]
    made = {_config(lam)["CodeSigningConfigArn"] for _ in range(3)}
    seen: set[str] = set()
    marker = None
    while True:
        page = lam.list_code_signing_configs(MaxItems=2, **({"Marker": marker} if marker else {}))
        assert len(page["CodeSigningConfigs"]) <= 2
        seen |= {c["CodeSigningConfigArn"] for c in page["CodeSigningConfigs"]}
        marker = page.get("NextMarker")
        if not marker:
            break
    assert made <= seen


def test_functions_and_their_configuration(lam) -> None:  # type: ignore[no-untyped-def]
    csc_arn = _config(lam)["CodeSigningConfigArn"]
    name = create(lam, CodeSigningConfigArn=csc_arn)  # Warn: unsigned code deploys
    other = create(lam)
    assert lam.get_function_code_signing_config(FunctionName=name)["CodeSigningConfigArn"] == (
        csc_arn)
    assert "CodeSigningConfigArn" not in lam.get_function_code_signing_config(FunctionName=other)
    put = lam.put_function_code_signing_config(FunctionName=other, CodeSigningConfigArn=csc_arn)
    assert (put["FunctionName"], put["CodeSigningConfigArn"]) == (other, csc_arn)
    arns = lam.list_functions_by_code_signing_config(CodeSigningConfigArn=csc_arn)["FunctionArns"]
    assert sorted(arns) == sorted([f"{ARN}{name}", f"{ARN}{other}"])
    assert refusal(lam.delete_code_signing_config, CodeSigningConfigArn=csc_arn)[::2] == (
        "ResourceConflictException", 409)
    lam.delete_function_code_signing_config(FunctionName=name)
    lam.delete_function(FunctionName=other)
    assert lam.list_functions_by_code_signing_config(
        CodeSigningConfigArn=csc_arn)["FunctionArns"] == []
    lam.delete_code_signing_config(CodeSigningConfigArn=csc_arn)
    missing = csc_arn
    assert refusal(lam.put_function_code_signing_config, FunctionName=name,
                   CodeSigningConfigArn=missing) == (
        "CodeSigningConfigNotFoundException",
        "The code signing configuration cannot be found. Check that the provided "
        f"configuration is not deleted: {missing}.", 404)
    assert refusal(create, lam, CodeSigningConfigArn=missing)[0] == (
        "CodeSigningConfigNotFoundException")
    live = _config(lam)["CodeSigningConfigArn"]
    assert refusal(lam.put_function_code_signing_config, FunctionName=f"{name}-gone",
                   CodeSigningConfigArn=live) == (
        "ResourceNotFoundException", f"Function not found: {ARN}{name}-gone", 404)


def test_enforce_refuses_unsigned_packages(lam) -> None:  # type: ignore[no-untyped-def]
    csc_arn = _config(lam, "Enforce")["CodeSigningConfigArn"]
    code, message, status = refusal(create, lam, CodeSigningConfigArn=csc_arn)
    assert (code, status) == ("CodeVerificationFailedException", 400)
    assert message.startswith("Lambda cannot deploy the function.")
    name = create(lam)
    lam.put_function_code_signing_config(FunctionName=name, CodeSigningConfigArn=csc_arn)
    assert refusal(lam.update_function_code, FunctionName=name,
                   ZipFile=zip_of({"app.py": "def handler(e, c):\n    return 1\n"}))[0] == (
        "CodeVerificationFailedException")
    lam.delete_function_code_signing_config(FunctionName=name)
    lam.update_function_code(FunctionName=name,
                             ZipFile=zip_of({"app.py": "def handler(e, c):\n    return 1\n"}))
