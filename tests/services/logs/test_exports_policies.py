"""Export tasks read back through S3, and the stored documents: resource policies,
destinations, account and data protection policies, KMS keys."""

from __future__ import annotations

import gzip
import json
import time
import uuid
from typing import Any

import pytest
from botocore.exceptions import ClientError


@pytest.fixture
def logs(client):  # type: ignore[no-untyped-def]
    return client("logs")


def _error(error: pytest.ExceptionInfo[ClientError]) -> tuple[str, str]:
    return (str(error.value.response["Error"]["Code"]),
            str(error.value.response["Error"]["Message"]))


def _wait_done(logs: Any, task_id: str) -> dict[str, Any]:
    deadline = time.monotonic() + 20
    while True:
        [task] = logs.describe_export_tasks(taskId=task_id)["exportTasks"]
        if task["status"]["code"] not in ("PENDING", "RUNNING"):
            return dict(task)
        assert time.monotonic() < deadline, "export never finished"
        time.sleep(0.1)


def test_export_lands_in_s3_as_gzip(logs, client) -> None:  # type: ignore[no-untyped-def]
    s3 = client("s3")
    bucket = f"export-{uuid.uuid4().hex[:10]}"
    s3.create_bucket(Bucket=bucket)
    group = f"/export/{uuid.uuid4().hex[:8]}"
    logs.create_log_group(logGroupName=group)
    now = int(time.time() * 1000) // 1000 * 1000
    for stream in ("a", "b"):
        logs.create_log_stream(logGroupName=group, logStreamName=stream)
        logs.put_log_events(logGroupName=group, logStreamName=stream, logEvents=[
            {"timestamp": now + i, "message": f"{stream} line {i}"} for i in range(3)])
    task_id = logs.create_export_task(logGroupName=group, fromTime=now - 1000, to=now + 1000,
                                      destination=bucket, destinationPrefix="logs",
                                      taskName="nightly")["taskId"]
    task = _wait_done(logs, task_id)
    assert task["status"] == {"code": "COMPLETED", "message": "Completed successfully"}
    assert (task["taskName"], task["logGroupName"], task["destination"],
            task["destinationPrefix"]) == ("nightly", group, bucket, "logs")
    keys = {o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]}
    assert keys == {"logs/aws-logs-write-test", f"logs/{task_id}/a/000000.gz",
                    f"logs/{task_id}/b/000000.gz"}
    body = s3.get_object(Bucket=bucket, Key=f"logs/{task_id}/a/000000.gz")["Body"].read()
    stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(now / 1000))
    assert gzip.decompress(body).decode().splitlines() == [
        f"{stamp}.{i:03d}Z a line {i}" for i in range(3)]
    with pytest.raises(ClientError) as error:
        logs.cancel_export_task(taskId=task_id)
    assert _error(error)[0] == "InvalidOperationException"


def test_export_errors(logs) -> None:  # type: ignore[no-untyped-def]
    group = f"/export/{uuid.uuid4().hex[:8]}"
    logs.create_log_group(logGroupName=group)
    with pytest.raises(ClientError) as error:
        logs.create_export_task(logGroupName=group, fromTime=0, to=1,
                                destination=f"no-bucket-{uuid.uuid4().hex[:8]}")
    assert _error(error) == ("InvalidParameterException", "The given bucket does not exist. "
                             "Please make sure the bucket is valid.")
    with pytest.raises(ClientError) as error:
        logs.create_export_task(logGroupName="/no/such", fromTime=0, to=1, destination="b")
    assert _error(error) == ("ResourceNotFoundException",
                             "The specified log group does not exist.")
    with pytest.raises(ClientError) as error:
        logs.cancel_export_task(taskId=str(uuid.uuid4()))
    assert _error(error) == ("ResourceNotFoundException",
                             "The specified export task does not exist.")
    assert logs.describe_export_tasks(taskId=str(uuid.uuid4()))["exportTasks"] == []


