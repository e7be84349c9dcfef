"""The raw ASGI baseline: read the request body, answer a fixed small body.

It receives the same signed STS request as the real servers, so the gap between this
and pocketcloud is the cost of pocketcloud's own code, not of HTTP or the ASGI server.
"""

from __future__ import annotations

from typing import Any

BODY = b"<ok/>"
HEADERS = [
    (b"content-type", b"text/xml"),
    (b"content-length", str(len(BODY)).encode()),
]
START = {"type": "http.response.start", "status": 200, "headers": HEADERS}
END = {"type": "http.response.body", "body": BODY}


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] == "lifespan":
        await _lifespan(receive, send)
        return
    more_body = True
    while more_body:  # bounded by the client's Content-Length
        message = await receive()
        more_body = message.get("more_body", False)
    await send(START)
    await send(END)


async def _lifespan(receive: Any, send: Any) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return
