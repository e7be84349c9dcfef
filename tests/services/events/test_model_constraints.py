"""EventBridge checks a request against its model's constraints before the operation runs:
every broken constraint in one ValidationException."""

from __future__ import annotations

import boto3
import pytest
from botocore.config import Config
from tests.support import refusal

NAME_PATTERN = r"[\.\-_A-Za-z0-9]+"


@pytest.fixture
def events(endpoint: str):  # type: ignore[no-untyped-def]
    config = Config(retries={"max_attempts": 1}, parameter_validation=False)
    return boto3.client("events", region_name="us-east-1", endpoint_url=endpoint, config=config,
                        aws_access_key_id="test", aws_secret_access_key="test")


def test_a_rule_name_outside_the_pattern(events) -> None:  # type: ignore[no-untyped-def]
    assert refusal(events.put_rule, Name="bad name", ScheduleExpression="rate(1 hour)") == (
        "ValidationException", "1 validation error detected: Value 'bad name' at 'name' failed "
        f"to satisfy constraint: Member must satisfy regular expression pattern: {NAME_PATTERN}",
        400)


def test_pattern_length_and_enum_together(events) -> None:  # type: ignore[no-untyped-def]
    enum = events.meta.service_model.shape_for("RuleState").enum
    assert refusal(events.put_rule, Name="", State="MAYBE",
                   ScheduleExpression="rate(1 hour)") == (
        "ValidationException", "3 validation errors detected: Value '' at 'name' failed to "
        f"satisfy constraint: Member must satisfy regular expression pattern: {NAME_PATTERN}; "
        "Value '' at 'name' failed to satisfy constraint: Member must have length greater than "
        "or equal to 1; Value 'MAYBE' at 'state' failed to satisfy constraint: Member must "
        f"satisfy enum value set: [{', '.join(enum)}]", 400)


def test_a_long_rule_name(events) -> None:  # type: ignore[no-untyped-def]
    name = "r" * 65
    assert refusal(events.describe_rule, Name=name) == (
        "ValidationException", f"1 validation error detected: Value '{name}' at 'name' failed "
        "to satisfy constraint: Member must have length less than or equal to 64", 400)
