"""Session policies and tags as AWS packs and checks them: PackedPolicySize as in the STS API
reference's examples, PackedPolicyTooLarge with AWS's two messages (AWS re:Post "How can I
avoid getting a PackedPolicyTooLarge error"), and the constraints of each tag and policy
ARN (the model's tagKeyType, tagValueType, arnType)."""

from __future__ import annotations

import json
import uuid
from typing import Any

import boto3
import pytest
from botocore.config import Config
from tests.support import refusal

ACCOUNT = "246824682468"
# the session policy of AWS's AssumeRole and GetFederationToken examples
EXAMPLE_POLICY = ('{"Version":"2012-10-17","Statement":[{"Sid":"Stmt1","Effect":"Allow",'
                  '"Action":"s3:ListAllMyBuckets","Resource":"*"}]}')
TAG_PATTERN = r"[\p{L}\p{Z}\p{N}_.:/=+\-@]+"


def _client(endpoint: str, service: str) -> Any:
    return boto3.client(service, region_name="us-east-1", endpoint_url=endpoint,
                        aws_access_key_id=ACCOUNT, aws_secret_access_key="test",
                        config=Config(retries={"max_attempts": 1}, parameter_validation=False))


@pytest.fixture(scope="module")
def sts(endpoint: str) -> Any:
    return _client(endpoint, "sts")


@pytest.fixture(scope="module")
def role_arn(endpoint: str) -> str:
    trust = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": ACCOUNT},
         "Action": ["sts:AssumeRole", "sts:TagSession"]}]})
    made = _client(endpoint, "iam").create_role(
        RoleName=f"packing-{uuid.uuid4().hex[:8]}", AssumeRolePolicyDocument=trust)
    return str(made["Role"]["Arn"])


def test_packed_policy_size_of_the_documented_examples(sts: Any, role_arn: str) -> None:
    assumed = sts.assume_role(
        RoleArn=role_arn, RoleSessionName="testAssumeRoleSession", ExternalId="123ABC",
        Policy=EXAMPLE_POLICY, Tags=[{"Key": "Project", "Value": "Unicorn"},
                                     {"Key": "Team", "Value": "Automation"},
                                     {"Key": "Cost-Center", "Value": "12345"}],
        TransitiveTagKeys=["Project", "Cost-Center"])
    assert assumed["PackedPolicySize"] == 8
    federated = sts.get_federation_token(
        Name="testFedUserSession", DurationSeconds=3600, Policy=EXAMPLE_POLICY,
        Tags=[{"Key": "Project", "Value": "Pegasus"}, {"Key": "Cost-Center", "Value": "98765"}])
    assert federated["PackedPolicySize"] == 8


def test_tags_beyond_the_packed_space_are_refused(sts: Any, role_arn: str) -> None:
    tags = [{"Key": f"k{i:02d}-" + "x" * 120, "Value": "v" * 250} for i in range(50)]
    code, message, status = refusal(sts.assume_role, RoleArn=role_arn,
                                    RoleSessionName="big-tags", Tags=tags)
    assert (code, status) == ("PackedPolicyTooLarge", 400)
    assert message.startswith("Packed size of session tags consumes ")
    assert message.endswith("% of allotted space.")
    code, message, _ = refusal(sts.get_federation_token, Name="big-tags", Tags=tags)
    assert code == "PackedPolicyTooLarge" and "session tags" in message


def test_a_full_policy_with_tags_is_refused(sts: Any, role_arn: str) -> None:
    policy = EXAMPLE_POLICY.replace("Stmt1", "S" * (2048 - len(EXAMPLE_POLICY) + 5))
    assert len(policy) == 2048
    tags = [{"Key": "team", "Value": "platform-engineering"}]
    code, message, status = refusal(sts.assume_role, RoleArn=role_arn,
                                    RoleSessionName="full", Policy=policy, Tags=tags)
    assert (code, status) == ("PackedPolicyTooLarge", 400)
    assert message == "Packed policy consumes 102% of allotted space, please use smaller policy."
    # without the tags it fits exactly
    assert sts.assume_role(RoleArn=role_arn, RoleSessionName="full",
                           Policy=policy)["PackedPolicySize"] == 100


def test_policy_arns_count_by_their_arns(sts: Any, role_arn: str) -> None:
    arn = "arn:aws:iam::aws:policy/ReadOnlyAccess"  # a long document, a short ARN
    made = sts.assume_role(RoleArn=role_arn, RoleSessionName="arns", PolicyArns=[{"arn": arn}])
    assert made["PackedPolicySize"] == 2


@pytest.mark.parametrize(("tag", "problems"), [
    ({"Key": "", "Value": "v"}, [
        ("", "tags.1.member.key", f"Member must satisfy regular expression pattern: {TAG_PATTERN}"),
        ("", "tags.1.member.key", "Member must have length greater than or equal to 1")]),
    ({"Key": "a*b", "Value": "v"}, [
        ("a*b", "tags.1.member.key",
         f"Member must satisfy regular expression pattern: {TAG_PATTERN}")]),
    ({"Key": "ok", "Value": "semi;colon"}, [
        ("semi;colon", "tags.1.member.value",
         "Member must satisfy regular expression pattern: " + TAG_PATTERN[:-1] + "*")]),
])
def test_each_tag_is_checked(sts: Any, role_arn: str, tag: dict[str, str],
                             problems: list[tuple[str, str, str]]) -> None:
    code, message, status = refusal(sts.assume_role, RoleArn=role_arn, RoleSessionName="tagged",
                                    Tags=[tag])
    count = len(problems)
    assert (code, status) == ("ValidationError", 400)
    assert message == f"{count} validation error{'s' if count > 1 else ''} detected: " + "; ".join(
        f"Value '{value}' at '{member}' failed to satisfy constraint: {rule}"
        for value, member, rule in problems)


def test_unicode_letters_and_spaces_make_good_tags(sts: Any, role_arn: str) -> None:
    made = sts.assume_role(RoleArn=role_arn, RoleSessionName="unicode",
                           Tags=[{"Key": "Équipe nom", "Value": "données/été=+@-_.:"},
                                 {"Key": "empty", "Value": ""}])
    assert made["PackedPolicySize"] >= 1


def test_each_policy_arn_is_checked(sts: Any, role_arn: str) -> None:
    code, message, _ = refusal(sts.assume_role, RoleArn=role_arn, RoleSessionName="arns",
                               PolicyArns=[{"arn": "arn:aws:iam::aws:policy/ReadOnlyAccess"},
                                           {"arn": "nope"}])
    assert (code, message) == ("ValidationError", "1 validation error detected: Value 'nope' at "
                               "'policyArns.2.member.arn' failed to satisfy constraint: Member "
                               "must have length greater than or equal to 20")
