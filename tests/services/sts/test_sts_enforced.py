"""STS under --iam enforce, through boto3: what the trust policy must allow, what a session may
do, and how bad session credentials are refused."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from botocore.exceptions import ClientError
from tests.support import Server, enforcing_client

ACCOUNT = "000000000000"  # the root key "test" of the enforcing server


def _name(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def _as(server: Server, service: str, credentials: dict[str, str]) -> Any:
    return enforcing_client(server, service, credentials["AccessKeyId"],
                            credentials["SecretAccessKey"],
                            aws_session_token=credentials.get("SessionToken"))


def _code(call, **params) -> str:  # type: ignore[no-untyped-def]
    with pytest.raises(ClientError) as caught:
        call(**params)
    return str(caught.value.response["Error"]["Code"])


@pytest.fixture(scope="module")
def user_key(enforcing: Server) -> tuple[str, dict[str, str]]:
    """A user allowed every sts action by its own policy: the trust policy decides."""
    iam = enforcing_client(enforcing, "iam")
    name = _name("caller")
    iam.create_user(UserName=name)
    iam.put_user_policy(UserName=name, PolicyName="sts", PolicyDocument=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "sts:*", "Resource": "*"}]}))
    return name, iam.create_access_key(UserName=name)["AccessKey"]


def _role(server: Server, actions: list[str]) -> str:
    trust = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
         "Action": actions}]})
    iam = enforcing_client(server, "iam")
    return str(iam.create_role(RoleName=_name("role"),
                               AssumeRolePolicyDocument=trust)["Role"]["Arn"])


def test_session_tags_need_sts_tag_session_in_the_trust_policy(
    enforcing: Server, user_key: tuple[str, dict[str, str]]
) -> None:
    sts = _as(enforcing, "sts", user_key[1])
    plain = _role(enforcing, ["sts:AssumeRole"])
    tagging = _role(enforcing, ["sts:AssumeRole", "sts:TagSession"])
    tags = [{"Key": "project", "Value": "blue"}]
    assert _code(sts.assume_role, RoleArn=plain, RoleSessionName="tagged",
                 Tags=tags) == "AccessDenied"
    sts.assume_role(RoleArn=plain, RoleSessionName="untagged")
    result = sts.assume_role(RoleArn=tagging, RoleSessionName="tagged", Tags=tags)
    assert result["AssumedRoleUser"]["Arn"].endswith("/tagged")


def test_source_identity_needs_sts_set_source_identity(
    enforcing: Server, user_key: tuple[str, dict[str, str]]
) -> None:
    sts = _as(enforcing, "sts", user_key[1])
    plain = _role(enforcing, ["sts:AssumeRole"])
    setting = _role(enforcing, ["sts:AssumeRole", "sts:SetSourceIdentity"])
    assert _code(sts.assume_role, RoleArn=plain, RoleSessionName="who",
                 SourceIdentity="alice") == "AccessDenied"
    result = sts.assume_role(RoleArn=setting, RoleSessionName="who", SourceIdentity="alice")
    assert result["SourceIdentity"] == "alice"


def test_bad_session_credentials_are_refused(
    enforcing: Server, user_key: tuple[str, dict[str, str]]
) -> None:
    role_arn = _role(enforcing, ["sts:AssumeRole"])
    credentials = _as(enforcing, "sts", user_key[1]).assume_role(
        RoleArn=role_arn, RoleSessionName="good")["Credentials"]
    identity = _as(enforcing, "sts", credentials).get_caller_identity()
    assert identity["Arn"] == (f"arn:aws:sts::{ACCOUNT}:assumed-role/"
                               f"{role_arn.rsplit('/', 1)[1]}/good")
    forged = {**credentials, "SessionToken": "not-the-token"}
    assert _code(_as(enforcing, "sts", forged).get_caller_identity) == "InvalidClientTokenId"
    tokenless = {k: v for k, v in credentials.items() if k != "SessionToken"}
    assert _code(_as(enforcing, "sts", tokenless).get_caller_identity) == "InvalidClientTokenId"
    wrong_secret = {**credentials, "SecretAccessKey": "x" * 40}
    assert _code(_as(enforcing, "sts", wrong_secret).get_caller_identity) == (
        "SignatureDoesNotMatch")


def test_a_chained_session_keeps_its_source_identity(
    enforcing: Server, user_key: tuple[str, dict[str, str]]
) -> None:
    actions = ["sts:AssumeRole", "sts:SetSourceIdentity"]
    first, second = _role(enforcing, actions), _role(enforcing, actions)
    enforcing_client(enforcing, "iam").put_role_policy(
        RoleName=first.rsplit("/", 1)[1], PolicyName="chain", PolicyDocument=json.dumps({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "sts:*", "Resource": "*"}]}))
    session = _as(enforcing, "sts", user_key[1]).assume_role(
        RoleArn=first, RoleSessionName="one", SourceIdentity="alice")["Credentials"]
    chained = _as(enforcing, "sts", session)
    with pytest.raises(ClientError) as caught:
        chained.assume_role(RoleArn=second, RoleSessionName="two", SourceIdentity="mallory")
    error = caught.value.response["Error"]
    assert error["Code"] == "AccessDenied"
    assert error["Message"] == (
        f"User: arn:aws:sts::{ACCOUNT}:assumed-role/{first.rsplit('/', 1)[1]}/one is not "
        f"authorized to perform: sts:SetSourceIdentity on resource: {second}")
    again = chained.assume_role(RoleArn=second, RoleSessionName="two", SourceIdentity="alice")
    assert again["SourceIdentity"] == "alice"
    inherited = chained.assume_role(RoleArn=second, RoleSessionName="three")
    assert inherited["SourceIdentity"] == "alice"


def test_a_role_arn_must_name_the_roles_path(
    enforcing: Server, user_key: tuple[str, dict[str, str]]
) -> None:
    trust = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
         "Action": "sts:AssumeRole"}]})
    name = _name("pathed")
    enforcing_client(enforcing, "iam").create_role(RoleName=name, Path="/team/",
                                                   AssumeRolePolicyDocument=trust)
    sts = _as(enforcing, "sts", user_key[1])
    caller = f"arn:aws:iam::{ACCOUNT}:user/{user_key[0]}"
    for wrong in (f"arn:aws:iam::{ACCOUNT}:role/{name}",
                  f"arn:aws:iam::{ACCOUNT}:role/other/{name}",
                  f"arn:aws:iam::999988887777:role/team/{name}"):
        with pytest.raises(ClientError) as caught:
            sts.assume_role(RoleArn=wrong, RoleSessionName="ss")
        assert caught.value.response["Error"]["Code"] == "AccessDenied"
        assert caught.value.response["Error"]["Message"] == (
            f"User: {caller} is not authorized to perform: sts:AssumeRole on resource: {wrong}")
    sts.assume_role(RoleArn=f"arn:aws:iam::{ACCOUNT}:role/team/{name}", RoleSessionName="ss")


def test_session_keys_reach_the_policies(enforcing: Server, user_key: tuple[str, dict[str, str]]
                                         ) -> None:
    """Session tags override the role's tags as aws:PrincipalTag; aws:SourceIdentity and
    aws:MultiFactorAuthPresent (false) are in every request a session makes."""
    def allow(action: str, condition: dict[str, Any]) -> dict[str, Any]:
        return {"Effect": "Allow", "Action": action, "Resource": "*", "Condition": condition}

    iam = enforcing_client(enforcing, "iam")
    role_arn = _role(enforcing, ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"])
    name = role_arn.rsplit("/", 1)[1]
    iam.tag_role(RoleName=name, Tags=[{"Key": "team", "Value": "blue"}])
    iam.put_role_policy(RoleName=name, PolicyName="keys", PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [
            allow("iam:ListRoles", {"StringEquals": {"aws:PrincipalTag/team": "red"}}),
            allow("iam:ListGroups", {"StringEquals": {"aws:SourceIdentity": "alice"}}),
            allow("iam:ListUsers", {"Bool": {"aws:MultiFactorAuthPresent": "false"}})]}))
    sts = _as(enforcing, "sts", user_key[1])
    traced = _as(enforcing, "iam", sts.assume_role(
        RoleArn=role_arn, RoleSessionName="traced", SourceIdentity="alice",
        Tags=[{"Key": "team", "Value": "red"}])["Credentials"])
    traced.list_roles(MaxItems=1)
    traced.list_groups(MaxItems=1)
    traced.list_users(MaxItems=1)
    plain = _as(enforcing, "iam", sts.assume_role(RoleArn=role_arn,
                                                  RoleSessionName="plain")["Credentials"])
    assert _code(plain.list_roles) == "AccessDenied"  # the role's own tag says blue
    assert _code(plain.list_groups) == "AccessDenied"
    plain.list_users(MaxItems=1)


def test_long_term_keys_have_no_mfa_key(enforcing: Server) -> None:
    iam = enforcing_client(enforcing, "iam")
    name = _name("longterm")
    iam.create_user(UserName=name)
    iam.put_user_policy(UserName=name, PolicyName="mfa", PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "iam:ListUsers", "Resource": "*",
             "Condition": {"Null": {"aws:MultiFactorAuthPresent": "true"}}},
            {"Effect": "Allow", "Action": "iam:ListGroups", "Resource": "*",
             "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "false"}}}]}))
    user = _as(enforcing, "iam", iam.create_access_key(UserName=name)["AccessKey"])
    user.list_users(MaxItems=1)
    assert _code(user.list_groups) == "AccessDenied"
