"""receive_within: the next ASGI body message, a timer only when the message has to be waited
for, and AWS's RequestTimeout when a client goes quiet."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from pocketcloud.errors import AwsError
from pocketcloud.protocol import streams
from pocketcloud.protocol.streams import receive_within

MESSAGE = {"type": "http.request", "body": b"{}", "more_body": False}


def test_a_message_already_there_is_returned_without_waiting() -> None:
    async def ready() -> dict[str, Any]:
        return MESSAGE

    async def main() -> None:
        loop = asyncio.get_running_loop()
        timers_before = len(getattr(loop, "_scheduled", ()))
        assert await receive_within(ready) is MESSAGE
        assert len(getattr(loop, "_scheduled", ())) == timers_before  # no timer, no watched read

    asyncio.run(main())


def test_a_message_that_arrives_later_is_waited_for() -> None:
    async def main() -> None:
        arrived: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()

        async def later() -> dict[str, Any]:
            await asyncio.sleep(0)  # a wait that is not the message itself
            return await arrived

        asyncio.get_running_loop().call_later(0.02, arrived.set_result, MESSAGE)
        assert await receive_within(later) is MESSAGE

    asyncio.run(main())


def test_a_quiet_client_gets_request_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(streams, "BODY_IDLE_TIMEOUT_S", 0.05)
    cleaned_up = []

    async def never() -> dict[str, Any]:
        try:
            await asyncio.Event().wait()
        finally:
            cleaned_up.append(True)  # the wait itself was cancelled, not abandoned
        raise AssertionError("unreachable")

    async def main() -> None:
        with pytest.raises(AwsError) as raised:
            await receive_within(never)
        assert (raised.value.code, raised.value.status_code) == ("RequestTimeout", 400)
        assert asyncio.current_task().cancelling() == 0

    asyncio.run(main())
    assert cleaned_up == [True]


def test_cancelling_the_request_cancels_the_wait() -> None:
    cleaned_up = []

    async def never() -> dict[str, Any]:
        try:
            await asyncio.Event().wait()
        finally:
            cleaned_up.append(True)
        raise AssertionError("unreachable")

    async def main() -> None:
        task = asyncio.create_task(receive_within(never))
        await asyncio.sleep(0.01)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(main())
    assert cleaned_up == [True]


def test_an_error_of_receive_reaches_the_caller() -> None:
    async def broken() -> dict[str, Any]:
        await asyncio.sleep(0)
        raise OSError("connection reset")

    async def main() -> None:
        with pytest.raises(OSError, match="connection reset"):
            await receive_within(broken)

    asyncio.run(main())


class _NextOnly:
    """An awaitable whose iterator has only __next__ (no send, throw or close), as granian's
    receive() returns: waits once on `future`, then answers its result."""

    def __init__(self, future: asyncio.Future[Any] | None, value: Any) -> None:
        self._future, self._value = future, value

    def __await__(self) -> _NextOnly:
        return self

    def __iter__(self) -> _NextOnly:
        return self

    def __next__(self) -> Any:
        future, self._future = self._future, None
        if future is not None and not future.done():
            future._asyncio_future_blocking = True  # what Future.__await__ sets before yielding
            return future
        raise StopIteration(self._value)


def test_an_awaitable_without_send_is_driven_like_await() -> None:
    async def main() -> None:
        assert await receive_within(lambda: _NextOnly(None, MESSAGE)) is MESSAGE
        arrived = asyncio.get_running_loop().create_future()
        asyncio.get_running_loop().call_later(0.02, arrived.set_result, None)
        assert await receive_within(lambda: _NextOnly(arrived, MESSAGE)) is MESSAGE

    asyncio.run(main())


def test_a_quiet_awaitable_without_throw_still_times_out(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(streams, "BODY_IDLE_TIMEOUT_S", 0.05)

    async def main() -> None:
        never = asyncio.get_running_loop().create_future()
        with pytest.raises(AwsError) as raised:
            await receive_within(lambda: _NextOnly(never, MESSAGE))
        assert raised.value.code == "RequestTimeout"

    asyncio.run(main())
