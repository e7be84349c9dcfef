"""CreateServiceLinkedRole names each service's role, path, trust policy and managed policy
as AWS documents them; deletion answers AWS's task id and the status moves to SUCCEEDED."""

from __future__ import annotations

import re

import pytest
from botocore.exceptions import ClientError

ACCOUNT = "579135791357"


@pytest.fixture
def iam(client):  # type: ignore[no-untyped-def]
    return client("iam", aws_access_key_id=ACCOUNT)


@pytest.mark.parametrize(("service", "role_name", "policy"), [
    ("eks.amazonaws.com", "AWSServiceRoleForAmazonEKS", "AmazonEKSServiceRolePolicy"),
    ("autoscaling.amazonaws.com", "AWSServiceRoleForAutoScaling",
     "AutoScalingServiceRolePolicy"),
    ("elasticloadbalancing.amazonaws.com", "AWSServiceRoleForElasticLoadBalancing",
     "AWSElasticLoadBalancingServiceRolePolicy"),
    ("ecs.amazonaws.com", "AWSServiceRoleForECS", "AmazonECSServiceRolePolicy"),
    ("rds.amazonaws.com", "AWSServiceRoleForRDS", "AmazonRDSServiceRolePolicy"),
    ("es.amazonaws.com", "AWSServiceRoleForAmazonElasticsearchService",
     "AmazonElasticsearchServiceRolePolicy"),
    ("opensearchservice.amazonaws.com", "AWSServiceRoleForAmazonOpenSearchService",
     "AmazonOpenSearchServiceRolePolicy"),
    ("replicator.lambda.amazonaws.com", "AWSServiceRoleForLambdaReplicator",
     "AWSLambdaReplicator"),
])
def test_each_service_gets_its_documented_role(iam, service, role_name, policy) -> None:  # type: ignore[no-untyped-def]
    role = iam.create_service_linked_role(AWSServiceName=service)["Role"]
    try:
        assert role["RoleName"] == role_name
        assert role["Path"] == f"/aws-service-role/{service}/"
        assert role["Arn"] == f"arn:aws:iam::{ACCOUNT}:role/aws-service-role/{service}/{role_name}"
        assert role["AssumeRolePolicyDocument"]["Statement"] == [
            {"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}]
        attached = iam.list_attached_role_policies(RoleName=role_name)["AttachedPolicies"]
        assert attached == [{"PolicyName": policy, "PolicyArn":
                             f"arn:aws:iam::aws:policy/aws-service-role/{policy}"}]
    finally:
        iam.delete_service_linked_role(RoleName=role_name)


def test_description_documented_or_given(iam) -> None:  # type: ignore[no-untyped-def]
    role = iam.create_service_linked_role(AWSServiceName="ecs.amazonaws.com")["Role"]
    assert role["Description"] == "Allows ECS to create and manage AWS resources on your behalf."
    iam.delete_service_linked_role(RoleName=role["RoleName"])
    role = iam.create_service_linked_role(AWSServiceName="ecs.amazonaws.com",
                                          Description="mine")["Role"]
    assert iam.get_role(RoleName=role["RoleName"])["Role"]["Description"] == "mine"
    iam.delete_service_linked_role(RoleName=role["RoleName"])


def test_deletion_task_has_aws_form_and_succeeds(iam) -> None:  # type: ignore[no-untyped-def]
    name = iam.create_service_linked_role(AWSServiceName="batch.amazonaws.com")["Role"]["RoleName"]
    task = iam.delete_service_linked_role(RoleName=name)["DeletionTaskId"]
    assert re.fullmatch(rf"task/aws-service-role/batch\.amazonaws\.com/{name}/"
                        r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", task)
    assert iam.get_service_linked_role_deletion_status(DeletionTaskId=task)["Status"] == \
        "SUCCEEDED"
    with pytest.raises(ClientError) as caught:
        iam.get_role(RoleName=name)
    assert caught.value.response["Error"]["Code"] == "NoSuchEntity"
    with pytest.raises(ClientError) as caught:
        iam.get_service_linked_role_deletion_status(DeletionTaskId="task/nothing")
    assert caught.value.response["Error"]["Code"] == "NoSuchEntity"


def test_second_create_is_taken(iam) -> None:  # type: ignore[no-untyped-def]
    iam.create_service_linked_role(AWSServiceName="rds.amazonaws.com")
    try:
        with pytest.raises(ClientError) as caught:
            iam.create_service_linked_role(AWSServiceName="rds.amazonaws.com")
        error = caught.value.response["Error"]
        assert (error["Code"], error["Message"]) == (
            "InvalidInput", "Service role name AWSServiceRoleForRDS has been taken in this "
            "account, please try a different suffix.")
    finally:
        iam.delete_service_linked_role(RoleName="AWSServiceRoleForRDS")


@pytest.mark.parametrize("service", ["nosuchservice.amazonaws.com", "ecs", "ecs.example.com"])
def test_unknown_service_principal_is_invalid_input(iam, service) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ClientError) as caught:
        iam.create_service_linked_role(AWSServiceName=service)
    assert caught.value.response["Error"]["Code"] == "InvalidInput"
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_ordinary_role_is_not_deleted_as_service_linked(iam) -> None:  # type: ignore[no-untyped-def]
    iam.create_role(RoleName="plain-slr-check", AssumeRolePolicyDocument=(
        '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":'
        '{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}'))
    with pytest.raises(ClientError) as caught:
        iam.delete_service_linked_role(RoleName="plain-slr-check")
    assert caught.value.response["Error"]["Code"] == "InvalidInput"
    iam.delete_role(RoleName="plain-slr-check")
