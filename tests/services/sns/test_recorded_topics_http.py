"""SNS answers as recorded from AWS: other regions' topic ARNs, deleting a missing topic,
the confirmation URL's refusals, the UnsubscribeConfirmation headers, delivery policies."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

from tests.services.sns.conftest import Endpoint, receive_all
from tests.support import refusal


def test_another_regions_topic_is_an_invalid_parameter(client: Any, sns: Any,
                                                       unique: Any) -> None:
    topic = sns.create_topic(Name=unique("t"))["TopicArn"]
    west = client("sns", region_name="us-west-1")
    refused = ("InvalidParameter", "Invalid parameter: TopicArn", 400)
    assert refusal(west.get_topic_attributes, TopicArn=topic) == refused
    assert refusal(west.set_topic_attributes, TopicArn=topic, AttributeName="DisplayName",
                   AttributeValue="x") == refused
    assert refusal(west.publish, TopicArn=topic, Message="m") == refused
    assert refusal(west.publish_batch, TopicArn=topic,
                   PublishBatchRequestEntries=[{"Id": "1", "Message": "m"}]) == refused
    assert refusal(west.subscribe, TopicArn=topic, Protocol="sms",
                   Endpoint="+15551234567") == refused
    assert refusal(west.list_subscriptions_by_topic, TopicArn=topic) == refused
    assert refusal(west.delete_topic, TopicArn=topic) == refused
    assert sns.get_topic_attributes(TopicArn=topic)["Attributes"]["TopicArn"] == topic


def test_deleting_a_missing_topic_succeeds(sns: Any, unique: Any) -> None:
    topic = sns.create_topic(Name=unique("t"))["TopicArn"]
    sns.delete_topic(TopicArn=topic)
    sns.delete_topic(TopicArn=topic)
    sns.delete_topic(TopicArn=topic + "-never-was")
    assert refusal(sns.get_topic_attributes, TopicArn=topic)[0] == "NotFound"


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as reply:
            return reply.status, reply.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_confirmation_url_refusals_as_recorded(sns: Any, unique: Any,
                                               http_endpoint: Endpoint) -> None:
    topic = sns.create_topic(Name=unique("t"))["TopicArn"]
    sns.subscribe(TopicArn=topic, Protocol="http", Endpoint=http_endpoint.url)
    confirmation = http_endpoint.next()["json"]
    token, url = confirmation["Token"], confirmation["SubscribeURL"]
    base = url.split("?")[0]
    link = base + "?Action=ConfirmSubscription&TopicArn={}&Token={}"
    status, body = _get(link.format("not-an-arn", token))
    assert status == 400 and "<Message>Invalid parameter: Topic</Message>" in body
    status, body = _get(link.format(topic, "abc123"))
    assert status == 400 and "<Message>Invalid parameter: Token</Message>" in body
    status, body = _get(link.format(topic.replace("us-east-1", "eu-central-1"), token))
    assert status == 400 and "<Message>Invalid parameter: Topic</Message>" in body
    # AWS: a live token confirms even when the URL names a topic that does not exist
    status, body = _get(link.format(topic + "-nope", token))
    assert status == 200 and "<ConfirmSubscriptionResult>" in body
    [listed] = sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]
    assert listed["SubscriptionArn"].startswith(topic + ":")
    status, body = _get(url)  # confirming again answers the same ARN
    assert status == 200 and listed["SubscriptionArn"] in body
    assert refusal(sns.confirm_subscription, TopicArn="not-an-arn", Token=token)[:2] == (
        "InvalidParameter", "Invalid parameter: Topic")


def test_unsubscribe_confirmation_names_the_subscription(sns: Any, unique: Any,
                                                         http_endpoint: Endpoint) -> None:
    topic = sns.create_topic(Name=unique("t"))["TopicArn"]
    sns.subscribe(TopicArn=topic, Protocol="http", Endpoint=http_endpoint.url,
                  Attributes={"RawMessageDelivery": "true"})
    first = http_endpoint.next()
    assert "accept" not in first["headers"]
    assert first["headers"]["accept-encoding"] == "gzip,deflate"
    sub = sns.confirm_subscription(TopicArn=topic, Token=first["json"]["Token"])
    sns.unsubscribe(SubscriptionArn=sub["SubscriptionArn"])
    farewell = http_endpoint.next()
    headers = farewell["headers"]
    assert headers["x-amz-sns-message-type"] == "UnsubscribeConfirmation"
    assert headers["x-amz-sns-subscription-arn"] == sub["SubscriptionArn"]
    assert headers["x-amz-sns-topic-arn"] == topic
    assert "x-amz-sns-rawdelivery" not in headers
    assert farewell["json"]["Type"] == "UnsubscribeConfirmation"


def test_subscription_arn_wording(sns: Any, unique: Any) -> None:
    topic = sns.create_topic(Name=unique("t"))["TopicArn"]
    assert refusal(sns.unsubscribe, SubscriptionArn="arn:aws:sns:us-east-1:111111111111:random"
                   )[:2] == ("InvalidParameter", "Invalid parameter: SubscriptionId")
    assert refusal(sns.get_subscription_attributes, SubscriptionArn=topic)[:2] == (
        "InvalidParameter", "Invalid parameter: SubscriptionId")
    assert refusal(sns.subscribe, TopicArn=topic, Protocol="sms",
                   Endpoint="invalid-number")[:2] == (
        "InvalidParameter", "Invalid SMS endpoint: invalid-number")


def test_dotted_filter_keys_reach_nested_and_literal_body_keys(sns: Any, sqs: Any, unique: Any,
                                                                queue_for: Any) -> None:
    topic = sns.create_topic(Name=unique("t"))["TopicArn"]
    url, queue_arn = queue_for()
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn,
                  Attributes={"RawMessageDelivery": "true", "FilterPolicyScope": "MessageBody",
                              "FilterPolicy": json.dumps({"object.nested": ["hit"]})})
    for body in ({"object": {"nested": "hit"}}, {"object.nested": "hit"},
                 {"object": {"nested": "miss"}}, {"object": "hit"}):
        sns.publish(TopicArn=topic, Message=json.dumps(body))
    received = receive_all(sqs, url, 3, timeout_s=3)
    assert sorted(m["Body"] for m in received) == sorted(
        [json.dumps({"object": {"nested": "hit"}}), json.dumps({"object.nested": "hit"})])


def test_delivery_policies_shown_as_recorded(sns: Any, unique: Any) -> None:
    topic = sns.create_topic(Name=unique("t"))["TopicArn"]
    retry = {"numRetries": 1, "minDelayTarget": 5, "maxDelayTarget": 6}
    policy = {"http": {"defaultHealthyRetryPolicy": retry}}
    sns.set_topic_attributes(TopicArn=topic, AttributeName="DeliveryPolicy",
                             AttributeValue=json.dumps(policy))
    shown = sns.get_topic_attributes(TopicArn=topic)["Attributes"]
    assert json.loads(shown["DeliveryPolicy"]) == {
        "http": {"defaultHealthyRetryPolicy": retry, "disableSubscriptionOverrides": False}}
    effective = json.loads(shown["EffectiveDeliveryPolicy"])["http"]["defaultHealthyRetryPolicy"]
    assert effective == {**retry, "numMaxDelayRetries": 0, "numNoDelayRetries": 0,
                         "numMinDelayRetries": 0, "backoffFunction": "linear"}
    policy = {"http": {"defaultHealthyRetryPolicy": None}}
    sns.set_topic_attributes(TopicArn=topic, AttributeName="DeliveryPolicy",
                             AttributeValue=json.dumps(policy))
    shown = sns.get_topic_attributes(TopicArn=topic)["Attributes"]
    assert json.loads(shown["DeliveryPolicy"]) == {"http": {"disableSubscriptionOverrides": False}}
    assert json.loads(shown["EffectiveDeliveryPolicy"])["http"]["defaultHealthyRetryPolicy"][
        "numRetries"] == 3
    sub = sns.subscribe(TopicArn=topic, Protocol="http", Endpoint="http://127.0.0.1:9/x",
                        ReturnSubscriptionArn=True, Attributes={"DeliveryPolicy": json.dumps(
                            {"requestPolicy": {"headerContentType": "text/csv"}})})
    attributes = sns.get_subscription_attributes(
        SubscriptionArn=sub["SubscriptionArn"])["Attributes"]
    assert json.loads(attributes["DeliveryPolicy"]) == {
        "healthyRetryPolicy": None, "sicklyRetryPolicy": None, "throttlePolicy": None,
        "requestPolicy": {"headerContentType": "text/csv"}, "guaranteed": False}
    effective_sub = json.loads(attributes["EffectiveDeliveryPolicy"])
    assert effective_sub["sicklyRetryPolicy"] is None and effective_sub["guaranteed"] is False
    assert effective_sub["throttlePolicy"] is None
    assert effective_sub["requestPolicy"] == {"headerContentType": "text/csv"}
    assert effective_sub["healthyRetryPolicy"]["numRetries"] == 3
