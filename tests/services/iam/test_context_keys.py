"""GetContextKeysForCustomPolicy and GetContextKeysForPrincipalPolicy: the condition keys and
policy variables policies use, in document order, each once."""

from __future__ import annotations

import json

import pytest
from tests.services.iam.helpers import ALLOW_S3
from tests.support import refusal

ACCOUNT = "642064206420"
DYNAMO = json.dumps({"Version": "2012-10-17", "Statement": {
    "Effect": "Allow", "Action": "dynamodb:*",
    "Resource": "arn:aws:dynamodb:us-west-2:123456789012:table/${aws:username}",
    "Condition": {"DateGreaterThan": {"aws:CurrentTime": "2015-08-16T12:00:00Z"}}}})
TAGGED = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": "ec2:*", "Resource": "*", "Condition": {
        "StringEquals": {"aws:ResourceTag/team": "${aws:PrincipalTag/team}",
                         "ec2:InstanceType": ["t3.micro"]},
        "Bool": {"aws:MultiFactorAuthPresent": "true"}}},
    {"Effect": "Deny", "Action": "s3:*", "Resource": "arn:aws:s3:::${aws:username}/${*}",
     "Condition": {"StringLike": {"AWS:CurrentTime": "*"}}}]})


@pytest.fixture
def iam(client):  # type: ignore[no-untyped-def]
    return client("iam", aws_access_key_id=ACCOUNT)


def test_custom_policies(iam) -> None:  # type: ignore[no-untyped-def]
    assert iam.get_context_keys_for_custom_policy(PolicyInputList=[DYNAMO])[
        "ContextKeyNames"] == ["aws:username", "aws:CurrentTime"]
    keys = iam.get_context_keys_for_custom_policy(PolicyInputList=[TAGGED, DYNAMO])
    assert keys["ContextKeyNames"] == [
        "aws:ResourceTag/team", "ec2:InstanceType", "aws:PrincipalTag/team",
        "aws:MultiFactorAuthPresent", "aws:username", "AWS:CurrentTime"]
    assert iam.get_context_keys_for_custom_policy(PolicyInputList=[ALLOW_S3])[
        "ContextKeyNames"] == []
    assert refusal(iam.get_context_keys_for_custom_policy,
                   PolicyInputList=["{not json"])[::2] == ("InvalidInput", 400)


def test_principal_policies_include_groups_and_inputs(iam) -> None:  # type: ignore[no-untyped-def]
    iam.create_user(UserName="keys-user")
    iam.create_group(GroupName="keys-group")
    iam.add_user_to_group(GroupName="keys-group", UserName="keys-user")
    iam.put_group_policy(GroupName="keys-group", PolicyName="g", PolicyDocument=DYNAMO)
    policy = iam.create_policy(PolicyName="keys-tagged", PolicyDocument=TAGGED)["Policy"]["Arn"]
    iam.attach_user_policy(UserName="keys-user", PolicyArn=policy)
    user = f"arn:aws:iam::{ACCOUNT}:user/keys-user"
    keys = iam.get_context_keys_for_principal_policy(PolicySourceArn=user)["ContextKeyNames"]
    assert set(keys) == {"aws:ResourceTag/team", "ec2:InstanceType", "aws:PrincipalTag/team",
                         "aws:MultiFactorAuthPresent", "aws:username", "AWS:CurrentTime"}
    group = f"arn:aws:iam::{ACCOUNT}:group/keys-group"
    extra = json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Action": "s3:*", "Resource": "*",
        "Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}}]})
    assert iam.get_context_keys_for_principal_policy(
        PolicySourceArn=group, PolicyInputList=[extra])["ContextKeyNames"] == [
        "aws:username", "aws:CurrentTime", "aws:SourceIp"]


def test_principal_errors(iam) -> None:  # type: ignore[no-untyped-def]
    assert refusal(iam.get_context_keys_for_principal_policy,
                   PolicySourceArn=f"arn:aws:iam::{ACCOUNT}:role/missing-role") == (
        "NoSuchEntity", "The role with name missing-role cannot be found.", 404)
    assert refusal(iam.get_context_keys_for_principal_policy,
                   PolicySourceArn="arn:aws:s3:::not-an-entity")[::2] == ("InvalidInput", 400)
