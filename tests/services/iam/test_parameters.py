"""IAM's parameter patterns beyond names: PathPrefix and policy VersionId (ValidationError)."""

from __future__ import annotations

import json
import uuid

import pytest
from tests.support import refusal

ALLOW_S3 = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]})


@pytest.mark.parametrize("operation", ["list_users", "list_roles", "list_groups",
                                       "list_policies", "list_instance_profiles"])
def test_path_prefix_must_start_with_a_slash(client, operation: str) -> None:
    code, message, status = refusal(getattr(client("iam"), operation), PathPrefix="team/")
    assert (code, status) == ("ValidationError", 400)
    assert "at 'pathPrefix'" in message


def test_path_prefix_filters(client) -> None:
    iam = client("iam")
    prefix = f"/pp-{uuid.uuid4().hex[:8]}/"
    iam.create_user(UserName=f"u{prefix[4:12]}", Path=f"{prefix}deep/")
    assert [u["Path"] for u in iam.list_users(PathPrefix=prefix)["Users"]] == [f"{prefix}deep/"]
    assert iam.list_users(PathPrefix=prefix + "other")["Users"] == []


def test_policy_version_id_pattern(client) -> None:
    iam = client("iam")
    arn = iam.create_policy(PolicyName=f"ver-{uuid.uuid4().hex[:8]}",
                            PolicyDocument=ALLOW_S3)["Policy"]["Arn"]
    for call in (iam.get_policy_version, iam.delete_policy_version,
                 iam.set_default_policy_version):
        code, message, status = refusal(call, PolicyArn=arn, VersionId="x1")
        assert (code, status) == ("ValidationError", 400) and "at 'versionId'" in message
    code, _, status = refusal(iam.get_policy_version, PolicyArn=arn, VersionId="v9")
    assert (code, status) == ("NoSuchEntity", 404)
