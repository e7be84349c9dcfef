"""Refusals compared with answers recorded against AWS: bus names (moto's AWS-verified
create_event_bus cases), rules, targets and PutEvents entries (LocalStack's
tests/aws/services/events recordings)."""

from __future__ import annotations

import json
import uuid
from typing import Any

import botocore.exceptions
import pytest

QUEUE = "arn:aws:sqs:us-east-1:000000000000:q"
PATTERN = json.dumps({"source": ["x"]})


@pytest.fixture
def events(client):  # type: ignore[no-untyped-def]
    return client("events")


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def error_of(call: Any, **kwargs: Any) -> dict[str, str]:
    with pytest.raises(botocore.exceptions.ClientError) as raised:
        call(**kwargs)
    return dict(raised.value.response["Error"])


def test_a_slash_is_for_partner_buses_only(events: Any) -> None:
    assert error_of(events.create_event_bus, Name="test/test-bus") == {
        "Code": "ValidationException", "Message": "Event bus name must not contain '/'."}
    partner = "aws.partner/test/test-bus"
    assert error_of(events.create_event_bus, Name=partner, EventSourceName=partner) == {
        "Code": "ResourceNotFoundException",
        "Message": f"Event source {partner} does not exist."}
    assert error_of(events.create_event_bus, Name="default") == {
        "Code": "ResourceAlreadyExistsException",
        "Message": "Event bus default already exists."}
