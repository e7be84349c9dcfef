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
