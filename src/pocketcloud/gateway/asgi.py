"""The thin edge between ASGI messages and the protocol layer's plain HttpRequest/Response."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from pocketcloud.errors import AwsError
from pocketcloud.protocol.http import HttpRequest, HttpResponse
from pocketcloud.protocol.streams import receive_within

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]

# A whole request body is held in memory only up to this size; larger uploads (S3 objects)
# must stream. 20 MiB covers every non-streaming AWS API (DynamoDB's 16 MB batch included).
MAX_BUFFERED_BODY_BYTES = 20 * 1024 * 1024


async def read_body(receive: Receive, limit_bytes: int = MAX_BUFFERED_BODY_BYTES) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive_within(receive)  # a quiet client: RequestTimeout, no hang
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit_bytes:
            raise AwsError(
                "RequestEntityTooLarge",
                f"The request body is larger than {limit_bytes} bytes.",
                413,
            )
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


# Header names as clients send them -> lower-case str, and response header names -> bytes:
# the same few dozen names on every request, so each is decoded (or encoded) once.
HEADER_NAMES_CACHED_MAX = 1024
_names_in: dict[bytes, str] = {}
_names_out: dict[str, tuple[bytes, bool]] = {}  # name -> (bytes, is it Content-Length)


def _name_in(raw_name: bytes) -> str:
    name = raw_name.decode("latin-1").lower()  # ASGI servers send lower case; others may not
    if len(_names_in) < HEADER_NAMES_CACHED_MAX:
        _names_in[raw_name] = name
    return name


def _name_out(name: str) -> tuple[bytes, bool]:
    encoded = name.encode("latin-1")
    found = (encoded, encoded.lower() == b"content-length")
    if len(_names_out) < HEADER_NAMES_CACHED_MAX:
        _names_out[name] = found
    return found


def to_request(scope: Scope, body: bytes) -> HttpRequest:
    headers: dict[str, str] = {}
    for raw_name, raw_value in scope["headers"]:
        name = _names_in.get(raw_name) or _name_in(raw_name)
        value = raw_value.decode("latin-1")
        headers[name] = f"{headers[name]},{value}" if name in headers else value
    raw_path = scope.get("raw_path") or scope["path"].encode("utf-8")
    path = raw_path.decode("latin-1").split("?", 1)[0]
    client = scope.get("client")
    return HttpRequest(
        method=scope["method"],
        path=path or "/",
        wire_path=path or "/",
        query_string=scope.get("query_string", b"").decode("latin-1"),
        headers=headers,
        body=body,
        host=headers.get("host", ""),
        client_ip=str(client[0]) if client else "",
    )


async def send_response(send: Send, response: HttpResponse) -> None:
    headers = []
    has_length = False
    for name, value in response.headers.items():
        encoded, is_length = _names_out.get(name) or _name_out(name)
        has_length = has_length or is_length
        headers.append((encoded, value.encode("latin-1")))
    if response.stream is None and not has_length:
        headers.append((b"content-length", str(len(response.body)).encode()))
    await send({"type": "http.response.start", "status": response.status_code, "headers": headers})
    if response.stream is None:
        await send({"type": "http.response.body", "body": response.body})
        return
    try:
        async for chunk in response.stream:
            await send({"type": "http.response.body", "body": chunk, "more_body": True})
        await send({"type": "http.response.body", "body": b""})
    finally:
        response.stream.close()
