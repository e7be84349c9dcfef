"""IAM answers as recorded from AWS (LocalStack's AWS-validated snapshots): OIDC providers'
member checks and UpdateOpenIDConnectProvider, the tag limit, policy version ids."""

from __future__ import annotations

import uuid
from typing import Any

import boto3
import pytest
from botocore.config import Config
from tests.support import refusal

ACCOUNT = "246802468024"
ARN_PREFIX = f"arn:aws:iam::{ACCOUNT}:oidc-provider/"
INSTANCE = "arn:aws:sso:::instance/ssoins-1234567890abcdef"
CONTEXT = {"SubjectSourceKey": "sub", "SubjectTypeValue": "user",
           "KeyDefinitionList": [{"SourceKey": "email", "TargetKey": "Email"}]}


@pytest.fixture
def iam(endpoint: str) -> Any:
    """No client-side checks: the server's answers to bad members are under test."""
    return boto3.client("iam", region_name="us-east-1", endpoint_url=endpoint,
                        aws_access_key_id=ACCOUNT, aws_secret_access_key="test",
                        config=Config(retries={"max_attempts": 1}, parameter_validation=False))


def _provider(iam: Any, **extra: Any) -> str:
    url = f"https://oidc-{uuid.uuid4().hex[:10]}.example.com"
    arn: str = iam.create_open_id_connect_provider(
        Url=url, ThumbprintList=["a" * 40], **extra)["OpenIDConnectProviderArn"]
    return arn


def test_every_bad_member_is_named_in_one_message(iam: Any) -> None:
    assert refusal(iam.create_open_id_connect_provider, Url="b" * 256,
                   ThumbprintList=["b" * 41], ClientIDList=["b" * 256]) == (
        "ValidationError",
        "3 validation errors detected: Value at 'clientIDList' failed to satisfy constraint: "
        "Member must satisfy constraint: [Member must have length less than or equal to 255, "
        "Member must have length greater than or equal to 1]; Value at 'thumbprintList' failed "
        "to satisfy constraint: Member must satisfy constraint: [Member must have length less "
        "than or equal to 40, Member must have length greater than or equal to 40]; Value at "
        "'url' failed to satisfy constraint: Member must have length less than or equal to 255",
        400)


def test_a_short_thumbprint_is_refused_on_create_and_update(iam: Any) -> None:
    message = ("1 validation error detected: Value at 'thumbprintList' failed to satisfy "
               "constraint: Member must satisfy constraint: [Member must have length less than "
               "or equal to 40, Member must have length greater than or equal to 40]")
    assert refusal(iam.create_open_id_connect_provider, Url="https://short.example.com",
                   ThumbprintList=["a" * 39]) == ("ValidationError", message, 400)
    arn = _provider(iam)
    assert refusal(iam.update_open_id_connect_provider_thumbprint, OpenIDConnectProviderArn=arn,
                   ThumbprintList=["c" * 40] * 6) == (
        "InvalidInput", "Thumbprint list must contain fewer than 5 entries.", 400)


def test_tags_beyond_fifty_reach_the_limit(iam: Any) -> None:
    arn = _provider(iam, Tags=[{"Key": f"k{i:02d}", "Value": "v"} for i in range(50)])
    assert refusal(iam.tag_open_id_connect_provider, OpenIDConnectProviderArn=arn,
                   Tags=[{"Key": "string", "Value": "string"}]) == (
        "LimitExceeded", "The number of tags has reached the maximum limit.", 409)


def test_a_bad_version_id_is_refused_without_its_value(iam: Any) -> None:
    assert refusal(iam.get_policy_version,
                   PolicyArn="arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
                   VersionId="v2-does-not-exist") == (
        "ValidationError", "1 validation error detected: Value at 'versionId' failed to "
        r"satisfy constraint: Member must satisfy regular expression pattern: "
        r"v[1-9][0-9]*(\.[A-Za-z0-9-]*)?", 400)


def test_update_sets_and_removes_the_context_provider_and_instance(iam: Any) -> None:
    arn = _provider(iam)
    plain = iam.get_open_id_connect_provider(OpenIDConnectProviderArn=arn)
    assert "ContextProvider" not in plain and "IdentityCenterInstanceArn" not in plain
    iam.update_open_id_connect_provider(OpenIDConnectProviderArn=arn, ContextProvider=CONTEXT)
    iam.update_open_id_connect_provider(OpenIDConnectProviderArn=arn,
                                        IdentityCenterInstanceArn=INSTANCE)
    got = iam.get_open_id_connect_provider(OpenIDConnectProviderArn=arn)
    assert (got["ContextProvider"], got["IdentityCenterInstanceArn"]) == (CONTEXT, INSTANCE)
    code, _, status = refusal(iam.update_open_id_connect_provider,
                              OpenIDConnectProviderArn=arn, RemoveContextProvider=True)
    assert (code, status) == ("InvalidInput", 400)  # the instance goes first
    iam.update_open_id_connect_provider(OpenIDConnectProviderArn=arn,
                                        RemoveIdentityCenterInstance=True)
    iam.update_open_id_connect_provider(OpenIDConnectProviderArn=arn, RemoveContextProvider=True)
    got = iam.get_open_id_connect_provider(OpenIDConnectProviderArn=arn)
    assert "ContextProvider" not in got and "IdentityCenterInstanceArn" not in got


@pytest.mark.parametrize("params", [
    {"ContextProvider": CONTEXT, "RemoveContextProvider": True},
    {"IdentityCenterInstanceArn": INSTANCE, "RemoveIdentityCenterInstance": True},
    {"ContextProvider": CONTEXT, "IdentityCenterInstanceArn": INSTANCE},
    {"IdentityCenterInstanceArn": INSTANCE},  # no context provider yet
    {"ContextProvider": {"SubjectSourceKey": " leading space"}},
    {"IdentityCenterInstanceArn": "not-an-arn"},
])
def test_update_refuses_what_the_documentation_rules_out(iam: Any,
                                                         params: dict[str, Any]) -> None:
    arn = _provider(iam)
    code, _, status = refusal(iam.update_open_id_connect_provider,
                              OpenIDConnectProviderArn=arn, **params)
    assert (code, status) == ("InvalidInput", 400)


def test_create_takes_a_context_provider_and_update_needs_a_known_provider(iam: Any) -> None:
    arn = _provider(iam, ContextProvider=CONTEXT, IdentityCenterInstanceArn=INSTANCE)
    got = iam.get_open_id_connect_provider(OpenIDConnectProviderArn=arn)
    assert (got["ContextProvider"], got["IdentityCenterInstanceArn"]) == (CONTEXT, INSTANCE)
    code, _, status = refusal(iam.create_open_id_connect_provider,
                              Url="https://alone.example.com", IdentityCenterInstanceArn=INSTANCE)
    assert (code, status) == ("InvalidInput", 400)
    missing = ARN_PREFIX + "missing.example.com"
    assert refusal(iam.update_open_id_connect_provider, OpenIDConnectProviderArn=missing,
                   ContextProvider=CONTEXT) == (
        "NoSuchEntity", f"OpenIDConnect Provider not found for arn {missing}", 404)
