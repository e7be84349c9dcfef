"""Event patterns through TestEventPattern: AWS's matching rules and validation."""

from __future__ import annotations

import json
from typing import Any

import botocore.exceptions
import pytest

EVENT = {
    "id": "7bf73129-1428-4cd3-a780-95db273d1602", "account": "000000000000",
    "source": "aws.ec2", "time": "2026-12-06T05:00:00Z", "region": "us-east-1",
    "detail-type": "EC2 Instance State-change Notification", "resources": ["arn:aws:ec2:x"],
    "detail": {"instance-id": "i-1234567890abcdef0", "state": "running", "count": 5,
               "ip": "10.0.0.12", "tags": ["blue", "green"], "flag": True, "none": None,
               "nested": {"deep": "Value"}},
}


@pytest.fixture
def events(client):  # type: ignore[no-untyped-def]
    return client("events")


def matches(events: Any, pattern: dict[str, Any], event: dict[str, Any] = EVENT) -> bool:
    return bool(events.test_event_pattern(EventPattern=json.dumps(pattern),
                                          Event=json.dumps(event))["Result"])


@pytest.mark.parametrize(("detail", "expected"), [
    ({"state": ["running"]}, True),
    ({"state": ["stopped"]}, False),
    ({"state": ["stopped", "running"]}, True),
    ({"count": [5.0]}, True),
    ({"count": ["5"]}, False),
    ({"flag": [True]}, True),
    ({"none": [None]}, True),
    ({"tags": ["green"]}, True),
    ({"state": [{"prefix": "run"}]}, True),
    ({"state": [{"prefix": {"equals-ignore-case": "RUN"}}]}, True),
    ({"state": [{"suffix": "ing"}]}, True),
    ({"state": [{"anything-but": "running"}]}, False),
    ({"state": [{"anything-but": ["stopped", "pending"]}]}, True),
    ({"state": [{"anything-but": {"prefix": "run"}}]}, False),
    ({"count": [{"numeric": [">", 0, "<=", 5]}]}, True),
    ({"count": [{"numeric": ["<", 5]}]}, False),
    ({"ip": [{"cidr": "10.0.0.0/24"}]}, True),
    ({"ip": [{"cidr": "10.0.1.0/24"}]}, False),
    ({"missing": [{"exists": False}]}, True),
    ({"state": [{"exists": True}]}, True),
    ({"state": [{"exists": False}]}, False),
    ({"missing": [{"anything-but": "x"}]}, False),
    ({"state": [{"equals-ignore-case": "RUNNING"}]}, True),
    ({"instance-id": [{"wildcard": "i-*ef0"}]}, True),
    ({"instance-id": [{"wildcard": "i-*x"}]}, False),
    ({"nested": {"deep": ["Value"]}}, True),
    ({"nested": {"deep": ["value"]}}, False),
    ({"$or": [{"state": ["stopped"]}, {"count": [5]}]}, True),
    ({"$or": [{"state": ["stopped"]}, {"count": [6]}]}, False),
])
def test_matching(events: Any, detail: dict[str, Any], expected: bool) -> None:
    assert matches(events, {"source": ["aws.ec2"], "detail": detail}) is expected


def test_top_level_fields(events: Any) -> None:
    assert matches(events, {"detail-type": [{"prefix": "EC2"}], "resources": ["arn:aws:ec2:x"]})
    assert not matches(events, {"source": ["aws.s3"]})


@pytest.mark.parametrize("pattern", [
    "not json", "[]", '{"source": "aws.ec2"}', '{"source": [{"prefix": 5}]}',
    '{"source": [{"nope": 1}]}', '{"a": [{"numeric": [">", "x"]}]}',
    '{"a": [{"numeric": ["<", 5, ">", 1]}]}', '{"a": [{"exists": "yes"}]}',
    '{"a": [{"cidr": "bogus"}]}', '{"a": [{"wildcard": "a**b"}]}',
    '{"$or": [{"a": ["x"]}]}', '{"a": []}', '{"a": [{"anything-but": [true]}]}',
])
def test_invalid_patterns(events: Any, pattern: str) -> None:
    with pytest.raises(botocore.exceptions.ClientError) as raised:
        events.test_event_pattern(EventPattern=pattern, Event=json.dumps(EVENT))
    assert raised.value.response["Error"]["Code"] == "InvalidEventPatternException"


def test_event_must_carry_required_fields(events: Any) -> None:
    event = {k: v for k, v in EVENT.items() if k != "time"}
    with pytest.raises(botocore.exceptions.ClientError) as raised:
        matches(events, {"source": ["aws.ec2"]}, event)
    assert raised.value.response["Error"]["Code"] == "ValidationException"
