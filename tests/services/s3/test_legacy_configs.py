"""The deprecated PutBucketLifecycle/GetBucketLifecycle and PutBucketNotification/
GetBucketNotification that old SDKs and s3cmd call, through boto3's deprecated methods: the
same stored configuration as the current APIs, each form answered as written, deliveries
that really happen; and the old operations' own functions, called in process."""

from __future__ import annotations

import asyncio
import json
import uuid
from typing import Any

import pytest
from botocore.exceptions import ClientError

from pocketcloud.cloud import Cloud
from pocketcloud.config import Settings
from pocketcloud.services import internal

OLD_RULE = {"ID": "logs", "Prefix": "logs/", "Status": "Enabled", "Expiration": {"Days": 3},
            "Transition": {"Days": 30, "StorageClass": "STANDARD_IA"},
            "NoncurrentVersionTransition": {"NoncurrentDays": 40, "StorageClass": "GLACIER"}}


def _queue(client: Any) -> tuple[str, str]:
    sqs = client("sqs")
    url = sqs.create_queue(QueueName=f"legacy-{uuid.uuid4().hex[:12]}")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])
    return url, arn["Attributes"]["QueueArn"]


def _bodies(client: Any, url: str, count: int) -> list[dict[str, Any]]:
    sqs, found = client("sqs"), []
    for _ in range(8):
        for m in sqs.receive_message(QueueUrl=url, WaitTimeSeconds=2,
                                     MaxNumberOfMessages=10).get("Messages", []):  # fmt: skip
            found.append(json.loads(m["Body"]))
        if len(found) >= count:
            return found
    raise AssertionError(f"{len(found)} of {count} messages: {found}")


def test_old_lifecycle_round_trips_in_its_own_form(s3: Any, bucket: str) -> None:
    s3.put_bucket_lifecycle(Bucket=bucket, LifecycleConfiguration={"Rules": [OLD_RULE]})
    assert s3.get_bucket_lifecycle(Bucket=bucket)["Rules"] == [OLD_RULE]
    [rule] = s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"]
    assert rule["Prefix"] == "logs/" and "Filter" not in rule  # rule-level, as written
    assert rule["Transitions"] == [OLD_RULE["Transition"]]
    assert rule["NoncurrentVersionTransitions"] == [OLD_RULE["NoncurrentVersionTransition"]]


def test_a_filter_rule_read_by_the_old_api(s3: Any, bucket: str) -> None:
    s3.put_bucket_lifecycle_configuration(Bucket=bucket, LifecycleConfiguration={"Rules": [
        {"ID": "tagged", "Status": "Enabled", "Expiration": {"Days": 1},
         "Filter": {"Tag": {"Key": "k", "Value": "v"}}}]})  # fmt: skip
    [rule] = s3.get_bucket_lifecycle(Bucket=bucket)["Rules"]
    assert rule == {"ID": "tagged", "Status": "Enabled", "Expiration": {"Days": 1}}
    current = s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"][0]
    assert current["Filter"] == {"Tag": {"Key": "k", "Value": "v"}}


def test_old_lifecycle_is_validated_as_the_current_one(s3: Any, bucket: str) -> None:
    with pytest.raises(ClientError) as caught:
        s3.get_bucket_lifecycle(Bucket=bucket)
    assert caught.value.response["Error"]["Code"] == "NoSuchLifecycleConfiguration"
    bad = {**OLD_RULE, "Expiration": {"Days": 0}}
    with pytest.raises(ClientError) as caught:
        s3.put_bucket_lifecycle(Bucket=bucket, LifecycleConfiguration={"Rules": [bad]})
    assert caught.value.response["Error"] == {
        "Code": "InvalidArgument",
        "Message": "'Days' for Expiration action must be a positive integer"}
    s3.put_bucket_lifecycle(Bucket=bucket, LifecycleConfiguration={"Rules": [OLD_RULE]})
    s3.delete_bucket_lifecycle(Bucket=bucket)
    with pytest.raises(ClientError):
        s3.get_bucket_lifecycle(Bucket=bucket)


