"""SQS answers as recorded from AWS (second pass): the JSON error types boto3 reports as
QueryErrorCode, and query-protocol calls made to a queue's own URL in the query-era names."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import botocore.auth
import botocore.awsrequest
import botocore.credentials
import httpx
import pytest
from botocore.exceptions import ClientError


def _query(url: str, params: dict[str, str]) -> httpx.Response:
    """A signed GET with the query protocol's Action parameters, as old SDKs send it."""
    request = botocore.awsrequest.AWSRequest(method="GET", url=url, params=params)
    credentials = botocore.credentials.Credentials("test", "test")
    botocore.auth.SigV4Auth(credentials, "sqs", "us-east-1").add_auth(request)
    prepared = request.prepare()
    return httpx.get(prepared.url, headers=dict(prepared.headers))


def test_invalid_parameter_value_type(sqs: Any, unique: Callable[[str], str]) -> None:
    url = sqs.create_queue(QueueName=unique("fifo") + ".fifo",
                           Attributes={"FifoQueue": "true"})["QueueUrl"]
    with pytest.raises(ClientError) as raised:
        sqs.send_message(QueueUrl=url, MessageBody="m", MessageGroupId="g",
                         MessageDeduplicationId="d", DelaySeconds=2)
    error = raised.value.response["Error"]
    assert (error["Code"], error["QueryErrorCode"]) == (
        "InvalidParameterValue", "InvalidParameterValueException")


def test_missing_parameter_type(sqs: Any, unique: Callable[[str], str]) -> None:
    url = sqs.create_queue(QueueName=unique("fifo") + ".fifo",
                           Attributes={"FifoQueue": "true"})["QueueUrl"]
    with pytest.raises(ClientError) as raised:
        sqs.send_message(QueueUrl=url, MessageBody="m", MessageDeduplicationId="d")
    error = raised.value.response["Error"]
    assert (error["Code"], error["QueryErrorCode"]) == (
        "MissingParameter", "MissingRequiredParameterException")
    assert error["Message"] == "The request must contain the parameter MessageGroupId."


def test_query_attributes_at_queue_url(sqs: Any, unique: Callable[[str], str]) -> None:
    url = sqs.create_queue(QueueName=unique("attrs"))["QueueUrl"]
    every = _query(url, {"Action": "GetQueueAttributes", "AttributeName.1": "All"})
    assert every.status_code == 200
    assert "<Attribute><Name>QueueArn</Name><Value>arn:aws:sqs:" in every.text
    assert "<Attribute><Name>VisibilityTimeout</Name><Value>30" in every.text
    one = _query(url, {"Action": "GetQueueAttributes", "AttributeName.1": "QueueArn"})
    assert "<Attribute><Name>VisibilityTimeout</Name>" not in one.text
    unknown = _query(url, {"Action": "GetQueueAttributes", "AttributeName.1": "Foobar"})
    assert unknown.status_code == 400
    assert "<Code>InvalidAttributeName</Code>" in unknown.text
    assert "<Message>Unknown Attribute Foobar.</Message>" in unknown.text


def test_query_queue_url_parameter_wins(sqs: Any, unique: Callable[[str], str]) -> None:
    first = sqs.create_queue(QueueName=unique("first"))["QueueUrl"]
    second = sqs.create_queue(QueueName=unique("second"))["QueueUrl"]
    answer = _query(first, {"Action": "GetQueueAttributes", "QueueUrl": second,
                            "AttributeName.1": "QueueArn"})
    assert answer.status_code == 200
    assert second.rsplit("/", 1)[1] in answer.text
    assert first.rsplit("/", 1)[1] not in answer.text
    other = _query(first, {"Action": "GetQueueUrl", "QueueName": second.rsplit("/", 1)[1]})
    assert f"<QueueUrl>{second}</QueueUrl>" in other.text


def test_query_messages_at_queue_url(sqs: Any, unique: Callable[[str], str]) -> None:
    url = sqs.create_queue(QueueName=unique("msgs"))["QueueUrl"]
    sent = _query(url, {"Action": "SendMessage", "MessageBody": "foobar",
                        "MessageAttribute.1.Name": "color",
                        "MessageAttribute.1.Value.DataType": "String",
                        "MessageAttribute.1.Value.StringValue": "blue"})
    assert sent.status_code == 200
    got = _query(url, {"Action": "ReceiveMessage", "MessageAttributeName.1": "All"})
    assert "<Message><MessageId>" in got.text and "<Body>foobar</Body>" in got.text
    assert "<MessageAttribute><Name>color</Name>" in got.text
    missing = _query(url, {"Action": "SendMessage"})
    assert missing.status_code == 400
    assert "<Code>MissingParameter</Code>" in missing.text
    assert ("<Message>The request must contain the parameter MessageBody.</Message>"
            in missing.text)


