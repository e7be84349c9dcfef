"""STS's member constraints, as a user meets them: ValidationError naming the member."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime

import pytest
from botocore.exceptions import ClientError

ACCOUNT = "135791357913"
ALLOW_S3 = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}]}


@pytest.fixture(scope="module")
def role_arn(endpoint: str) -> str:
    import boto3

    trust = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": ACCOUNT}, "Action": "sts:AssumeRole"}]})
    iam = boto3.client("iam", region_name="us-east-1", endpoint_url=endpoint,
                       aws_access_key_id=ACCOUNT, aws_secret_access_key="test")
    created = iam.create_role(RoleName=f"validate-{uuid.uuid4().hex[:8]}",
                              AssumeRolePolicyDocument=trust, MaxSessionDuration=43200)
    return str(created["Role"]["Arn"])


def _refusal(sts, **params) -> tuple[str, str, int]:  # type: ignore[no-untyped-def]
    with pytest.raises(ClientError) as caught:
        sts.assume_role(**params)
    error = caught.value.response
    return error["Error"]["Code"], error["Error"]["Message"], error["ResponseMetadata"][
        "HTTPStatusCode"]


@pytest.mark.parametrize(("member", "value", "wire", "constraint"), [
    ("RoleSessionName", "s" * 65, "roleSessionName", "length less than or equal to 64"),
    ("RoleSessionName", "has space", "roleSessionName", "regular expression pattern"),
    ("ExternalId", "e" * 1225, "externalId", "length less than or equal to 1224"),
    ("ExternalId", "no spaces", "externalId", "regular expression pattern"),
    # the current model allows 256 (older documentation said 64)
    ("SourceIdentity", "x" * 257, "sourceIdentity", "length less than or equal to 256"),
    ("SourceIdentity", "a;b", "sourceIdentity", "regular expression pattern"),
    ("DurationSeconds", 43201, "durationSeconds", "value less than or equal to 43200"),
])
def test_assume_role_member_constraints(client, role_arn: str, member: str, value: object,
                                        wire: str, constraint: str) -> None:
    params = {"RoleArn": role_arn, "RoleSessionName": "ok-session", member: value}
    code, message, status = _refusal(client("sts", aws_access_key_id=ACCOUNT), **params)
    assert (code, status) == ("ValidationError", 400)
    assert f"at '{wire}' failed to satisfy constraint: Member must have {constraint}" in message \
        or f"at '{wire}' failed to satisfy constraint: Member must satisfy {constraint}" in message


def test_valid_external_id_and_source_identity_pass(client, role_arn: str) -> None:
    result = client("sts", aws_access_key_id=ACCOUNT).assume_role(
        RoleArn=role_arn, RoleSessionName="fine", ExternalId="arn:partner/id-1+x=y@z",
        SourceIdentity="alice@example.com", DurationSeconds=43200)
    assert result["SourceIdentity"] == "alice@example.com"


def test_session_policy_longer_than_2048_characters(client, role_arn: str) -> None:
    padded = json.dumps(ALLOW_S3, indent=200)  # valid, but too long as sent
    assert len(padded) > 2048
    code, message, status = _refusal(client("sts", aws_access_key_id=ACCOUNT),
                                     RoleArn=role_arn, RoleSessionName="big", Policy=padded)
    assert (code, status) == ("ValidationError", 400)
    assert "at 'policy'" in message and "less than or equal to 2048" in message


def test_too_many_policy_arns_and_session_tags(client, role_arn: str) -> None:
    sts = client("sts", aws_access_key_id=ACCOUNT)
    arns = [{"arn": "arn:aws:iam::aws:policy/ReadOnlyAccess"}] * 11
    code, message, _ = _refusal(sts, RoleArn=role_arn, RoleSessionName="arns", PolicyArns=arns)
    assert code == "ValidationError" and "'policyArns'" in message
    tags = [{"Key": f"k{i}", "Value": "v"} for i in range(51)]
    code, message, _ = _refusal(sts, RoleArn=role_arn, RoleSessionName="tags", Tags=tags)
    assert code == "ValidationError" and "'tags'" in message
    code, message, _ = _refusal(sts, RoleArn=role_arn, RoleSessionName="tags",
                                Tags=[{"Key": "k", "Value": "v" * 257}])
    assert code == "ValidationError" and "'tags.1.member.value'" in message


def test_get_session_token_bounds(client) -> None:
    with pytest.raises(ClientError) as caught:
        client("sts", aws_access_key_id=ACCOUNT).get_session_token(DurationSeconds=129601)
    assert caught.value.response["Error"]["Code"] == "ValidationError"
    assert "less than or equal to 129600" in caught.value.response["Error"]["Message"]
    # the root user's session is shortened to an hour rather than refused
    sts = client("sts", aws_access_key_id=ACCOUNT)
    before = datetime.now(UTC).timestamp()
    expiration = sts.get_session_token(DurationSeconds=7200)["Credentials"]["Expiration"]
    assert expiration.timestamp() - before <= 3600 + 60
