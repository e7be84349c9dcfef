"""IAM names are unique regardless of case; tags are checked the way IAM's API checks them."""

from __future__ import annotations

import uuid

import pytest
from tests.services.iam.helpers import ALLOW_S3, trust_of, unique_name
from tests.support import refusal

ACCOUNT = "246802468024"
TRUST = trust_of(ACCOUNT)


@pytest.fixture
def iam(client):  # type: ignore[no-untyped-def]
    return client("iam", aws_access_key_id=ACCOUNT)


def test_names_differing_only_in_case_clash(iam) -> None:  # type: ignore[no-untyped-def]
    user, group, role, policy = (unique_name(kind) for kind in ("user", "group", "role", "policy"))
    iam.create_user(UserName=user)
    iam.create_group(GroupName=group)
    iam.create_role(RoleName=role, AssumeRolePolicyDocument=TRUST)
    iam.create_policy(PolicyName=policy, PolicyDocument=ALLOW_S3)
    clashes = [
        (iam.create_user, {"UserName": user.upper()}, f"User with name {user.upper()}"),
        (iam.create_group, {"GroupName": group.upper()}, f"Group with name {group.upper()}"),
        (iam.create_role, {"RoleName": role.upper(), "AssumeRolePolicyDocument": TRUST},
         f"Role with name {role.upper()}"),
        (iam.create_policy, {"PolicyName": policy.upper(), "PolicyDocument": ALLOW_S3},
         f"A policy called {policy.upper()}"),
    ]
    for call, params, message in clashes:
        code, text, status = refusal(call, **params)
        assert (code, status) == ("EntityAlreadyExists", 409)
        assert text.startswith(message)
    users = [u for page in iam.get_paginator("list_users").paginate() for u in page["Users"]]
    assert [u["UserName"] for u in users if u["UserName"].lower() == user] == [user]


def test_renaming_clashes_regardless_of_case_but_may_recase_itself(iam) -> None:  # type: ignore[no-untyped-def]
    first, second = unique_name("first"), unique_name("second")
    iam.create_user(UserName=first)
    iam.create_user(UserName=second)
    code, _, status = refusal(iam.update_user, UserName=second, NewUserName=first.upper())
    assert (code, status) == ("EntityAlreadyExists", 409)
    iam.update_user(UserName=second, NewUserName=second.upper())
    assert iam.get_user(UserName=second.upper())["User"]["UserName"] == second.upper()
    group, other = unique_name("g"), unique_name("h")
    iam.create_group(GroupName=group)
    iam.create_group(GroupName=other)
    code, _, _ = refusal(iam.update_group, GroupName=other, NewGroupName=group.upper())
    assert code == "EntityAlreadyExists"


def test_tag_key_and_value_lengths(iam) -> None:  # type: ignore[no-untyped-def]
    user = unique_name("tags")
    iam.create_user(UserName=user)
    code, message, status = refusal(iam.tag_user, UserName=user,
                                    Tags=[{"Key": "k" * 129, "Value": "v"}])
    assert (code, status) == ("ValidationError", 400)
    assert "'tags.1.member.key'" in message and "less than or equal to 128" in message
    code, message, _ = refusal(iam.tag_user, UserName=user, Tags=[
        {"Key": "ok", "Value": "v"}, {"Key": "long", "Value": "v" * 257}])
    assert code == "ValidationError"
    assert "'tags.2.member.value'" in message and "less than or equal to 256" in message
    iam.tag_user(UserName=user, Tags=[{"Key": "k" * 128, "Value": "v" * 256}])
    assert iam.list_user_tags(UserName=user)["Tags"] == [{"Key": "k" * 128, "Value": "v" * 256}]


def test_tag_characters(iam) -> None:  # type: ignore[no-untyped-def]
    role = unique_name("tagchars")
    allowed = [{"Key": "Cost Center", "Value": "a.b:c/d=e+f-g@h_i"},
               {"Key": "équipe", "Value": "Zürich 42"}]
    iam.create_role(RoleName=role, AssumeRolePolicyDocument=TRUST, Tags=allowed)
    assert iam.list_role_tags(RoleName=role)["Tags"] == allowed
    for bad in ({"Key": "k#1", "Value": "v"}, {"Key": "k", "Value": "semi;colon"},
                {"Key": "tab\there", "Value": "v"}):
        code, message, _ = refusal(iam.tag_role, RoleName=role, Tags=[bad])
        assert code == "ValidationError" and "regular expression pattern" in message
    code, _, _ = refusal(iam.create_user, UserName=unique_name("u"),
                         Tags=[{"Key": "k!", "Value": ""}])
    assert code == "ValidationError"


