"""Malformed and hostile SNS requests get AWS's 4xx answers, never a 500 or a hang."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from botocore.exceptions import ClientError


def post(endpoint: str, form: dict[str, str]) -> httpx.Response:
    body = {"Version": "2010-03-31", **form}
    headers = {"content-type": "application/x-www-form-urlencoded",
               "authorization": "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/sns/"
                                "aws4_request, SignedHeaders=host, Signature=00"}
    return httpx.post(endpoint + "/", data=body, headers=headers, timeout=10)


@pytest.mark.parametrize("form", [
    {"Action": "Publish"},
    {"Action": "Publish", "TopicArn": "arn:aws:sns:us-east-1:000000000000:x", "Message": "m",
     "MessageAttributes.entry.1.Name": "a"},
    {"Action": "Publish", "TopicArn": "::::::", "Message": "m"},
    {"Action": "Subscribe", "TopicArn": "arn:aws:sns:us-east-1:000000000000:x"},
    {"Action": "CreateTopic"},
    {"Action": "CreateTopic", "Name": "x" * 10_000},
    {"Action": "SetSubscriptionAttributes", "SubscriptionArn": "arn:aws:sns:a:b:c:d",
     "AttributeName": "FilterPolicy"},
    {"Action": "ConfirmSubscription", "TopicArn": "nope", "Token": ""},
    {"Action": "PublishBatch", "TopicArn": "arn:aws:sns:us-east-1:000000000000:x",
     "PublishBatchRequestEntries.member.1.Id": "a"},
    {"Action": "ListTopics", "NextToken": "\x00\xff"},
    {"Action": "Unsubscribe", "SubscriptionArn": "arn:aws:sns:x"},
])
def test_malformed_requests_get_4xx(endpoint: str, form: dict[str, str]) -> None:
    response = post(endpoint, form)
    assert 400 <= response.status_code < 500, response.text
    assert b"<ErrorResponse" in response.content


def test_hostile_filter_policies_are_refused(sns: Any, unique: Any, queue_for: Any) -> None:
    topic = sns.create_topic(Name=unique("t"))["TopicArn"]
    _, queue_arn = queue_for()
    deep: Any = ["x"]
    for _ in range(200):
        deep = {"a": deep}
    for policy in [json.dumps(deep), "[" * 5000, json.dumps({"a": ["x"] * 200}),
                   json.dumps({"a": [{"numeric": [">", 1, "<", 2, "=", 3]}]}),
                   json.dumps({"$or": [{"a": ["1"]}, "x"]}), "null", '"text"']:
        with pytest.raises(ClientError) as caught:
            sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn,
                          Attributes={"FilterPolicy": policy, "FilterPolicyScope": "MessageBody"})
        assert caught.value.response["Error"]["Code"] == "InvalidParameter"


@pytest.mark.parametrize("policy", [
    {"healthyRetryPolicy": {"numRetries": 101}},
    {"healthyRetryPolicy": {"numRetries": 2, "numNoDelayRetries": 3}},
    {"healthyRetryPolicy": {"minDelayTarget": 30, "maxDelayTarget": 10}},
    {"healthyRetryPolicy": {"maxDelayTarget": 3601}},
    {"healthyRetryPolicy": {"backoffFunction": "random"}},
    {"throttlePolicy": {"maxReceivesPerSecond": 0}},
])
def test_delivery_policies_are_bounded(sns: Any, unique: Any, policy: dict[str, Any]) -> None:
    topic = sns.create_topic(Name=unique("t"))["TopicArn"]
    sub = sns.subscribe(TopicArn=topic, Protocol="https", Endpoint="https://127.0.0.1:9/x",
                        ReturnSubscriptionArn=True)["SubscriptionArn"]
    with pytest.raises(ClientError) as caught:
        sns.set_subscription_attributes(SubscriptionArn=sub, AttributeName="DeliveryPolicy",
                                        AttributeValue=json.dumps(policy))
    assert caught.value.response["Error"]["Code"] == "InvalidParameter"
    assert "DeliveryPolicy" in caught.value.response["Error"]["Message"]
    with pytest.raises(ClientError):
        sns.set_topic_attributes(TopicArn=topic, AttributeName="DeliveryPolicy",
                                 AttributeValue=json.dumps({"http": {
                                     "defaultHealthyRetryPolicy": policy.get(
                                         "healthyRetryPolicy", {"numRetries": -1})}}))
