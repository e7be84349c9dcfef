"""CloudWatch Logs end to end through boto3: groups, streams, events, filters, retention."""

from __future__ import annotations

import json
import time
import uuid

import pytest
from botocore.exceptions import ClientError


@pytest.fixture
def logs(client):  # type: ignore[no-untyped-def]
    return client("logs")


def _group(logs, **options) -> str:  # type: ignore[no-untyped-def]
    name = f"/test/{uuid.uuid4().hex[:10]}"
    logs.create_log_group(logGroupName=name, **options)
    return name


def _now_ms() -> int:
    return int(time.time() * 1000)


def _code(error: pytest.ExceptionInfo[ClientError]) -> str:
    return str(error.value.response["Error"]["Code"])


def test_groups_create_describe_delete_with_prefix_and_paging(logs) -> None:  # type: ignore[no-untyped-def]
    prefix = f"/page/{uuid.uuid4().hex[:8]}/"
    for i in range(5):
        logs.create_log_group(logGroupName=f"{prefix}{i}")
    with pytest.raises(ClientError) as error:
        logs.create_log_group(logGroupName=f"{prefix}0")
    assert _code(error) == "ResourceAlreadyExistsException"
    first = logs.describe_log_groups(logGroupNamePrefix=prefix, limit=2)
    assert [g["logGroupName"] for g in first["logGroups"]] == [f"{prefix}0", f"{prefix}1"]
    group = first["logGroups"][0]
    assert group["arn"].endswith(f":log-group:{prefix}0:*")
    assert group["logGroupArn"].endswith(f":log-group:{prefix}0")
    assert group["storedBytes"] == 0 and "retentionInDays" not in group
    names = [g["logGroupName"] for page in logs.get_paginator("describe_log_groups").paginate(
        logGroupNamePrefix=prefix, PaginationConfig={"PageSize": 2}) for g in page["logGroups"]]
    assert names == [f"{prefix}{i}" for i in range(5)]
    logs.delete_log_group(logGroupName=f"{prefix}0")
    with pytest.raises(ClientError) as error:
        logs.delete_log_group(logGroupName=f"{prefix}0")
    assert _code(error) == "ResourceNotFoundException"
    with pytest.raises(ClientError) as error:
        logs.create_log_group(logGroupName="bad name with spaces")
    assert error.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_put_and_get_events_with_tokens(logs) -> None:  # type: ignore[no-untyped-def]
    group = _group(logs)
    logs.create_log_stream(logGroupName=group, logStreamName="s1")
    with pytest.raises(ClientError) as error:
        logs.create_log_stream(logGroupName=group, logStreamName="s1")
    assert _code(error) == "ResourceAlreadyExistsException"
    now = _now_ms()
    logs.put_log_events(logGroupName=group, logStreamName="s1", logEvents=[
        {"timestamp": now + i, "message": f"line {i}"} for i in range(10)])
    tail = logs.get_log_events(logGroupName=group, logStreamName="s1", limit=3)
    assert [e["message"] for e in tail["events"]] == ["line 7", "line 8", "line 9"]
    older = logs.get_log_events(logGroupName=group, logStreamName="s1", limit=3,
                                nextToken=tail["nextBackwardToken"])
    assert [e["message"] for e in older["events"]] == ["line 4", "line 5", "line 6"]
    head = logs.get_log_events(logGroupName=group, logStreamName="s1", limit=4,
                               startFromHead=True)
    assert [e["message"] for e in head["events"]] == [f"line {i}" for i in range(4)]
    token, seen = head["nextForwardToken"], 4
    while True:
        page = logs.get_log_events(logGroupName=group, logStreamName="s1", limit=4,
                                   nextToken=token)
        seen += len(page["events"])
        if page["nextForwardToken"] == token:
            break
        token = page["nextForwardToken"]
    assert seen == 10
    ranged = logs.get_log_events(logGroupName=group, logStreamName="s1", startFromHead=True,
                                 startTime=now + 2, endTime=now + 5)
    assert [e["message"] for e in ranged["events"]] == ["line 2", "line 3", "line 4"]
    stream = logs.describe_log_streams(logGroupName=group)["logStreams"][0]
    assert stream["firstEventTimestamp"] == now and stream["lastEventTimestamp"] == now + 9
    assert stream["storedBytes"] == sum(len(f"line {i}") for i in range(10))


