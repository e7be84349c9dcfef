"""More answers recorded against AWS (a later conformance pass): publish validation, topic and
subscription attribute checks."""

from __future__ import annotations

import base64
import json
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError


def error_of(call: Any, **params: Any) -> tuple[str, str]:
    with pytest.raises(ClientError) as caught:
        call(**params)
    return caught.value.response["Error"]["Code"], caught.value.response["Error"]["Message"]


def test_a_default_entry_must_be_a_string(sns: Any, unique: Any) -> None:
    topic = sns.create_topic(Name=unique("t"))["TopicArn"]
    message = json.dumps({"default": {"object": "test"}})
    assert error_of(sns.publish, TopicArn=topic, Message=message, MessageStructure="json") == (
        "InvalidParameter",
        "Invalid parameter: Message Structure - No default entry in JSON message body")
    # duplicate keys are accepted (the last one wins)
    sns.publish(TopicArn=topic, Message='{"default": "a", "default": "b"}',
                MessageStructure="json")


def test_subscribe_again_naming_implied_values_is_the_same_subscription(
        sns: Any, queue_for: Any, unique: Any) -> None:
    topic = sns.create_topic(Name=unique("t"))["TopicArn"]
    _, queue_arn = queue_for()

    def subscribe(**attributes: str) -> str:
        return str(sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn,
                                 Attributes=attributes, ReturnSubscriptionArn=True)[
            "SubscriptionArn"])

    first = subscribe(RawMessageDelivery="true")
    assert subscribe(RawMessageDelivery="true", FilterPolicyScope="MessageAttributes") == first
    assert subscribe(FilterPolicyScope="MessageAttributes") == first
    assert subscribe() == first
    assert error_of(sns.subscribe, TopicArn=topic, Protocol="sqs", Endpoint=queue_arn,
                    Attributes={"RawMessageDelivery": "false", "FilterPolicyScope": "MessageBody"}
                    ) == ("InvalidParameter", "Invalid parameter: Attributes Reason: "
                          "Subscription already exists with different attributes")


def test_list_tokens_are_base64(sns: Any, unique: Any) -> None:
    topic = sns.create_topic(Name=unique("t"))["TopicArn"]
    for number in range(101):
        sns.subscribe(TopicArn=topic, Protocol="sms", Endpoint=f"+12312312{number}")
    first = sns.list_subscriptions_by_topic(TopicArn=topic)
    assert len(first["Subscriptions"]) == 100
    assert base64.b64decode(first["NextToken"], validate=True)
    second = sns.list_subscriptions_by_topic(TopicArn=topic, NextToken=first["NextToken"])
    assert len(second["Subscriptions"]) == 1 and "NextToken" not in second
    assert second["Subscriptions"][0] not in first["Subscriptions"]
    assert error_of(sns.list_topics, NextToken="not-a-token") == (
        "InvalidParameter", "Invalid parameter: NextToken")


def test_missing_required_members_as_recorded(endpoint: str, sns: Any, unique: Any) -> None:
    unchecked = boto3.client("sns", region_name="us-east-1", endpoint_url=endpoint,
                             config=Config(retries={"max_attempts": 1}, parameter_validation=False),
                             aws_access_key_id="test", aws_secret_access_key="test")
    assert error_of(unchecked.unsubscribe) == (
        "InvalidParameter",
        "Invalid parameter: SubscriptionArn Reason: no value for required parameter")
    topic = sns.create_topic(Name=unique("t"))["TopicArn"]
    attributes = {"attr1": {"StringValue": "x"}}
    with pytest.raises(ClientError) as caught:
        unchecked.publish(TopicArn=topic, Message="m", MessageAttributes=attributes)
    assert caught.value.response["Error"]["Code"] == "ValidationError"
    assert caught.value.response["Error"]["Message"] == (
        "1 validation error detected: Value null at 'messageAttributes.attr1.member.dataType' "
        "failed to satisfy constraint: Member must not be null")
    assert error_of(unchecked.publish_batch, TopicArn=topic, PublishBatchRequestEntries=[
        {"Id": "1", "Message": "m", "MessageAttributes": attributes}])[1] == (
        "1 validation error detected: Value null at 'publishBatchRequestEntries.1.member."
        "messageAttributes.attr1.member.dataType' failed to satisfy constraint: "
        "Member must not be null")
