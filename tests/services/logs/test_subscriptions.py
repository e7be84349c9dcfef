"""Subscription filters end to end: a real Lambda function receives AWS's gzip'd payload."""

from __future__ import annotations

import base64
import gzip
import json
import signal
import time
import uuid
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from tests.services.lambda_.helpers import create
from tests.support import start_server

# The function decodes what CloudWatch Logs sent and forwards it to a queue the test reads.
FORWARD = '''
import base64, gzip, json, os
import boto3

def handler(event, context):
    data = json.loads(gzip.decompress(base64.b64decode(event["awslogs"]["data"])))
    boto3.client("sqs").send_message(QueueUrl=os.environ["RESULTS"],
                                     MessageBody=json.dumps(data))
'''


def _make(endpoint: str, service: str) -> Any:
    return boto3.client(service, region_name="us-east-1", endpoint_url=endpoint,
                        aws_access_key_id="test", aws_secret_access_key="test",
                        config=Config(retries={"max_attempts": 1}, read_timeout=30))


def _setup(endpoint: str) -> tuple[Any, Any, str, str, str]:
    logs, lam, sqs = (_make(endpoint, s) for s in ("logs", "lambda", "sqs"))
    results = sqs.create_queue(QueueName=f"results-{uuid.uuid4().hex[:8]}")["QueueUrl"]
    name = create(lam, FORWARD, Timeout=10, Environment={"Variables": {"RESULTS": results}})
    function_arn = lam.get_function(FunctionName=name)["Configuration"]["FunctionArn"]
    group = f"/sub/{uuid.uuid4().hex[:8]}"
    logs.create_log_group(logGroupName=group)
    logs.create_log_stream(logGroupName=group, logStreamName="s1")
    return logs, sqs, results, function_arn, group


def _received(sqs: Any, url: str, count: int) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    deadline = time.monotonic() + 40
    while len(found) < count and time.monotonic() < deadline:
        for message in sqs.receive_message(QueueUrl=url, WaitTimeSeconds=2,
                                           MaxNumberOfMessages=10).get("Messages", []):
            found.append(json.loads(message["Body"]))
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    assert len(found) >= count, f"only {len(found)} deliveries arrived"
    return found


def _code(error: pytest.ExceptionInfo[ClientError]) -> tuple[str, str]:
    return (str(error.value.response["Error"]["Code"]),
            str(error.value.response["Error"]["Message"]))


def test_matching_events_reach_the_function(endpoint: str) -> None:
    logs, sqs, results, function_arn, group = _setup(endpoint)
    logs.put_subscription_filter(logGroupName=group, filterName="errors",
                                 filterPattern="ERROR", destinationArn=function_arn)
    described = logs.describe_subscription_filters(logGroupName=group)["subscriptionFilters"]
    assert described == [{
        "filterName": "errors", "logGroupName": group, "filterPattern": "ERROR",
        "destinationArn": function_arn, "distribution": "ByLogStream",
        "applyOnTransformedLogs": False, "creationTime": described[0]["creationTime"]}]
    now = int(time.time() * 1000)
    logs.put_log_events(logGroupName=group, logStreamName="s1", logEvents=[
        {"timestamp": now, "message": "ERROR one"}, {"timestamp": now + 1, "message": "fine"},
        {"timestamp": now + 2, "message": "ERROR two"}])
    [data] = _received(sqs, results, 1)
    assert data["messageType"] == "DATA_MESSAGE"
    assert data["owner"] == "000000000000"
    assert (data["logGroup"], data["logStream"]) == (group, "s1")
    assert data["subscriptionFilters"] == ["errors"]
    assert [(e["timestamp"], e["message"]) for e in data["logEvents"]] == [
        (now, "ERROR one"), (now + 2, "ERROR two")]
    assert all(len(e["id"]) == 56 and e["id"].isdigit() for e in data["logEvents"])
    ids = {e["eventId"] for e in logs.filter_log_events(logGroupName=group,
                                                        filterPattern="ERROR")["events"]}
    assert {e["id"] for e in data["logEvents"]} == ids