def test_put_log_events_limits_and_rejections(logs) -> None:  # type: ignore[no-untyped-def]
    group = _group(logs)
    logs.create_log_stream(logGroupName=group, logStreamName="s")
    now = _now_ms()
    day_ms = 86_400_000
    result = logs.put_log_events(logGroupName=group, logStreamName="s", logEvents=[
        {"timestamp": now - 14 * day_ms - 7_200_000, "message": "too old"},
        {"timestamp": now - 14 * day_ms - 3_600_000, "message": "too old too"},
        {"timestamp": now - 14 * day_ms + 3_600_000, "message": "fine"}])
    assert result["rejectedLogEventsInfo"] == {"tooOldLogEventEndIndex": 1}
    result = logs.put_log_events(logGroupName=group, logStreamName="s", logEvents=[
        {"timestamp": now, "message": "fine"},
        {"timestamp": now + 3 * 3600 * 1000, "message": "too new"}])
    assert result["rejectedLogEventsInfo"] == {"tooNewLogEventStartIndex": 1}
    with pytest.raises(ClientError) as error:
        logs.put_log_events(logGroupName=group, logStreamName="s", logEvents=[
            {"timestamp": now, "message": "b"}, {"timestamp": now - 5, "message": "a"}])
    assert _code(error) == "InvalidParameterException"
    assert "chronological" in error.value.response["Error"]["Message"]
    with pytest.raises(ClientError) as error:
        logs.put_log_events(logGroupName=group, logStreamName="s", logEvents=[
            {"timestamp": now, "message": "x" * 200_000} for _ in range(6)])
    assert _code(error) == "InvalidParameterException"
    with pytest.raises(ClientError) as error:
        logs.put_log_events(logGroupName=group, logStreamName="nope", logEvents=[
            {"timestamp": now, "message": "x"}])
    assert _code(error) == "ResourceNotFoundException"
    assert error.value.response["Error"]["Message"] == "The specified log stream does not exist."
    logs.put_retention_policy(logGroupName=group, retentionInDays=1)
    result = logs.put_log_events(logGroupName=group, logStreamName="s", logEvents=[
        {"timestamp": now - day_ms - 7_200_000, "message": "expired"},
        {"timestamp": now - 3 * 3_600_000, "message": "kept"}])
    assert result["rejectedLogEventsInfo"] == {"expiredLogEventEndIndex": 0}


def test_filter_log_events_patterns(logs) -> None:  # type: ignore[no-untyped-def]
    group = _group(logs)
    now = _now_ms()
    messages = {
        "a": ["ERROR disk full", "INFO all good", "ERROR Debug noise", "user said \"hi there\""],
        "b": [json.dumps({"level": "error", "latency": 70, "user": {"id": 7}}),
              json.dumps({"level": "info", "latency": 20, "user": {"id": 8}})],
    }
    for stream, lines in messages.items():
        logs.create_log_stream(logGroupName=group, logStreamName=stream)
        logs.put_log_events(logGroupName=group, logStreamName=stream, logEvents=[
            {"timestamp": now + i, "message": m} for i, m in enumerate(lines)])

    def found(pattern: str, **options) -> list[str]:  # type: ignore[no-untyped-def]
        events = logs.filter_log_events(logGroupName=group, filterPattern=pattern,
                                        **options)["events"]
        return sorted(e["message"] for e in events)

    assert found("ERROR") == ["ERROR Debug noise", "ERROR disk full"]
    assert found("ERROR -Debug") == ["ERROR disk full"]
    assert found("?disk ?good") == ["ERROR disk full", "INFO all good"]
    assert found('"hi there"') == ['user said "hi there"']
    assert found("{ $.latency > 50 }") == [messages["b"][0]]
    assert found('{ $.level = "err*" && $.user.id = 7 }') == [messages["b"][0]]
    assert found('{ ($.level = "info") || ($.latency >= 70) }') == sorted(messages["b"])
    assert found("%ERR[O]R d%") == ["ERROR disk full"]
    assert found("[level, what, state=full]") == ["ERROR disk full"]
    assert len(found("[a, b, c]")) == 4  # every three-field message
    assert found('[level="INFO", ...]') == ["INFO all good"]
    assert found("[level=ERR*, word!=disk, ...]") == ["ERROR Debug noise"]
    assert found('[who, said, greeting="hi there"]') == ['user said "hi there"']
    assert len(found("", logStreamNames=["b"])) == 2
    event = logs.filter_log_events(logGroupName=group, limit=1)
    assert len(event["events"]) == 1 and "nextToken" in event
    assert event["events"][0]["eventId"].isdigit()
    with pytest.raises(ClientError) as error:
        logs.filter_log_events(logGroupName=group, filterPattern="{ $.x = }")
    assert _code(error) == "InvalidParameterException"


