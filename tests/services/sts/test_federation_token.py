"""GetFederationToken through boto3: its members as STS checks them, the federated user it
names, and under --iam enforce the permissions AWS documents (the calling user's policies
intersected with the session policy; no session policy, no permissions)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import pytest
from tests.services.iam.helpers import unique_name
from tests.support import Server, enforcing_client, refusal

ACCOUNT = "000000000000"


def _document(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def _allow(*actions: str) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": list(actions), "Resource": "*"}


def _as(server: Server, service: str, credentials: dict[str, str]) -> Any:
    return enforcing_client(server, service, credentials["AccessKeyId"],
                            credentials["SecretAccessKey"],
                            aws_session_token=credentials.get("SessionToken"))


def test_answer_names_the_federated_user(client) -> None:  # type: ignore[no-untyped-def]
    sts = client("sts")
    made = sts.get_federation_token(Name="bob@example.com", Policy=_document(_allow("s3:*")))
    assert made["FederatedUser"] == {
        "FederatedUserId": f"{ACCOUNT}:bob@example.com",
        "Arn": f"arn:aws:sts::{ACCOUNT}:federated-user/bob@example.com"}
    assert 1 <= made["PackedPolicySize"] <= 100
    credentials = made["Credentials"]
    assert credentials["AccessKeyId"].startswith("ASIA") and credentials["SessionToken"]
    me = client("sts", aws_access_key_id=credentials["AccessKeyId"],
                aws_secret_access_key=credentials["SecretAccessKey"],
                aws_session_token=credentials["SessionToken"]).get_caller_identity()
    assert (me["Arn"], me["UserId"]) == (made["FederatedUser"]["Arn"],
                                         f"{ACCOUNT}:bob@example.com")


def test_members_are_checked(client) -> None:  # type: ignore[no-untyped-def]
    sts = client("sts")
    code, message, status = refusal(sts.get_federation_token, Name="n" * 33)
    assert (code, status) == ("ValidationError", 400) and "'name'" in message
    assert refusal(sts.get_federation_token, Name="no spaces")[0] == "ValidationError"
    assert refusal(sts.get_federation_token, Name="bob",
                   DurationSeconds=129601)[0] == "ValidationError"
    assert refusal(sts.get_federation_token, Name="bob",
                   Policy="{not json")[0] == "MalformedPolicyDocument"
    assert refusal(sts.get_federation_token, Name="bob", PolicyArns=[
        {"arn": f"arn:aws:iam::{ACCOUNT}:policy/none-such"}])[0] == "InvalidParameterValue"


def test_root_sessions_last_an_hour_at_most(client) -> None:  # type: ignore[no-untyped-def]
    made = client("sts").get_federation_token(Name="rooted", DurationSeconds=129600)
    expires: datetime = made["Credentials"]["Expiration"]
    assert (expires - datetime.now(expires.tzinfo)).total_seconds() <= 3600 + 5


@pytest.fixture(scope="module")
def broker(enforcing: Server) -> dict[str, str]:
    """An IAM user who may list users and federate, but not list roles."""
    iam = enforcing_client(enforcing, "iam")
    name = unique_name("broker")
    iam.create_user(UserName=name)
    iam.put_user_policy(UserName=name, PolicyName="p", PolicyDocument=_document(
        _allow("iam:ListUsers", "iam:ListGroups", "sts:*")))
    return dict(iam.create_access_key(UserName=name)["AccessKey"])


def test_permissions_are_the_intersection(enforcing: Server, broker: dict[str, str]) -> None:
    sts = _as(enforcing, "sts", broker)
    made = sts.get_federation_token(Name="fed-user", Policy=_document(
        _allow("iam:ListUsers", "iam:ListRoles")))
    iam = _as(enforcing, "iam", made["Credentials"])
    iam.list_users()  # both allow
    assert refusal(iam.list_roles)[0] == "AccessDenied"  # the user's policies do not
    assert refusal(iam.list_groups)[0] == "AccessDenied"  # the session policy does not


def test_managed_session_policies(enforcing: Server, broker: dict[str, str]) -> None:
    root_iam = enforcing_client(enforcing, "iam")
    arn = root_iam.create_policy(PolicyName=unique_name("groups"),
                                 PolicyDocument=_document(_allow("iam:ListGroups")))["Policy"]["Arn"]
    made = _as(enforcing, "sts", broker).get_federation_token(
        Name="fed-groups", PolicyArns=[{"arn": arn}])
    iam = _as(enforcing, "iam", made["Credentials"])
    iam.list_groups()
    assert refusal(iam.list_users)[0] == "AccessDenied"


def test_no_session_policy_no_permissions(enforcing: Server, broker: dict[str, str]) -> None:
    made = _as(enforcing, "sts", broker).get_federation_token(Name="fed-none")
    assert refusal(_as(enforcing, "iam", made["Credentials"]).list_users)[0] == "AccessDenied"


def test_root_federated_users_get_the_session_policy(enforcing: Server) -> None:
    made = enforcing_client(enforcing, "sts").get_federation_token(
        Name="root-fed", Policy=_document(_allow("iam:ListRoles")))
    iam = _as(enforcing, "iam", made["Credentials"])
    iam.list_roles()
    assert refusal(iam.list_users)[0] == "AccessDenied"


def test_temporary_credentials_may_not_call_it(enforcing: Server, broker: dict[str, str]) -> None:
    session = _as(enforcing, "sts", broker).get_session_token()["Credentials"]
    assert refusal(_as(enforcing, "sts", session).get_federation_token, Name="again") == (
        "AccessDenied", "Cannot call GetFederationToken with session credentials", 403)
