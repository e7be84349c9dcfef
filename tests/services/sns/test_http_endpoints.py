"""HTTP/S subscriptions: the confirmation handshake, AWS's headers, retries, dead letters."""

from __future__ import annotations

import json
import time
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
from tests.services.sns.conftest import Endpoint, receive_all
from tests.services.sns.test_publish import verify_signature
from tests.support import Server, advance_clock, start_server


def confirmed_http(sns: Any, topic: str, endpoint: Endpoint, **attributes: str) -> str:
    sns.subscribe(TopicArn=topic, Protocol="http", Endpoint=endpoint.url, Attributes=attributes)
    confirmation = endpoint.next()
    token = confirmation["json"]["Token"]
    return str(sns.confirm_subscription(TopicArn=topic, Token=token)["SubscriptionArn"])


def test_subscription_confirmation_handshake(sns: Any, unique: Any,
                                             http_endpoint: Endpoint) -> None:
    topic = sns.create_topic(Name=unique("t"))["TopicArn"]
    reply = sns.subscribe(TopicArn=topic, Protocol="http", Endpoint=http_endpoint.url)
    assert reply["SubscriptionArn"] == "pending confirmation"
    request = http_endpoint.next()
    headers, message = request["headers"], request["json"]
    assert headers["x-amz-sns-message-type"] == "SubscriptionConfirmation"
    assert headers["x-amz-sns-topic-arn"] == topic
    assert headers["x-amz-sns-message-id"] == message["MessageId"]
    assert "x-amz-sns-subscription-arn" not in headers
    assert headers["content-type"] == "text/plain; charset=UTF-8"
    assert headers["user-agent"] == "Amazon Simple Notification Service Agent"
    assert message["Type"] == "SubscriptionConfirmation"
    assert message["TopicArn"] == topic
    assert "Action=ConfirmSubscription" in message["SubscribeURL"]
    verify_signature(message)
    [pending] = sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]
    assert pending["SubscriptionArn"] == "PendingConfirmation"
    assert sns.get_topic_attributes(TopicArn=topic)["Attributes"]["SubscriptionsPending"] == "1"
    sub = sns.confirm_subscription(TopicArn=topic, Token=message["Token"])["SubscriptionArn"]
    assert sub.startswith(topic + ":")
    attributes = sns.get_subscription_attributes(SubscriptionArn=sub)["Attributes"]
    assert attributes["PendingConfirmation"] == "false"
    assert json.loads(attributes["EffectiveDeliveryPolicy"])["healthyRetryPolicy"][
        "numRetries"] == 3
    sns.publish(TopicArn=topic, Message="hello http", Subject="s")
    notification = http_endpoint.next()
    assert notification["headers"]["x-amz-sns-message-type"] == "Notification"
    assert notification["headers"]["x-amz-sns-subscription-arn"] == sub
    assert notification["json"]["Message"] == "hello http"
    verify_signature(notification["json"])
    sns.unsubscribe(SubscriptionArn=sub)
    farewell = http_endpoint.next()
    assert farewell["headers"]["x-amz-sns-message-type"] == "UnsubscribeConfirmation"
    assert farewell["json"]["Type"] == "UnsubscribeConfirmation"
    assert sub in farewell["json"]["Message"]
    verify_signature(farewell["json"])


def test_wrong_token_is_refused(sns: Any, unique: Any) -> None:
    from botocore.exceptions import ClientError

    topic = sns.create_topic(Name=unique("t"))["TopicArn"]
    with pytest.raises(ClientError) as caught:
        sns.confirm_subscription(TopicArn=topic, Token="0" * 256)
    assert caught.value.response["Error"]["Message"] == "Invalid parameter: Token"


def test_subscribe_url_confirms_with_a_plain_get(sns: Any, unique: Any,
                                                 http_endpoint: Endpoint) -> None:
    topic = sns.create_topic(Name=unique("t"))["TopicArn"]
    sns.subscribe(TopicArn=topic, Protocol="http", Endpoint=http_endpoint.url)
    message = http_endpoint.next()["json"]
    with urllib.request.urlopen(message["SubscribeURL"], timeout=5) as answer:
        body = answer.read().decode()
    assert "<ConfirmSubscriptionResponse" in body and "<SubscriptionArn>" in body
    [sub] = sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]
    assert sub["SubscriptionArn"].startswith(topic + ":")


def test_raw_http_delivery(sns: Any, unique: Any, http_endpoint: Endpoint) -> None:
    topic = sns.create_topic(Name=unique("t"))["TopicArn"]
    confirmed_http(sns, topic, http_endpoint, RawMessageDelivery="true")
    sns.publish(TopicArn=topic, Message="just this")
    request = http_endpoint.next()
    assert request["body"] == "just this"
    assert request["headers"]["x-amz-sns-rawdelivery"] == "true"


@pytest.fixture(scope="module")
def own_server() -> Iterator[Server]:
    """Tests that move the cloud clock get a server of their own: the shared one's clock
    must stay with the wall clock for other tests."""
    running = start_server()
    yield running
    running.stop()


@pytest.fixture
def clocked(own_server: Server) -> tuple[str, Any, Any]:
    """(endpoint, sns, sqs) on the server whose clock these tests move."""
    import boto3

    options = {"region_name": "us-east-1", "endpoint_url": own_server.endpoint,
               "aws_access_key_id": "test", "aws_secret_access_key": "test"}
    return own_server.endpoint, boto3.client("sns", **options), boto3.client("sqs", **options)


