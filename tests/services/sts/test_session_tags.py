"""Session tags as AWS answers them: transitive keys must be among the tags, a chained session
inherits the transitive ones and may not set them again, PackedPolicySize only when packed."""

from __future__ import annotations

import json
import uuid

import pytest
from tests.support import refusal

ACCOUNT = "864208642086"
TRUST = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"AWS": ACCOUNT},
     "Action": ["sts:AssumeRole", "sts:TagSession"]}]})
CONFLICT = ("InvalidParameterValue", "One of the specified transitive tag keys can't be set "
            "because it conflicts with a transitive tag key from the calling session.", 400)


@pytest.fixture(scope="module")
def roles(endpoint: str) -> list[str]:
    import boto3

    iam = boto3.client("iam", region_name="us-east-1", endpoint_url=endpoint,
                       aws_access_key_id=ACCOUNT, aws_secret_access_key="test")
    return [str(iam.create_role(RoleName=f"tags-{n}-{uuid.uuid4().hex[:8]}",
                                AssumeRolePolicyDocument=TRUST)["Role"]["Arn"])
            for n in range(3)]


def _session_client(client, assumed: dict):  # type: ignore[no-untyped-def]
    keys = assumed["Credentials"]
    return client("sts", aws_access_key_id=keys["AccessKeyId"],
                  aws_secret_access_key=keys["SecretAccessKey"],
                  aws_session_token=keys["SessionToken"])


def test_transitive_key_must_be_a_requested_tag(client, roles: list[str]) -> None:
    sts = client("sts", aws_access_key_id=ACCOUNT)
    assert refusal(sts.assume_role, RoleArn=roles[0], RoleSessionName="one",
                   Tags=[{"Key": "Team", "Value": "a"}], TransitiveTagKeys=["Project"]) == (
        "InvalidParameterValue",
        "The specified transitive tag key must be included in the requested tags.", 400)
    sts.assume_role(RoleArn=roles[0], RoleSessionName="one",
                    Tags=[{"Key": "Team", "Value": "a"}], TransitiveTagKeys=["team"])


def test_chained_session_cannot_reset_a_transitive_tag(client, roles: list[str]) -> None:
    sts = client("sts", aws_access_key_id=ACCOUNT)
    first = sts.assume_role(RoleArn=roles[0], RoleSessionName="first", Tags=[
        {"Key": "SessionTag1", "Value": "v1"}, {"Key": "Plain", "Value": "p"}],
        TransitiveTagKeys=["SessionTag1"])
    chained = _session_client(client, first)
    for key in ("SessionTag1", "sessiontag1"):
        assert refusal(chained.assume_role, RoleArn=roles[1], RoleSessionName="second",
                       Tags=[{"Key": key, "Value": "v2"}]) == CONFLICT
    # a tag that was not transitive may be set again; the transitive one passes on
    second = chained.assume_role(RoleArn=roles[1], RoleSessionName="second",
                                 Tags=[{"Key": "Plain", "Value": "q"}])
    third = _session_client(client, second)
    assert refusal(third.assume_role, RoleArn=roles[2], RoleSessionName="third",
                   Tags=[{"Key": "SESSIONTAG1", "Value": "v3"}]) == CONFLICT


def test_packed_policy_size_only_when_something_is_packed(client, roles: list[str]) -> None:
    sts = client("sts", aws_access_key_id=ACCOUNT)
    plain = sts.assume_role(RoleArn=roles[0], RoleSessionName="plain")
    assert "PackedPolicySize" not in plain
    policy = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*"}]})
    packed = sts.assume_role(RoleArn=roles[0], RoleSessionName="packed", Policy=policy)
    assert 1 <= packed["PackedPolicySize"] <= 100
