"""Roles answer as IAM answers: which members each response carries, and the errors for bad
policy ARNs, boundaries, trust actions and tags."""

from __future__ import annotations

import json
import uuid

import pytest
from botocore.exceptions import ClientError
from tests.support import refusal

ACCOUNT = "135791357913"
TRUST = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"},
     "Action": "sts:AssumeRole"}]})
ALLOW_LIST = json.dumps({"Version": "2012-10-17", "Statement": {
    "Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::example_bucket"}})


def _name(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


@pytest.fixture
def iam(client):  # type: ignore[no-untyped-def]
    return client("iam", aws_access_key_id=ACCOUNT)


def _trust(action: str | list[str]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": action}]})


def test_create_role_leaves_out_what_get_role_shows(iam) -> None:  # type: ignore[no-untyped-def]
    role = _name("brief")
    created = iam.create_role(RoleName=role, AssumeRolePolicyDocument=TRUST,
                              Description="kept", Tags=[{"Key": "team", "Value": "a"}])["Role"]
    assert "MaxSessionDuration" not in created and "Description" not in created
    assert "RoleLastUsed" not in created
    assert created["Tags"] == [{"Key": "team", "Value": "a"}]
    got = iam.get_role(RoleName=role)["Role"]
    assert (got["Description"], got["MaxSessionDuration"], got["RoleLastUsed"]) == (
        "kept", 3600, {})
    described = iam.update_role_description(RoleName=role, Description="new")["Role"]
    assert described["Description"] == "new"
    assert "MaxSessionDuration" not in described and "RoleLastUsed" not in described


def test_trust_policy_grants_only_sts_role_actions(iam) -> None:  # type: ignore[no-untyped-def]
    role = _name("trust")
    iam.create_role(RoleName=role, AssumeRolePolicyDocument=TRUST)
    refused: list[str | list[str]] = [
        "sts:InvalidAction", "s3:GetObject", ["sts:AssumeRole", "sts:GetCallerIdentity"]]
    for action in refused:
        code, message, status = refusal(iam.update_assume_role_policy, RoleName=role,
                                        PolicyDocument=_trust(action))
        assert (code, message, status) == (
            "MalformedPolicyDocument",
            "AssumeRole policy may only specify STS AssumeRole actions.", 400)
    accepted: list[str | list[str]] = [
        "sts:AssumeRole", "sts:AssumeRoleWith*", "sts:*", "*",
        ["sts:AssumeRoleWithWebIdentity", "sts:TagSession", "sts:SetSourceIdentity"]]
    for action in accepted:
        iam.update_assume_role_policy(RoleName=role, PolicyDocument=_trust(action))
    code, _, _ = refusal(iam.create_role, RoleName=_name("t"),
                         AssumeRolePolicyDocument=_trust("iam:PassRole"))
    assert code == "MalformedPolicyDocument"


def test_policy_arn_that_is_no_arn(iam) -> None:  # type: ignore[no-untyped-def]
    role, policy = _name("arn"), _name("policy-named-long-enough")
    iam.create_role(RoleName=role, AssumeRolePolicyDocument=TRUST)
    arn = iam.create_policy(PolicyName=policy, PolicyDocument=ALLOW_LIST)["Policy"]["Arn"]
    for bad in ("longpolicynamebutnoarn", policy):
        assert refusal(iam.attach_role_policy, RoleName=role, PolicyArn=bad) == (
            "ValidationError", f"ARN {bad} is not valid.", 400)
    missing = arn.replace(policy, "nonexistent-policy")
    assert refusal(iam.attach_role_policy, RoleName=role, PolicyArn=missing) == (
        "NoSuchEntity", f"Policy {missing} does not exist or is not attachable.", 404)
    assert refusal(iam.detach_role_policy, RoleName=role, PolicyArn=arn) == (
        "NoSuchEntity", f"Policy {arn} was not found.", 404)


def test_permissions_boundary_errors(iam) -> None:  # type: ignore[no-untyped-def]
    role, user = _name("pb"), _name("pbu")
    iam.create_role(RoleName=role, AssumeRolePolicyDocument=TRUST)
    iam.create_user(UserName=user)
    not_policy = f"arn:aws:iam::{ACCOUNT}:not_a_policy/invalid"
    missing = f"arn:aws:iam::{ACCOUNT}:policy/nonexistent-policy"
    invalid = ("InvalidInput", f"ARN {not_policy} is not valid.", 400)
    absent = ("NoSuchEntity", f"Scope ARN: {missing} does not exist or is not attachable.", 404)
    assert refusal(iam.put_role_permissions_boundary, RoleName=role,
                   PermissionsBoundary=not_policy) == invalid
    assert refusal(iam.create_role, RoleName=_name("r"), AssumeRolePolicyDocument=TRUST,
                   PermissionsBoundary=not_policy) == invalid
    assert refusal(iam.put_role_permissions_boundary, RoleName=role,
                   PermissionsBoundary=missing) == absent
    assert refusal(iam.create_role, RoleName=_name("r"), AssumeRolePolicyDocument=TRUST,
                   PermissionsBoundary=missing) == absent
    assert refusal(iam.put_user_permissions_boundary, UserName=user,
                   PermissionsBoundary=missing) == absent
    assert refusal(iam.create_user, UserName=_name("u"), PermissionsBoundary=not_policy) == invalid


def test_tag_errors_name_the_member_not_the_value(iam) -> None:  # type: ignore[no-untyped-def]
    role = _name("tags")
    many = [{"Key": f"k{i}", "Value": "v"} for i in range(51)]
    too_many = ("ValidationError", "1 validation error detected: Value at 'tags' failed to "
                "satisfy constraint: Member must have length less than or equal to 50", 400)
    assert refusal(iam.create_role, RoleName=role, AssumeRolePolicyDocument=TRUST,
                   Tags=many) == too_many
    iam.create_role(RoleName=role, AssumeRolePolicyDocument=TRUST)
    assert refusal(iam.tag_role, RoleName=role, Tags=many) == too_many
    prefix = "1 validation error detected: Value at "
    pattern = r"[\p{L}\p{Z}\p{N}_.:/=+\-@]+"
    cases = [
        ({"Key": "k" * 129, "Value": "v"}, "'tags.1.member.key' failed to satisfy constraint: "
         "Member must have length less than or equal to 128"),
        ({"Key": "k", "Value": "v" * 257}, "'tags.1.member.value' failed to satisfy "
         "constraint: Member must have length less than or equal to 256"),
        ({"Key": "bad!", "Value": "v"}, "'tags.1.member.key' failed to satisfy constraint: "
         f"Member must satisfy regular expression pattern: {pattern}"),
    ]
    for tag, message in cases:
        assert refusal(iam.tag_role, RoleName=role, Tags=[tag]) == (
            "ValidationError", prefix + message, 400)


def test_untag_key_errors(iam) -> None:  # type: ignore[no-untyped-def]
    role = _name("untag")
    iam.create_role(RoleName=role, AssumeRolePolicyDocument=TRUST)
    assert refusal(iam.untag_role, RoleName=role, TagKeys=[f"k{i}" for i in range(51)]) == (
        "ValidationError", "1 validation error detected: Value at 'tagKeys' failed to satisfy "
        "constraint: Member must have length less than or equal to 50", 400)
    every_rule = ("1 validation error detected: Value at 'tagKeys' failed to satisfy "
                  "constraint: Member must satisfy constraint: [Member must have length less "
                  "than or equal to 128, Member must have length greater than or equal to 1, "
                  r"Member must satisfy regular expression pattern: [\p{L}\p{Z}\p{N}_.:/=+\-@]+"
                  ", Member must not be null]")
    for keys in (["k" * 129], ["fine", "bad!"]):
        assert refusal(iam.untag_role, RoleName=role, TagKeys=keys) == (
            "ValidationError", every_rule, 400)


def test_service_linked_role_custom_suffix_only_where_aws_takes_one(client) -> None:  # type: ignore[no-untyped-def]
    iam = client("iam", aws_access_key_id="680268026802")
    with pytest.raises(ClientError) as caught:
        iam.create_service_linked_role(AWSServiceName="batch.amazonaws.com",
                                       CustomSuffix="testsuffix")
    error = caught.value.response
    assert (error["Error"]["Code"], error["Error"]["Message"],
            error["ResponseMetadata"]["HTTPStatusCode"]) == (
        "InvalidInput", "Custom suffix is not allowed for batch.amazonaws.com", 400)
    role = iam.create_service_linked_role(AWSServiceName="autoscaling.amazonaws.com",
                                          CustomSuffix="mine")["Role"]
    assert role["RoleName"] == "AWSServiceRoleForAutoScaling_mine"
    iam.delete_service_linked_role(RoleName=role["RoleName"])
