"""IAM answers as recorded from AWS (LocalStack's AWS-validated snapshots), second pass: roles,
managed policies and their tags, ListEntitiesForPolicy, groups and account aliases."""

from __future__ import annotations

import json
import uuid
from typing import Any

import boto3
import pytest
from botocore.config import Config
from tests.support import refusal

ACCOUNT = "468024680246"
TRUST = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"},
     "Action": "sts:AssumeRole"}]})
DOCUMENT = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Sid": "Statement1", "Effect": "Allow", "Action": ["iam:ListUsers"], "Resource": "*"}]})


@pytest.fixture
def iam(endpoint: str) -> Any:
    """No client-side checks: the server's answers to bad members are under test."""
    return boto3.client("iam", region_name="us-east-1", endpoint_url=endpoint,
                        aws_access_key_id=ACCOUNT, aws_secret_access_key="test",
                        config=Config(retries={"max_attempts": 1}, parameter_validation=False))


def _name(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def _policy(iam: Any, **extra: Any) -> str:
    arn: str = iam.create_policy(PolicyName=_name("policy"), PolicyDocument=DOCUMENT,
                                 **extra)["Policy"]["Arn"]
    return arn


def test_list_roles_leaves_out_the_boundary_get_role_shows(iam: Any) -> None:
    path = f"/{_name('bounded')}/"
    role = _name("role")
    iam.create_role(RoleName=role, AssumeRolePolicyDocument=TRUST, Path=path,
                    PermissionsBoundary=_policy(iam), Description="with boundary")
    assert "PermissionsBoundary" in iam.get_role(RoleName=role)["Role"]
    listed = iam.list_roles(PathPrefix=path)["Roles"]
    assert sorted(listed[0]) == ["Arn", "AssumeRolePolicyDocument", "CreateDate", "Description",
                                 "MaxSessionDuration", "Path", "RoleId", "RoleName"]


def test_service_role_managed_policies_attach_and_detach(iam: Any) -> None:
    role = _name("role")
    iam.create_role(RoleName=role, AssumeRolePolicyDocument=TRUST)
    emr = "arn:aws:iam::aws:policy/service-role/AmazonElasticMapReduceRole"
    control_tower = "arn:aws:iam::aws:policy/service-role/AWSControlTowerServiceRolePolicy"
    iam.attach_role_policy(RoleName=role, PolicyArn=emr)
    iam.attach_role_policy(RoleName=role, PolicyArn=control_tower)
    attached = iam.list_attached_role_policies(RoleName=role)["AttachedPolicies"]
    assert {p["PolicyArn"] for p in attached} == {emr, control_tower}
    iam.detach_role_policy(RoleName=role, PolicyArn=emr)
    assert refusal(iam.detach_role_policy, RoleName=role, PolicyArn=emr) == (
        "NoSuchEntity", f"Policy {emr} was not found.", 404)


def test_create_policy_answers_tags_but_not_the_description(iam: Any) -> None:
    tags = [{"Key": "somekey", "Value": "somevalue"}]
    created = iam.create_policy(PolicyName=_name("policy"), PolicyDocument=DOCUMENT,
                                Tags=tags, Description="testing")["Policy"]
    assert created["Tags"] == tags and "Description" not in created
    assert iam.get_policy(PolicyArn=created["Arn"])["Policy"]["Description"] == "testing"


def test_policy_tag_keys_are_case_sensitive(iam: Any) -> None:
    arn = _policy(iam, Tags=[{"Key": "a", "Value": "lowercase"}, {"Key": "A", "Value": "upper"}])
    assert iam.list_policy_tags(PolicyArn=arn)["Tags"] == [
        {"Key": "A", "Value": "upper"}, {"Key": "a", "Value": "lowercase"}]
    iam.untag_policy(PolicyArn=arn, TagKeys=["a"])
    assert iam.list_policy_tags(PolicyArn=arn)["Tags"] == [{"Key": "A", "Value": "upper"}]
    duplicate = [{"Key": "0", "Value": ""}, {"Key": "0", "Value": ""}]
    expected = ("InvalidInput", "Duplicate tag keys found.", 400)
    assert refusal(iam.tag_policy, PolicyArn=arn, Tags=duplicate) == expected
    assert refusal(iam.create_policy, PolicyName=_name("policy"), PolicyDocument=DOCUMENT,
                   Tags=duplicate) == expected


def test_list_policy_tags_orders_shorter_keys_first(iam: Any) -> None:
    given = [{"Key": "abc", "Value": "first"}, {"Key": "b", "Value": "second"},
             {"Key": "z", "Value": "third"}, {"Key": "a", "Value": "fourth"}]
    created = iam.create_policy(PolicyName=_name("policy"), PolicyDocument=DOCUMENT,
                                Tags=given)["Policy"]
    assert created["Tags"] == given
    listed = iam.list_policy_tags(PolicyArn=created["Arn"])["Tags"]
    assert [t["Key"] for t in listed] == ["a", "b", "z", "abc"]


def test_list_entities_for_policy_filters_and_missing_policy(iam: Any) -> None:
    arn = _policy(iam)
    role = _name("role")
    iam.create_role(RoleName=role, AssumeRolePolicyDocument=TRUST)
    iam.attach_role_policy(RoleName=role, PolicyArn=arn)
    for entity_filter in ("LocalManagedPolicy", "AWSManagedPolicy"):
        answer = iam.list_entities_for_policy(PolicyArn=arn, EntityFilter=entity_filter)
        assert (answer["PolicyRoles"], answer["PolicyUsers"], answer["PolicyGroups"]) == (
            [], [], [])
    assert [r["RoleName"] for r in iam.list_entities_for_policy(PolicyArn=arn)[
        "PolicyRoles"]] == [role]
    missing = f"arn:aws:iam::{ACCOUNT}:policy/NonExistentPolicy"
    assert refusal(iam.list_entities_for_policy, PolicyArn=missing) == (
        "NoSuchEntity", f"Policy {missing} does not exist or is not attachable.", 404)


def test_aws_managed_policies_with_later_default_versions(iam: Any) -> None:
    expected = {
        "arn:aws:iam::aws:policy/IAMUserChangePassword": (
            "v5", "Provides the ability for an IAM user to change their own password."),
        "arn:aws:iam::aws:policy/job-function/SystemAdministrator": (
            "v12", "Grants full access permissions necessary for resources required for "
            "application and development operations."),
    }
    for arn, (version_id, description) in expected.items():
        policy = iam.get_policy(PolicyArn=arn)["Policy"]
        assert (policy["DefaultVersionId"], policy["Description"], policy["Tags"]) == (
            version_id, description, [])
        version = iam.get_policy_version(PolicyArn=arn, VersionId=version_id)["PolicyVersion"]
        assert version["IsDefaultVersion"] is True
        assert refusal(iam.get_policy_version, PolicyArn=arn,
                       VersionId="v2-does-not-exist")[0] == "ValidationError"


def test_list_policies_leaves_out_descriptions(iam: Any) -> None:
    name = _name("described")
    iam.create_policy(PolicyName=name, PolicyDocument=DOCUMENT, Description="not listed")
    listed = iam.list_policies(Scope="Local")["Policies"]
    assert "Description" not in next(p for p in listed if p["PolicyName"] == name)
    aws = iam.get_paginator("list_policies").paginate(Scope="AWS").build_full_result()
    changer = next(p for p in aws["Policies"] if p["PolicyName"] == "IAMUserChangePassword")
    assert "Description" not in changer and changer["DefaultVersionId"] == "v5"
