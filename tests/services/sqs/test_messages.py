"""Messages on standard queues through boto3: digests, attributes, batches, visibility,
delays and long polling."""

from __future__ import annotations

import hashlib
import struct
import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError
from tests.services.sqs.test_queues import error_code


def reference_md5(attributes: dict[str, dict[str, Any]]) -> str:
    """AWS's documented attribute digest, written independently of the server's code."""
    out = bytearray()
    for name in sorted(attributes):
        value = attributes[name]
        for text in (name, value["DataType"]):
            out += struct.pack("!I", len(text.encode())) + text.encode()
        if "BinaryValue" in value:
            out += b"\x02" + struct.pack("!I", len(value["BinaryValue"])) + value["BinaryValue"]
        else:
            data = value["StringValue"].encode()
            out += b"\x01" + struct.pack("!I", len(data)) + data
    return hashlib.md5(out).hexdigest()


@pytest.fixture
def queue(sqs: Any, unique: Callable[[str], str]) -> str:
    return str(sqs.create_queue(QueueName=unique("msg"))["QueueUrl"])


ATTRIBUTES: dict[str, dict[str, Any]] = {
    "City": {"DataType": "String", "StringValue": "Any City"},
    "Population": {"DataType": "Number", "StringValue": "1250800"},
    "Blob": {"DataType": "Binary", "BinaryValue": b"\x00\xffbytes"},
    "custom.name": {"DataType": "String.json", "StringValue": "{\"ü\": 1}"},
}


def test_send_receive_delete_with_digests(sqs: Any, queue: str) -> None:
    body = "Information about current NY Times fiction bestseller for week of 12/11/2016. ✓"
    sent = sqs.send_message(QueueUrl=queue, MessageBody=body, MessageAttributes=ATTRIBUTES)

    assert sent["MD5OfMessageBody"] == hashlib.md5(body.encode()).hexdigest()
    assert sent["MD5OfMessageAttributes"] == reference_md5(ATTRIBUTES)
    got = sqs.receive_message(QueueUrl=queue, MessageAttributeNames=["All"],
                              AttributeNames=["All"])["Messages"]
    assert len(got) == 1
    message = got[0]
    assert message["MessageId"] == sent["MessageId"]
    assert message["Body"] == body
    assert message["MD5OfBody"] == sent["MD5OfMessageBody"]
    assert message["MessageAttributes"] == ATTRIBUTES
    assert message["MD5OfMessageAttributes"] == reference_md5(ATTRIBUTES)
    assert message["Attributes"]["ApproximateReceiveCount"] == "1"
    assert abs(int(message["Attributes"]["SentTimestamp"]) / 1000 - time.time()) < 60
    assert "ApproximateFirstReceiveTimestamp" in message["Attributes"]
    assert message["Attributes"]["SenderId"]
    sqs.delete_message(QueueUrl=queue, ReceiptHandle=message["ReceiptHandle"])
    counts = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["All"])["Attributes"]
    assert counts["ApproximateNumberOfMessages"] == "0"
    assert counts["ApproximateNumberOfMessagesNotVisible"] == "0"


def test_attribute_filters_and_digest_of_what_is_returned(sqs: Any, queue: str) -> None:
    sqs.send_message(QueueUrl=queue, MessageBody="b", MessageAttributes=ATTRIBUTES)
    message = sqs.receive_message(
        QueueUrl=queue, MessageAttributeNames=["custom.*", "City"],
        MessageSystemAttributeNames=["SentTimestamp"], VisibilityTimeout=0)["Messages"][0]
    wanted = {k: ATTRIBUTES[k] for k in ("City", "custom.name")}
    assert message["MessageAttributes"] == wanted
    assert message["MD5OfMessageAttributes"] == reference_md5(wanted)
    assert set(message["Attributes"]) == {"SentTimestamp"}
    bare = sqs.receive_message(QueueUrl=queue)["Messages"][0]
    assert "MessageAttributes" not in bare and "Attributes" not in bare


def test_trace_header_system_attribute(sqs: Any, queue: str) -> None:
    trace = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1"
    system = {"AWSTraceHeader": {"DataType": "String", "StringValue": trace}}
    sent = sqs.send_message(QueueUrl=queue, MessageBody="t", MessageSystemAttributes=system)
    assert sent["MD5OfMessageSystemAttributes"] == reference_md5(system)
    got = sqs.receive_message(QueueUrl=queue, MessageSystemAttributeNames=["AWSTraceHeader"])
    assert got["Messages"][0]["Attributes"] == {"AWSTraceHeader": trace}


