"""CloudWatch Logs answers as AWS records them: error codes for bad parameters, group fields."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from botocore.exceptions import ClientError


@pytest.fixture
def logs(client):  # type: ignore[no-untyped-def]
    return client("logs")


@pytest.fixture
def group(logs: Any) -> str:
    name = f"/recorded/{uuid.uuid4().hex[:8]}"
    logs.create_log_group(logGroupName=name)
    logs.create_log_stream(logGroupName=name, logStreamName="app")
    return name


def _error(call: Any, **params: Any) -> tuple[str, str]:
    with pytest.raises(ClientError) as raised:
        call(**params)
    error = raised.value.response["Error"]
    return error["Code"], error["Message"]


def test_a_limit_beyond_the_maximum_is_an_invalid_parameter(logs: Any, group: str) -> None:
    expected = ("InvalidParameterException", "1 validation error detected: Value '10001' at "
                "'limit' failed to satisfy constraint: Member must have value less than or "
                "equal to 10000")
    assert _error(logs.get_log_events, logGroupName=group, logStreamName="app",
                  limit=10001) == expected
    assert _error(logs.filter_log_events, logGroupName=group, limit=10001) == expected


@pytest.mark.parametrize("call", ["create_log_group", "create_log_stream"])
def test_a_name_longer_than_512_is_refused(logs: Any, group: str, call: str) -> None:
    params = ({"logGroupName": "g" * 513} if call == "create_log_group"
              else {"logGroupName": group, "logStreamName": "s" * 513})
    assert _error(getattr(logs, call), **params) == (
        "InvalidParameterException",
        "Invalid LogGroup or LogStream, both must have length less than or equal to 512.")


def test_a_described_group_says_deletion_protection_is_off(logs: Any, group: str) -> None:
    found = logs.describe_log_groups(logGroupNamePrefix=group)["logGroups"]
    assert found[0]["deletionProtectionEnabled"] is False
    assert found[0]["logGroupClass"] == "STANDARD"


def test_name_and_identifier_together_are_a_validation_exception(logs: Any, group: str) -> None:
    assert _error(logs.describe_log_streams, logGroupName=group, logGroupIdentifier=group) == (
        "ValidationException",
        "LogGroup name and LogGroup ARN are mutually exclusive parameters.")


def test_a_name_pattern_is_a_case_sensitive_substring(logs: Any) -> None:
    unique = uuid.uuid4().hex[:8]
    name = f"/recorded/{unique}/GroupDataLogs"
    logs.create_log_group(logGroupName=name)
    found = logs.describe_log_groups(logGroupNamePattern=f"{unique}/GroupData")["logGroups"]
    assert [g["logGroupName"] for g in found] == [name]
    assert logs.describe_log_groups(logGroupNamePattern=f"{unique}/groupdata")["logGroups"] == []


def test_a_pattern_search_leaves_out_size_and_deletion_protection(logs: Any,
                                                                  group: str) -> None:
    found = logs.describe_log_groups(logGroupNamePattern=group[1:])["logGroups"]
    assert sorted(found[0]) == ["arn", "creationTime", "logGroupArn", "logGroupClass",
                                "logGroupName", "metricFilterCount"]
    by_prefix = logs.describe_log_groups(logGroupNamePrefix=group)["logGroups"]
    assert by_prefix[0]["storedBytes"] == 0