def test_resource_policies_limit_and_delete(own_endpoint: str) -> None:
    import boto3

    logs = boto3.client("logs", region_name="us-east-1", endpoint_url=own_endpoint,
                        aws_access_key_id="test", aws_secret_access_key="test")
    document = json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Service": "route53.amazonaws.com"},
        "Action": "logs:PutLogEvents", "Resource": "*"}]})
    put = logs.put_resource_policy(policyName="p0", policyDocument=document)["resourcePolicy"]
    assert (put["policyName"], put["policyDocument"], put["policyScope"]) == (
        "p0", document, "ACCOUNT")
    for i in range(1, 10):
        logs.put_resource_policy(policyName=f"p{i}", policyDocument=document)
    logs.put_resource_policy(policyName="p0", policyDocument=document)  # an update
    with pytest.raises(ClientError) as error:
        logs.put_resource_policy(policyName="p10", policyDocument=document)
    assert _error(error) == ("LimitExceededException", "Resource limit exceeded.")
    with pytest.raises(ClientError) as error:
        logs.put_resource_policy(policyName="big", policyDocument="x" * 5121)
    assert _error(error)[0] == "InvalidParameterException"
    assert len(logs.describe_resource_policies()["resourcePolicies"]) == 10
    logs.delete_resource_policy(policyName="p0")
    with pytest.raises(ClientError) as error:
        logs.delete_resource_policy(policyName="p0")
    assert _error(error) == ("ResourceNotFoundException", "Policy with name [p0] does not exist.")


def test_destinations(logs) -> None:  # type: ignore[no-untyped-def]
    name = f"dest-{uuid.uuid4().hex[:8]}"
    made = logs.put_destination(destinationName=name,
                                targetArn="arn:aws:kinesis:us-east-1:000000000000:stream/s",
                                roleArn="arn:aws:iam::000000000000:role/r")["destination"]
    assert made["arn"] == f"arn:aws:logs:us-east-1:000000000000:destination:{name}"
    policy = json.dumps({"Version": "2012-10-17", "Statement": []})
    logs.put_destination_policy(destinationName=name, accessPolicy=policy)
    [found] = logs.describe_destinations(DestinationNamePrefix=name)["destinations"]
    assert found["accessPolicy"] == policy and found["targetArn"].endswith("stream/s")
    logs.delete_destination(destinationName=name)
    with pytest.raises(ClientError) as error:
        logs.delete_destination(destinationName=name)
    assert _error(error) == ("ResourceNotFoundException",
                             "The specified destination does not exist.")


def test_kms_data_protection_and_account_policies(logs) -> None:  # type: ignore[no-untyped-def]
    group = f"/kms/{uuid.uuid4().hex[:8]}"
    logs.create_log_group(logGroupName=group)
    key = "arn:aws:kms:us-east-1:000000000000:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    logs.associate_kms_key(logGroupName=group, kmsKeyId=key)
    assert logs.describe_log_groups(logGroupNamePrefix=group)["logGroups"][0]["kmsKeyId"] == key
    logs.disassociate_kms_key(logGroupName=group)
    assert "kmsKeyId" not in logs.describe_log_groups(logGroupNamePrefix=group)["logGroups"][0]
    with pytest.raises(ClientError) as error:
        logs.associate_kms_key(logGroupName=group, kmsKeyId="not-an-arn")
    assert _error(error)[0] == "InvalidParameterException"
    document = json.dumps({"Name": "protect", "Version": "2021-06-01", "Statement": []})
    logs.put_data_protection_policy(logGroupIdentifier=group, policyDocument=document)
    assert logs.get_data_protection_policy(logGroupIdentifier=group)["policyDocument"] == document
    logs.delete_data_protection_policy(logGroupIdentifier=group)
    assert "policyDocument" not in logs.get_data_protection_policy(logGroupIdentifier=group)
    name = f"acct-{uuid.uuid4().hex[:8]}"
    logs.put_account_policy(policyName=name, policyDocument=document,
                            policyType="DATA_PROTECTION_POLICY")
    found = logs.describe_account_policies(policyType="DATA_PROTECTION_POLICY",
                                           policyName=name)["accountPolicies"]
    assert [(p["policyName"], p["scope"]) for p in found] == [(name, "ALL")]
    logs.delete_account_policy(policyName=name, policyType="DATA_PROTECTION_POLICY")
    assert logs.describe_account_policies(policyType="DATA_PROTECTION_POLICY",
                                          policyName=name)["accountPolicies"] == []
