"""Malformed and hostile SQS requests get AWS's 4xx answers, never a 500."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest

HEADERS = {"Content-Type": "application/x-amz-json-1.0",
           "Authorization": "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/sqs/"
                            "aws4_request, SignedHeaders=host, Signature=00"}


def call(endpoint: str, operation: str, body: Any) -> httpx.Response:
    headers = {**HEADERS, "X-Amz-Target": f"AmazonSQS.{operation}"}
    return httpx.post(endpoint + "/", content=json.dumps(body), headers=headers, timeout=10)


@pytest.fixture
def queue_url(sqs: Any, unique: Callable[[str], str]) -> str:
    return str(sqs.create_queue(QueueName=unique("hostile"))["QueueUrl"])


@pytest.mark.parametrize(
    ("operation", "body"),
    [
        ("SendMessage", {"MessageBody": "no queue"}),
        ("SendMessage", {"QueueUrl": "nota/url", "MessageBody": "x"}),
        ("SendMessage", {"QueueUrl": "@", "MessageBody": {"nested": 1}}),
        ("CreateQueue", {"QueueName": "x" * 10_000}),
        ("CreateQueue", {"QueueName": "ok", "Attributes": {"RedrivePolicy": "[1]"}}),
        ("GetQueueUrl", {}),
        ("ListQueues", {"MaxResults": 0}),
        ("ListQueues", {"NextToken": "zz"}),
        ("DeleteMessage", {"QueueUrl": "http://h/000000000000/none", "ReceiptHandle": "%%"}),
        ("StartMessageMoveTask", {"SourceArn": "arn:aws:sqs"}),
        ("CancelMessageMoveTask", {"TaskHandle": "nope"}),
    ],
)
def test_bad_requests_are_client_errors(endpoint: str, operation: str, body: Any) -> None:
    response = call(endpoint, operation, body)
    assert 400 <= response.status_code < 500, response.text


@pytest.mark.parametrize(
    "body",
    [
        {"MessageBody": "x", "MessageAttributes": {"a": {"DataType": "Binary"}}},
        {"MessageBody": "x", "MessageAttributes": {"a": {"StringValue": "v"}}},
        {"MessageBody": "x", "MessageAttributes": {"a": {"DataType": "Number",
                                                         "StringValue": "1e999999"}}},
        {"MessageBody": "x", "MessageSystemAttributes": {"Other": {"DataType": "String",
                                                                   "StringValue": "v"}}},
        {"MessageBody": "x", "DelaySeconds": 901},
        {"MessageBody": "x", "MessageDeduplicationId": "d"},
        {"MessageBody": ""},
    ],
)
def test_bad_messages_are_client_errors(endpoint: str, queue_url: str, body: Any) -> None:
    response = call(endpoint, "SendMessage", {"QueueUrl": queue_url, **body})
    assert 400 <= response.status_code < 500, response.text


def test_receive_with_foreign_receipt_handle(
    sqs: Any, unique: Callable[[str], str], queue_url: str
) -> None:
    other = sqs.create_queue(QueueName=unique("other"))["QueueUrl"]
    sqs.send_message(QueueUrl=other, MessageBody="x")
    handle = sqs.receive_message(QueueUrl=other)["Messages"][0]["ReceiptHandle"]
    with pytest.raises(sqs.exceptions.ReceiptHandleIsInvalid):
        sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=handle)
