"""--iam enforce and SNS: topic access by identity and topic policies; deliveries to SQS only
where the queue policy lets sns.amazonaws.com in for that topic (aws:SourceArn), as in AWS."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from botocore.exceptions import ClientError
from tests.support import Server
from tests.support import enforcing_client as _client

OTHER_ACCOUNT = "111111111111"


def _queue(sqs: Any, name: str) -> tuple[str, str]:
    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"]
    return url, arn


def _bodies(sqs: Any, url: str, wait_s: float) -> list[str]:
    found: list[str] = []
    deadline = time.monotonic() + wait_s
    while time.monotonic() < deadline:
        reply = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1)
        found += [m["Body"] for m in reply.get("Messages", [])]
        if found:
            break
    return found


def test_delivery_needs_the_queue_policy_to_let_sns_in(enforcing: Server) -> None:
    sns, sqs = _client(enforcing, "sns"), _client(enforcing, "sqs")
    topic = sns.create_topic(Name="enf-topic")["TopicArn"]
    open_url, open_arn = _queue(sqs, "enf-allowed")
    closed_url, closed_arn = _queue(sqs, "enf-no-policy")
    sqs.set_queue_attributes(QueueUrl=open_url, Attributes={"Policy": json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"Service": "sns.amazonaws.com"},
                       "Action": "sqs:SendMessage", "Resource": open_arn,
                       "Condition": {"ArnEquals": {"aws:SourceArn": topic}}}]})})
    for arn in (open_arn, closed_arn):
        sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn,
                      Attributes={"RawMessageDelivery": "true"})
    sns.publish(TopicArn=topic, Message="only where allowed")
    assert _bodies(sqs, open_url, 10) == ["only where allowed"]
    assert _bodies(sqs, closed_url, 2) == []


def test_publish_needs_permission(enforcing: Server) -> None:
    root_sns = _client(enforcing, "sns")
    topic = root_sns.create_topic(Name="enf-guarded")["TopicArn"]
    iam = _client(enforcing, "iam")
    iam.create_user(UserName="sns-publisher")
    iam.put_user_policy(UserName="sns-publisher", PolicyName="p", PolicyDocument=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "sns:Publish", "Resource": topic}]}))
    key = iam.create_access_key(UserName="sns-publisher")["AccessKey"]
    user = _client(enforcing, "sns", key["AccessKeyId"], key["SecretAccessKey"])
    assert user.publish(TopicArn=topic, Message="allowed")["MessageId"]
    with pytest.raises(ClientError) as caught:
        user.delete_topic(TopicArn=topic)
    error = caught.value.response["Error"]
    assert error["Code"] == "AuthorizationError"
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    assert "sns:DeleteTopic" in error["Message"]


def test_other_accounts_publish_only_through_the_topic_policy(enforcing: Server) -> None:
    owner = _client(enforcing, "sns")
    topic = owner.create_topic(Name="enf-shared-topic")["TopicArn"]
    other = _client(enforcing, "sns", OTHER_ACCOUNT)
    with pytest.raises(ClientError) as caught:
        other.publish(TopicArn=topic, Message="not yet")
    assert caught.value.response["Error"]["Code"] == "AuthorizationError"
    owner.add_permission(TopicArn=topic, Label="other-publishes",
                         AWSAccountId=[OTHER_ACCOUNT], ActionName=["Publish"])
    assert other.publish(TopicArn=topic, Message="now allowed")["MessageId"]
