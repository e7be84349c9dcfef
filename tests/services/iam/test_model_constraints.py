"""IAM checks a request against its model's constraints before the operation runs, answering
ValidationError in field-name order; no value is shown (as AWS recorded for versionId and url)."""

from __future__ import annotations

import uuid

import boto3
import pytest
from botocore.config import Config
from tests.support import refusal

NAME_PATTERN = r"[\w+=,.@-]+"


@pytest.fixture
def iam(endpoint: str):  # type: ignore[no-untyped-def]
    config = Config(retries={"max_attempts": 1}, parameter_validation=False)
    return boto3.client("iam", region_name="us-east-1", endpoint_url=endpoint, config=config,
                        aws_access_key_id="test", aws_secret_access_key="test")


def test_a_user_name_outside_the_pattern(iam) -> None:  # type: ignore[no-untyped-def]
    assert refusal(iam.get_user, UserName="bad name") == (
        "ValidationError", "1 validation error detected: Value at 'userName' failed "
        f"to satisfy constraint: Member must satisfy regular expression pattern: {NAME_PATTERN}",
        400)


def test_an_empty_name_breaks_pattern_and_length(iam) -> None:  # type: ignore[no-untyped-def]
    assert refusal(iam.create_user, UserName="") == (
        "ValidationError", "2 validation errors detected: Value at 'userName' failed to "
        f"satisfy constraint: Member must satisfy regular expression pattern: {NAME_PATTERN}; "
        "Value at 'userName' failed to satisfy constraint: Member must have length greater "
        "than or equal to 1", 400)


def test_non_ascii_word_characters_break_the_pattern(iam) -> None:  # type: ignore[no-untyped-def]
    code, message, _ = refusal(iam.get_user, UserName="é")  # Java's \w is ASCII
    assert code == "ValidationError" and "Value at 'userName'" in message


def test_a_password_is_never_shown(iam) -> None:  # type: ignore[no-untyped-def]
    user = f"u-{uuid.uuid4().hex[:8]}"
    iam.create_user(UserName=user)
    assert refusal(iam.create_login_profile, UserName=user, Password="p" * 129) == (
        "ValidationError", "1 validation error detected: Value at 'password' failed to satisfy "
        "constraint: Member must have length less than or equal to 128", 400)


def test_numbers_are_not_shown(iam) -> None:  # type: ignore[no-untyped-def]
    assert refusal(iam.list_users, MaxItems=0) == (
        "ValidationError", "1 validation error detected: Value at 'maxItems' failed to satisfy "
        "constraint: Member must have value greater than or equal to 1", 400)
