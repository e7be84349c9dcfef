"""Asynchronous invocation end to end: queued events run, failures reach their destinations."""

from __future__ import annotations

import json
import uuid

import pytest
from tests.services.lambda_.helpers import create

# Inside the worker, boto3 reaches pocketcloud through AWS_ENDPOINT_URL, as the function's account.
SEND_TO_QUEUE = '''
import json, os
import boto3

def handler(event, context):
    boto3.client("sqs").send_message(QueueUrl=os.environ["QUEUE_URL"],
                                     MessageBody=json.dumps(event))
    return "sent"
'''

FAILING = '''
def handler(event, context):
    raise RuntimeError("always fails")
'''


@pytest.fixture
def lam(client):  # type: ignore[no-untyped-def]
    return client("lambda")


@pytest.fixture
def sqs(client):  # type: ignore[no-untyped-def]
    return client("sqs")


def _queue(sqs) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    url = sqs.create_queue(QueueName=f"lambda-{uuid.uuid4().hex[:12]}")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])
    return url, arn["Attributes"]["QueueArn"]


def _receive(sqs, url: str) -> dict[str, object]:  # type: ignore[no-untyped-def]
    for _ in range(3):
        messages = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=5).get("Messages", [])
        if messages:
            return dict(json.loads(messages[0]["Body"]))
    raise AssertionError("nothing arrived on the queue within 15 s")


def test_event_invocation_runs_the_handler(lam, sqs) -> None:  # type: ignore[no-untyped-def]
    url, _ = _queue(sqs)
    name = create(lam, SEND_TO_QUEUE, Timeout=10,
                  Environment={"Variables": {"QUEUE_URL": url}})
    response = lam.invoke(FunctionName=name, InvocationType="Event",
                          Payload=json.dumps({"order": 42}))
    assert response["StatusCode"] == 202
    assert _receive(sqs, url) == {"order": 42}


def test_failure_goes_to_on_failure_destination(lam, sqs) -> None:  # type: ignore[no-untyped-def]
    url, arn = _queue(sqs)
    name = create(lam, FAILING)
    lam.put_function_event_invoke_config(
        FunctionName=name, MaximumRetryAttempts=0,
        DestinationConfig={"OnFailure": {"Destination": arn}})
    lam.invoke(FunctionName=name, InvocationType="Event", Payload=json.dumps({"n": 1}))
    record = _receive(sqs, url)
    context = record["requestContext"]
    assert isinstance(context, dict)
    assert context["condition"] == "RetriesExhausted"
    assert context["approximateInvokeCount"] == 1
    assert record["requestPayload"] == {"n": 1}
    response = record["responsePayload"]
    assert isinstance(response, dict) and response["errorMessage"] == "always fails"


def test_success_goes_to_on_success_destination(lam, sqs) -> None:  # type: ignore[no-untyped-def]
    url, arn = _queue(sqs)
    name = create(lam)
    lam.put_function_event_invoke_config(
        FunctionName=name, DestinationConfig={"OnSuccess": {"Destination": arn}})
    config = lam.get_function_event_invoke_config(FunctionName=name)
    assert config["DestinationConfig"]["OnSuccess"]["Destination"] == arn
    lam.invoke(FunctionName=name, InvocationType="Event", Payload=json.dumps({"name": "x"}))
    record = _receive(sqs, url)
    assert record["requestContext"]["condition"] == "Success"  # type: ignore[index]
    assert record["responsePayload"]["hello"] == "x"  # type: ignore[index]


def test_failed_events_are_retried_twice() -> None:
    import boto3
    from tests.support import advance_clock, start_server

    server = start_server()  # its own cloud clock: the retries wait 1 and 2 minutes on it
    try:
        options = {"endpoint_url": server.endpoint, "region_name": "us-east-1"}
        lam, sqs = boto3.client("lambda", **options), boto3.client("sqs", **options)
        url, arn = _queue(sqs)
        dlq_url, dlq_arn = _queue(sqs)
        name = create(lam, FAILING, DeadLetterConfig={"TargetArn": dlq_arn})
        lam.put_function_event_invoke_config(
            FunctionName=name, DestinationConfig={"OnFailure": {"Destination": arn}})
        lam.invoke(FunctionName=name, InvocationType="Event", Payload=json.dumps({"n": 2}))
        record = _receive_while_time_passes(sqs, url, server.endpoint, advance_clock)
        assert record["requestContext"]["approximateInvokeCount"] == 3  # type: ignore[index]
        messages = sqs.receive_message(QueueUrl=dlq_url, WaitTimeSeconds=5,
                                       MessageAttributeNames=["All"])["Messages"]
        assert json.loads(messages[0]["Body"]) == {"n": 2}
        assert "ErrorMessage" in messages[0]["MessageAttributes"]
    finally:
        server.stop()


def _receive_while_time_passes(sqs, url: str, endpoint: str, advance) -> dict[str, object]:  # type: ignore[no-untyped-def]
    """Move the cloud clock a minute at a time until the record arrives (each retry waits)."""
    for _ in range(40):
        messages = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=1).get("Messages", [])
        if messages:
            return dict(json.loads(messages[0]["Body"]))
        advance(endpoint, 61)
    raise AssertionError("the failure record never arrived")


def test_queued_events_survive_kill_9_and_resume_at_start(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import boto3
    from tests.support import start_server

    server = start_server(tmp_path)
    options = {"endpoint_url": server.endpoint, "region_name": "us-east-1"}
    try:
        lam, sqs = boto3.client("lambda", **options), boto3.client("sqs", **options)
        url, _ = _queue(sqs)
        name = create(lam, SEND_TO_QUEUE, Timeout=10,
                      Environment={"Variables": {"QUEUE_URL": url}})
        lam.put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=0)
        assert lam.invoke(FunctionName=name, InvocationType="Event",
                          Payload=json.dumps({"kept": True}))["StatusCode"] == 202
    finally:
        server.kill()  # SIGKILL: the event was acknowledged (202), so it must not be lost
    server = start_server(tmp_path)
    try:
        options["endpoint_url"] = server.endpoint
        lam, sqs = boto3.client("lambda", **options), boto3.client("sqs", **options)
        url = sqs.get_queue_url(QueueName=url.rsplit("/", 1)[1])["QueueUrl"]
        lam.put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=5)
        assert _receive(sqs, url) == {"kept": True}
    finally:
        server.stop()
