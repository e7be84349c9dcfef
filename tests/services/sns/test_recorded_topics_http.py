"""SNS answers as recorded from AWS: other regions' topic ARNs, deleting a missing topic,
the confirmation URL's refusals, the UnsubscribeConfirmation headers, delivery policies."""

from __future__ import annotations

import json
from typing import Any

from botocore.exceptions import ClientError


def error_of(call: Any, **params: Any) -> tuple[str, str, int]:
    try:
        call(**params)
    except ClientError as error:
        return (error.response["Error"]["Code"], error.response["Error"]["Message"],
                error.response["ResponseMetadata"]["HTTPStatusCode"])
    raise AssertionError("the call succeeded")


def test_another_regions_topic_is_an_invalid_parameter(client: Any, sns: Any,
                                                       unique: Any) -> None:
    topic = sns.create_topic(Name=unique("t"))["TopicArn"]
    west = client("sns", region_name="us-west-1")
    refused = ("InvalidParameter", "Invalid parameter: TopicArn", 400)
    assert error_of(west.get_topic_attributes, TopicArn=topic) == refused
    assert error_of(west.set_topic_attributes, TopicArn=topic, AttributeName="DisplayName",
                    AttributeValue="x") == refused
    assert error_of(west.publish, TopicArn=topic, Message="m") == refused
    assert error_of(west.publish_batch, TopicArn=topic,
                    PublishBatchRequestEntries=[{"Id": "1", "Message": "m"}]) == refused
    assert error_of(west.subscribe, TopicArn=topic, Protocol="sms",
                    Endpoint="+15551234567") == refused
    assert error_of(west.list_subscriptions_by_topic, TopicArn=topic) == refused
    assert error_of(west.delete_topic, TopicArn=topic) == refused
    assert sns.get_topic_attributes(TopicArn=topic)["Attributes"]["TopicArn"] == topic


def test_deleting_a_missing_topic_succeeds(sns: Any, unique: Any) -> None:
    topic = sns.create_topic(Name=unique("t"))["TopicArn"]
    sns.delete_topic(TopicArn=topic)
    sns.delete_topic(TopicArn=topic)
    sns.delete_topic(TopicArn=topic + "-never-was")
    assert error_of(sns.get_topic_attributes, TopicArn=topic)[0] == "NotFound"
