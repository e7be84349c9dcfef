"""Closing the connection after an answer sent before the request's body was read.

HTTP/1.1 carries the next request on the same connection right after this one's body. If we
answer early (a bad signature, a missing bucket, a too-large body), the unread bytes would be
parsed as the next request; a client that sent `Expect: 100-continue` never sends them at all.
Either way the only safe end is `Connection: close`.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any

from pocketcloud.gateway.asgi import Receive
from pocketcloud.protocol.http import HttpRequest, HttpResponse


class TrackedReceive:
    """A receive() that remembers whether the body's last message has arrived."""

    __slots__ = ("_receive", "done")

    def __init__(self, receive: Receive) -> None:
        self._receive = receive
        self.done = False

    async def __call__(self) -> MutableMapping[str, Any]:
        message = await self._receive()
        if not message.get("more_body", False):
            self.done = True
        return message


def track_body(request: HttpRequest) -> bool:
    """Does the request announce a body worth tracking?"""
    headers = request.headers
    length = headers.get("content-length")
    return (length is not None and length != "0") or "transfer-encoding" in headers


def close_if_unread(response: HttpResponse, tracked: TrackedReceive | None) -> None:
    if tracked is not None and not tracked.done:
        response.headers["Connection"] = "close"