def test_retention_tags_and_streams(logs) -> None:  # type: ignore[no-untyped-def]
    group = _group(logs, tags={"team": "a"})
    with pytest.raises(ClientError) as error:
        logs.put_retention_policy(logGroupName=group, retentionInDays=2)
    assert _code(error) == "InvalidParameterException"
    logs.put_retention_policy(logGroupName=group, retentionInDays=7)
    described = logs.describe_log_groups(logGroupNamePrefix=group)["logGroups"][0]
    assert described["retentionInDays"] == 7
    logs.delete_retention_policy(logGroupName=group)
    assert "retentionInDays" not in logs.describe_log_groups(
        logGroupNamePrefix=group)["logGroups"][0]
    arn = described["logGroupArn"]
    logs.tag_resource(resourceArn=arn, tags={"env": "dev"})
    assert logs.list_tags_for_resource(resourceArn=arn)["tags"] == {"team": "a", "env": "dev"}
    logs.untag_resource(resourceArn=arn, tagKeys=["team"])
    assert logs.list_tags_log_group(logGroupName=group)["tags"] == {"env": "dev"}
    for name in ("b-stream", "a-stream", "c-other"):
        logs.create_log_stream(logGroupName=group, logStreamName=name)
    streams = logs.describe_log_streams(logGroupIdentifier=arn, logStreamNamePrefix="a-",
                                        )["logStreams"]
    assert [s["logStreamName"] for s in streams] == ["a-stream"]
    logs.put_log_events(logGroupName=group, logStreamName="c-other", logEvents=[
        {"timestamp": _now_ms(), "message": "latest"}])
    latest = logs.describe_log_streams(logGroupName=group, orderBy="LastEventTime",
                                       descending=True, limit=1)
    assert latest["logStreams"][0]["logStreamName"] == "c-other" and "nextToken" in latest
    with pytest.raises(ClientError) as error:
        logs.describe_log_streams(logGroupName=group, orderBy="LastEventTime",
                                  logStreamNamePrefix="a")
    assert _code(error) == "InvalidParameterException"
    logs.delete_log_stream(logGroupName=group, logStreamName="a-stream")
    with pytest.raises(ClientError) as error:
        logs.describe_log_streams(logGroupName=group + "-missing")
    assert _code(error) == "ResourceNotFoundException"


def test_retention_expires_events_on_the_cloud_clock() -> None:
    import boto3
    from tests.support import advance_clock, start_server

    server = start_server()  # its own clock: moving it must not disturb other tests
    try:
        logs = boto3.client("logs", endpoint_url=server.endpoint, region_name="us-east-1")
        logs.create_log_group(logGroupName="kept")
        logs.create_log_group(logGroupName="short")
        logs.put_retention_policy(logGroupName="short", retentionInDays=1)
        for group in ("kept", "short"):
            logs.create_log_stream(logGroupName=group, logStreamName="s")
            logs.put_log_events(logGroupName=group, logStreamName="s", logEvents=[
                {"timestamp": _now_ms(), "message": "hello"}])
        advance_clock(server.endpoint, 3600)
        assert len(logs.filter_log_events(logGroupName="short")["events"]) == 1
        advance_clock(server.endpoint, 86400)
        assert logs.filter_log_events(logGroupName="short")["events"] == []
        assert len(logs.filter_log_events(logGroupName="kept")["events"]) == 1
        stream = logs.describe_log_streams(logGroupName="short")["logStreams"][0]
        assert stream["storedBytes"] == 0
    finally:
        server.stop()


HOSTILE_PATTERNS = ["{", "{ $.a = ", "%(%", "{ $.a > abc }", '"unterminated', '"bad \\x"',
                    "{ $..a = 1 }", "{ $.a[99999999999999] = 1 }", "{ ( $.a = 1 }", "%(a)\\1%",
                    "{ $.a = 1 } trailing", "{ $.a IS }", "[a, b", "?", "-", "%%", "{}",
                    "{ $.a = \"x\" && }", "x" * 2000]


def test_hostile_filter_patterns_get_4xx_never_500(logs) -> None:  # type: ignore[no-untyped-def]
    group = _group(logs)
    logs.create_log_stream(logGroupName=group, logStreamName="s")
    logs.put_log_events(logGroupName=group, logStreamName="s", logEvents=[
        {"timestamp": _now_ms(), "message": json.dumps({"a": [1, {"b": None}]})},
        {"timestamp": _now_ms(), "message": "a" * 100_000 + "!"}])
    for pattern in HOSTILE_PATTERNS:
        try:
            logs.filter_log_events(logGroupName=group, filterPattern=pattern)
        except ClientError as error:
            status = error.response
            assert status["ResponseMetadata"]["HTTPStatusCode"] == 400, pattern
            assert status["Error"]["Code"] == "InvalidParameterException", pattern
    started = time.monotonic()  # a pattern that backtracks for ever in a naive engine
    found = logs.filter_log_events(logGroupName=group, filterPattern="%(a+)+$%")["events"]
    assert time.monotonic() - started < 5 and found == []


def test_acknowledged_events_survive_kill_9(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import boto3
    from tests.support import start_server

    server = start_server(tmp_path)
    try:
        logs = boto3.client("logs", endpoint_url=server.endpoint, region_name="us-east-1")
        logs.create_log_group(logGroupName="durable")
        logs.create_log_stream(logGroupName="durable", logStreamName="s")
        for batch in range(20):
            logs.put_log_events(logGroupName="durable", logStreamName="s", logEvents=[
                {"timestamp": _now_ms(), "message": f"batch {batch} line {i}"}
                for i in range(50)])
    finally:
        server.kill()
    server = start_server(tmp_path)
    try:
        logs = boto3.client("logs", endpoint_url=server.endpoint, region_name="us-east-1")
        pages = logs.get_paginator("filter_log_events").paginate(logGroupName="durable")
        assert sum(len(page["events"]) for page in pages) == 1000
    finally:
        server.stop()
