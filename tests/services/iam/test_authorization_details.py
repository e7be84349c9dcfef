"""GetAccountAuthorizationDetails: the account's users, groups, roles and managed policies with
their relations, URL-encoded documents, the Filter and Marker/MaxItems paging."""

from __future__ import annotations

import json
from urllib.parse import unquote

import pytest
from tests.services.iam.helpers import ALLOW_S3, trust_of
from tests.support import refusal

ACCOUNT = "864213579246"
ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess"


@pytest.fixture(scope="module")
def iam(endpoint: str):  # type: ignore[no-untyped-def]
    import boto3

    client = boto3.client("iam", region_name="us-east-1", endpoint_url=endpoint,
                          aws_access_key_id=ACCOUNT, aws_secret_access_key="test")
    policy = client.create_policy(PolicyName="Reader", PolicyDocument=ALLOW_S3,
                                  Description="reads")["Policy"]["Arn"]
    client.create_policy_version(PolicyArn=policy, PolicyDocument=ALLOW_S3, SetAsDefault=True)
    client.create_user(UserName="alice", Tags=[{"Key": "team", "Value": "blue"}],
                       PermissionsBoundary=policy)
    client.create_group(GroupName="admins", Path="/ops/")
    client.add_user_to_group(GroupName="admins", UserName="alice")
    client.put_user_policy(UserName="alice", PolicyName="own", PolicyDocument=ALLOW_S3)
    client.attach_user_policy(UserName="alice", PolicyArn=policy)
    client.put_group_policy(GroupName="admins", PolicyName="g", PolicyDocument=ALLOW_S3)
    client.attach_group_policy(GroupName="admins", PolicyArn=ADMIN)
    client.create_role(RoleName="worker", AssumeRolePolicyDocument=trust_of(ACCOUNT),
                       Tags=[{"Key": "k", "Value": "v"}])
    client.put_role_policy(RoleName="worker", PolicyName="r", PolicyDocument=ALLOW_S3)
    client.create_instance_profile(InstanceProfileName="worker-profile")
    client.add_role_to_instance_profile(InstanceProfileName="worker-profile", RoleName="worker")
    return client


def test_every_kind_with_its_relations(iam) -> None:  # type: ignore[no-untyped-def]
    details = iam.get_account_authorization_details()
    assert details["IsTruncated"] is False
    (user,) = details["UserDetailList"]
    assert user["UserName"] == "alice" and user["Arn"] == f"arn:aws:iam::{ACCOUNT}:user/alice"
    assert user["GroupList"] == ["admins"]
    assert user["UserPolicyList"] == [{"PolicyName": "own", "PolicyDocument": json.loads(
        ALLOW_S3)}]  # boto3 decodes the URL-encoded document
    reader = f"arn:aws:iam::{ACCOUNT}:policy/Reader"
    assert user["AttachedManagedPolicies"] == [{"PolicyName": "Reader", "PolicyArn": reader}]
    assert user["PermissionsBoundary"]["PermissionsBoundaryArn"] == reader
    assert user["Tags"] == [{"Key": "team", "Value": "blue"}]
    (group,) = details["GroupDetailList"]
    assert (group["GroupName"], group["Path"]) == ("admins", "/ops/")
    assert group["AttachedManagedPolicies"] == [{"PolicyName": "AdministratorAccess",
                                                 "PolicyArn": ADMIN}]
    assert [p["PolicyName"] for p in group["GroupPolicyList"]] == ["g"]
    (role,) = details["RoleDetailList"]
    assert role["AssumeRolePolicyDocument"] == json.loads(trust_of(ACCOUNT))
    assert role["RoleLastUsed"] == {}
    assert role["Tags"] == [{"Key": "k", "Value": "v"}]
    (profile,) = role["InstanceProfileList"]
    assert profile["InstanceProfileName"] == "worker-profile"
    assert [r["RoleName"] for r in profile["Roles"]] == ["worker"]
    assert [p["PolicyName"] for p in role["RolePolicyList"]] == ["r"]


def test_policies_carry_every_version_and_aws_ones_only_when_used(iam) -> None:  # type: ignore[no-untyped-def]
    policies = {p["PolicyName"]: p for p in iam.get_account_authorization_details()["Policies"]}
    assert set(policies) == {"Reader", "AdministratorAccess"}  # only attached AWS policies
    reader = policies["Reader"]
    assert (reader["DefaultVersionId"], reader["AttachmentCount"]) == ("v2", 1)
    assert reader["PermissionsBoundaryUsageCount"] == 1
    assert reader["IsAttachable"] is True and reader["Description"] == "reads"
    versions = reader["PolicyVersionList"]
    assert [(v["VersionId"], v["IsDefaultVersion"]) for v in versions] == [
        ("v2", True), ("v1", False)]
    assert versions[0]["Document"] == json.loads(ALLOW_S3)


def test_the_wire_carries_url_encoded_documents(endpoint: str, iam) -> None:  # type: ignore[no-untyped-def]
    import urllib.request

    request = urllib.request.Request(
        endpoint, data=b"Action=GetAccountAuthorizationDetails&Version=2010-05-08&Filter.member"
        b".1=Role", headers={"content-type": "application/x-www-form-urlencoded",
                             "authorization": f"AWS4-HMAC-SHA256 Credential={ACCOUNT}/20260101/"
                             "us-east-1/iam/aws4_request, SignedHeaders=host, Signature=x"})
    body = urllib.request.urlopen(request, timeout=10).read().decode()
    encoded = body.split("<AssumeRolePolicyDocument>")[1].split("<")[0]
    assert "%22" in encoded and json.loads(unquote(encoded)) == json.loads(trust_of(ACCOUNT))


def test_filter_picks_kinds(iam) -> None:  # type: ignore[no-untyped-def]
    roles = iam.get_account_authorization_details(Filter=["Role"])
    assert [r["RoleName"] for r in roles["RoleDetailList"]] == ["worker"]
    assert roles["UserDetailList"] == roles["GroupDetailList"] == roles["Policies"] == []
    local = iam.get_account_authorization_details(Filter=["LocalManagedPolicy"])["Policies"]
    assert [p["PolicyName"] for p in local] == ["Reader"]
    aws = iam.get_account_authorization_details(Filter=["AWSManagedPolicy", "Group"])
    assert [p["Arn"] for p in aws["Policies"]] == [ADMIN]
    assert [g["GroupName"] for g in aws["GroupDetailList"]] == ["admins"]
    code, message, status = refusal(iam.get_account_authorization_details, Filter=["Users"])
    assert (code, status) == ("ValidationError", 400)
    assert "enum value set: [User, Role, Group, LocalManagedPolicy, AWSManagedPolicy]" in message


def test_paging_runs_across_the_kinds(iam) -> None:  # type: ignore[no-untyped-def]
    first = iam.get_account_authorization_details(MaxItems=2)
    assert first["IsTruncated"] is True
    assert len(first["UserDetailList"]) + len(first["GroupDetailList"]) == 2
    second = iam.get_account_authorization_details(MaxItems=2, Marker=first["Marker"])
    assert [r["RoleName"] for r in second["RoleDetailList"]] == ["worker"]
    assert len(second["Policies"]) == 1
    paginator = iam.get_paginator("get_account_authorization_details")
    pages = list(paginator.paginate(PaginationConfig={"PageSize": 1}))
    assert len(pages) == 5
    assert sum(len(p["Policies"]) for p in pages) == 2
    assert refusal(iam.get_account_authorization_details, Marker="nonsense")[0] == "InvalidInput"
