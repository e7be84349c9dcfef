"""Managed policy, policy version and group answers as recorded from AWS: GetPolicy's Tags,
the NoSuchEntity wording per operation, which of two missing entities is named first."""

from __future__ import annotations

import json
import uuid

import pytest
from tests.support import refusal

ACCOUNT = "246824682468"
DOCUMENT = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*"}]})


def _name(prefix: str) -> str:
    return f"{prefix}{uuid.uuid4().hex[:10]}"


@pytest.fixture
def iam(client):  # type: ignore[no-untyped-def]
    return client("iam", aws_access_key_id=ACCOUNT)


def test_get_policy_always_answers_tags_create_only_when_given(iam) -> None:  # type: ignore[no-untyped-def]
    plain = iam.create_policy(PolicyName=_name("plain"), PolicyDocument=DOCUMENT)["Policy"]
    assert "Tags" not in plain
    assert iam.get_policy(PolicyArn=plain["Arn"])["Policy"]["Tags"] == []
    tagged = iam.create_policy(PolicyName=_name("tagged"), PolicyDocument=DOCUMENT,
                               Tags=[{"Key": "team", "Value": "a"}])["Policy"]
    assert tagged["Tags"] == [{"Key": "team", "Value": "a"}]
    aws = iam.get_policy(PolicyArn="arn:aws:iam::aws:policy/ReadOnlyAccess")["Policy"]
    assert aws["Tags"] == []
    listed = iam.list_policies(Scope="Local")["Policies"]
    assert listed and all("Tags" not in p for p in listed)


def test_version_operations_on_a_missing_policy_name_the_version(iam) -> None:  # type: ignore[no-untyped-def]
    missing = f"arn:aws:iam::{ACCOUNT}:policy/TestNonExistingPolicy"
    expected = ("NoSuchEntity", f"Policy {missing} version v1 does not exist or is not "
                "attachable.", 404)
    assert refusal(iam.get_policy_version, PolicyArn=missing, VersionId="v1") == expected
    assert refusal(iam.set_default_policy_version, PolicyArn=missing, VersionId="v1") == expected


def test_tagging_a_missing_policy_is_not_found(iam) -> None:  # type: ignore[no-untyped-def]
    missing = f"arn:aws:iam::{ACCOUNT}:policy/NotAPolicy"
    expected = ("NoSuchEntity", f"Policy {missing} was not found.", 404)
    assert refusal(iam.tag_policy, PolicyArn=missing,
                   Tags=[{"Key": "k", "Value": "v"}]) == expected
    assert refusal(iam.untag_policy, PolicyArn=missing, TagKeys=["k"]) == expected


def test_remove_unknown_user_from_unknown_group_names_the_user(iam) -> None:  # type: ignore[no-untyped-def]
    assert refusal(iam.remove_user_from_group, GroupName=_name("nogroup"),
                   UserName="any-user") == (
        "NoSuchEntity", "The user with name any-user cannot be found.", 404)


TRUST = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"},
     "Action": "sts:AssumeRole"}]})


def test_instance_profile_answers(iam) -> None:  # type: ignore[no-untyped-def]
    profile, role = _name("profile"), _name("role")
    created = iam.create_instance_profile(InstanceProfileName=profile)["InstanceProfile"]
    assert "Tags" not in created
    assert iam.get_instance_profile(InstanceProfileName=profile)["InstanceProfile"]["Tags"] == []
    iam.create_role(RoleName=role, AssumeRolePolicyDocument=TRUST)
    assert refusal(iam.remove_role_from_instance_profile, InstanceProfileName=profile,
                   RoleName=role) == (
        "NoSuchEntity", f"Role {role} in Instance Profile {profile} cannot be found.", 404)
    iam.add_role_to_instance_profile(InstanceProfileName=profile, RoleName=role)
    got = iam.get_instance_profile(InstanceProfileName=profile)["InstanceProfile"]
    listed = iam.list_instance_profiles_for_role(RoleName=role)["InstanceProfiles"][0]
    for shape in (got, listed):
        assert set(shape["Roles"][0]) == {"Path", "RoleName", "RoleId", "Arn", "CreateDate",
                                          "AssumeRolePolicyDocument"}


@pytest.fixture
def fresh_account_iam(client):  # type: ignore[no-untyped-def]
    """An account of its own: the password policy is one per account."""
    return client("iam", aws_access_key_id="864286428642")


