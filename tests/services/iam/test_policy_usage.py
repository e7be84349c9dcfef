"""Who uses a managed policy: ListEntitiesForPolicy (paged, permissions policy or boundary) and
DeletePolicy refusing while anyone still uses it."""

from __future__ import annotations

import pytest
from tests.services.iam.helpers import ALLOW_S3, trust_of, unique_name
from tests.support import refusal

ACCOUNT = "135713571357"
TRUST = trust_of(ACCOUNT)


@pytest.fixture
def iam(client):  # type: ignore[no-untyped-def]
    return client("iam", aws_access_key_id=ACCOUNT)


def _entities(response: dict) -> list[str]:  # type: ignore[type-arg]
    return ([g["GroupName"] for g in response["PolicyGroups"]]
            + [u["UserName"] for u in response["PolicyUsers"]]
            + [r["RoleName"] for r in response["PolicyRoles"]])


def test_list_entities_for_policy_pages(iam) -> None:  # type: ignore[no-untyped-def]
    arn = iam.create_policy(PolicyName=unique_name("p"), PolicyDocument=ALLOW_S3)["Policy"]["Arn"]
    groups = sorted(unique_name("g") for _ in range(2))
    users = sorted(unique_name("u") for _ in range(2))
    roles = sorted(unique_name("r") for _ in range(2))
    for group in groups:
        iam.create_group(GroupName=group)
        iam.attach_group_policy(GroupName=group, PolicyArn=arn)
    for user in users:
        iam.create_user(UserName=user)
        iam.attach_user_policy(UserName=user, PolicyArn=arn)
    for role in roles:
        iam.create_role(RoleName=role, AssumeRolePolicyDocument=TRUST)
        iam.attach_role_policy(RoleName=role, PolicyArn=arn)
    first = iam.list_entities_for_policy(PolicyArn=arn, MaxItems=4)
    assert first["IsTruncated"] and _entities(first) == groups + users
    rest = iam.list_entities_for_policy(PolicyArn=arn, MaxItems=4, Marker=first["Marker"])
    assert not rest["IsTruncated"] and "Marker" not in rest and _entities(rest) == roles
    pages = iam.get_paginator("list_entities_for_policy").paginate(
        PolicyArn=arn, PaginationConfig={"PageSize": 1})
    assert [name for page in pages for name in _entities(page)] == groups + users + roles
    only_roles = iam.list_entities_for_policy(PolicyArn=arn, EntityFilter="Role")
    assert _entities(only_roles) == roles


def test_boundary_usage_is_listed_and_blocks_delete(iam) -> None:  # type: ignore[no-untyped-def]
    arn = iam.create_policy(PolicyName=unique_name("b"), PolicyDocument=ALLOW_S3)["Policy"]["Arn"]
    user, role = unique_name("u"), unique_name("r")
    iam.create_user(UserName=user, PermissionsBoundary=arn)
    iam.create_role(RoleName=role, AssumeRolePolicyDocument=TRUST, PermissionsBoundary=arn)
    assert iam.get_policy(PolicyArn=arn)["Policy"]["PermissionsBoundaryUsageCount"] == 2
    bounded = iam.list_entities_for_policy(PolicyArn=arn, PolicyUsageFilter="PermissionsBoundary")
    assert _entities(bounded) == [user, role]
    attached = iam.list_entities_for_policy(PolicyArn=arn, PolicyUsageFilter="PermissionsPolicy")
    assert _entities(attached) == []
    assert refusal(iam.delete_policy, PolicyArn=arn) == (
        "DeleteConflict", "Cannot delete a policy attached to entities.", 409)
    iam.delete_user_permissions_boundary(UserName=user)
    assert refusal(iam.delete_policy, PolicyArn=arn)[0] == "DeleteConflict"
    iam.delete_role_permissions_boundary(RoleName=role)
    iam.delete_policy(PolicyArn=arn)
