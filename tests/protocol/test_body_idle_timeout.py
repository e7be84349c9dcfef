"""A request body read that goes quiet ends in RequestTimeout; nothing else is cancelled."""

from __future__ import annotations

import asyncio
import time
from collections.abc import MutableMapping
from typing import Any

import pytest

from pocketcloud.errors import AwsError
from pocketcloud.protocol import streams

IDLE_S = 0.2


@pytest.fixture(autouse=True)
def short_idle(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(streams, "BODY_IDLE_TIMEOUT_S", IDLE_S)


def _after(delay_s: float) -> Any:
    async def receive() -> MutableMapping[str, Any]:
        await asyncio.sleep(delay_s)
        return {"type": "http.request", "body": b"x"}

    return receive


def test_quiet_reads_time_out_and_others_finish() -> None:
    async def main() -> list[Any]:
        async def read(delay_s: float) -> Any:
            try:
                return (await streams.receive_within(_after(delay_s)))["body"]
            except AwsError as error:
                return error.code

        started = time.monotonic()
        found = await asyncio.gather(read(0), read(IDLE_S / 2), read(60), read(60))
        assert time.monotonic() - started < IDLE_S * 1.25 + 1  # checked a quarter apart
        return found

    assert asyncio.run(main()) == [b"x", b"x", "RequestTimeout", "RequestTimeout"]


def test_a_task_is_never_cancelled_after_its_read() -> None:
    async def main() -> str:
        await streams.receive_within(_after(IDLE_S * 0.9))  # ends just before its deadline
        await asyncio.sleep(IDLE_S * 2)  # a cancel now would be a stray one
        return "finished"

    assert asyncio.run(main()) == "finished"


def test_a_cancel_from_elsewhere_stays_a_cancel() -> None:
    async def main() -> None:
        reader = asyncio.ensure_future(streams.receive_within(_after(60)))
        await asyncio.sleep(IDLE_S / 4)
        reader.cancel()
        with pytest.raises(asyncio.CancelledError):
            await reader

    asyncio.run(main())
