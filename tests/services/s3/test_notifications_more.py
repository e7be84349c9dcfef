"""S3 notifications from the other write paths: browser POST uploads and lifecycle jobs."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import Any

import boto3
import httpx
import pytest
from botocore.config import Config
from tests.support import Server, advance_clock, start_server

DAY_S = 86400


@pytest.fixture(scope="module")
def own_server() -> Iterator[Server]:
    """A server of our own: moving the clock would skew the shared server's other tests."""
    running = start_server()
    yield running
    running.stop()


def make(server: Server, service: str) -> Any:
    return boto3.client(service, region_name="us-east-1", endpoint_url=server.endpoint,
                        aws_access_key_id="test", aws_secret_access_key="test",
                        config=Config(retries={"max_attempts": 1}))


def notified_bucket(server: Server, events: list[str]) -> tuple[Any, Any, str, str]:
    s3, sqs = make(server, "s3"), make(server, "sqs")
    url = sqs.create_queue(QueueName=f"n-{uuid.uuid4().hex[:10]}")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])[
        "Attributes"]["QueueArn"]
    bucket = f"n-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(Bucket=bucket)
    s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration={
        "QueueConfigurations": [{"QueueArn": arn, "Events": events}]})
    return s3, sqs, url, bucket


def records(sqs: Any, url: str, count: int) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for _ in range(8):
        for m in sqs.receive_message(QueueUrl=url, WaitTimeSeconds=2,
                                     MaxNumberOfMessages=10).get("Messages", []):
            sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
            found += json.loads(m["Body"]).get("Records", [])
        if len(found) >= count:
            return found
    raise AssertionError(f"only {len(found)} of {count} records arrived")


def test_post_upload_notifies(own_server: Server) -> None:
    s3, sqs, url, bucket = notified_bucket(own_server, ["s3:ObjectCreated:Post"])
    post = s3.generate_presigned_post(bucket, "form/${filename}")
    response = httpx.post(post["url"], data=post["fields"],
                          files={"file": ("photo.txt", b"abc", "text/plain")}, timeout=10)
    assert response.status_code == 204, response.text
    [record] = records(sqs, url, 1)
    assert record["eventName"] == "ObjectCreated:Post"
    assert record["s3"]["object"]["key"] == "form/photo.txt"
    assert record["s3"]["object"]["size"] == 3


def test_lifecycle_expiration_notifies(own_server: Server) -> None:
    s3, sqs, url, bucket = notified_bucket(own_server, ["s3:LifecycleExpiration:*"])
    s3.put_bucket_lifecycle_configuration(Bucket=bucket, LifecycleConfiguration={"Rules": [
        {"ID": "old", "Status": "Enabled", "Filter": {"Prefix": "logs/"},
         "Expiration": {"Days": 1}}]})
    s3.put_object(Bucket=bucket, Key="logs/a", Body=b"a")
    advance_clock(own_server.endpoint, 3 * DAY_S)
    [record] = records(sqs, url, 1)
    assert record["eventName"] == "LifecycleExpiration:Delete"
    assert record["s3"]["object"]["key"] == "logs/a"


def test_lifecycle_transition_notifies(own_server: Server) -> None:
    s3, sqs, url, bucket = notified_bucket(own_server, ["s3:LifecycleTransition"])
    s3.put_bucket_lifecycle_configuration(Bucket=bucket, LifecycleConfiguration={"Rules": [
        {"ID": "cold", "Status": "Enabled", "Filter": {"Prefix": "logs/"},
         "Transitions": [{"Days": 30, "StorageClass": "GLACIER"}]}]})
    s3.put_object(Bucket=bucket, Key="logs/b", Body=b"b" * (128 * 1024))
    advance_clock(own_server.endpoint, 32 * DAY_S)
    [record] = records(sqs, url, 1)
    assert record["eventName"] == "LifecycleTransition" and record["eventVersion"] == "2.3"
    assert record["s3"]["object"]["key"] == "logs/b"
    assert record["s3"]["object"]["size"] == 128 * 1024
    assert s3.head_object(Bucket=bucket, Key="logs/b")["StorageClass"] == "GLACIER"