def test_password_policy_defaults_ranges_and_missing(fresh_account_iam) -> None:  # type: ignore[no-untyped-def]
    iam = fresh_account_iam
    assert refusal(iam.delete_account_password_policy) == (
        "NoSuchEntity", "The account policy with name PasswordPolicy cannot be found.", 404)
    iam.update_account_password_policy()
    assert iam.get_account_password_policy()["PasswordPolicy"] == {
        "MinimumPasswordLength": 6, "RequireSymbols": False, "RequireNumbers": False,
        "RequireUppercaseCharacters": False, "RequireLowercaseCharacters": False,
        "AllowUsersToChangePassword": False, "ExpirePasswords": False}
    assert refusal(iam.update_account_password_policy, MinimumPasswordLength=129,
                   PasswordReusePrevention=25, MaxPasswordAge=1096) == (
        "ValidationError", "3 validation errors detected: Value at 'minimumPasswordLength' "
        "failed to satisfy constraint: Member must have value less than or equal to 128; "
        "Value at 'passwordReusePrevention' failed to satisfy constraint: Member must have "
        "value less than or equal to 24; Value at 'maxPasswordAge' failed to satisfy "
        "constraint: Member must have value less than or equal to 1095", 400)
    iam.delete_account_password_policy()
    assert refusal(iam.get_account_password_policy) == (
        "NoSuchEntity", "The Password Policy with domain name 864286428642 cannot be found.",
        404)


def test_open_id_connect_provider_answers(iam) -> None:  # type: ignore[no-untyped-def]
    host = f"{_name('oidc')}.example.com"
    created = iam.create_open_id_connect_provider(Url=f"https://{host}",
                                                  ThumbprintList=["b" * 40])
    assert "Tags" not in created
    assert refusal(iam.create_open_id_connect_provider, Url=f"https://other.{host}",
                   ThumbprintList=["a" * 40] * 6) == (
        "InvalidInput", "Thumbprint list must contain fewer than 5 entries.", 400)
    assert refusal(iam.create_open_id_connect_provider, Url=f"https://more.{host}",
                   ClientIDList=[f"id{i}" for i in range(101)]) == (
        "LimitExceeded", "Cannot exceed quota for ClientIdsPerOpenIdConnectProvider: 100", 409)
    assert refusal(iam.create_open_id_connect_provider, Url=f"http://{host}")[:2] == (
        "ValidationError", "Invalid Open ID Connect Provider URL")
    arn = created["OpenIDConnectProviderArn"]
    iam.delete_open_id_connect_provider(OpenIDConnectProviderArn=arn)
    assert refusal(iam.delete_open_id_connect_provider, OpenIDConnectProviderArn=arn) == (
        "NoSuchEntity", f"OpenId connect Provider {arn} cannot be found.", 404)


def test_missing_version_of_an_existing_policy_is_named(iam) -> None:  # type: ignore[no-untyped-def]
    """LocalStack tests/aws/services/iam/test_iam_policies.snapshot.json,
    err-set-default-nonexistent-version and list-after-delete: the missing version is named,
    the default one cannot be deleted, and deleting another leaves only the default."""
    arn = iam.create_policy(PolicyName=_name("versions"), PolicyDocument=DOCUMENT)["Policy"]["Arn"]
    iam.create_policy_version(PolicyArn=arn, PolicyDocument=DOCUMENT)
    absent = ("NoSuchEntity", f"Policy {arn} version v4 does not exist or is not attachable.",
              404)
    assert refusal(iam.set_default_policy_version, PolicyArn=arn, VersionId="v4") == absent
    assert refusal(iam.get_policy_version, PolicyArn=arn, VersionId="v4") == absent
    assert refusal(iam.delete_policy_version, PolicyArn=arn, VersionId="v4") == absent
    assert refusal(iam.delete_policy_version, PolicyArn=arn, VersionId="v1") == (
        "DeleteConflict", "Cannot delete the default version of a policy.", 409)
    iam.delete_policy_version(PolicyArn=arn, VersionId="v2")
    versions = iam.list_policy_versions(PolicyArn=arn)["Versions"]
    assert [(v["VersionId"], v["IsDefaultVersion"]) for v in versions] == [("v1", True)]
