"""InvokeWithResponseStream (AWS's event stream, iterated by boto3) and InvokeAsync."""

from __future__ import annotations

import base64
import json
import time
from typing import Any

import pytest
from botocore.exceptions import ClientError
from tests.services.lambda_.helpers import create

BIG = '''
def handler(event, context):
    print("streaming", len(event.get("pad", "")))
    return {"pad": "x" * 200000}
'''

FAILING = '''
def handler(event, context):
    raise ValueError("nope")
'''

COUNTER = '''
import os
seen = []

def handler(event, context):
    seen.append(event)
    return len(seen)
'''


@pytest.fixture
def lam(client):  # type: ignore[no-untyped-def]
    return client("lambda")


def _events(answer: dict[str, Any]) -> list[dict[str, Any]]:
    return list(answer["EventStream"])


def test_a_buffered_result_arrives_as_chunks_then_invoke_complete(lam) -> None:  # type: ignore[no-untyped-def]
    name = create(lam, BIG)
    answer = lam.invoke_with_response_stream(FunctionName=name, Payload=b'{"pad": "abc"}',
                                             LogType="Tail")
    assert answer["StatusCode"] == 200
    assert answer["ExecutedVersion"] == "$LATEST"
    assert answer["ResponseStreamContentType"] == "application/vnd.amazon.eventstream"
    events = _events(answer)
    chunks = [e["PayloadChunk"]["Payload"] for e in events if "PayloadChunk" in e]
    assert len(chunks) > 1  # 200 kB is more than one event
    assert json.loads(b"".join(chunks)) == {"pad": "x" * 200000}
    complete = events[-1]["InvokeComplete"]
    assert "ErrorCode" not in complete
    assert "streaming 3" in base64.b64decode(complete["LogResult"]).decode()


def test_a_function_error_is_reported_in_invoke_complete(lam) -> None:  # type: ignore[no-untyped-def]
    name = create(lam, FAILING)
    events = _events(lam.invoke_with_response_stream(FunctionName=name))
    assert [list(e) for e in events] == [["InvokeComplete"]]
    complete = events[0]["InvokeComplete"]
    assert complete["ErrorCode"] == "Unhandled"
    assert json.loads(complete["ErrorDetails"])["errorMessage"] == "nope"
    assert "LogResult" not in complete


def test_dry_run_qualifier_and_refusals(lam) -> None:  # type: ignore[no-untyped-def]
    name = create(lam, Publish=True)
    dry = lam.invoke_with_response_stream(FunctionName=name, InvocationType="DryRun",
                                          Qualifier="1")
    assert dry["StatusCode"] == 204
    assert dry["ExecutedVersion"] == "1"
    events = _events(lam.invoke_with_response_stream(FunctionName=f"{name}:1",
                                                     Payload=b'{"name": "v1"}'))
    assert json.loads(events[0]["PayloadChunk"]["Payload"])["hello"] == "v1"
    with pytest.raises(ClientError) as missing:
        lam.invoke_with_response_stream(FunctionName=name, Qualifier="7")
    assert missing.value.response["Error"]["Code"] == "ResourceNotFoundException"
    assert missing.value.response["Error"]["Message"].endswith(f"function:{name}:7")
    with pytest.raises(ClientError) as event_type:
        lam.invoke_with_response_stream(FunctionName=name, InvocationType="Event")
    assert event_type.value.response["Error"]["Code"] == "ValidationException"
    with pytest.raises(ClientError) as not_json:
        lam.invoke_with_response_stream(FunctionName=name, Payload=b"{oops")
    assert not_json.value.response["Error"]["Code"] == "InvalidRequestContentException"


def test_invoke_async_queues_the_event(lam) -> None:  # type: ignore[no-untyped-def]
    name = create(lam, COUNTER)
    answer = lam.invoke_async(FunctionName=name, InvokeArgs=b'{"n": 1}')
    assert answer["Status"] == 202
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:  # the queued event has run once the counter moved
        payload = lam.invoke(FunctionName=name, Payload=b"{}")["Payload"].read()
        if json.loads(payload) >= 2:
            break
        time.sleep(0.5)
    else:
        raise AssertionError("the asynchronous event never ran")
    with pytest.raises(ClientError) as missing:
        lam.invoke_async(FunctionName=f"{name}-gone", InvokeArgs=b"{}")
    assert missing.value.response["Error"]["Code"] == "ResourceNotFoundException"
    with pytest.raises(ClientError) as too_big:
        lam.invoke_async(FunctionName=name, InvokeArgs=b'"' + b"x" * 300000 + b'"')
    assert too_big.value.response["Error"]["Code"] == "RequestEntityTooLargeException"
