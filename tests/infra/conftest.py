"""Providers called directly, as the gateway calls them, over a real durable store."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from pocketcloud.context import RequestContext
from pocketcloud.infra.clock import Clock
from pocketcloud.store import Store

ACCOUNT_ID = "123456789012"

MakeContext = Callable[..., RequestContext]


@pytest.fixture
def cloud(tmp_path: Path) -> Iterator[Any]:
    store = Store(tmp_path / "data")
    yield SimpleNamespace(store=store, clock=Clock())
    store.close()


@pytest.fixture
def make_ctx(cloud: Any) -> MakeContext:
    def make(region: str = "us-east-1", account_id: str = ACCOUNT_ID,
             service: str = "ec2") -> RequestContext:
        return RequestContext(cloud=cloud, request_id="test-request", account_id=account_id,
                              region=region, service=service)

    return make
