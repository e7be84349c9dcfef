"""Event source mappings and function URLs against answers recorded from real AWS."""

from __future__ import annotations

import json
import re
import urllib.parse
import uuid
from typing import Any

import botocore.exceptions
import httpx
import pytest
from tests.services.lambda_.helpers import create
from tests.services.lambda_.test_event_sources import drain, queue, wait_state

# Sends the event it got to the RESULTS queue.
FORWARD = '''
import json, os
import boto3

def handler(event, context):
    boto3.client("sqs").send_message(QueueUrl=os.environ["RESULTS"], MessageBody=json.dumps(event))
'''

# Answers ReportBatchItemFailures with an entry that names no item: the batch fails.
MALFORMED_FAILURES = '''
def handler(event, context):
    return {"batchItemFailures": [{"foo": None}]}
'''


@pytest.fixture
def lam(client):  # type: ignore[no-untyped-def]
    return client("lambda")


@pytest.fixture
def sqs(client):  # type: ignore[no-untyped-def]
    return client("sqs")


@pytest.fixture
def ddb(client):  # type: ignore[no-untyped-def]
    return client("dynamodb")


def _stream(ddb: Any, view: str = "NEW_IMAGE") -> tuple[str, str]:
    table = f"t-{uuid.uuid4().hex[:8]}"
    stream_arn = ddb.create_table(
        TableName=table, BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": "my_partition_key", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "my_partition_key", "KeyType": "HASH"}],
        StreamSpecification={"StreamEnabled": True, "StreamViewType": view},
    )["TableDescription"]["LatestStreamArn"]
    return table, stream_arn


def _conflict(call: Any, **params: Any) -> str:
    with pytest.raises(botocore.exceptions.ClientError) as raised:
        call(**params)
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 409
    return str(raised.value.response["Error"]["Message"])


def test_a_queue_mapping_created_disabled_is_disabled_at_once(lam: Any, sqs: Any) -> None:
    url = sqs.create_queue(QueueName=f"esm-{uuid.uuid4().hex[:8]}.fifo",
                           Attributes={"FifoQueue": "true", "VisibilityTimeout": "60"})["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"]
    function = create(lam)
    created = lam.create_event_source_mapping(FunctionName=function, EventSourceArn=arn,
                                              Enabled=False, BatchSize=1)
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 202
    assert created["State"] == "Disabled" and created["StateTransitionReason"] == "USER_INITIATED"
    enabling = lam.update_event_source_mapping(UUID=created["UUID"], Enabled=True)
    assert enabling["State"] == "Enabling"
    wait_state(lam, created["UUID"], "Enabled")
    lam.delete_event_source_mapping(UUID=created["UUID"])


def test_duplicate_mappings_name_the_function_as_given(lam: Any, sqs: Any, ddb: Any) -> None:
    function = create(lam)
    _, queue_arn = queue(sqs)
    first = lam.create_event_source_mapping(FunctionName=function, EventSourceArn=queue_arn)
    assert _conflict(lam.create_event_source_mapping, FunctionName=function,
                     EventSourceArn=queue_arn) == (
        f'An event source mapping with SQS arn (" {queue_arn} ") and function (" {function} '
        f'") already exists. Please update or delete the existing mapping with UUID '
        f'{first["UUID"]}')
    _, stream_arn = _stream(ddb)
    settings = {"StartingPosition": "TRIM_HORIZON", "MaximumBatchingWindowInSeconds": 1,
                "MaximumRetryAttempts": 1}
    second = lam.create_event_source_mapping(FunctionName=function, EventSourceArn=stream_arn,
                                             **settings)
    assert _conflict(lam.create_event_source_mapping, FunctionName=function,
                     EventSourceArn=stream_arn, **settings) == (
        f'The event source arn (" {stream_arn} ") and function (" {function} ") provided '
        f'mapping already exists. Please update or delete the existing mapping with UUID '
        f'{second["UUID"]}')
    for mapping in (first, second):
        lam.delete_event_source_mapping(UUID=mapping["UUID"])


def test_sqs_records_are_shaped_as_recorded(lam: Any, sqs: Any) -> None:
    results_url, _ = queue(sqs)
    function = create(lam, FORWARD, Environment={"Variables": {"RESULTS": results_url}})
    windowed_url, windowed_arn = queue(sqs)
    plain_url, plain_arn = queue(sqs)
    mappings = [lam.create_event_source_mapping(FunctionName=function, EventSourceArn=arn,
                                                **options)["UUID"]
                for arn, options in ((windowed_arn, {"MaximumBatchingWindowInSeconds": 1}),
                                     (plain_arn, {"BatchSize": 1}))]
    sqs.send_message(QueueUrl=windowed_url, MessageBody="windowed")
    sqs.send_message(QueueUrl=plain_url, MessageBody="plain")
    sqs.send_message(QueueUrl=plain_url, MessageBody="with attributes", MessageAttributes={
        "Title": {"DataType": "String", "StringValue": "The Whistler"}})
    batches = drain(sqs, results_url, lambda got: len(got) >= 3)
    records = {r["body"]: r for b in batches for r in b["Records"]}
    # With a batching window, a message without attributes shows md5OfMessageAttributes: null;
    # without one, the key is left out.
    assert "md5OfMessageAttributes" in records["windowed"]
    assert records["windowed"]["md5OfMessageAttributes"] is None
    assert "md5OfMessageAttributes" not in records["plain"]
    described = records["with attributes"]
    assert list(described) == ["messageId", "receiptHandle", "body", "attributes",
                               "messageAttributes", "md5OfMessageAttributes", "md5OfBody",
                               "eventSource", "eventSourceARN", "awsRegion"]
    assert list(described["attributes"])[:4] == [
        "ApproximateReceiveCount", "SentTimestamp", "SenderId",
        "ApproximateFirstReceiveTimestamp"]
    assert described["messageAttributes"]["Title"] == {
        "stringValue": "The Whistler", "stringListValues": [], "binaryListValues": [],
        "dataType": "String"}
    for mapping in mappings:
        lam.delete_event_source_mapping(UUID=mapping)


