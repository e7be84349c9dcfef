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
