"""STS answers as recorded from AWS (LocalStack's AWS-validated snapshots) and as its model
constrains members: GetFederationToken's PackedPolicySize, GetAccessKeyInfo's key id."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.config import Config
from tests.support import refusal


@pytest.fixture
def sts(endpoint: str) -> Any:
    """No client-side checks: the server's answers to bad members are under test."""
    return boto3.client("sts", region_name="us-east-1", endpoint_url=endpoint,
                        aws_access_key_id="test", aws_secret_access_key="test",
                        config=Config(retries={"max_attempts": 1}, parameter_validation=False))


def test_a_federation_token_without_session_policies_packs_nothing(sts: Any) -> None:
    made = sts.get_federation_token(Name="TestNameRecorded", DurationSeconds=900)
    assert made["PackedPolicySize"] == 0


@pytest.mark.parametrize(("key_id", "constraint"), [
    ("AKIA", "Member must have length greater than or equal to 16"),
    ("A" * 129, "Member must have length less than or equal to 128"),
    ("AKIA-1234567890123", r"Member must satisfy regular expression pattern: [\w]*"),
])
def test_access_key_info_checks_the_key_id(sts: Any, key_id: str, constraint: str) -> None:
    assert refusal(sts.get_access_key_info, AccessKeyId=key_id) == (
        "ValidationError", f"1 validation error detected: Value '{key_id}' at 'accessKeyId' "
        f"failed to satisfy constraint: {constraint}", 400)


# AWS's answer as reported in aws-sdk-net#1522 and aws-actions/configure-aws-credentials#318
def test_web_identity_for_a_missing_role_is_not_authorized(sts: Any) -> None:
    code, message, status = refusal(
        sts.assume_role_with_web_identity, RoleArn="arn:aws:iam::000000000000:role/no-such-role",
        RoleSessionName="web", WebIdentityToken="eyJhbGciOiJub25lIn0.eyJpc3MiOiJ4In0.")
    assert (code, message, status) == (
        "AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity", 403)
