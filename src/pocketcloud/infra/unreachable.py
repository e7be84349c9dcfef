"""An endpoint that cannot be reached: a down Region, or a service a Region does not have.

With AWS the client never gets an HTTP answer: DNS finds no name, or the connection is refused
or reset, and botocore raises a connection error (EndpointConnectionError,
ConnectionClosedError), which it retries like any transport failure before giving up. It never
sees an AWS error code. pocketcloud serves every Region on one port, so it cannot refuse the
connection; it does the nearest thing and closes the connection without answering: botocore
raises ConnectionClosedError ("Connection was closed before we received a valid response"),
retried and then raised like the real thing.

Closing needs the server's transport: under uvicorn (the default) the protocol class below puts
its ``close`` in the ASGI scope's extensions. Where that is missing (granian) the answer is the
HTTP 503 ServiceUnavailable error in the protocol's shape, which SDKs also retry; the
``x-pocketcloud-unreachable`` header says why either way (the server log too).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, MutableMapping
from typing import Any

from pocketcloud.errors import AwsError
from pocketcloud.protocol.http import HttpResponse

UNREACHABLE_HEADER = "x-pocketcloud-unreachable"
CLOSE_EXTENSION = "pocketcloud.close_connection"
CLOSE_SETTLE_TICKS = 3


def endpoint_unreachable(reason: str) -> AwsError:
    return AwsError(
        "ServiceUnavailable",
        f"The endpoint cannot be reached: {reason}.",
        503,
        sender_fault=False,
        headers={UNREACHABLE_HEADER: reason},
    )


async def drop_connection(scope: MutableMapping[str, Any], response: HttpResponse) -> bool:
    """Close the connection instead of sending `response`, if it is an unreachable endpoint's
    and the server lets us; True when closed (the caller then sends nothing)."""
    if UNREACHABLE_HEADER not in response.headers:
        return False
    close: Callable[[], None] | None = scope.get("extensions", {}).get(CLOSE_EXTENSION)
    if close is None:
        return False
    close()
    for _ in range(CLOSE_SETTLE_TICKS):  # let the server see the connection go before we
        await asyncio.sleep(0)           # return, or it complains that no response started
    return True


def uvicorn_protocol() -> type:
    """uvicorn's httptools protocol, telling each request's scope how to close its connection."""
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

    class ClosableHttpToolsProtocol(HttpToolsProtocol):  # type: ignore[misc]
        def on_headers_complete(self) -> None:
            extensions: dict[str, Any] = self.scope.setdefault("extensions", {})
            extensions[CLOSE_EXTENSION] = self.transport.close
            super().on_headers_complete()

    return ClosableHttpToolsProtocol
