"""Login profiles as IAM answers them: PasswordResetRequired is kept, UpdateLoginProfile
changes it, and each error names the user the way IAM does."""

from __future__ import annotations

import uuid

import pytest
from tests.support import refusal

ACCOUNT = "975319753197"
PASSWORD = "Correct-Horse-9-Battery"


@pytest.fixture
def iam(client):  # type: ignore[no-untyped-def]
    return client("iam", aws_access_key_id=ACCOUNT)


def test_password_reset_required_is_kept_and_updated(iam) -> None:  # type: ignore[no-untyped-def]
    user = f"console-{uuid.uuid4().hex[:10]}"
    iam.create_user(UserName=user)
    created = iam.create_login_profile(UserName=user, Password=PASSWORD)["LoginProfile"]
    assert created["PasswordResetRequired"] is False
    iam.update_login_profile(UserName=user, PasswordResetRequired=True)
    got = iam.get_login_profile(UserName=user)["LoginProfile"]
    assert (got["UserName"], got["PasswordResetRequired"]) == (user, True)
    assert got["CreateDate"] == created["CreateDate"]
    iam.update_login_profile(UserName=user, Password=PASSWORD + "x")
    assert iam.get_login_profile(UserName=user)["LoginProfile"]["PasswordResetRequired"]
    iam.delete_login_profile(UserName=user)
    again = iam.create_login_profile(UserName=user, Password=PASSWORD,
                                     PasswordResetRequired=True)["LoginProfile"]
    assert again["PasswordResetRequired"] is True
    assert iam.get_login_profile(UserName=user)["LoginProfile"]["PasswordResetRequired"]


def test_login_profile_errors(iam) -> None:  # type: ignore[no-untyped-def]
    user = f"noprofile-{uuid.uuid4().hex[:10]}"
    iam.create_user(UserName=user)
    missing = ("NoSuchEntity", f"Login Profile for User {user} cannot be found.", 404)
    assert refusal(iam.update_login_profile, UserName=user, PasswordResetRequired=True) == missing
    assert refusal(iam.get_login_profile, UserName=user) == missing
    assert refusal(iam.update_login_profile, UserName="nonexistent-user",
                   PasswordResetRequired=True) == (
        "NoSuchEntity", "The user with name nonexistent-user cannot be found.", 404)
    iam.create_login_profile(UserName=user, Password=PASSWORD)
    assert refusal(iam.create_login_profile, UserName=user, Password=PASSWORD) == (
        "EntityAlreadyExists", f"Login Profile for user {user} already exists.", 409)
