"""SQS answers as recorded from AWS (third pass, LocalStack's AWS-validated snapshots in
tests/aws/services/sqs/test_sqs.snapshot.json): visibility changes after a timeout ran out."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any


def test_change_visibility_after_the_timeout_ran_out(
    sqs: Any, unique: Callable[[str], str]
) -> None:
    """Recorded: ChangeMessageVisibility with the handle of a message whose visibility timeout
    expired (and which no one received again) answers 200."""
    url = sqs.create_queue(QueueName=unique("expired"))["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody="m")
    handle = sqs.receive_message(QueueUrl=url, VisibilityTimeout=1)["Messages"][0][
        "ReceiptHandle"]
    time.sleep(1.2)
    answer = sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=handle,
                                           VisibilityTimeout=30)
    assert answer["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert "Messages" not in sqs.receive_message(QueueUrl=url)
    sqs.delete_message(QueueUrl=url, ReceiptHandle=handle)
    assert sqs.get_queue_attributes(
        QueueUrl=url, AttributeNames=["ApproximateNumberOfMessagesNotVisible"]
    )["Attributes"]["ApproximateNumberOfMessagesNotVisible"] == "0"


GREETINGS: dict[str, dict[str, Any]] = {
    "Help.Me": {"DataType": "String", "StringValue": "Me"},
    "Hello": {"DataType": "String", "StringValue": "There"},
}


def test_attribute_names_that_match_none(sqs: Any, unique: Callable[[str], str]) -> None:
    """Recorded (JSON protocol): legal names matching none of a message's attributes give an
    empty MessageAttributes and no digest; illegal names ("AWS.", "..foo") give no key."""
    url = sqs.create_queue(QueueName=unique("names"))["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody="msg", MessageAttributes=GREETINGS)

    def received(names: list[str]) -> dict[str, Any]:
        answer = sqs.receive_message(QueueUrl=url, MessageAttributeNames=names,
                                     VisibilityTimeout=0)
        return dict(answer["Messages"][0])

    none_match = received(["Foo", "Help"])
    assert none_match["MessageAttributes"] == {}
    assert "MD5OfMessageAttributes" not in none_match
    for illegal in (["AWS."], ["..foo"]):
        message = received(illegal)
        assert "MessageAttributes" not in message
        assert "MD5OfMessageAttributes" not in message
    assert "MessageAttributes" not in received([])
    assert sorted(received(["Hel.*"])["MessageAttributes"]) == ["Hello", "Help.Me"]
