"""Metric filters end to end: stored and described as AWS does; TestMetricFilter with the
patterns and sample messages of AWS's documentation."""

from __future__ import annotations

import uuid

import pytest
from botocore.exceptions import ClientError

APACHE = [
    '127.0.0.1 - frank [10/Oct/2000:13:25:15 -0700] "GET /apache_pb.gif HTTP/1.0" 200 1534',
    '127.0.0.1 - frank [10/Oct/2000:13:35:22 -0700] "GET /apache_pb.gif HTTP/1.0" 500 5324',
    '127.0.0.1 - frank [10/Oct/2000:13:50:35 -0700] "GET /apache_pb.gif HTTP/1.0" 404 4355',
]


@pytest.fixture
def logs(client):  # type: ignore[no-untyped-def]
    return client("logs")


def _group(logs) -> str:  # type: ignore[no-untyped-def]
    name = f"/metric/{uuid.uuid4().hex[:10]}"
    logs.create_log_group(logGroupName=name)
    return name


def _error(error: pytest.ExceptionInfo[ClientError]) -> tuple[str, str]:
    return (str(error.value.response["Error"]["Code"]),
            str(error.value.response["Error"]["Message"]))


def test_space_delimited_pattern_extracts_named_fields(logs) -> None:  # type: ignore[no-untyped-def]
    matches = logs.test_metric_filter(
        filterPattern="[ip, identity, user_id, timestamp, request, status_code, size]",
        logEventMessages=APACHE)["matches"]
    assert [m["eventNumber"] for m in matches] == [0, 1, 2]
    assert matches[0]["eventMessage"] == APACHE[0]
    assert matches[0]["extractedValues"] == {
        "$ip": "127.0.0.1", "$identity": "-", "$user_id": "frank",
        "$timestamp": "10/Oct/2000:13:25:15 -0700", "$request": "GET /apache_pb.gif HTTP/1.0",
        "$status_code": "200", "$size": "1534"}


def test_conditions_and_ellipsis_select_events(logs) -> None:  # type: ignore[no-untyped-def]
    four_xx = logs.test_metric_filter(
        filterPattern="[ip, user, username, timestamp, request, status_code=4*, bytes]",
        logEventMessages=APACHE)["matches"]
    assert [(m["eventNumber"], m["extractedValues"]["$status_code"]) for m in four_xx] == [
        (2, "404")]
    tail = logs.test_metric_filter(filterPattern="[..., status_code>=500, size]",
                                   logEventMessages=APACHE)["matches"]
    assert [m["extractedValues"] for m in tail] == [{"$status_code": "500", "$size": "5324"}]


def test_json_and_term_patterns(logs) -> None:  # type: ignore[no-untyped-def]
    messages = ['{"eventType": "UpdateTrail", "latency": 70}',
                '{"eventType": "CreateTrail", "latency": 20}', "ERROR disk full",
                "WARN slow"]
    trail = logs.test_metric_filter(filterPattern='{ $.eventType = "UpdateTrail" }',
                                    logEventMessages=messages)["matches"]
    assert [(m["eventNumber"], m["extractedValues"]) for m in trail] == [
        (0, {"$.eventType": "UpdateTrail"})]
    slow = logs.test_metric_filter(filterPattern="{ $.latency > 50 }",
                                   logEventMessages=messages)["matches"]
    assert [m["extractedValues"] for m in slow] == [{"$.latency": "70"}]
    either = logs.test_metric_filter(filterPattern="?ERROR ?WARN", logEventMessages=messages)
    assert [(m["eventNumber"], m["extractedValues"]) for m in either["matches"]] == [
        (2, {}), (3, {})]
    with pytest.raises(ClientError) as error:
        logs.test_metric_filter(filterPattern="{ $.x = ", logEventMessages=["a"])
    assert _error(error) == ("InvalidParameterException", "Invalid filter pattern")


def test_put_describe_delete(logs) -> None:  # type: ignore[no-untyped-def]
    group = _group(logs)
    name = f"m-{uuid.uuid4().hex[:8]}"
    logs.put_metric_filter(logGroupName=group, filterName="errors", filterPattern="ERROR",
                           metricTransformations=[{"metricName": name, "metricNamespace": "App",
                                                   "metricValue": "1", "defaultValue": 0}])
    logs.put_metric_filter(logGroupName=group, filterName="bytes", filterPattern="[..., size]",
                           metricTransformations=[{"metricName": "Bytes",
                                                   "metricNamespace": "App",
                                                   "metricValue": "$size", "unit": "Bytes"}])
    described = logs.describe_metric_filters(logGroupName=group)["metricFilters"]
    assert [f["filterName"] for f in described] == ["bytes", "errors"]
    errors = described[1]
    assert errors["metricTransformations"] == [{"metricName": name, "metricNamespace": "App",
                                                "metricValue": "1", "defaultValue": 0.0}]
    assert errors["logGroupName"] == group and errors["applyOnTransformedLogs"] is False
    by_metric = logs.describe_metric_filters(metricName=name, metricNamespace="App")
    assert [f["filterName"] for f in by_metric["metricFilters"]] == ["errors"]
    by_prefix = logs.describe_metric_filters(logGroupName=group, filterNamePrefix="by")
    assert [f["filterName"] for f in by_prefix["metricFilters"]] == ["bytes"]
    paged = logs.describe_metric_filters(logGroupName=group, limit=1)
    rest = logs.describe_metric_filters(logGroupName=group, nextToken=paged["nextToken"])
    assert [f["filterName"] for f in paged["metricFilters"] + rest["metricFilters"]] == [
        "bytes", "errors"]
    group_info = logs.describe_log_groups(logGroupNamePrefix=group)["logGroups"][0]
    assert group_info["metricFilterCount"] == 2
    logs.delete_metric_filter(logGroupName=group, filterName="errors")
    with pytest.raises(ClientError) as error:
        logs.delete_metric_filter(logGroupName=group, filterName="errors")
    assert _error(error) == ("ResourceNotFoundException",
                             "The specified metric filter does not exist.")


def test_validation_errors(logs) -> None:  # type: ignore[no-untyped-def]
    group = _group(logs)
    two = [{"metricName": f"metric{i}", "metricNamespace": f"namespace{i}", "metricValue": "1"}
           for i in (1, 2)]
    with pytest.raises(ClientError) as error:
        logs.put_metric_filter(logGroupName=group, filterName="f", filterPattern="",
                               metricTransformations=two)
    assert _error(error) == ("InvalidParameterException", (
        "1 validation error detected: Value '[MetricTransformation(metricName=metric1, "
        "metricNamespace=namespace1, metricValue=1, defaultValue=null, unit=null, "
        "dimensions=null), MetricTransformation(metricName=metric2, metricNamespace=namespace2, "
        "metricValue=1, defaultValue=null, unit=null, dimensions=null)]' at "
        "'metricTransformations' failed to satisfy constraint: Member must have length less "
        "than or equal to 1"))
    with pytest.raises(ClientError) as error:
        logs.put_metric_filter(logGroupName=group, filterName="x" * 513, filterPattern="",
                               metricTransformations=two[:1])
    assert _error(error)[1].endswith("at 'filterName' failed to satisfy constraint: Member "
                                     "must have length less than or equal to 512")
    with pytest.raises(ClientError) as error:
        logs.put_metric_filter(logGroupName="/no/such", filterName="f", filterPattern="",
                               metricTransformations=two[:1])
    assert _error(error) == ("ResourceNotFoundException",
                             "The specified log group does not exist.")
