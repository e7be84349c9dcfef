"""ListPoliciesGrantingServiceAccess and the service-last-accessed reports, with last use as
the gateway records it."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest
from tests.support import refusal

ACCOUNT = "531953195319"
SQS_FULL = "arn:aws:iam::aws:policy/AmazonSQSFullAccess"
ANA = f"arn:aws:iam::{ACCOUNT}:user/ana"


def _allow(action: str) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": action, "Resource": "*"}]})


@pytest.fixture(scope="module")
def iam(endpoint: str) -> Any:
    client = boto3.client("iam", region_name="us-east-1", endpoint_url=endpoint,
                          aws_access_key_id=ACCOUNT, aws_secret_access_key="test")
    client.create_user(UserName="ana")
    client.put_user_policy(UserName="ana", PolicyName="buckets", PolicyDocument=_allow("s3:*"))
    client.attach_user_policy(UserName="ana", PolicyArn=SQS_FULL)
    client.create_group(GroupName="readers")
    client.put_group_policy(GroupName="readers", PolicyName="items",
                            PolicyDocument=_allow("dynamodb:GetItem"))
    client.add_user_to_group(GroupName="readers", UserName="ana")
    key = client.create_access_key(UserName="ana")["AccessKey"]
    for service, region in (("s3", "us-west-2"), ("sqs", "eu-central-1")):
        used = boto3.client(service, region_name=region, endpoint_url=endpoint,
                            aws_access_key_id=key["AccessKeyId"],
                            aws_secret_access_key=key["SecretAccessKey"])
        used.list_buckets() if service == "s3" else used.list_queues()
    return client


def test_policies_granting_service_access(iam: Any) -> None:
    answer = iam.list_policies_granting_service_access(
        Arn=ANA, ServiceNamespaces=["s3", "sqs", "dynamodb", "ec2"])
    assert answer["IsTruncated"] is False
    granting = {g["ServiceNamespace"]: g["Policies"] for g in
                answer["PoliciesGrantingServiceAccess"]}
    assert granting == {
        "s3": [{"PolicyName": "buckets", "PolicyType": "INLINE", "EntityType": "USER",
                "EntityName": "ana"}],
        "sqs": [{"PolicyName": "AmazonSQSFullAccess", "PolicyType": "MANAGED",
                 "PolicyArn": SQS_FULL}],
        "dynamodb": [{"PolicyName": "items", "PolicyType": "INLINE", "EntityType": "GROUP",
                      "EntityName": "readers"}],
        "ec2": []}
    assert refusal(iam.list_policies_granting_service_access,
                   Arn=f"arn:aws:iam::{ACCOUNT}:user/nobody", ServiceNamespaces=["s3"]) == (
        "NoSuchEntity", "The user with name nobody cannot be found.", 404)
    assert refusal(iam.list_policies_granting_service_access,
                   Arn="arn:aws:s3:::bucket-not-entity", ServiceNamespaces=["s3"])[0] == (
        "InvalidInput")


def test_service_level_report_of_a_user(iam: Any) -> None:
    job = iam.generate_service_last_accessed_details(Arn=ANA)["JobId"]
    assert len(job) == 36
    report = iam.get_service_last_accessed_details(JobId=job)
    assert (report["JobStatus"], report["JobType"]) == ("COMPLETED", "SERVICE_LEVEL")
    assert report["JobCompletionDate"] >= report["JobCreationDate"]
    services = {s["ServiceNamespace"]: s for s in report["ServicesLastAccessed"]}
    assert set(services) == {"s3", "sqs", "dynamodb"}
    s3 = services["s3"]
    assert s3["ServiceName"] == "Amazon Simple Storage Service"
    assert (s3["LastAuthenticatedEntity"], s3["LastAuthenticatedRegion"],
            s3["TotalAuthenticatedEntities"]) == (ANA, "us-west-2", 1)
    assert "LastAuthenticated" in s3 and "TrackedActionsLastAccessed" not in s3
    assert services["sqs"]["LastAuthenticatedRegion"] == "eu-central-1"
    assert services["dynamodb"]["TotalAuthenticatedEntities"] == 0
    assert "LastAuthenticated" not in services["dynamodb"]
    page = iam.get_service_last_accessed_details(JobId=job, MaxItems=1)
    assert page["IsTruncated"] is True and len(page["ServicesLastAccessed"]) == 1
    entities = iam.get_service_last_accessed_details_with_entities(
        JobId=job, ServiceNamespace="s3")["EntityDetailsList"]
    assert [(e["EntityInfo"]["Arn"], e["EntityInfo"]["Type"]) for e in entities] == [
        (ANA, "USER")]
    assert entities[0]["EntityInfo"]["Id"].startswith("AIDA")
    assert "LastAuthenticated" in entities[0]


def test_action_level_report_tracks_s3_actions(iam: Any) -> None:
    job = iam.generate_service_last_accessed_details(Arn=ANA, Granularity="ACTION_LEVEL")
    report = iam.get_service_last_accessed_details(JobId=job["JobId"])
    assert report["JobType"] == "ACTION_LEVEL"
    services = {s["ServiceNamespace"]: s for s in report["ServicesLastAccessed"]}
    (action,) = services["s3"]["TrackedActionsLastAccessed"]
    assert (action["ActionName"], action["LastAccessedEntity"],
            action["LastAccessedRegion"]) == ("ListAllMyBuckets", ANA, "us-west-2")
    assert "TrackedActionsLastAccessed" not in services["sqs"]  # AWS tracks no SQS actions


def test_group_and_policy_reports_list_their_entities(iam: Any) -> None:
    group = iam.generate_service_last_accessed_details(
        Arn=f"arn:aws:iam::{ACCOUNT}:group/readers")["JobId"]
    services = iam.get_service_last_accessed_details(JobId=group)["ServicesLastAccessed"]
    assert [s["ServiceNamespace"] for s in services] == ["dynamodb"]
    members = iam.get_service_last_accessed_details_with_entities(
        JobId=group, ServiceNamespace="dynamodb")["EntityDetailsList"]
    assert [e["EntityInfo"]["Name"] for e in members] == ["ana"]
    assert "LastAuthenticated" not in members[0]
    policy = iam.generate_service_last_accessed_details(Arn=SQS_FULL)["JobId"]
    (sqs,) = iam.get_service_last_accessed_details(JobId=policy)["ServicesLastAccessed"]
    assert (sqs["ServiceNamespace"], sqs["TotalAuthenticatedEntities"]) == ("sqs", 1)


def test_report_errors(iam: Any) -> None:
    assert refusal(iam.get_service_last_accessed_details,
                   JobId="00000000-0000-0000-0000-000000000000")[::2] == ("NoSuchEntity", 404)
    assert refusal(iam.generate_service_last_accessed_details,
                   Arn=f"arn:aws:iam::{ACCOUNT}:role/none")[::2] == ("NoSuchEntity", 404)
    assert refusal(iam.generate_service_last_accessed_details,
                   Arn=f"arn:aws:iam::{ACCOUNT}:policy/none")[::2] == ("NoSuchEntity", 404)
    assert refusal(iam.generate_service_last_accessed_details, Arn=ANA,
                   Granularity="EVERYTHING")[::2] == ("ValidationError", 400)
