"""AssumeRole's trust check in --iam enforce, calling the providers directly (the shared test
server runs with IAM off): the trust policy and the caller's policies decide."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from pocketcloud.cloud import Cloud
from pocketcloud.config import Settings
from pocketcloud.context import RequestContext
from pocketcloud.errors import AwsError
from pocketcloud.services.iam import provider as iam
from pocketcloud.services.sts import provider as sts
from pocketcloud.services.sts import trust

ACCOUNT = "111122223333"


@pytest.fixture
def cloud(monkeypatch: pytest.MonkeyPatch) -> Iterator[Cloud]:
    monkeypatch.setattr(trust, "iam_mode", lambda ctx: "enforce")
    made = Cloud(Settings(ephemeral=True))
    yield made
    made.close()


def _ctx(cloud: Cloud, key: str = ACCOUNT) -> RequestContext:
    return RequestContext(cloud=cloud, request_id="r", account_id=ACCOUNT, region="us-east-1",
                          service="sts", access_key_id=key)


def _call(module: Any, name: str, ctx: RequestContext, **params: Any) -> Any:
    return getattr(module, name)(ctx, params)


def _user(cloud: Cloud, name: str, policy: dict[str, Any] | None = None) -> str:
    _call(iam, "create_user", _ctx(cloud), UserName=name)
    if policy:
        _call(iam, "put_user_policy", _ctx(cloud), UserName=name, PolicyName="p",
              PolicyDocument=json.dumps(policy))
    key = _call(iam, "create_access_key", _ctx(cloud), UserName=name)
    return str(key["AccessKey"]["AccessKeyId"])


def _role(cloud: Cloud, principal: str, condition: dict[str, Any] | None = None) -> str:
    statement: dict[str, Any] = {"Effect": "Allow", "Principal": {"AWS": principal},
                                 "Action": "sts:AssumeRole"}
    if condition:
        statement["Condition"] = condition
    trust_policy = json.dumps({"Version": "2012-10-17", "Statement": [statement]})
    role = _call(iam, "create_role", _ctx(cloud), RoleName="target",
                 AssumeRolePolicyDocument=trust_policy)
    return str(role["Role"]["Arn"])


ASSUME = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}]}


def test_a_user_named_by_the_trust_policy_needs_no_identity_policy(cloud: Cloud) -> None:
    key = _user(cloud, "alice")
    role = _role(cloud, f"arn:aws:iam::{ACCOUNT}:user/alice")
    result = _call(sts, "assume_role", _ctx(cloud, key), RoleArn=role, RoleSessionName="ok")
    assert result["AssumedRoleUser"]["Arn"].endswith(":assumed-role/target/ok")


def test_an_account_trust_needs_the_identity_policy(cloud: Cloud) -> None:
    without = _user(cloud, "bob")
    with_policy = _user(cloud, "carol", ASSUME)
    role = _role(cloud, ACCOUNT)
    with pytest.raises(AwsError) as refused:
        _call(sts, "assume_role", _ctx(cloud, without), RoleArn=role, RoleSessionName="no")
    assert refused.value.code == "AccessDenied" and refused.value.status_code == 403
    assert "sts:AssumeRole" in refused.value.message
    assert _call(sts, "assume_role", _ctx(cloud, with_policy), RoleArn=role,
                 RoleSessionName="yes")["Credentials"]


def test_external_id_condition(cloud: Cloud) -> None:
    key = _user(cloud, "dave", ASSUME)
    role = _role(cloud, ACCOUNT, {"StringEquals": {"sts:ExternalId": "s3cret"}})
    with pytest.raises(AwsError):
        _call(sts, "assume_role", _ctx(cloud, key), RoleArn=role, RoleSessionName="no",
              ExternalId="guess")
    assert _call(sts, "assume_role", _ctx(cloud, key), RoleArn=role, RoleSessionName="yes",
                 ExternalId="s3cret")["Credentials"]


def test_root_may_not_assume_roles(cloud: Cloud) -> None:
    role = _role(cloud, ACCOUNT)
    with pytest.raises(AwsError) as refused:
        _call(sts, "assume_role", _ctx(cloud), RoleArn=role, RoleSessionName="root")
    assert "root" in refused.value.message


def test_temporary_credentials_expire_on_the_cloud_clock(cloud: Cloud) -> None:
    from pocketcloud.services.iam.credentials import lookup_access_key

    key = _user(cloud, "erin")
    role = _role(cloud, f"arn:aws:iam::{ACCOUNT}:user/erin")
    result = _call(sts, "assume_role", _ctx(cloud, key), RoleArn=role, RoleSessionName="tt",
                   DurationSeconds=900)
    found = lookup_access_key(cloud, result["Credentials"]["AccessKeyId"])
    assert found is not None and found.principal_type == "assumed-role"
    assert found.session_token == result["Credentials"]["SessionToken"]
    assert found.expires_at_s is not None
    assert found.expires_at_s - cloud.clock.now() == pytest.approx(900, abs=5)
