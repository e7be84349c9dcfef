"""SNS as a destination: EventBridge rule targets and S3 topic notifications, end to end."""

from __future__ import annotations

import json
import uuid
from typing import Any


def subscribed_queue(client: Any) -> tuple[Any, str, str]:
    sqs, sns = client("sqs"), client("sns")
    url = sqs.create_queue(QueueName=f"sns-{uuid.uuid4().hex[:10]}")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])[
        "Attributes"]["QueueArn"]
    topic = sns.create_topic(Name=f"t-{uuid.uuid4().hex[:10]}")["TopicArn"]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn,
                  Attributes={"RawMessageDelivery": "true"})
    return sqs, url, topic


def bodies(sqs: Any, url: str, count: int) -> list[Any]:
    found: list[Any] = []
    for _ in range(8):
        for m in sqs.receive_message(QueueUrl=url, WaitTimeSeconds=3,
                                     MaxNumberOfMessages=10).get("Messages", []):
            found.append(json.loads(m["Body"]))
            sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
        if len(found) >= count:
            return found
    raise AssertionError(f"only {len(found)} of {count} arrived: {found}")


def test_rule_publishes_to_a_topic(client: Any) -> None:
    sqs, url, topic = subscribed_queue(client)
    events = client("events")
    rule = f"r-{uuid.uuid4().hex[:8]}"
    events.put_rule(Name=rule, EventPattern=json.dumps({"source": ["to.sns"]}))
    events.put_targets(Rule=rule, Targets=[{"Id": "t", "Arn": topic}])
    events.put_events(Entries=[{"Source": "to.sns", "DetailType": "d",
                                "Detail": json.dumps({"n": 1})}])
    [event] = bodies(sqs, url, 1)
    assert event["source"] == "to.sns" and event["detail"] == {"n": 1}


def test_s3_notifies_a_topic(client: Any) -> None:
    sqs, url, topic = subscribed_queue(client)
    s3 = client("s3")
    bucket = f"sns-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(Bucket=bucket)
    s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration={
        "TopicConfigurations": [{"TopicArn": topic, "Events": ["s3:ObjectCreated:*"]}]})
    s3.put_object(Bucket=bucket, Key="k.txt", Body=b"v")
    found = bodies(sqs, url, 2)
    assert found[0]["Event"] == "s3:TestEvent"
    assert found[1]["Records"][0]["eventName"] == "ObjectCreated:Put"
