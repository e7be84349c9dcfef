"""Message calls answered the way AWS answered them in recorded sessions: receive limits,
attribute-name patterns, FIFO batches, delays, group order and stale receipt handles."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError
from tests.services.sqs.test_fifo import make_fifo
from tests.services.sqs.test_messages import reference_md5
from tests.services.sqs.test_queues import error_code

GREETINGS: dict[str, dict[str, Any]] = {
    "Help.Me": {"DataType": "String", "StringValue": "Me"},
    "Hello": {"DataType": "String", "StringValue": "There"},
    "General": {"DataType": "String", "StringValue": "Kenobi"},
}


def test_receive_count_limit_message(sqs: Any, unique: Callable[[str], str]) -> None:
    url = sqs.create_queue(QueueName=unique("limit"))["QueueUrl"]
    with pytest.raises(ClientError) as raised:
        sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=11)
    assert error_code(raised) == "InvalidParameterValue"
    assert raised.value.response["Error"]["Message"] == (
        "Value 11 for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and "
        "10, if provided.")


@pytest.mark.parametrize(("names", "expected"), [
    (["*"], ["General", "Hello", "Help.Me"]),
    ([".*"], ["General", "Hello", "Help.Me"]),
    (["Hel.*"], ["Hello", "Help.Me"]),  # a pattern, not a dotted prefix
    (["Foo", "Hello"], ["Hello"]),
    (["Help"], []),
])
def test_message_attribute_name_patterns(
    sqs: Any, unique: Callable[[str], str], names: list[str], expected: list[str]
) -> None:
    url = sqs.create_queue(QueueName=unique("names"))["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody="msg", MessageAttributes=GREETINGS)
    message = sqs.receive_message(QueueUrl=url, MessageAttributeNames=names)["Messages"][0]
    got = message.get("MessageAttributes", {})
    assert sorted(got) == expected
    if expected:
        assert message["MD5OfMessageAttributes"] == reference_md5(got)


def test_empty_string_attribute_message(sqs: Any, unique: Callable[[str], str]) -> None:
    url = sqs.create_queue(QueueName=unique("empty"))["QueueUrl"]
    with pytest.raises(ClientError) as raised:
        sqs.send_message(QueueUrl=url, MessageBody="x", MessageAttributes={
            "ErrorDetails": {"DataType": "String", "StringValue": ""}})
    assert raised.value.response["Error"]["Message"] == (
        "Message (user) attribute 'ErrorDetails' must contain a non-empty value of type "
        "'String'.")


@pytest.mark.parametrize(("entry", "message"), [
    ({"MessageDeduplicationId": "d2"}, "The request must contain the parameter MessageGroupId."),
    ({"MessageGroupId": "g"}, "The queue should either have ContentBasedDeduplication enabled "
                              "or MessageDeduplicationId provided explicitly"),
])
def test_fifo_batch_missing_ids_fails_whole_request(
    sqs: Any, unique: Callable[[str], str], entry: dict[str, str], message: str
) -> None:
    url = make_fifo(sqs, unique)
    entries = [{"Id": "ok", "MessageBody": "a", "MessageGroupId": "g",
                "MessageDeduplicationId": "d1"}, {"Id": "bad", "MessageBody": "b", **entry}]
    with pytest.raises(ClientError) as raised:
        sqs.send_message_batch(QueueUrl=url, Entries=entries)
    assert error_code(raised) == "InvalidParameterValue"
    assert raised.value.response["Error"]["Message"] == message
    assert "Messages" not in sqs.receive_message(QueueUrl=url)  # nothing was sent


def test_fifo_accepts_zero_delay_only(sqs: Any, unique: Callable[[str], str]) -> None:
    url = make_fifo(sqs, unique, ContentBasedDeduplication="true")
    sqs.send_message(QueueUrl=url, MessageBody="now", MessageGroupId="g", DelaySeconds=0)
    assert sqs.receive_message(QueueUrl=url)["Messages"][0]["Body"] == "now"
    with pytest.raises(ClientError) as raised:
        sqs.send_message(QueueUrl=url, MessageBody="later", MessageGroupId="g", DelaySeconds=2)
    assert raised.value.response["Error"]["Message"] == (
        "Value 2 for parameter DelaySeconds is invalid. Reason: The request include parameter "
        "that is not valid for this queue type.")


def test_fifo_receive_keeps_a_group_together(sqs: Any, unique: Callable[[str], str]) -> None:
    url = make_fifo(sqs, unique, ContentBasedDeduplication="true")
    for body, group in (("g1-m1", "1"), ("g2-m1", "2"), ("g1-m2", "1"), ("g1-m3", "1")):
        sqs.send_message(QueueUrl=url, MessageBody=body, MessageGroupId=group)
    got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=3, VisibilityTimeout=0)
    assert [m["Body"] for m in got["Messages"]] == ["g1-m1", "g1-m2", "g1-m3"]
    got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)
    assert [m["Body"] for m in got["Messages"]] == ["g1-m1", "g1-m2", "g1-m3", "g2-m1"]


def test_fifo_expired_receipt_handle(sqs: Any, unique: Callable[[str], str]) -> None:
    url = make_fifo(sqs, unique, ContentBasedDeduplication="true")
    sqs.send_message(QueueUrl=url, MessageBody="m", MessageGroupId="g")
    handle = sqs.receive_message(QueueUrl=url, VisibilityTimeout=0)["Messages"][0][
        "ReceiptHandle"]
    with pytest.raises(ClientError) as raised:
        sqs.delete_message(QueueUrl=url, ReceiptHandle=handle)
    assert error_code(raised) == "InvalidParameterValue"
    assert raised.value.response["Error"]["Message"] == (
        f"Value {handle} for parameter ReceiptHandle is invalid. Reason: The receipt handle "
        "has expired.")