def test_limits_errors_and_delete(endpoint: str) -> None:
    logs, _, _, function_arn, group = _setup(endpoint)
    for name in ("a", "b"):
        logs.put_subscription_filter(logGroupName=group, filterName=name, filterPattern="",
                                     destinationArn=function_arn)
    logs.put_subscription_filter(logGroupName=group, filterName="a", filterPattern="[]",
                                 destinationArn=function_arn)  # an update, not a third
    with pytest.raises(ClientError) as error:
        logs.put_subscription_filter(logGroupName=group, filterName="c", filterPattern="",
                                     destinationArn=function_arn)
    assert _code(error) == ("LimitExceededException", "Resource limit exceeded.")
    filters = logs.describe_subscription_filters(logGroupName=group, filterNamePrefix="a")
    assert [(f["filterName"], f["filterPattern"]) for f in filters["subscriptionFilters"]] == [
        ("a", "[]")]
    logs.delete_subscription_filter(logGroupName=group, filterName="a")
    with pytest.raises(ClientError) as error:
        logs.delete_subscription_filter(logGroupName=group, filterName="a")
    assert _code(error) == ("ResourceNotFoundException",
                            "The specified subscription filter does not exist.")
    with pytest.raises(ClientError) as error:
        logs.describe_subscription_filters(logGroupName="/no/such/group")
    assert _code(error) == ("ResourceNotFoundException", "The specified log group does not exist.")


def test_destinations_that_do_not_exist_are_refused(endpoint: str) -> None:
    logs, _, _, function_arn, group = _setup(endpoint)
    missing = function_arn.rsplit(":", 1)[0] + ":no-such-function"
    cases = [
        (missing, None, ("InvalidParameterException", "Could not execute the lambda function. "
                         "Make sure you have given CloudWatch Logs permission to execute your "
                         "function.")),
        ("arn:aws:lambda:us-east-1:123456789012:function:f", None, (
            "AccessDeniedException", "Cross-account lambda invocation passing is not allowed. "
            "You must use DestinationPolicies to create cross account lambda triggers.")),
        ("arn:aws:kinesis:us-east-1:000000000000:stream/s", None, (
            "InvalidParameterException",
            "destinationArn for vendor kinesis cannot be used without roleArn")),
        ("arn:aws:kinesis:us-east-1:000000000000:stream/s", "arn:aws:iam::000000000000:role/r",
         ("InvalidParameterException", "Could not deliver test message to specified Kinesis "
          "stream. Check if the given kinesis stream is in ACTIVE state.")),
    ]
    for destination, role, expected in cases:
        options = {"roleArn": role} if role else {}
        with pytest.raises(ClientError) as error:
            logs.put_subscription_filter(logGroupName=group, filterName="f", filterPattern="",
                                         destinationArn=destination, **options)
        assert _code(error) == expected
    with pytest.raises(ClientError) as error:
        logs.put_subscription_filter(logGroupName=group, filterName="f", filterPattern="{ $.x",
                                     destinationArn=function_arn)
    assert _code(error) == ("InvalidParameterException", "Invalid filter pattern")
    assert logs.describe_subscription_filters(logGroupName=group)["subscriptionFilters"] == []


def test_acknowledged_events_are_delivered_after_kill_9(tmp_path: Path) -> None:
    data_dir = tmp_path / "state"
    first = start_server(data_dir)
    try:
        logs, _, results, function_arn, group = _setup(first.endpoint)
        logs.put_subscription_filter(logGroupName=group, filterName="all", filterPattern="",
                                     destinationArn=function_arn)
        logs.put_log_events(logGroupName=group, logStreamName="s1", logEvents=[
            {"timestamp": int(time.time() * 1000), "message": "kept across a crash"}])
    finally:
        first.kill(signal.SIGKILL)
    second = start_server(data_dir)
    try:
        sqs = _make(second.endpoint, "sqs")
        data = _received(sqs, results.replace(first.endpoint, second.endpoint), 1)
        assert data[0]["logEvents"][0]["message"] == "kept across a crash"
    finally:
        second.stop()


def test_payload_decodes_as_aws_documents() -> None:
    """The wire format, decoded the way AWS's own examples decode it."""
    from pocketcloud.services.logs.subscriptions import _payload

    body = json.loads(_payload("1", "g", "s", "f", [(7, 1000, "hello")]))
    data = json.loads(gzip.decompress(base64.b64decode(body["awslogs"]["data"])))
    assert data["logEvents"] == [{"id": "7".zfill(56), "timestamp": 1000, "message": "hello"}]
