"""Dead-letter queues: RedrivePolicy moves, RedriveAllowPolicy, and redrive back with
message move tasks."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError
from tests.services.sqs.test_queues import error_code


def arn_of(sqs: Any, url: str) -> str:
    return str(sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])[
        "Attributes"]["QueueArn"])


def with_dead_letter_queue(
    sqs: Any, unique: Callable[[str], str], max_receive_count: int = 2
) -> tuple[str, str, str]:
    dlq = sqs.create_queue(QueueName=unique("dlq"))["QueueUrl"]
    dlq_arn = arn_of(sqs, dlq)
    policy = json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": max_receive_count})
    source = sqs.create_queue(QueueName=unique("src"),
                              Attributes={"RedrivePolicy": policy})["QueueUrl"]
    return source, dlq, dlq_arn


def test_message_moves_after_max_receive_count(sqs: Any, unique: Callable[[str], str]) -> None:
    source, dlq, _ = with_dead_letter_queue(sqs, unique)
    sent = sqs.send_message(QueueUrl=source, MessageBody="poison")
    for _ in range(2):
        got = sqs.receive_message(QueueUrl=source, VisibilityTimeout=0)
        assert got["Messages"][0]["MessageId"] == sent["MessageId"]
    assert "Messages" not in sqs.receive_message(QueueUrl=source)
    moved = sqs.receive_message(QueueUrl=dlq, AttributeNames=["All"])["Messages"][0]
    assert moved["MessageId"] == sent["MessageId"]
    assert moved["Body"] == "poison"
    assert moved["Attributes"]["DeadLetterQueueSourceArn"] == arn_of(sqs, source)
    sources = sqs.list_dead_letter_source_queues(QueueUrl=dlq)["queueUrls"]
    assert sources == [source]


def test_redrive_policy_validation(sqs: Any, unique: Callable[[str], str]) -> None:
    """Worded as AWS answers (serverless/serverless#5215 for a missing target, a Terraform
    CreateQueue failure for a type mismatch, LocalStack's snapshot-checked wording for
    maxReceiveCount)."""
    url = sqs.create_queue(QueueName=unique("rp"))["QueueUrl"]
    fifo = sqs.create_queue(QueueName=unique("rpf") + ".fifo",
                            Attributes={"FifoQueue": "true"})["QueueUrl"]
    missing = "arn:aws:sqs:us-east-1:000000000000:" + unique("nope")
    bad = [
        ({"deadLetterTargetArn": missing, "maxReceiveCount": 3},
         "Dead letter target does not exist."),
        ({"maxReceiveCount": 3},
         "Redrive policy does not contain mandatory attribute: deadLetterTargetArn."),
        ({"deadLetterTargetArn": arn_of(sqs, url), "maxReceiveCount": 0},
         "Invalid value for maxReceiveCount: 0, valid values are from 1 to 1000 both inclusive."),
        ({"deadLetterTargetArn": arn_of(sqs, url), "maxReceiveCount": 1001},
         "Invalid value for maxReceiveCount: 1001, valid values are from 1 to 1000 both "
         "inclusive."),
        ({"deadLetterTargetArn": arn_of(sqs, url), "maxReceiveCount": "many"},
         "Invalid value for maxReceiveCount: many, valid values are from 1 to 1000 both "
         "inclusive."),
        ({"deadLetterTargetArn": arn_of(sqs, fifo), "maxReceiveCount": 3},
         "Dead-letter queue must be same type of queue as the source.."),
    ]
    for document, reason in bad:
        policy = json.dumps(document)
        with pytest.raises(ClientError) as raised:
            sqs.set_queue_attributes(QueueUrl=url, Attributes={"RedrivePolicy": policy})
        error = raised.value.response["Error"]
        assert (error["Code"], error["Message"]) == ("InvalidParameterValue", f"Value {policy} "
                                                     f"for parameter RedrivePolicy is invalid. "
                                                     f"Reason: {reason}")
    standard_target = json.dumps({"deadLetterTargetArn": arn_of(sqs, url), "maxReceiveCount": 2})
    with pytest.raises(ClientError) as raised:
        sqs.create_queue(QueueName=unique("f") + ".fifo",
                         Attributes={"FifoQueue": "true", "RedrivePolicy": standard_target})
    assert raised.value.response["Error"]["Message"].endswith("as the source..")
    with pytest.raises(ClientError) as raised:
        sqs.set_queue_attributes(QueueUrl=url, Attributes={"RedrivePolicy": "not json"})
    assert error_code(raised) == "InvalidAttributeValue"


def test_redrive_allow_policy_validation(sqs: Any, unique: Callable[[str], str]) -> None:
    """RedriveAllowPolicy answers as AWS words them (recorded in an SQS emulator's AWS
    parity tests)."""
    cannot = "Amazon SQS can't create the redrive allow policy. "
    arns = [f"arn:aws:sqs:us-east-1:000000000000:x{i}" for i in range(11)]
    bad = [
        ({"redrivePermission": "byQueue", "sourceQueueArns": arns},
         "The maximum number of source queue ARNs you can specify is 10."),
        ({"redrivePermission": "byQueue"}, "When you specify the byQueue permission type, "
         "you must also specify one or more sourceQueueArns values."),
        ({"redrivePermission": "byQueue", "sourceQueueArns": []}, "When you specify the "
         "byQueue permission type, you must also specify one or more sourceQueueArns values."),
        ({"redrivePermission": "denyAll", "sourceQueueArns": arns[:1]},
         "To specify one or more source queue ARNs, you must set redrivePermission to byQueue."),
        ({"redrivePermission": "allowAll", "sourceQueueArns": arns[:1]},
         "To specify one or more source queue ARNs, you must set redrivePermission to byQueue."),
    ]
    for document, reason in bad:
        policy = json.dumps(document)
        with pytest.raises(ClientError) as raised:
            sqs.create_queue(QueueName=unique("rap"), Attributes={"RedriveAllowPolicy": policy})
        error = raised.value.response["Error"]
        assert error["Code"] == "InvalidParameterValue"
        assert error["Message"] == (f"Value {policy} for parameter RedriveAllowPolicy is "
                                    f"invalid. Reason: {cannot}{reason}")
    ten = json.dumps({"redrivePermission": "byQueue", "sourceQueueArns": arns[:10]})
    url = sqs.create_queue(QueueName=unique("rap"), Attributes={"RedriveAllowPolicy": ten})
    assert url["QueueUrl"]


def test_redrive_allow_policy_deny_all(sqs: Any, unique: Callable[[str], str]) -> None:
    dlq = sqs.create_queue(QueueName=unique("deny"), Attributes={
        "RedriveAllowPolicy": json.dumps({"redrivePermission": "denyAll"})})["QueueUrl"]
    policy = json.dumps({"deadLetterTargetArn": arn_of(sqs, dlq), "maxReceiveCount": 1})
    with pytest.raises(ClientError) as raised:
        sqs.create_queue(QueueName=unique("src"), Attributes={"RedrivePolicy": policy})
    assert error_code(raised) == "InvalidAttributeValue"


def test_move_task_redrives_back_to_source(sqs: Any, unique: Callable[[str], str]) -> None:
    source, dlq, dlq_arn = with_dead_letter_queue(sqs, unique, max_receive_count=1)
    ids = {sqs.send_message(QueueUrl=source, MessageBody=f"m{i}")["MessageId"]
           for i in range(3)}
    for _ in range(6):  # each message: one receive, then moved on the next
        sqs.receive_message(QueueUrl=source, VisibilityTimeout=0, MaxNumberOfMessages=10)
    dlq_count = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=[
        "ApproximateNumberOfMessages"])["Attributes"]["ApproximateNumberOfMessages"]
    assert dlq_count == "3"

    handle = sqs.start_message_move_task(SourceArn=dlq_arn)["TaskHandle"]
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        task = sqs.list_message_move_tasks(SourceArn=dlq_arn)["Results"][0]
        if task["Status"] != "RUNNING":
            break
        time.sleep(0.05)
    assert task["Status"] == "COMPLETED"
    assert task["ApproximateNumberOfMessagesMoved"] == 3
    assert "TaskHandle" not in task
    back = sqs.receive_message(QueueUrl=source, MaxNumberOfMessages=10)["Messages"]
    assert {m["MessageId"] for m in back} == ids
    with pytest.raises(ClientError) as raised:
        sqs.cancel_message_move_task(TaskHandle=handle)
    assert error_code(raised) == "UnsupportedOperation"


def test_move_task_needs_a_dead_letter_queue(sqs: Any, unique: Callable[[str], str]) -> None:
    plain = sqs.create_queue(QueueName=unique("plain"))["QueueUrl"]
    with pytest.raises(ClientError) as raised:
        sqs.start_message_move_task(SourceArn=arn_of(sqs, plain))
    assert error_code(raised) == "InvalidParameterValue"
    with pytest.raises(ClientError) as raised:
        sqs.start_message_move_task(SourceArn=arn_of(sqs, plain) + "-missing")
    assert error_code(raised) == "ResourceNotFoundException"


def test_add_and_remove_permission(sqs: Any, unique: Callable[[str], str]) -> None:
    url = sqs.create_queue(QueueName=unique("perm"))["QueueUrl"]
    sqs.add_permission(QueueUrl=url, Label="share", AWSAccountIds=["111122223333"],
                       Actions=["SendMessage"])
    policy = json.loads(sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["Policy"])[
        "Attributes"]["Policy"])
    assert policy["Statement"][0]["Sid"] == "share"
    assert policy["Statement"][0]["Action"] == "SQS:SendMessage"
    sqs.remove_permission(QueueUrl=url, Label="share")
    assert "Attributes" not in sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["Policy"])


def _task_handle(source_arn: str, task_id: str = "10f57157-fc38-4da9-a113-4de7e12d05aa") -> str:
    return base64.b64encode(json.dumps({"taskId": task_id, "sourceArn": source_arn}).encode()
                            ).decode()


def test_cancel_move_task_handle_errors(sqs: Any, unique: Callable[[str], str]) -> None:
    def cancel(handle: str) -> tuple[str, str, int]:
        with pytest.raises(ClientError) as raised:
            sqs.cancel_message_move_task(TaskHandle=handle)
        response = raised.value.response
        return (error_code(raised), response["Error"]["Message"],
                response["ResponseMetadata"]["HTTPStatusCode"])

    assert cancel("foobared") == (
        "InvalidParameterValue", "Value for parameter TaskHandle is invalid.", 400)
    gone = "arn:aws:sqs:us-east-1:000000000000:" + unique("gone")
    assert cancel(_task_handle(gone)) == (
        "ResourceNotFoundException",
        "The resource that you specified for the SourceArn parameter doesn't exist.", 404)
    _, _, dlq_arn = with_dead_letter_queue(sqs, unique)
    assert cancel(_task_handle(dlq_arn)) == (
        "ResourceNotFoundException", "Task does not exist.", 404)


def test_move_task_conflicts_and_lost_destination(
    sqs: Any, unique: Callable[[str], str]
) -> None:
    source, _, dlq_arn = with_dead_letter_queue(sqs, unique, max_receive_count=1)
    for i in range(5):
        sqs.send_message(QueueUrl=source, MessageBody=f"m{i}")
    for _ in range(2):  # the second receive moves all five to the dead-letter queue
        sqs.receive_message(QueueUrl=source, VisibilityTimeout=0, MaxNumberOfMessages=10)
    with pytest.raises(ClientError) as raised:
        sqs.start_message_move_task(SourceArn=dlq_arn, DestinationArn=dlq_arn + "-missing")
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404
    target = sqs.create_queue(QueueName=unique("target"))["QueueUrl"]
    sqs.start_message_move_task(SourceArn=dlq_arn, DestinationArn=arn_of(sqs, target),
                                MaxNumberOfMessagesPerSecond=1)
    with pytest.raises(ClientError) as raised:
        sqs.start_message_move_task(SourceArn=dlq_arn)
    assert error_code(raised) == "InvalidParameterValue"
    assert raised.value.response["Error"]["Message"] == (
        "There is already a task running. Only one active task is allowed for a source queue "
        "arn at a given time.")
    sqs.delete_queue(QueueUrl=target)
    deadline = time.monotonic() + 5
    while (task := sqs.list_message_move_tasks(SourceArn=dlq_arn)["Results"][0])[
            "Status"] == "RUNNING" and time.monotonic() < deadline:
        time.sleep(0.1)
    assert task["Status"] == "FAILED"
    assert task["FailureReason"] == "AWS.SimpleQueueService.NonExistentQueue"
    assert task["ApproximateNumberOfMessagesMoved"] < 5
