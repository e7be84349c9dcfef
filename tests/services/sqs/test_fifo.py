"""FIFO queues through boto3: group order, one group in flight at a time, deduplication,
receive request attempt ids, sequence numbers."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError
from tests.services.sqs.test_queues import error_code


def make_fifo(sqs: Any, unique: Callable[[str], str], **attributes: str) -> str:
    name = unique("fifo") + ".fifo"
    return str(sqs.create_queue(QueueName=name, Attributes={"FifoQueue": "true",
                                                            **attributes})["QueueUrl"])


def test_groups_in_order_and_blocked_while_in_flight(
    sqs: Any, unique: Callable[[str], str]
) -> None:
    url = make_fifo(sqs, unique, ContentBasedDeduplication="true")
    for i in range(3):
        sqs.send_message(QueueUrl=url, MessageBody=f"a{i}", MessageGroupId="A")
    sqs.send_message(QueueUrl=url, MessageBody="b0", MessageGroupId="B")

    first = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=2)["Messages"]
    assert [m["Body"] for m in first] == ["a0", "a1"]
    second = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
    assert [m["Body"] for m in second] == ["b0"]  # group A is blocked while a0, a1 fly
    assert "Messages" not in sqs.receive_message(QueueUrl=url)
    for message in first:
        sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    third = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10,
                                AttributeNames=["All"])["Messages"]
    assert [m["Body"] for m in third] == ["a2"]
    attributes = third[0]["Attributes"]
    assert attributes["MessageGroupId"] == "A"
    assert attributes["MessageDeduplicationId"] == hashlib.sha256(b"a2").hexdigest()
    assert int(attributes["SequenceNumber"]) > 0


def test_deduplication_explicit_and_content_based(
    sqs: Any, unique: Callable[[str], str]
) -> None:
    url = make_fifo(sqs, unique, ContentBasedDeduplication="true")
    one = sqs.send_message(QueueUrl=url, MessageBody="x", MessageGroupId="g",
                           MessageDeduplicationId="d1")
    two = sqs.send_message(QueueUrl=url, MessageBody="different", MessageGroupId="g",
                           MessageDeduplicationId="d1")
    three = sqs.send_message(QueueUrl=url, MessageBody="same body", MessageGroupId="g")
    four = sqs.send_message(QueueUrl=url, MessageBody="same body", MessageGroupId="g")
    assert one["MessageId"] == two["MessageId"]
    assert three["MessageId"] == four["MessageId"]
    assert int(three["SequenceNumber"]) > int(one["SequenceNumber"])
    bodies = [m["Body"] for m in sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)[
        "Messages"]]
    assert bodies == ["x", "same body"]


def test_deduplication_scope_message_group(sqs: Any, unique: Callable[[str], str]) -> None:
    url = make_fifo(sqs, unique, DeduplicationScope="messageGroup")
    a = sqs.send_message(QueueUrl=url, MessageBody="1", MessageGroupId="a",
                         MessageDeduplicationId="same")
    b = sqs.send_message(QueueUrl=url, MessageBody="2", MessageGroupId="b",
                         MessageDeduplicationId="same")
    assert a["MessageId"] != b["MessageId"]


def test_fifo_send_rules(sqs: Any, unique: Callable[[str], str]) -> None:
    url = make_fifo(sqs, unique)
    cases: list[tuple[dict[str, Any], str]] = [
        ({"MessageDeduplicationId": "d"}, "MissingParameter"),
        ({"MessageGroupId": "g"}, "InvalidParameterValue"),  # no dedup id, no content-based
        ({"MessageGroupId": "g", "MessageDeduplicationId": "d", "DelaySeconds": 5},
         "InvalidParameterValue"),
    ]
    for extra, code in cases:
        with pytest.raises(ClientError) as raised:
            sqs.send_message(QueueUrl=url, MessageBody="x", **extra)
        assert error_code(raised) == code


def test_batch_keeps_order_and_dedups(sqs: Any, unique: Callable[[str], str]) -> None:
    url = make_fifo(sqs, unique)
    entries = [{"Id": f"e{i}", "MessageBody": f"m{i}", "MessageGroupId": "g",
                "MessageDeduplicationId": f"d{i % 3}"} for i in range(5)]
    result = sqs.send_message_batch(QueueUrl=url, Entries=entries)
    assert len(result["Successful"]) == 5
    bodies = [m["Body"] for m in sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)[
        "Messages"]]
    assert bodies == ["m0", "m1", "m2"]


def test_receive_request_attempt_id_returns_same_messages(
    sqs: Any, unique: Callable[[str], str]
) -> None:
    url = make_fifo(sqs, unique, ContentBasedDeduplication="true")
    for i in range(2):
        sqs.send_message(QueueUrl=url, MessageBody=f"m{i}", MessageGroupId=f"g{i}")
    first = sqs.receive_message(QueueUrl=url, ReceiveRequestAttemptId="try-1")["Messages"]
    retry = sqs.receive_message(QueueUrl=url, ReceiveRequestAttemptId="try-1")["Messages"]
    assert [(m["MessageId"], m["ReceiptHandle"]) for m in retry] == [
        (m["MessageId"], m["ReceiptHandle"]) for m in first]
    other = sqs.receive_message(QueueUrl=url, ReceiveRequestAttemptId="try-2")["Messages"]
    assert other[0]["Body"] != first[0]["Body"]


def test_expired_receipt_handle_cannot_delete_on_fifo(
    sqs: Any, unique: Callable[[str], str]
) -> None:
    url = make_fifo(sqs, unique, ContentBasedDeduplication="true")
    sqs.send_message(QueueUrl=url, MessageBody="m", MessageGroupId="g")
    stale = sqs.receive_message(QueueUrl=url, VisibilityTimeout=0)["Messages"][0]
    fresh = sqs.receive_message(QueueUrl=url)["Messages"][0]
    with pytest.raises(ClientError) as raised:
        sqs.delete_message(QueueUrl=url, ReceiptHandle=stale["ReceiptHandle"])
    assert error_code(raised) == "InvalidParameterValue"  # "The receipt handle has expired."
    sqs.delete_message(QueueUrl=url, ReceiptHandle=fresh["ReceiptHandle"])
