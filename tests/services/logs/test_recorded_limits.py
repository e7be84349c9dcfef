"""CloudWatch Logs limits and edge answers as AWS gives them: PutLogEvents' event size and empty
messages, empty paging tokens."""

from __future__ import annotations

import time
import uuid
from typing import Any

import boto3
import pytest
from botocore.config import Config
from tests.support import refused


@pytest.fixture
def logs(endpoint: str) -> Any:
    # AWS's own answers to what botocore would refuse before sending
    return boto3.client("logs", region_name="us-east-1", endpoint_url=endpoint,
                        aws_access_key_id="test", aws_secret_access_key="test",
                        config=Config(parameter_validation=False, retries={"max_attempts": 1}))


@pytest.fixture
def group(logs: Any) -> str:
    name = f"/limits/{uuid.uuid4().hex[:8]}"
    logs.create_log_group(logGroupName=name)
    logs.create_log_stream(logGroupName=name, logStreamName="app")
    return name



def _now() -> int:
    return int(time.time() * 1000)


def test_an_event_up_to_one_megabyte_is_accepted(logs: Any, group: str) -> None:
    # the per-event quota went from 256 KB to 1 MB (the batch's 1,048,576 bytes still bound it)
    message = "x" * (1_048_576 - 26)
    logs.put_log_events(logGroupName=group, logStreamName="app",
                        logEvents=[{"timestamp": _now(), "message": message}])
    got = logs.get_log_events(logGroupName=group, logStreamName="app")["events"]
    assert [len(event["message"]) for event in got] == [len(message)]
    code, text = refused(logs.put_log_events, logGroupName=group, logStreamName="app",
                        logEvents=[{"timestamp": _now(), "message": message + "x"}])
    assert code == "InvalidParameterException" and "1048576" in text


def test_empty_messages_are_each_named_by_their_one_based_index(logs: Any, group: str) -> None:
    now = _now()
    assert refused(logs.put_log_events, logGroupName=group, logStreamName="app",
                  logEvents=[{"timestamp": now, "message": ""}]) == (
        "InvalidParameterException",
        "1 validation error detected: Value '' at 'logEvents.1.member.message' failed to "
        "satisfy constraint: Member must have length greater than or equal to 1")
    events = [{"timestamp": now, "message": m} for m in ("a", "", "b", "")]
    assert refused(logs.put_log_events, logGroupName=group, logStreamName="app",
                  logEvents=events) == (
        "InvalidParameterException",
        "2 validation errors detected: Value '' at 'logEvents.2.member.message' failed to "
        "satisfy constraint: Member must have length greater than or equal to 1; Value '' at "
        "'logEvents.4.member.message' failed to satisfy constraint: Member must have length "
        "greater than or equal to 1")
    assert logs.get_log_events(logGroupName=group, logStreamName="app")["events"] == []


@pytest.mark.parametrize("call", ["get_log_events", "filter_log_events", "describe_log_streams",
                                  "describe_log_groups", "describe_metric_filters"])
def test_an_empty_next_token_is_below_the_minimum_length(logs: Any, group: str,
                                                         call: str) -> None:
    params: dict[str, Any] = {"nextToken": ""}
    if call != "describe_log_groups":
        params["logGroupName"] = group
    if call == "get_log_events":
        params["logStreamName"] = "app"
    assert refused(getattr(logs, call), **params) == (
        "InvalidParameterException",
        "1 validation error detected: Value '' at 'nextToken' failed to satisfy constraint: "
        "Member must have length greater than or equal to 1")


def test_filtering_by_a_stream_the_group_lacks_is_resource_not_found(logs: Any,
                                                                     group: str) -> None:
    logs.put_log_events(logGroupName=group, logStreamName="app",
                        logEvents=[{"timestamp": _now(), "message": "hello"}])
    for names in (["missing"], ["app", "missing"]):
        assert refused(logs.filter_log_events, logGroupName=group, logStreamNames=names) == (
            "ResourceNotFoundException", "The specified log stream does not exist.")
    found = logs.filter_log_events(logGroupName=group, logStreamNames=["app", "app"])
    assert [event["message"] for event in found["events"]] == ["hello"]
