"""ChangePassword through boto3: an IAM user with a login profile changes their own password,
which must match the old one and meet the account's password policy (or AWS's default one);
the root user may not; AllowUsersToChangePassword lets users do it without a policy when IAM
is enforced."""

from __future__ import annotations

from typing import Any

import pytest
from tests.services.iam.helpers import unique_name
from tests.support import Server, enforcing_client, refusal

ACCOUNT = "753975397539"
OLD = "Old-Password-1"
NEW = "New-Password-2"


@pytest.fixture
def iam(client):  # type: ignore[no-untyped-def]
    return client("iam", aws_access_key_id=ACCOUNT)


def _console_user(iam: Any, make_client: Any, password: str | None = OLD) -> tuple[str, Any]:
    """A user (with a login profile unless ``password`` is None) and a client signed with
    their own access key."""
    user = unique_name("console")
    iam.create_user(UserName=user)
    if password is not None:
        iam.create_login_profile(UserName=user, Password=password, PasswordResetRequired=True)
    key = iam.create_access_key(UserName=user)["AccessKey"]
    return user, make_client(key["AccessKeyId"], key["SecretAccessKey"])


def _maker(client: Any) -> Any:
    return lambda key_id, secret: client("iam", aws_access_key_id=key_id,
                                         aws_secret_access_key=secret)


def test_user_changes_own_password(client, iam) -> None:  # type: ignore[no-untyped-def]
    user, own = _console_user(iam, _maker(client))
    assert refusal(own.change_password, OldPassword="Wrong-Password-1", NewPassword=NEW) == (
        "AccessDenied", "The old password is incorrect.", 403)
    own.change_password(OldPassword=OLD, NewPassword=NEW)
    assert iam.get_login_profile(UserName=user)["LoginProfile"]["PasswordResetRequired"] is False
    assert refusal(own.change_password, OldPassword=OLD, NewPassword="Third-Password-3")[0] == (
        "AccessDenied")  # the old password is no longer the current one
    own.change_password(OldPassword=NEW, NewPassword="Third-Password-3")


def test_default_policy_applies_without_an_account_policy(client, iam) -> None:  # type: ignore[no-untyped-def]
    _, own = _console_user(iam, _maker(client))
    violation = ("PasswordPolicyViolation",
                 "Password does not conform to the account password policy.", 400)
    for weak in ("Sh0rt!", "alllowercaseletters"):  # too short; one kind of character
        assert refusal(own.change_password, OldPassword=OLD, NewPassword=weak) == violation
    fresh = iam.create_user(UserName=unique_name("u"))["User"]["UserName"]
    assert refusal(iam.create_login_profile, UserName=fresh, Password="weak") == violation


def test_account_policy_and_reuse_prevention(client) -> None:  # type: ignore[no-untyped-def]
    iam = client("iam", aws_access_key_id="864186418641")
    iam.update_account_password_policy(MinimumPasswordLength=12, RequireSymbols=True,
                                       RequireNumbers=True, PasswordReusePrevention=2)
    user, own = _console_user(iam, _maker(client), password="first-Password-1!")
    for weak in ("Short-1!", "No-Numbers-Here!", "NoSymbols1234"):
        assert refusal(own.change_password, OldPassword="first-Password-1!",
                       NewPassword=weak)[0] == "PasswordPolicyViolation"
    own.change_password(OldPassword="first-Password-1!", NewPassword="second-Password-2!")
    assert refusal(own.change_password, OldPassword="second-Password-2!",
                   NewPassword="first-Password-1!")[0] == "PasswordPolicyViolation"
    assert refusal(iam.update_login_profile, UserName=user, Password="weak")[0] == (
        "PasswordPolicyViolation")
    assert refusal(iam.create_login_profile, UserName=iam.create_user(
        UserName=unique_name("u"))["User"]["UserName"], Password="weak-1!")[0] == (
        "PasswordPolicyViolation")


def test_root_and_users_without_a_profile(client, iam) -> None:  # type: ignore[no-untyped-def]
    assert refusal(iam.change_password, OldPassword=OLD, NewPassword=NEW) == (
        "InvalidUserType", "Only IAM Users can change their own password.", 400)
    user, own = _console_user(iam, _maker(client), password=None)
    assert refusal(own.change_password, OldPassword=OLD, NewPassword=NEW) == (
        "NoSuchEntity", f"Login Profile for User {user} cannot be found.", 404)


def test_allow_users_to_change_password_when_enforced(enforcing: Server) -> None:
    root = enforcing_client(enforcing, "iam")

    def make(key_id: str, secret: str) -> Any:
        return enforcing_client(enforcing, "iam", key_id, secret)

    _, own = _console_user(root, make)
    assert refusal(own.change_password, OldPassword=OLD, NewPassword=NEW)[:3:2] == (
        "AccessDenied", 403)  # no policy allows it, and the password policy does not either
    root.update_account_password_policy(AllowUsersToChangePassword=True)
    own.change_password(OldPassword=OLD, NewPassword=NEW)
    assert refusal(own.list_users)[0] == "AccessDenied"  # nothing else is allowed
