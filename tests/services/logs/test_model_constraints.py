"""CloudWatch Logs checks a request against its model's constraints before the operation runs,
answering InvalidParameterException with every broken constraint."""

from __future__ import annotations

import boto3
import pytest
from botocore.config import Config
from tests.support import refusal

GROUP_PATTERN = r"[\.\-_/#A-Za-z0-9]+"


@pytest.fixture
def logs(endpoint: str):  # type: ignore[no-untyped-def]
    config = Config(retries={"max_attempts": 1}, parameter_validation=False)
    return boto3.client("logs", region_name="us-east-1", endpoint_url=endpoint, config=config,
                        aws_access_key_id="test", aws_secret_access_key="test")


def test_a_limit_below_one(logs) -> None:  # type: ignore[no-untyped-def]
    assert refusal(logs.describe_log_groups, limit=0) == (
        "InvalidParameterException", "1 validation error detected: Value '0' at 'limit' failed "
        "to satisfy constraint: Member must have value greater than or equal to 1", 400)


def test_two_broken_members_in_model_order(logs) -> None:  # type: ignore[no-untyped-def]
    assert refusal(logs.describe_log_groups, logGroupNamePrefix="bad name", limit=51) == (
        "InvalidParameterException", "2 validation errors detected: Value 'bad name' at "
        "'logGroupNamePrefix' failed to satisfy constraint: Member must satisfy regular "
        f"expression pattern: {GROUP_PATTERN}; Value '51' at 'limit' failed to satisfy "
        "constraint: Member must have value less than or equal to 50", 400)


def test_an_enum_value_outside_the_set(logs) -> None:  # type: ignore[no-untyped-def]
    code, message, _ = refusal(logs.create_log_group, logGroupName="/enum/group",
                               logGroupClass="HOT")
    assert code == "InvalidParameterException"
    assert message.startswith("1 validation error detected: Value 'HOT' at 'logGroupClass' "
                              "failed to satisfy constraint: Member must satisfy enum value set: "
                              "[STANDARD, INFREQUENT_ACCESS")


def test_an_overlong_group_name_keeps_its_own_message(logs) -> None:  # type: ignore[no-untyped-def]
    assert refusal(logs.create_log_group, logGroupName="a" * 513) == (
        "InvalidParameterException",
        "Invalid LogGroup or LogStream, both must have length less than or equal to 512.", 400)
