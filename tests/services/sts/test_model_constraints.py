"""STS checks a request against its model's constraints before any role is looked up, with
answers recorded against AWS: pattern before length, secrets never shown."""

from __future__ import annotations

import boto3
import pytest
from botocore.config import Config
from tests.support import refusal

ROLE = "arn:aws:iam::000000000000:role/constraints"
ARN_PATTERN = (r"[\u0009\u000A\u000D\u0020-\u007E\u0085\u00A0-\uD7FF\uE000-\uFFFD"
               r"\u10000-\u10FFFF]+")


@pytest.fixture
def sts(endpoint: str):  # type: ignore[no-untyped-def]
    config = Config(retries={"max_attempts": 1}, parameter_validation=False)
    return boto3.client("sts", region_name="us-east-1", endpoint_url=endpoint, config=config,
                        aws_access_key_id="test", aws_secret_access_key="test")


def test_a_session_name_breaking_pattern_and_length(sts) -> None:  # type: ignore[no-untyped-def]
    assert refusal(sts.assume_role, RoleArn=ROLE, RoleSessionName="!") == (
        "ValidationError", "2 validation errors detected: Value '!' at 'roleSessionName' failed "
        r"to satisfy constraint: Member must satisfy regular expression pattern: [\w+=,.@-]*; "
        "Value '!' at 'roleSessionName' failed to satisfy constraint: Member must have length "
        "greater than or equal to 2", 400)


def test_an_empty_role_arn(sts) -> None:  # type: ignore[no-untyped-def]
    assert refusal(sts.assume_role, RoleArn="", RoleSessionName="s1") == (
        "ValidationError", "2 validation errors detected: Value '' at 'roleArn' failed to "
        f"satisfy constraint: Member must satisfy regular expression pattern: {ARN_PATTERN}; "
        "Value '' at 'roleArn' failed to satisfy constraint: Member must have length greater "
        "than or equal to 20", 400)


def test_characters_beyond_the_basic_plane_break_the_pattern(sts) -> None:  # type: ignore[no-untyped-def]
    arn = "\U0001f600" * 20
    assert refusal(sts.assume_role, RoleArn=arn, RoleSessionName="s1") == (
        "ValidationError", f"1 validation error detected: Value '{arn}' at 'roleArn' failed to "
        f"satisfy constraint: Member must satisfy regular expression pattern: {ARN_PATTERN}", 400)


def test_a_duration_below_the_range(sts) -> None:  # type: ignore[no-untyped-def]
    assert refusal(sts.assume_role, RoleArn=ROLE, RoleSessionName="s1", DurationSeconds=899) == (
        "ValidationError", "1 validation error detected: Value '899' at 'durationSeconds' failed "
        "to satisfy constraint: Member must have value greater than or equal to 900", 400)


def test_a_web_identity_token_is_never_shown(sts) -> None:  # type: ignore[no-untyped-def]
    assert refusal(sts.assume_role_with_web_identity, RoleArn=ROLE, RoleSessionName="s1",
                   WebIdentityToken="abc") == (
        "ValidationError", "1 validation error detected: Value at 'webIdentityToken' failed to "
        "satisfy constraint: Member must have length greater than or equal to 4", 400)