def test_stream_records_and_failure_records_are_shaped_as_recorded(
        lam: Any, sqs: Any, ddb: Any) -> None:
    results_url, _ = queue(sqs)
    failures_url, failures_arn = queue(sqs)
    table, stream_arn = _stream(ddb)
    forward = create(lam, FORWARD, Environment={"Variables": {"RESULTS": results_url}})
    malformed = create(lam, MALFORMED_FAILURES)
    mappings = [
        lam.create_event_source_mapping(
            FunctionName=forward, EventSourceArn=stream_arn, StartingPosition="TRIM_HORIZON",
            BatchSize=1)["UUID"],
        lam.create_event_source_mapping(
            FunctionName=malformed, EventSourceArn=stream_arn, StartingPosition="TRIM_HORIZON",
            BatchSize=3, MaximumRetryAttempts=1,
            FunctionResponseTypes=["ReportBatchItemFailures"],
            DestinationConfig={"OnFailure": {"Destination": failures_arn}})["UUID"]]
    for mapping in mappings:
        wait_state(lam, mapping, "Enabled")
    ddb.put_item(TableName=table, Item={"my_partition_key": {"S": "hello world"},
                                        "binary_key": {"B": b"foobar"}})
    [batch] = drain(sqs, results_url, lambda got: len(got) >= 1)
    [record] = batch["Records"]
    assert list(record) == ["eventID", "eventName", "eventVersion", "eventSource", "awsRegion",
                            "dynamodb", "eventSourceARN"]
    assert list(record["dynamodb"]) == ["ApproximateCreationDateTime", "Keys", "NewImage",
                                        "SequenceNumber", "SizeBytes", "StreamViewType"]
    assert record["dynamodb"]["SizeBytes"] == 70
    [failure] = drain(sqs, failures_url, lambda got: len(got) >= 1, timeout_s=40)
    # The function ran: a malformed answer is no function error.
    assert failure["responseContext"] == {"statusCode": 200, "executedVersion": "$LATEST",
                                          "functionError": None}
    assert failure["requestContext"]["approximateInvokeCount"] == 2
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", failure["timestamp"])
    info = failure["DDBStreamBatchInfo"]
    for member in ("approximateArrivalOfFirstRecord", "approximateArrivalOfLastRecord"):
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", info[member])
    for mapping in mappings:
        lam.delete_event_source_mapping(UUID=mapping)


def _url_path(url: str, endpoint: str, path: str = "/") -> str:
    url_id = urllib.parse.urlparse(url).hostname.split(".")[0]  # type: ignore[union-attr]
    return f"{endpoint}/_pocketcloud/lambda-url/{url_id}{path}"


def test_url_answers_for_a_missing_url_and_a_failed_function(lam, endpoint) -> None:  # type: ignore[no-untyped-def]
    missing = httpx.get(f"{endpoint}/_pocketcloud/lambda-url/0123456789abcdefghijklmnopqrstuv/",
                        timeout=30)
    assert missing.status_code == 403 and missing.text == '{"Message":null}'
    assert missing.headers["content-type"] == "application/json"
    assert missing.headers["x-amzn-ErrorType"] == "AccessDeniedException"
    failing = create(lam, "def handler(event, context):\n    raise Exception('boom')\n")
    url = lam.create_function_url_config(FunctionName=failing, AuthType="NONE")["FunctionUrl"]
    failed = httpx.post(_url_path(url, endpoint), content=b"{}",
                        headers={"user-agent": "python-requests/testing"}, timeout=30)
    assert failed.status_code == 502 and failed.text == "Internal Server Error"
    with pytest.raises(botocore.exceptions.ClientError) as raised:
        lam.create_function_url_config(FunctionName=failing, AuthType="NONE",
                                       InvokeMode="UNKNOWN")
    assert raised.value.response["Error"]["Message"] == (
        "1 validation error detected: Value 'UNKNOWN' at 'invokeMode' failed to satisfy "
        "constraint: Member must satisfy enum value set: [RESPONSE_STREAM, BUFFERED]")


def test_url_event_headers_are_forwarded_as_recorded(lam, endpoint) -> None:  # type: ignore[no-untyped-def]
    echo = create(lam, "def handler(event, context):\n    return event\n")
    url = lam.create_function_url_config(FunctionName=echo, AuthType="NONE")["FunctionUrl"]
    event = httpx.post(_url_path(url, endpoint, "/path/1?q=query"), json={"foo": "bar"},
                       headers={"ExTrA-HeadErs": "With WeiRd CapS", "user-agent": "test/echo",
                                "connection": "keep-alive"}, timeout=30).json()
    headers = event["headers"]
    assert headers["extra-headers"] == "With WeiRd CapS" and "connection" not in headers
    assert headers["x-forwarded-for"] == event["requestContext"]["http"]["sourceIp"]
    assert headers["x-forwarded-proto"] == "http"
    assert headers["x-forwarded-port"] == str(urllib.parse.urlparse(endpoint).port)
    assert re.fullmatch(r"Root=1-[0-9a-f]{8}-[0-9a-f]{24}", headers["x-amzn-trace-id"])
    assert json.loads(event["body"]) == {"foo": "bar"}
