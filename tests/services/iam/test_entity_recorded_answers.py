"""Users, groups, roles and instance profiles answer as AWS did when LocalStack recorded them
(tests/aws/services/iam/test_iam_users, test_iam_groups, test_iam_roles and
test_iam_instance_profiles snapshots): error codes, wording, statuses and which members each
response carries."""

from __future__ import annotations

import json
import uuid

import pytest
from tests.support import refusal

ACCOUNT = "246802468024"
TRUST = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"},
     "Action": "sts:AssumeRole"}]})
ALLOW_ALL = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": "*", "Resource": "*"}]})


def _name(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


@pytest.fixture
def iam(client):  # type: ignore[no-untyped-def]
    return client("iam", aws_access_key_id=ACCOUNT)


def test_duplicates_and_missing_entities_name_the_entity(iam) -> None:  # type: ignore[no-untyped-def]
    user, group, role = _name("u"), _name("g"), _name("r")
    iam.create_user(UserName=user)
    iam.create_group(GroupName=group)
    iam.create_role(RoleName=role, AssumeRolePolicyDocument=TRUST)
    assert refusal(iam.create_user, UserName=user) == (
        "EntityAlreadyExists", f"User with name {user} already exists.", 409)
    assert refusal(iam.create_group, GroupName=group) == (
        "EntityAlreadyExists", f"Group with name {group} already exists.", 409)
    assert refusal(iam.create_role, RoleName=role, AssumeRolePolicyDocument=TRUST) == (
        "EntityAlreadyExists", f"Role with name {role} already exists.", 409)
    assert refusal(iam.update_user, UserName="nonexistent-user", NewUserName="x") == (
        "NoSuchEntity", "The user with name nonexistent-user cannot be found.", 404)
    # RemoveUserFromGroup looks the user up before the group
    assert refusal(iam.remove_user_from_group, GroupName="unknown-group",
                   UserName="any-user") == (
        "NoSuchEntity", "The user with name any-user cannot be found.", 404)
    assert refusal(iam.remove_user_from_group, GroupName="unknown-group", UserName=user) == (
        "NoSuchEntity", "The group with name unknown-group cannot be found.", 404)


def test_delete_user_conflicts_name_what_is_left(iam) -> None:  # type: ignore[no-untyped-def]
    user, group = _name("u"), _name("g")
    iam.create_user(UserName=user)
    iam.create_group(GroupName=group)
    iam.put_user_policy(UserName=user, PolicyName="inline", PolicyDocument=ALLOW_ALL)
    assert refusal(iam.delete_user, UserName=user) == (
        "DeleteConflict", "Cannot delete entity, must delete policies first.", 409)
    iam.delete_user_policy(UserName=user, PolicyName="inline")
    iam.add_user_to_group(GroupName=group, UserName=user)
    assert refusal(iam.delete_user, UserName=user) == (
        "DeleteConflict", "Cannot delete entity, must remove users from group first.", 409)
    iam.remove_user_from_group(GroupName=group, UserName=user)
    iam.create_access_key(UserName=user)
    assert refusal(iam.delete_user, UserName=user) == (
        "DeleteConflict", "Cannot delete entity, must delete access keys first.", 409)


def test_access_key_limit_and_missing_key(iam) -> None:  # type: ignore[no-untyped-def]
    user = _name("u")
    iam.create_user(UserName=user)
    iam.create_access_key(UserName=user)
    iam.create_access_key(UserName=user)
    assert refusal(iam.create_access_key, UserName=user) == (
        "LimitExceeded", "Cannot exceed quota for AccessKeysPerUser: 2", 409)
    assert refusal(iam.update_access_key, UserName=user, AccessKeyId="AKIAIOSFODNN7EXAMPLE",
                   Status="Inactive") == (
        "NoSuchEntity", "The Access Key with id AKIAIOSFODNN7EXAMPLE cannot be found.", 404)
    assert refusal(iam.delete_access_key, AccessKeyId="AKIAIOSFODNN7EXAMPLE") == (
        "ValidationError", "Must specify userName when calling with non-User credentials", 400)


def test_role_shapes_differ_between_get_list_and_create(iam) -> None:  # type: ignore[no-untyped-def]
    role, path = _name("r"), f"/{_name('p')}/"
    created = iam.create_role(RoleName=role, Path=path, AssumeRolePolicyDocument=TRUST,
                              Tags=[{"Key": "test", "Value": "value"}])["Role"]
    assert "MaxSessionDuration" not in created and created["Tags"]
    got = iam.get_role(RoleName=role)["Role"]
    assert got["MaxSessionDuration"] == 3600 and got["RoleLastUsed"] == {}
    listed = iam.list_roles(PathPrefix=path)["Roles"]
    assert [r["RoleName"] for r in listed] == [role]
    assert listed[0]["MaxSessionDuration"] == 3600
    assert "RoleLastUsed" not in listed[0] and "Tags" not in listed[0]


def test_instance_profile_answers(iam) -> None:  # type: ignore[no-untyped-def]
    profile, role, other = _name("ip"), _name("r"), _name("r")
    created = iam.create_instance_profile(InstanceProfileName=profile)["InstanceProfile"]
    assert created["Roles"] == [] and "Tags" not in created
    assert iam.get_instance_profile(InstanceProfileName=profile)["InstanceProfile"]["Tags"] == []
    for name in (role, other):
        iam.create_role(RoleName=name, AssumeRolePolicyDocument=TRUST)
    assert refusal(iam.remove_role_from_instance_profile, InstanceProfileName=profile,
                   RoleName=role) == (
        "NoSuchEntity", f"Role {role} in Instance Profile {profile} cannot be found.", 404)
    iam.add_role_to_instance_profile(InstanceProfileName=profile, RoleName=role)
    assert refusal(iam.add_role_to_instance_profile, InstanceProfileName=profile,
                   RoleName=other) == (
        "LimitExceeded", "Cannot exceed quota for InstanceSessionsPerInstanceProfile: 1", 409)
    assert refusal(iam.delete_instance_profile, InstanceProfileName=profile) == (
        "DeleteConflict", "Cannot delete entity, must remove roles from instance profile first.",
        409)
    assert refusal(iam.get_instance_profile, InstanceProfileName="nonexistent-profile") == (
        "NoSuchEntity", "Instance Profile nonexistent-profile cannot be found.", 404)


def test_rename_carries_credentials_but_not_the_service_user_name(iam) -> None:  # type: ignore[no-untyped-def]
    old, new = _name("u"), _name("u")
    iam.create_user(UserName=old)
    key = iam.create_access_key(UserName=old)["AccessKey"]["AccessKeyId"]
    iam.create_login_profile(UserName=old, Password="Aa1!aaaaaaaaaaaa")
    iam.create_service_specific_credential(UserName=old, ServiceName="codecommit.amazonaws.com")
    iam.update_user(UserName=old, NewUserName=new)
    keys = iam.list_access_keys(UserName=new)["AccessKeyMetadata"]
    assert [(k["AccessKeyId"], k["UserName"]) for k in keys] == [(key, new)]
    assert iam.get_login_profile(UserName=new)["LoginProfile"]["UserName"] == new
    (credential,) = iam.list_service_specific_credentials(
        UserName=new)["ServiceSpecificCredentials"]
    assert credential["UserName"] == new
    assert credential["ServiceUserName"] == f"{old}-at-{ACCOUNT}"
