"""S3 test helpers: unique bucket names, a boto3 S3 client per region/account."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest


@pytest.fixture
def bucket_name() -> Callable[[], str]:
    return lambda: f"pc-test-{uuid.uuid4().hex[:20]}"


@pytest.fixture
def s3(client: Callable[..., Any]) -> Any:
    return client("s3")


@pytest.fixture
def bucket(s3: Any, bucket_name: Callable[[], str]) -> str:
    name = bucket_name()
    s3.create_bucket(Bucket=name)
    return name