@pytest.mark.parametrize("body", ["bad \x00 nul", "bell \x07", "lone \ufffe", "\x1f"])
def test_invalid_characters_rejected(sqs: Any, queue: str, body: str) -> None:
    with pytest.raises(ClientError) as raised:
        sqs.send_message(QueueUrl=queue, MessageBody=body)
    assert error_code(raised) == "InvalidMessageContents"


def test_allowed_unusual_characters_round_trip(sqs: Any, queue: str) -> None:
    body = "tab\tnl\ncr\r emoji 🎉 high \U0010fffd bmp \ue000"
    sqs.send_message(QueueUrl=queue, MessageBody=body)
    assert sqs.receive_message(QueueUrl=queue)["Messages"][0]["Body"] == body


@pytest.mark.parametrize(
    "attributes",
    [{"AWS.reserved": {"DataType": "String", "StringValue": "x"}},
     {"n": {"DataType": "Number", "StringValue": "twelve"}},
     {"t": {"DataType": "Decimal", "StringValue": "1"}},
     {f"a{i}": {"DataType": "String", "StringValue": "v"} for i in range(11)}],
)
def test_invalid_message_attributes(sqs: Any, queue: str, attributes: Any) -> None:
    with pytest.raises(ClientError) as raised:
        sqs.send_message(QueueUrl=queue, MessageBody="x", MessageAttributes=attributes)
    assert error_code(raised) == "InvalidParameterValue"


def test_visibility_timeout_hides_then_returns_message(sqs: Any, queue: str) -> None:
    sqs.send_message(QueueUrl=queue, MessageBody="v")
    first = sqs.receive_message(QueueUrl=queue, VisibilityTimeout=1)["Messages"][0]
    assert "Messages" not in sqs.receive_message(QueueUrl=queue)
    again = sqs.receive_message(QueueUrl=queue, WaitTimeSeconds=3,
                                AttributeNames=["ApproximateReceiveCount"])["Messages"][0]
    assert again["MessageId"] == first["MessageId"]
    assert again["ReceiptHandle"] != first["ReceiptHandle"]
    assert again["Attributes"]["ApproximateReceiveCount"] == "2"


def test_change_message_visibility(sqs: Any, queue: str) -> None:
    sqs.send_message(QueueUrl=queue, MessageBody="c")
    handle = sqs.receive_message(QueueUrl=queue)["Messages"][0]["ReceiptHandle"]
    sqs.change_message_visibility(QueueUrl=queue, ReceiptHandle=handle, VisibilityTimeout=0)
    again = sqs.receive_message(QueueUrl=queue, VisibilityTimeout=0)["Messages"][0]
    with pytest.raises(ClientError) as raised:  # a later receive made the first handle stale
        sqs.change_message_visibility(QueueUrl=queue, ReceiptHandle=handle, VisibilityTimeout=10)
    assert error_code(raised) == "InvalidParameterValue"
    sqs.change_message_visibility(QueueUrl=queue, ReceiptHandle=again["ReceiptHandle"],
                                  VisibilityTimeout=10)
    assert "Messages" not in sqs.receive_message(QueueUrl=queue)
    with pytest.raises(ClientError) as raised:
        sqs.delete_message(QueueUrl=queue, ReceiptHandle="not-a-handle")
    assert error_code(raised) == "ReceiptHandleIsInvalid"


def test_delay_seconds_per_message_and_delayed_count(sqs: Any, queue: str) -> None:
    sqs.send_message(QueueUrl=queue, MessageBody="later", DelaySeconds=1)
    attributes = sqs.get_queue_attributes(
        QueueUrl=queue, AttributeNames=["ApproximateNumberOfMessagesDelayed"])["Attributes"]
    assert attributes["ApproximateNumberOfMessagesDelayed"] == "1"
    assert "Messages" not in sqs.receive_message(QueueUrl=queue)
    started = time.monotonic()
    got = sqs.receive_message(QueueUrl=queue, WaitTimeSeconds=5)
    assert got["Messages"][0]["Body"] == "later"
    assert time.monotonic() - started < 2.5