def test_failed_posts_are_retried_per_delivery_policy(clocked: tuple[str, Any, Any],
                                                      unique: Any,
                                                      http_endpoint: Endpoint) -> None:
    endpoint, sns, _ = clocked
    topic = sns.create_topic(Name=unique("t"))["TopicArn"]
    policy = {"healthyRetryPolicy": {"numRetries": 2, "minDelayTarget": 30,
                                     "maxDelayTarget": 30}}
    confirmed_http(sns, topic, http_endpoint, DeliveryPolicy=json.dumps(policy))
    http_endpoint.statuses = [500, 503]
    sns.publish(TopicArn=topic, Message="persist")
    assert http_endpoint.next()["json"]["Message"] == "persist"  # answered 500
    settle()
    advance_clock(endpoint, 29)
    settle()
    assert http_endpoint.requests.empty()  # not before minDelayTarget
    advance_clock(endpoint, 2)
    assert http_endpoint.next()["json"]["Message"] == "persist"  # answered 503
    settle()
    advance_clock(endpoint, 31)
    assert http_endpoint.next()["json"]["Message"] == "persist"  # answered 200
    settle()
    advance_clock(endpoint, 31)
    settle()
    assert http_endpoint.requests.empty()


def settle() -> None:
    """The endpoint sees a request before pocketcloud sees the answer: let it record the
    outcome (and schedule the retry) before the test moves the clock."""
    time.sleep(0.3)


def test_exhausted_http_retries_go_to_the_dead_letter_queue(
        clocked: tuple[str, Any, Any], unique: Any, http_endpoint: Endpoint) -> None:
    endpoint, sns, sqs = clocked
    topic = sns.create_topic(Name=unique("t"))["TopicArn"]
    dlq_url = sqs.create_queue(QueueName=unique("dlq"))["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])[
        "Attributes"]["QueueArn"]
    policy = {"healthyRetryPolicy": {"numRetries": 1, "minDelayTarget": 5,
                                     "maxDelayTarget": 5}}
    sub = confirmed_http(sns, topic, http_endpoint, DeliveryPolicy=json.dumps(policy),
                         RedrivePolicy=json.dumps({"deadLetterTargetArn": dlq_arn}))
    http_endpoint.statuses = [500, 500]
    sns.publish(TopicArn=topic, Message="doomed")
    http_endpoint.next()
    settle()
    advance_clock(endpoint, 6)
    http_endpoint.next()
    [dead] = receive_all(sqs, dlq_url, 1, MessageAttributeNames=["All"])
    assert json.loads(dead["Body"])["Message"] == "doomed"
    assert dead["MessageAttributes"]["SubscriptionArn"]["StringValue"] == sub
    assert "ErrorMessage" in dead["MessageAttributes"]


def test_deleted_queue_sends_to_the_dead_letter_queue(sns: Any, sqs: Any, unique: Any,
                                                      queue_for: Any) -> None:
    topic = sns.create_topic(Name=unique("t"))["TopicArn"]
    url, queue_arn = queue_for()
    dlq_url, dlq_arn = queue_for()
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn, Attributes={
        "RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn}),
        "RawMessageDelivery": "true"})
    sqs.delete_queue(QueueUrl=url)
    sns.publish(TopicArn=topic, Message="nowhere to go")
    [dead] = receive_all(sqs, dlq_url, 1)
    assert dead["Body"] == "nowhere to go"


def test_throttle_policy_limits_posts_per_second(sns: Any, unique: Any,
                                                 http_endpoint: Endpoint) -> None:
    topic = sns.create_topic(Name=unique("t"))["TopicArn"]
    policy = {"throttlePolicy": {"maxReceivesPerSecond": 2}}
    confirmed_http(sns, topic, http_endpoint, DeliveryPolicy=json.dumps(policy))
    for i in range(6):
        sns.publish(TopicArn=topic, Message=f"m{i}")
    arrivals = []
    for _ in range(6):
        http_endpoint.next()
        arrivals.append(time.monotonic())
    assert arrivals[-1] - arrivals[0] >= 1.0  # six posts at two a second span three windows


def test_authenticated_confirmation_refuses_the_plain_unsubscribe_link(
        sns: Any, unique: Any, http_endpoint: Endpoint) -> None:
    import urllib.error

    topic = sns.create_topic(Name=unique("t"))["TopicArn"]
    sns.subscribe(TopicArn=topic, Protocol="http", Endpoint=http_endpoint.url)
    token = http_endpoint.next()["json"]["Token"]
    sub = sns.confirm_subscription(TopicArn=topic, Token=token,
                                   AuthenticateOnUnsubscribe="true")["SubscriptionArn"]
    attributes = sns.get_subscription_attributes(SubscriptionArn=sub)["Attributes"]
    assert attributes["ConfirmationWasAuthenticated"] == "true"
    sns.publish(TopicArn=topic, Message="m")
    link = http_endpoint.next()["json"]["UnsubscribeURL"]
    try:
        urllib.request.urlopen(link, timeout=5)
        raise AssertionError("the unauthenticated unsubscribe went through")
    except urllib.error.HTTPError as error:
        assert error.code == 403
        assert b"AuthorizationError" in error.read()
    sns.unsubscribe(SubscriptionArn=sub)  # signed: allowed
