"""S3 notifications through SNS, and the tagging and ACL events (eventVersion 2.3)."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from tests.services.s3.test_notifications import bucket, messages, queue


@pytest.fixture
def sqs(client):  # type: ignore[no-untyped-def]
    return client("sqs")


@pytest.fixture
def sns(client):  # type: ignore[no-untyped-def]
    return client("sns")


def topic_to_queue(sns: Any, sqs: Any) -> tuple[str, str]:
    """A topic with a queue subscribed to it: (topic ARN, queue URL)."""
    url, queue_arn = queue(sqs)
    topic = sns.create_topic(Name=f"s3n-{uuid.uuid4().hex[:12]}")["TopicArn"]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn)
    return topic, url


def test_events_reach_a_topic(s3: Any, sqs: Any, sns: Any) -> None:
    topic, url = topic_to_queue(sns, sqs)
    name = bucket(s3)
    s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
    s3.put_bucket_notification_configuration(Bucket=name, NotificationConfiguration={
        "TopicConfigurations": [{"Id": "t", "TopicArn": topic,
                                 "Events": ["s3:ObjectTagging:*", "s3:ObjectAcl:Put"]}]})
    [test_event] = messages(sqs, url, 1)
    assert test_event["Subject"] == "Amazon S3 Notification"
    assert json.loads(test_event["Message"])["Event"] == "s3:TestEvent"
    put = s3.put_object(Bucket=name, Key="doc 1.txt", Body=b"x")  # not configured
    s3.put_object_tagging(Bucket=name, Key="doc 1.txt",
                          Tagging={"TagSet": [{"Key": "k", "Value": "v"}]})
    s3.delete_object_tagging(Bucket=name, Key="doc 1.txt")
    # the ACL it already had (the owner's FULL_CONTROL): S3 sends no ObjectAcl:Put for that
    s3.put_object_acl(Bucket=name, Key="doc 1.txt", ACL="bucket-owner-full-control")
    found = [r for n in messages(sqs, url, 2) for r in json.loads(n["Message"])["Records"]]
    assert sorted(r["eventName"] for r in found) == ["ObjectTagging:Delete", "ObjectTagging:Put"]
    for record in found:
        assert record["eventVersion"] == "2.3" and record["s3"]["configurationId"] == "t"
        obj = record["s3"]["object"]
        assert obj["key"] == "doc+1.txt" and obj["versionId"] == put["VersionId"]
        assert obj["eTag"] == put["ETag"].strip('"')


def test_tag_events_on_eventbridge(s3: Any, sqs: Any, client: Any) -> None:
    events = client("events")
    url, arn = queue(sqs)
    name = bucket(s3)
    rule = f"s3t-{uuid.uuid4().hex[:8]}"
    events.put_rule(Name=rule, EventPattern=json.dumps({
        "source": ["aws.s3"], "detail": {"bucket": {"name": [name]}}}))
    events.put_targets(Rule=rule, Targets=[{"Id": "q", "Arn": arn}])
    s3.put_bucket_notification_configuration(
        Bucket=name, NotificationConfiguration={"EventBridgeConfiguration": {}})
    s3.put_object(Bucket=name, Key="k", Body=b"x")
    s3.put_object_tagging(Bucket=name, Key="k", Tagging={"TagSet": []})
    found = {e["detail-type"]: e["detail"] for e in messages(sqs, url, 2)}
    assert set(found) == {"Object Created", "Object Tags Added"}
    tagged = found["Object Tags Added"]
    assert tagged["object"]["key"] == "k" and "reason" not in tagged
    assert "deletion-type" not in tagged