def test_old_notification_delivers(s3: Any, bucket: str, client: Any) -> None:
    url, arn = _queue(client)
    s3.put_bucket_notification(Bucket=bucket, NotificationConfiguration={
        "QueueConfiguration": {"Id": "old", "Event": "s3:ObjectCreated:*", "Queue": arn}})
    assert _bodies(client, url, 1)[0]["Event"] == "s3:TestEvent"
    old = s3.get_bucket_notification(Bucket=bucket)["QueueConfiguration"]
    assert (old["Id"], old["Queue"], old["Events"]) == ("old", arn, ["s3:ObjectCreated:*"])
    current = s3.get_bucket_notification_configuration(Bucket=bucket)["QueueConfigurations"]
    assert current == [{"Id": "old", "QueueArn": arn, "Events": ["s3:ObjectCreated:*"]}]
    s3.put_object(Bucket=bucket, Key="new.txt", Body=b"x")
    [record] = _bodies(client, url, 1)[0]["Records"]
    assert (record["eventName"], record["s3"]["configurationId"]) == ("ObjectCreated:Put", "old")
    assert record["s3"]["object"]["key"] == "new.txt"


def test_old_notification_to_a_topic_and_its_errors(s3: Any, bucket: str, client: Any) -> None:
    url, queue_arn = _queue(client)
    sns = client("sns")
    topic = sns.create_topic(Name=f"legacy-{uuid.uuid4().hex[:12]}")["TopicArn"]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn)
    with pytest.raises(ClientError) as caught:
        s3.put_bucket_notification(Bucket=bucket, NotificationConfiguration={
            "TopicConfiguration": {"Events": ["s3:ObjectCreated:*"], "Topic": topic + "-gone"}})
    assert caught.value.response["Error"]["Code"] == "InvalidArgument"
    s3.put_bucket_notification(Bucket=bucket, NotificationConfiguration={
        "TopicConfiguration": {"Id": "t", "Events": ["s3:ObjectRemoved:*"], "Topic": topic}})
    s3.put_object(Bucket=bucket, Key="gone.txt", Body=b"x")
    s3.delete_object(Bucket=bucket, Key="gone.txt")
    messages = [json.loads(body["Message"]) for body in _bodies(client, url, 2)]
    assert messages[0]["Event"] == "s3:TestEvent"
    assert messages[1]["Records"][0]["eventName"] == "ObjectRemoved:Delete"
    s3.put_bucket_notification(Bucket=bucket, NotificationConfiguration={})  # clears it
    assert "TopicConfiguration" not in s3.get_bucket_notification(Bucket=bucket)


def test_old_operations_in_process() -> None:
    """Callers naming the old operations (the wire routes to the current twins)."""
    cloud = Cloud(Settings(ephemeral=True))
    where = {"account_id": "111122223333", "region": "us-east-1"}
    try:
        internal.call(cloud, "s3", "CreateBucket", {"Bucket": "legacy-in-process"}, **where)
        bucket = {"Bucket": "legacy-in-process"}
        internal.call(cloud, "s3", "PutBucketLifecycle",
                      {**bucket, "LifecycleConfiguration": {"Rules": [OLD_RULE]}}, **where)
        assert internal.call(cloud, "s3", "GetBucketLifecycle", bucket, **where)["Rules"] == [
            OLD_RULE]
        current = internal.call(cloud, "s3", "GetBucketLifecycleConfiguration", bucket, **where)
        assert current["Rules"][0]["Transitions"] == [OLD_RULE["Transition"]]
        queue = internal.call(cloud, "sqs", "CreateQueue", {"QueueName": "legacy"}, **where)
        arn = "arn:aws:sqs:us-east-1:111122223333:legacy"
        asyncio.run(internal.acall(cloud, "s3", "PutBucketNotification", {**bucket,
            "NotificationConfiguration": {"QueueConfiguration": {
                "Id": "q", "Event": "s3:ObjectCreated:Put", "Queue": arn}}}, **where))  # fmt: skip
        old = internal.call(cloud, "s3", "GetBucketNotification", bucket, **where)
        assert old["QueueConfiguration"] == {"Id": "q", "Queue": arn,
                                             "Events": ["s3:ObjectCreated:Put"],
                                             "Event": "s3:ObjectCreated:Put"}  # fmt: skip
        assert queue["QueueUrl"]
    finally:
        cloud.close()
