"""IAM's policy size quotas, counted as IAM counts them (whitespace aside), with its wording."""

from __future__ import annotations

import json
import uuid

import pytest
from tests.support import refusal

ACCOUNT = "112233445566"
TRUST = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
     "Action": "sts:AssumeRole"}]}


def _name(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def _document(size_chars: int) -> str:
    """A valid identity policy of about ``size_chars`` characters without whitespace."""
    bucket = "x" * max(1, size_chars - 110)
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{bucket}/*"}]})


def _size(document: str) -> int:
    return len("".join(document.split()))


@pytest.fixture
def iam(client):  # type: ignore[no-untyped-def]
    return client("iam", aws_access_key_id=ACCOUNT)


def test_role_inline_quota_is_for_all_its_inline_policies(iam) -> None:  # type: ignore[no-untyped-def]
    role = _name("role")
    iam.create_role(RoleName=role, AssumeRolePolicyDocument=json.dumps(TRUST))
    half = _document(6000)
    assert 5000 < _size(half) <= 6000
    iam.put_role_policy(RoleName=role, PolicyName="first", PolicyDocument=half)
    iam.put_role_policy(RoleName=role, PolicyName="first", PolicyDocument=half)  # replaced
    code, message, status = refusal(iam.put_role_policy, RoleName=role, PolicyName="second",
                                    PolicyDocument=half)
    assert (code, status) == ("LimitExceeded", 409)
    assert message == f"Maximum policy size of 10240 bytes exceeded for role {role}"
    assert iam.list_role_policies(RoleName=role)["PolicyNames"] == ["first"]


def test_user_inline_quota_counts_without_whitespace(iam) -> None:  # type: ignore[no-untyped-def]
    user = _name("user")
    iam.create_user(UserName=user)
    roomy = json.dumps(json.loads(_document(1500)), indent=100)  # long only with whitespace
    assert len(roomy) > 2048 >= _size(roomy)
    iam.put_user_policy(UserName=user, PolicyName="roomy", PolicyDocument=roomy)
    code, message, _ = refusal(iam.put_user_policy, UserName=user, PolicyName="more",
                               PolicyDocument=_document(600))
    assert code == "LimitExceeded"
    assert message == f"Maximum policy size of 2048 bytes exceeded for user {user}"


def test_trust_policy_quota(iam) -> None:  # type: ignore[no-untyped-def]
    trust = dict(TRUST)
    trust["Statement"] = [dict(TRUST["Statement"][0], Sid="a" * 2100)]  # type: ignore[index]
    code, message, status = refusal(iam.create_role, RoleName=_name("big"),
                                    AssumeRolePolicyDocument=json.dumps(trust))
    assert (code, status) == ("LimitExceeded", 409)
    assert message == "Cannot exceed quota for ACLSizePerRole: 2048"


def test_managed_policy_quota(iam) -> None:  # type: ignore[no-untyped-def]
    code, message, status = refusal(iam.create_policy, PolicyName=_name("big"),
                                    PolicyDocument=_document(6300))
    assert (code, status) == ("LimitExceeded", 409)
    assert message == "Cannot exceed quota for PolicySize: 6144"
