"""Queue calls answered the way AWS answered them in recorded sessions: queue type and
encryption attributes, redrive policies, permissions, and queue addresses."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError
from tests.services.sqs.test_fifo import make_fifo
from tests.services.sqs.test_queues import error_code


def error_of(raised: pytest.ExceptionInfo[ClientError]) -> tuple[str, str]:
    return error_code(raised), str(raised.value.response["Error"]["Message"])


def test_queue_type_cannot_be_set_after_creation(
    sqs: Any, unique: Callable[[str], str]
) -> None:
    standard = sqs.create_queue(QueueName=unique("std"))["QueueUrl"]
    with pytest.raises(ClientError) as raised:
        sqs.set_queue_attributes(QueueUrl=standard, Attributes={"FifoQueue": "true"})
    assert error_of(raised) == ("InvalidAttributeName", "Unknown Attribute FifoQueue.")

    fifo = make_fifo(sqs, unique)
    sqs.set_queue_attributes(QueueUrl=fifo, Attributes={"FifoQueue": "true"})  # restating: fine
    with pytest.raises(ClientError) as raised:
        sqs.set_queue_attributes(QueueUrl=fifo, Attributes={"FifoQueue": "false"})
    assert error_of(raised) == (
        "InvalidAttributeValue",
        "Invalid value for the parameter FifoQueue. Reason: Modifying queue type is not "
        "supported.")


def test_kms_and_sqs_encryption_are_exclusive(sqs: Any, unique: Callable[[str], str]) -> None:
    url = sqs.create_queue(QueueName=unique("sse"))["QueueUrl"]
    with pytest.raises(ClientError) as raised:
        sqs.set_queue_attributes(QueueUrl=url, Attributes={
            "KmsMasterKeyId": "testKeyId", "SqsManagedSseEnabled": "true"})
    assert error_of(raised) == (
        "InvalidAttributeName",
        "You can use one type of server-side encryption (SSE) at one time. You can either "
        "enable KMS SSE or SQS SSE.")


def test_redrive_target_that_is_no_arn(sqs: Any, unique: Callable[[str], str]) -> None:
    policy = json.dumps({"deadLetterTargetArn": "dummy", "maxReceiveCount": 42})
    with pytest.raises(ClientError) as raised:
        sqs.create_queue(QueueName=unique("src"), Attributes={"RedrivePolicy": policy})
    assert error_of(raised) == (
        "InvalidParameterValue",
        f"Value {policy} for parameter RedrivePolicy is invalid. Reason: Invalid value for "
        "deadLetterTargetArn.")


def test_permission_policy_shape(sqs: Any, unique: Callable[[str], str]) -> None:
    url = sqs.create_queue(QueueName=unique("perm"))["QueueUrl"]
    sqs.add_permission(QueueUrl=url, Label="both", AWSAccountIds=["000000000000",
                       "111122223333"], Actions=["ReceiveMessage"])
    sqs.add_permission(QueueUrl=url, Label="one", AWSAccountIds=["111122223333"],
                       Actions=["SendMessage", "DeleteMessage"])
    policy = json.loads(sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["Policy"])[
        "Attributes"]["Policy"])
    assert policy["Version"] == "2008-10-17"
    both, one = policy["Statement"]
    assert both["Principal"] == {"AWS": ["arn:aws:iam::000000000000:root",
                                         "arn:aws:iam::111122223333:root"]}
    assert both["Action"] == "SQS:ReceiveMessage"
    assert one["Principal"] == {"AWS": "arn:aws:iam::111122223333:root"}
    assert one["Action"] == ["SQS:SendMessage", "SQS:DeleteMessage"]
    with pytest.raises(ClientError) as raised:
        sqs.remove_permission(QueueUrl=url, Label="absent")
    assert error_of(raised) == (
        "InvalidParameterValue", "Value absent for parameter Label is invalid. Reason: can't "
        "find label.")


def test_queue_name_works_as_queue_url(sqs: Any, unique: Callable[[str], str]) -> None:
    name = unique("byname")
    sqs.create_queue(QueueName=name)
    sent = sqs.send_message(QueueUrl=name, MessageBody="Using name instead of URL")
    assert sent["MD5OfMessageBody"] == "86a83f96652a1bfad3891e7d523750cb"
    with pytest.raises(sqs.exceptions.QueueDoesNotExist):
        sqs.send_message(QueueUrl=unique("nosuch"), MessageBody="x")
