"""Service-specific credentials through boto3: CodeCommit and Keyspaces user names and
passwords, two per user per service, listed without the password, reset, made Inactive,
deleted; and DeleteUser's refusal while any are left."""

from __future__ import annotations

from typing import Any

import pytest
from tests.services.iam.helpers import unique_name
from tests.support import refusal

ACCOUNT = "642064206420"
CODECOMMIT = "codecommit.amazonaws.com"
KEYSPACES = "cassandra.amazonaws.com"


@pytest.fixture
def iam(client):  # type: ignore[no-untyped-def]
    return client("iam", aws_access_key_id=ACCOUNT)


def _user(iam: Any) -> str:
    return str(iam.create_user(UserName=unique_name("u"))["User"]["UserName"])


def test_create_list_reset_update_delete(iam) -> None:  # type: ignore[no-untyped-def]
    user = _user(iam)
    made = iam.create_service_specific_credential(UserName=user, ServiceName=CODECOMMIT)[
        "ServiceSpecificCredential"]
    assert made["ServiceUserName"] == f"{user}-at-{ACCOUNT}"
    assert made["ServiceName"] == CODECOMMIT and made["Status"] == "Active"
    assert made["ServiceSpecificCredentialId"].startswith("ACCA")
    assert len(made["ServicePassword"]) == 60
    credential_id = made["ServiceSpecificCredentialId"]
    [listed] = iam.list_service_specific_credentials(UserName=user)["ServiceSpecificCredentials"]
    assert "ServicePassword" not in listed
    assert listed == {k: v for k, v in made.items() if k != "ServicePassword"}
    reset = iam.reset_service_specific_credential(UserName=user,
                                                  ServiceSpecificCredentialId=credential_id)
    assert reset["ServiceSpecificCredential"]["ServicePassword"] != made["ServicePassword"]
    iam.update_service_specific_credential(UserName=user, ServiceSpecificCredentialId=credential_id,
                                           Status="Inactive")
    [listed] = iam.list_service_specific_credentials(UserName=user)["ServiceSpecificCredentials"]
    assert listed["Status"] == "Inactive"
    iam.delete_service_specific_credential(UserName=user,
                                           ServiceSpecificCredentialId=credential_id)
    assert iam.list_service_specific_credentials(UserName=user)[
        "ServiceSpecificCredentials"] == []


def test_two_per_user_per_service(iam) -> None:  # type: ignore[no-untyped-def]
    user = _user(iam)
    for _ in range(2):
        iam.create_service_specific_credential(UserName=user, ServiceName=CODECOMMIT)
    assert refusal(iam.create_service_specific_credential, UserName=user,
                   ServiceName=CODECOMMIT)[:3:2] == ("LimitExceeded", 409)
    iam.create_service_specific_credential(UserName=user, ServiceName=KEYSPACES)
    by_service = iam.list_service_specific_credentials(UserName=user, ServiceName=KEYSPACES)
    assert [c["ServiceName"] for c in by_service["ServiceSpecificCredentials"]] == [KEYSPACES]
    assert len(iam.list_service_specific_credentials(UserName=user)[
        "ServiceSpecificCredentials"]) == 3


def test_refusals(iam) -> None:  # type: ignore[no-untyped-def]
    user = _user(iam)
    assert refusal(iam.create_service_specific_credential, UserName=user,
                   ServiceName="s3.amazonaws.com") == (
        "NotSupportedService", "No such service s3.amazonaws.com is supported for Service "
        "Specific Credentials", 404)
    assert refusal(iam.create_service_specific_credential, UserName="nonexistent-user",
                   ServiceName=CODECOMMIT) == (
        "NoSuchEntity", "The user with name nonexistent-user cannot be found.", 404)
    missing = "ACCAXXXXXXXXXXXXXXXXX"
    expected = ("NoSuchEntity", f"No such credential {missing} exists", 404)
    assert refusal(iam.reset_service_specific_credential, UserName=user,
                   ServiceSpecificCredentialId=missing) == expected
    assert refusal(iam.delete_service_specific_credential, UserName=user,
                   ServiceSpecificCredentialId=missing) == expected
    assert refusal(iam.update_service_specific_credential, UserName=user,
                   ServiceSpecificCredentialId=missing, Status="Active") == expected


def test_all_users_and_the_callers_own(client, iam) -> None:  # type: ignore[no-untyped-def]
    first, second = _user(iam), _user(iam)
    for user in (first, second):
        iam.create_service_specific_credential(UserName=user, ServiceName=KEYSPACES)
    everyone = iam.list_service_specific_credentials(AllUsers=True)["ServiceSpecificCredentials"]
    assert {first, second} <= {c["UserName"] for c in everyone}
    key = iam.create_access_key(UserName=first)["AccessKey"]
    own = client("iam", aws_access_key_id=key["AccessKeyId"],
                 aws_secret_access_key=key["SecretAccessKey"])
    assert [c["UserName"] for c in own.list_service_specific_credentials()[
        "ServiceSpecificCredentials"]] == [first]


def test_delete_user_waits_for_credentials(iam) -> None:  # type: ignore[no-untyped-def]
    user = _user(iam)
    credential_id = iam.create_service_specific_credential(
        UserName=user, ServiceName=CODECOMMIT)["ServiceSpecificCredential"][
        "ServiceSpecificCredentialId"]
    assert refusal(iam.delete_user, UserName=user) == (
        "DeleteConflict", "Cannot delete entity, must delete service specific credentials "
        "first.", 409)
    iam.delete_service_specific_credential(UserName=user,
                                           ServiceSpecificCredentialId=credential_id)
    iam.delete_user(UserName=user)