def test_untag_takes_at_most_fifty_keys(iam) -> None:  # type: ignore[no-untyped-def]
    user = unique_name("untag")
    iam.create_user(UserName=user, Tags=[{"Key": "keep", "Value": "1"}])
    code, message, _ = refusal(iam.untag_user, UserName=user,
                               TagKeys=[f"k{i}" for i in range(51)])
    assert code == "ValidationError" and "'tagKeys'" in message
    iam.untag_user(UserName=user, TagKeys=[f"k{i}" for i in range(50)])
    assert iam.list_user_tags(UserName=user)["Tags"] == [{"Key": "keep", "Value": "1"}]


def test_names_find_entities_regardless_of_case(iam) -> None:  # type: ignore[no-untyped-def]
    group, user, role = unique_name("Group"), unique_name("User"), unique_name("Role")
    created = iam.create_group(GroupName=group)["Group"]
    iam.create_user(UserName=user)
    iam.create_role(RoleName=role, AssumeRolePolicyDocument=TRUST)
    assert iam.get_group(GroupName=group.lower())["Group"] == created
    iam.add_user_to_group(GroupName=group.upper(), UserName=user.lower())
    assert [g["GroupName"] for g in iam.list_groups_for_user(UserName=user)["Groups"]] == [group]
    iam.put_role_policy(RoleName=role.lower(), PolicyName="s3", PolicyDocument=ALLOW_S3)
    assert iam.list_role_policies(RoleName=role)["PolicyNames"] == ["s3"]
    assert iam.get_role(RoleName=role.upper())["Role"]["RoleName"] == role
    iam.remove_user_from_group(GroupName=group.lower(), UserName=user.upper())
    iam.delete_group(GroupName=group.lower())
    code, _, status = refusal(iam.delete_group, GroupName=group)
    assert (code, status) == ("NoSuchEntity", 404)


def test_lists_sort_names_regardless_of_case(iam) -> None:  # type: ignore[no-untyped-def]
    suffix = uuid.uuid4().hex[:8]
    path = f"/sorted-{suffix}/"
    names = [f"aa{suffix}", f"Ab{suffix}", f"ac{suffix}", f"Ad{suffix}"]
    for name, sub in zip(reversed(names), "wxyz", strict=True):
        iam.create_group(GroupName=name, Path=f"{path}{sub}/")
    listed = [g["GroupName"] for g in iam.list_groups(PathPrefix=path)["Groups"]]
    assert listed == names
    paged = [g["GroupName"] for page in iam.get_paginator("list_groups").paginate(
        PathPrefix=path, PaginationConfig={"PageSize": 1}) for g in page["Groups"]]
    assert paged == names


def test_tags_may_not_begin_with_aws(iam) -> None:  # type: ignore[no-untyped-def]
    user, policy = unique_name("user"), unique_name("policy")
    iam.create_user(UserName=user)
    for tag in ({"Key": "aws:team", "Value": "x"}, {"Key": "AWS:team", "Value": "x"},
                {"Key": "team", "Value": "aws:x"}):
        code, _, status = refusal(iam.tag_user, UserName=user, Tags=[tag])
        assert (code, status) == ("InvalidInput", 400)
        assert refusal(iam.create_policy, PolicyName=policy, PolicyDocument=ALLOW_S3,
                       Tags=[tag])[0] == "InvalidInput"
    iam.tag_user(UserName=user, Tags=[{"Key": "team:aws", "Value": "x-aws:"}])
    assert iam.list_user_tags(UserName=user)["Tags"] == [{"Key": "team:aws", "Value": "x-aws:"}]


def test_user_and_role_tag_keys_ignore_case_policy_tag_keys_do_not(
    iam,  # type: ignore[no-untyped-def]
) -> None:
    user, role = unique_name("user"), unique_name("role")
    iam.create_user(UserName=user, Tags=[{"Key": "Department", "Value": "finance"}])
    iam.tag_user(UserName=user, Tags=[{"Key": "department", "Value": "hr"}])
    assert iam.list_user_tags(UserName=user)["Tags"] == [{"Key": "department", "Value": "hr"}]
    iam.untag_user(UserName=user, TagKeys=["DEPARTMENT"])
    assert iam.list_user_tags(UserName=user)["Tags"] == []
    iam.create_role(RoleName=role, AssumeRolePolicyDocument=TRUST,
                    Tags=[{"Key": "Team", "Value": "a"}])
    iam.tag_role(RoleName=role, Tags=[{"Key": "TEAM", "Value": "b"}])
    assert iam.list_role_tags(RoleName=role)["Tags"] == [{"Key": "TEAM", "Value": "b"}]
    arn = iam.create_policy(PolicyName=unique_name("policy"), PolicyDocument=ALLOW_S3,
                            Tags=[{"Key": "Costcenter", "Value": "1234"}])["Policy"]["Arn"]
    iam.tag_policy(PolicyArn=arn, Tags=[{"Key": "costcenter", "Value": "5678"}])
    assert iam.list_policy_tags(PolicyArn=arn)["Tags"] == [
        {"Key": "Costcenter", "Value": "1234"}, {"Key": "costcenter", "Value": "5678"}]
