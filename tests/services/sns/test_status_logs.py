"""Delivery status logging into CloudWatch Logs, as AWS writes it."""

from __future__ import annotations

import json
import time
from typing import Any

from tests.services.sns.conftest import receive_all

ROLE = "arn:aws:iam::000000000000:role/sns-feedback"


def log_events(logs: Any, group: str, count: int, timeout_s: float = 10) -> list[dict[str, Any]]:
    deadline = time.monotonic() + timeout_s
    found: list[dict[str, Any]] = []
    while time.monotonic() < deadline:
        try:
            found = [json.loads(e["message"]) for e in
                     logs.filter_log_events(logGroupName=group)["events"]]
        except logs.exceptions.ResourceNotFoundException:
            found = []
        if len(found) >= count:
            return found
        time.sleep(0.1)
    return found


def test_success_and_failure_of_sqs_deliveries_are_logged(client: Any, sns: Any, sqs: Any,
                                                          unique: Any, queue_for: Any) -> None:
    logs = client("logs")
    name = unique("logged")
    topic = sns.create_topic(Name=name, Attributes={
        "SQSSuccessFeedbackRoleArn": ROLE, "SQSSuccessFeedbackSampleRate": "100",
        "SQSFailureFeedbackRoleArn": ROLE})["TopicArn"]
    url, queue_arn = queue_for()
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn)
    message_id = sns.publish(TopicArn=topic, Message="logged")["MessageId"]
    receive_all(sqs, url, 1)
    [success] = log_events(logs, f"sns/us-east-1/000000000000/{name}", 1)
    assert success["status"] == "SUCCESS"
    assert success["notification"]["messageId"] == message_id
    assert success["notification"]["topicArn"] == topic
    assert success["delivery"]["destination"] == queue_arn
    assert success["delivery"]["statusCode"] == 200
    sqs.delete_queue(QueueUrl=url)
    failed_id = sns.publish(TopicArn=topic, Message="lost")["MessageId"]
    [failure] = log_events(logs, f"sns/us-east-1/000000000000/{name}/Failure", 1)
    assert failure["status"] == "FAILURE"
    assert failure["notification"]["messageId"] == failed_id


def test_nothing_is_logged_without_a_feedback_role(client: Any, sns: Any, sqs: Any,
                                                   unique: Any, queue_for: Any) -> None:
    logs = client("logs")
    name = unique("quiet")
    topic = sns.create_topic(Name=name)["TopicArn"]
    url, queue_arn = queue_for()
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn)
    sns.publish(TopicArn=topic, Message="quiet")
    receive_all(sqs, url, 1)
    groups = logs.describe_log_groups(logGroupNamePrefix=f"sns/us-east-1/000000000000/{name}")
    assert groups["logGroups"] == []
