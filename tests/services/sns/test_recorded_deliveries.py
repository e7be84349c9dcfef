"""What SNS hands to SQS, checked against deliveries recorded from real AWS: a standard
topic's MessageGroupId and the publisher's X-Ray trace header reach the queue; a Lambda
subscription's dead letter is the envelope alone; HTTP confirmations are plain text."""

from __future__ import annotations

import json
from typing import Any

import pytest
from tests.services.lambda_.helpers import create
from tests.services.sns.conftest import Endpoint, receive_all

TRACE = "Root=1-3152b799-8954dae64eda91bc9a23a7e8;Parent=7fa8c0f79203be72;Sampled=1"


def subscribed_queue(sns: Any, queue_for: Any, unique: Any, **attributes: str) -> tuple[str, str]:
    topic = sns.create_topic(Name=unique("t"))["TopicArn"]
    url, arn = queue_for()
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn, Attributes=attributes)
    return topic, url


def test_a_standard_topics_group_id_reaches_the_queue(sns: Any, sqs: Any, queue_for: Any,
                                                      unique: Any) -> None:
    topic, url = subscribed_queue(sns, queue_for, unique)
    sns.publish(TopicArn=topic, Message="m", MessageGroupId="my-group-id-1",
                MessageAttributes={"attr1": {"DataType": "Number", "StringValue": "1"}})
    [message] = receive_all(sqs, url, 1, AttributeNames=["All"])
    assert message["Attributes"]["MessageGroupId"] == "my-group-id-1"
    body = json.loads(message["Body"])
    assert body["MessageAttributes"] == {"attr1": {"Type": "Number", "Value": "1"}}
    assert "SequenceNumber" not in body and body["SignatureVersion"] == "1"


def test_the_publishers_trace_header_becomes_awstraceheader(sns: Any, sqs: Any, queue_for: Any,
                                                            unique: Any) -> None:
    topic, url = subscribed_queue(sns, queue_for, unique, RawMessageDelivery="true")

    def add_trace(request: Any, **_: Any) -> None:
        request.headers["X-Amzn-Trace-Id"] = TRACE

    sns.meta.events.register("before-send.sns.Publish", add_trace)
    sns.publish(TargetArn=topic, Message="X-Ray propagation test msg")
    sns.meta.events.unregister("before-send.sns.Publish", add_trace)
    sns.publish(TargetArn=topic, Message="untraced")
    messages = receive_all(sqs, url, 2, AttributeNames=["AWSTraceHeader"])
    traces = {m["Body"]: m.get("Attributes", {}).get("AWSTraceHeader") for m in messages}
    assert traces == {"X-Ray propagation test msg": TRACE, "untraced": None}


def test_a_lambda_subscriptions_dead_letter_is_the_envelope_alone(
        client: Any, sns: Any, sqs: Any, queue_for: Any, unique: Any) -> None:
    lam = client("lambda")
    name = create(lam)
    function_arn = lam.get_function(FunctionName=name)["Configuration"]["FunctionArn"]
    topic = sns.create_topic(Name=unique("t"))["TopicArn"]
    dlq_url, dlq_arn = queue_for()
    sns.subscribe(TopicArn=topic, Protocol="lambda", Endpoint=function_arn, Attributes={
        "RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn})})
    lam.delete_function(FunctionName=name)
    sns.publish(TopicArn=topic, Message="test_redrive_policy",
                MessageAttributes={"attr1": {"DataType": "Number", "StringValue": "1"}})
    [dead] = receive_all(sqs, dlq_url, 1, MessageAttributeNames=["All"])
    assert "MessageAttributes" not in dead
    body = json.loads(dead["Body"])
    assert body["Message"] == "test_redrive_policy"
    assert body["MessageAttributes"] == {"attr1": {"Type": "Number", "Value": "1"}}


@pytest.mark.parametrize("on_topic", [True, False])
def test_confirmations_are_plain_text_whatever_the_request_policy(
        sns: Any, unique: Any, http_endpoint: Endpoint, on_topic: bool) -> None:
    topic_policy = {"http": {"defaultRequestPolicy": {"headerContentType": "application/json"}}}
    topic = sns.create_topic(Name=unique("t"), Attributes={
        "DeliveryPolicy": json.dumps(topic_policy)} if on_topic else {})["TopicArn"]
    attributes = {} if on_topic else {"RawMessageDelivery": "true", "DeliveryPolicy": json.dumps(
        {"requestPolicy": {"headerContentType": "text/csv"}})}
    sns.subscribe(TopicArn=topic, Protocol="http", Endpoint=http_endpoint.url,
                  Attributes=attributes)
    confirmation = http_endpoint.next()
    assert confirmation["headers"]["content-type"] == "text/plain; charset=UTF-8"
    sns.confirm_subscription(TopicArn=topic, Token=confirmation["json"]["Token"])
    sns.publish(TopicArn=topic, Message="test_external_http_endpoint")
    notification = http_endpoint.next()
    assert notification["headers"]["content-type"] == (
        "application/json" if on_topic else "text/csv")


def test_a_fifo_topics_group_id_stays_out_of_a_standard_queue(sns: Any, sqs: Any,
                                                             queue_for: Any, unique: Any) -> None:
    """Recorded (LocalStack's test_fifo_topic_to_regular_sqs): the standard queue's message
    has no MessageGroupId, and the envelope carries the SequenceNumber but no signature."""
    topic = sns.create_topic(Name=unique("f") + ".fifo", Attributes={
        "FifoTopic": "true", "ContentBasedDeduplication": "true"})["TopicArn"]
    url, arn = queue_for()
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn)
    sns.publish(TopicArn=topic, Message="Test", MessageGroupId="message-group-id-1")
    [message] = receive_all(sqs, url, 1, AttributeNames=["All"])
    assert "MessageGroupId" not in message["Attributes"]
    body = json.loads(message["Body"])
    assert set(body) == {"Type", "MessageId", "SequenceNumber", "TopicArn", "Message",
                         "Timestamp", "UnsubscribeURL"}
