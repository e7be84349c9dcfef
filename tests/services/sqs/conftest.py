"""SQS test helpers: a client per test and unique queue names (the server is shared)."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import pytest


@pytest.fixture
def sqs(client):  # type: ignore[no-untyped-def]
    return client("sqs", region_name="us-east-1")


@pytest.fixture
def unique() -> Callable[[str], str]:
    def make(prefix: str = "q") -> str:
        return f"{prefix}-{uuid.uuid4().hex[:12]}"

    return make