def test_long_poll_wakes_quickly_on_send(sqs: Any, client: Any, queue: str) -> None:
    sender = client("sqs")
    result: dict[str, Any] = {}

    def receive() -> None:
        result["started"] = time.monotonic()
        result["reply"] = sqs.receive_message(QueueUrl=queue, WaitTimeSeconds=10)
        result["returned"] = time.monotonic()

    waiter = threading.Thread(target=receive)
    waiter.start()
    time.sleep(0.3)
    sent_at = time.monotonic()
    sender.send_message(QueueUrl=queue, MessageBody="wake")
    waiter.join(timeout=15)
    assert result["reply"]["Messages"][0]["Body"] == "wake"
    assert result["returned"] - sent_at < 0.5


def test_long_poll_times_out_empty(sqs: Any, queue: str) -> None:
    started = time.monotonic()
    assert "Messages" not in sqs.receive_message(QueueUrl=queue, WaitTimeSeconds=1)
    assert 0.9 < time.monotonic() - started < 3


@pytest.mark.parametrize(
    ("name", "value"),
    [("MaxNumberOfMessages", 11), ("MaxNumberOfMessages", 0), ("WaitTimeSeconds", 21),
     ("VisibilityTimeout", 43201)],
)
def test_receive_parameter_bounds(sqs: Any, queue: str, name: str, value: int) -> None:
    with pytest.raises(ClientError) as raised:
        sqs.receive_message(QueueUrl=queue, **{name: value})
    assert error_code(raised) == "InvalidParameterValue"


def test_send_batch_with_per_entry_failures(sqs: Any, queue: str) -> None:
    entries = [{"Id": f"m{i}", "MessageBody": f"body {i}"} for i in range(9)]
    entries.append({"Id": "bad", "MessageBody": "nul \x00"})
    result = sqs.send_message_batch(QueueUrl=queue, Entries=entries)
    assert sorted(e["Id"] for e in result["Successful"]) == sorted(f"m{i}" for i in range(9))
    assert [(f["Id"], f["Code"], f["SenderFault"]) for f in result["Failed"]] == [
        ("bad", "InvalidMessageContents", True)]
    for entry in result["Successful"]:
        i = int(entry["Id"][1:])
        assert entry["MD5OfMessageBody"] == hashlib.md5(f"body {i}".encode()).hexdigest()
    bodies = set()
    for _ in range(5):
        for message in sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10).get(
                "Messages", []):
            bodies.add(message["Body"])
    assert bodies == {f"body {i}" for i in range(9)}


@pytest.mark.parametrize(
    ("entries", "code"),
    [([], "EmptyBatchRequest"),
     ([{"Id": f"i{i}", "MessageBody": "x"} for i in range(11)], "TooManyEntriesInBatchRequest"),
     ([{"Id": "same", "MessageBody": "x"}] * 2, "BatchEntryIdsNotDistinct"),
     ([{"Id": "no spaces", "MessageBody": "x"}], "InvalidBatchEntryId"),
     ([{"Id": f"i{i}", "MessageBody": "x" * 300_000} for i in range(4)], "BatchRequestTooLong")],
)
def test_send_batch_request_errors(sqs: Any, queue: str, entries: Any, code: str) -> None:
    with pytest.raises(ClientError) as raised:
        sqs.send_message_batch(QueueUrl=queue, Entries=entries)
    assert error_code(raised) == code


def test_delete_and_change_visibility_batches(sqs: Any, queue: str) -> None:
    sqs.send_message_batch(QueueUrl=queue, Entries=[
        {"Id": str(i), "MessageBody": str(i)} for i in range(4)])
    messages = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10)["Messages"]
    while len(messages) < 4:
        messages += sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10)["Messages"]
    handles = [m["ReceiptHandle"] for m in messages]
    changed = sqs.change_message_visibility_batch(QueueUrl=queue, Entries=[
        {"Id": "a", "ReceiptHandle": handles[0], "VisibilityTimeout": 100},
        {"Id": "b", "ReceiptHandle": "garbage", "VisibilityTimeout": 1}])
    assert [e["Id"] for e in changed["Successful"]] == ["a"]
    assert changed["Failed"][0]["Code"] == "ReceiptHandleIsInvalid"
    deleted = sqs.delete_message_batch(QueueUrl=queue, Entries=[
        {"Id": f"d{i}", "ReceiptHandle": h} for i, h in enumerate(handles)])
    assert len(deleted["Successful"]) == 4
    counts = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["All"])["Attributes"]
    assert counts["ApproximateNumberOfMessagesNotVisible"] == "0"