@pytest.mark.parametrize("action", ["CreateQueue", "ListQueues", "FooBar"])
def test_query_actions_a_queue_url_refuses(
    sqs: Any, unique: Callable[[str], str], action: str
) -> None:
    url = sqs.create_queue(QueueName=unique("refuse"))["QueueUrl"]
    answer = _query(url, {"Action": action, "QueueName": unique("other")})
    assert answer.status_code == 400
    assert "<Code>InvalidAction</Code>" in answer.text
    assert f"<Message>The action {action} is not valid for this endpoint.</Message>" in (
        answer.text)


def test_query_delete_at_queue_url(sqs: Any, unique: Callable[[str], str]) -> None:
    url = sqs.create_queue(QueueName=unique("gone"))["QueueUrl"]
    assert "<DeleteQueueResponse " in _query(url, {"Action": "DeleteQueue"}).text
    gone = _query(url, {"Action": "GetQueueAttributes", "AttributeName.1": "QueueArn"})
    assert gone.status_code == 400
    assert "<Code>AWS.SimpleQueueService.NonExistentQueue</Code>" in gone.text
    assert "The specified queue does not exist for this wsdl version" in gone.text


def test_query_era_names_create_and_tag(
    sqs: Any, unique: Callable[[str], str], endpoint: str
) -> None:
    name = unique("old")
    created = _query(endpoint, {"Action": "CreateQueue", "QueueName": name,
                                "Attribute.1.Name": "DelaySeconds", "Attribute.1.Value": "3",
                                "Tag.1.Key": "team", "Tag.1.Value": "core"})
    assert created.status_code == 200
    url = sqs.get_queue_url(QueueName=name)["QueueUrl"]
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["DelaySeconds"])
    assert attributes["Attributes"] == {"DelaySeconds": "3"}
    assert sqs.list_queue_tags(QueueUrl=url)["Tags"] == {"team": "core"}
    tags = _query(url, {"Action": "ListQueueTags"})
    assert "<Tag><Key>team</Key><Value>core</Value></Tag>" in tags.text


def _fifo(sqs: Any, unique: Callable[[str], str]) -> str:
    return str(sqs.create_queue(QueueName=unique("fifo") + ".fifo", Attributes={
        "FifoQueue": "true", "ContentBasedDeduplication": "true"})["QueueUrl"])


def test_purge_forgets_deduplication_ids(sqs: Any, unique: Callable[[str], str]) -> None:
    url = _fifo(sqs, unique)
    sqs.send_message(QueueUrl=url, MessageBody="message-1", MessageGroupId="g",
                     MessageDeduplicationId="same")
    sqs.purge_queue(QueueUrl=url)
    sqs.send_message(QueueUrl=url, MessageBody="message-2", MessageGroupId="g",
                     MessageDeduplicationId="same")
    got = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=1)["Messages"]
    assert [message["Body"] for message in got] == ["message-2"]


def test_group_frees_when_its_oldest_is_visible_again(
    sqs: Any, unique: Callable[[str], str]
) -> None:
    url = _fifo(sqs, unique)
    for body, group in (("g1-m1", "group-1"), ("g1-m2", "group-1"), ("g2-m1", "group-2")):
        sqs.send_message(QueueUrl=url, MessageBody=body, MessageGroupId=group)
    first = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=2)["Messages"]
    assert [message["Body"] for message in first] == ["g1-m1", "g1-m2"]
    sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=first[0]["ReceiptHandle"],
                                  VisibilityTimeout=0)
    again = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=3)["Messages"]
    assert sorted(message["Body"] for message in again) == ["g1-m1", "g2-m1"]  # not g1-m2


def test_group_waits_while_its_oldest_is_in_flight(
    sqs: Any, unique: Callable[[str], str]
) -> None:
    url = _fifo(sqs, unique)
    for body, group in (("g1-m1", "group-1"), ("g2-m1", "group-2"), ("g1-m2", "group-1"),
                        ("g1-m3", "group-1"), ("g3-m1", "group-3")):
        sqs.send_message(QueueUrl=url, MessageBody=body, MessageGroupId=group)
    first = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=2)["Messages"]
    sqs.delete_message(QueueUrl=url, ReceiptHandle=first[0]["ReceiptHandle"])
    rest = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
    assert [message["Body"] for message in rest] == ["g2-m1", "g3-m1"]
