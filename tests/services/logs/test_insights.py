"""Logs Insights end to end: queries run over real events and answer as AWS does."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

import pytest
from botocore.exceptions import ClientError


@pytest.fixture
def logs(client):  # type: ignore[no-untyped-def]
    return client("logs")


def _group_with_events(logs: Any) -> tuple[str, int]:
    group = f"/insights/{uuid.uuid4().hex[:8]}"
    logs.create_log_group(logGroupName=group)
    logs.create_log_stream(logGroupName=group, logStreamName="app")
    base = (int(time.time()) // 300 * 300 - 600) * 1000  # two 5-minute bins back
    events = [{"timestamp": base + i * 60_000, "message": json.dumps(
        {"level": "ERROR" if i % 3 == 0 else "INFO", "latency": 10 * i,
         "user": {"id": f"u{i % 2}"}})} for i in range(8)]
    events.append({"timestamp": base + 8 * 60_000,
                   "message": "user=bob action=login status=200"})
    logs.put_log_events(logGroupName=group, logStreamName="app", logEvents=events)
    return group, base


def _run(logs: Any, group: str, query: str, **options: Any) -> dict[str, Any]:
    now = int(time.time())
    query_id = logs.start_query(logGroupName=group, startTime=now - 3600, endTime=now + 60,
                                queryString=query, **options)["queryId"]
    deadline = time.monotonic() + 20
    while True:
        answer = logs.get_query_results(queryId=query_id)
        if answer["status"] not in ("Scheduled", "Running"):
            return dict(answer)
        assert time.monotonic() < deadline, "query never completed"
        time.sleep(0.1)


def _rows(answer: dict[str, Any]) -> list[dict[str, str]]:
    return [{f["field"]: f["value"] for f in row} for row in answer["results"]]


def test_stats_by_field_and_bin(logs) -> None:  # type: ignore[no-untyped-def]
    group, base = _group_with_events(logs)
    answer = _run(logs, group, "stats count(*) as n, avg(latency) as mean, max(latency) by "
                  "user.id | filter ispresent(user.id) | sort user.id")
    assert answer["status"] == "Complete"
    assert _rows(answer) == [
        {"user.id": "u0", "n": "4", "mean": "30", "max(latency)": "60"},
        {"user.id": "u1", "n": "4", "mean": "40", "max(latency)": "70"}]
    assert answer["statistics"]["recordsScanned"] == 9.0
    assert answer["statistics"]["recordsMatched"] == 9.0
    assert answer["statistics"]["bytesScanned"] > 0
    bins = _rows(_run(logs, group, "stats count(*) by bin(5m)"))
    assert [int(b["count(*)"]) for b in bins] == [5, 4]
    assert bins[0]["bin(5m)"] == time.strftime("%Y-%m-%d %H:%M:%S.000",
                                               time.gmtime(base / 1000))


def test_fields_filter_sort_limit_parse(logs) -> None:  # type: ignore[no-untyped-def]
    group, _ = _group_with_events(logs)
    answer = _run(logs, group, 'fields @timestamp, latency | filter level = "ERROR" and '
                  "latency > 0 | sort latency desc | limit 1")
    [row] = _rows(answer)
    assert row["latency"] == "60" and "@ptr" in row and set(row) == {
        "@timestamp", "latency", "@ptr"}
    assert answer["statistics"]["recordsMatched"] == 2.0
    parsed = _rows(_run(logs, group, 'parse @message "user=* action=* status=*" as who, act, '
                        "code | filter code >= 200 | display who, act, code"))
    assert parsed == [{"who": "bob", "act": "login", "code": "200", "@ptr": parsed[0]["@ptr"]}]
    regex = _rows(_run(logs, group, r"parse @message /action=(?<act>\w+)/ | filter "
                       "@message like /bob/ or level in [\"WARN\"] | fields act"))
    assert [r["act"] for r in regex] == ["login"]
    deduped = _rows(_run(logs, group, "filter not ispresent(action) | fields level | "
                         "dedup level | sort level"))
    assert [r.get("level") for r in deduped] == ["ERROR", "INFO", None]
    logs_field = _rows(_run(logs, group, "fields @logStream, @log | limit 1"))[0]
    assert logs_field["@logStream"] == "app" and logs_field["@log"].endswith(":" + group)


def test_malformed_and_missing(logs) -> None:  # type: ignore[no-untyped-def]
    group, _ = _group_with_events(logs)
    now = int(time.time())
    with pytest.raises(ClientError) as error:
        logs.start_query(logGroupName=group, startTime=now - 60, endTime=now,
                         queryString="fields @message | bogus")
    assert error.value.response["Error"]["Code"] == "MalformedQueryException"
    assert error.value.response["queryCompileError"]["location"] == {
        "startCharOffset": 18, "endCharOffset": 22}
    with pytest.raises(ClientError) as error:
        logs.start_query(logGroupName="/no/such", startTime=now - 60, endTime=now,
                         queryString="fields @message")
    assert error.value.response["Error"]["Message"].startswith(
        "Log group '/no/such' does not exist for account ID '000000000000'")
    with pytest.raises(ClientError) as error:
        logs.get_query_results(queryId=str(uuid.uuid4()))
    assert error.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_describe_stop_and_definitions(logs) -> None:  # type: ignore[no-untyped-def]
    group, _ = _group_with_events(logs)
    now = int(time.time())
    query_id = logs.start_query(logGroupName=group, startTime=now - 60, endTime=now,
                                queryString="fields @message")["queryId"]
    logs.stop_query(queryId=query_id)
    described = [q for q in logs.describe_queries(logGroupName=group)["queries"]
                 if q["queryId"] == query_id]
    assert described[0]["queryString"] == (f'SOURCE "{group}" START={now - 60}000 '
                                           f"END={now}999 | fields @message")
    assert described[0]["status"] in ("Cancelled", "Complete")
    assert described[0]["logGroupName"] == group
    name = f"saved-{uuid.uuid4().hex[:8]}"
    definition = logs.put_query_definition(name=name, queryString="fields @message",
                                           logGroupNames=[group])["queryDefinitionId"]
    logs.put_query_definition(name=name, queryDefinitionId=definition,
                              queryString="stats count(*)")
    found = logs.describe_query_definitions(queryDefinitionNamePrefix=name)
    assert [(d["queryDefinitionId"], d["queryString"]) for d in found["queryDefinitions"]] == [
        (definition, "stats count(*)")]
    assert logs.delete_query_definition(queryDefinitionId=definition)["success"] is True
    with pytest.raises(ClientError) as error:
        logs.delete_query_definition(queryDefinitionId=definition)
    assert error.value.response["Error"]["Code"] == "ResourceNotFoundException"
