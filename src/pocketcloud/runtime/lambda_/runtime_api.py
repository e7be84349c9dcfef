"""The Lambda Runtime API, served to one worker on a loopback port of its own.

A worker (AWS's ``awslambdaric``, a custom ``bootstrap``, or our own small client) long-polls
``GET /2018-06-01/runtime/invocation/next`` and answers with ``.../invocation/{id}/response``
or ``.../error``; an initialization failure is posted to ``/runtime/init/error``. One port per
worker means the connection itself says which worker is calling. HTTP/1.1 with keep-alive,
Content-Length or chunked bodies, ``Expect: 100-continue`` (curl sends it).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

log = logging.getLogger("pocketcloud.lambda.runtime_api")

API_PREFIX = "/2018-06-01/runtime/"
# AWS's 6 MB response limit, plus room for the runtime's JSON framing.
MAX_BODY_BYTES = 6 * 1024 * 1024 + 100
MAX_HEADER_BYTES = 64 * 1024
MAX_HEADERS = 100


@dataclass
class Invocation:
    """One event handed to a worker; `done` resolves with the worker's answer."""

    request_id: str
    payload: bytes
    headers: dict[str, str]  # Lambda-Runtime-* headers; the deadline is added at pick-up
    timeout_s: float
    done: asyncio.Future[RuntimeAnswer] = field(
        default_factory=lambda: asyncio.get_running_loop().create_future())
    picked: asyncio.Future[float] = field(
        default_factory=lambda: asyncio.get_running_loop().create_future())

    def pick_up(self) -> dict[str, str]:
        """The worker took the event: the function's timeout starts now."""
        now_s = time.time()
        if not self.picked.done():
            self.picked.set_result(time.perf_counter())
        deadline_ms = int((now_s + self.timeout_s) * 1000)
        return {**self.headers, "Lambda-Runtime-Deadline-Ms": str(deadline_ms)}


@dataclass
class RuntimeAnswer:
    kind: str  # "response", "error" or "too_large"
    body: bytes
    error_type: str = ""


class RuntimeApi:
    """The API for one worker: hands out invocations from a queue, resolves their futures."""

    def __init__(self, on_init_error: Callable[[bytes, str], None],
                 on_next: Callable[[], None]) -> None:
        self.pending: asyncio.Queue[Invocation] = asyncio.Queue(maxsize=1)
        self.current: Invocation | None = None
        self._on_init_error = on_init_error
        self._on_next = on_next
        self._server: asyncio.Server | None = None
        self.port = 0

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0,
                                                  limit=MAX_HEADER_BYTES)
        self.port = self._server.sockets[0].getsockname()[1]

    def close(self) -> None:
        if self._server is not None:
            self._server.close()
            self._server = None

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while await self._one_request(reader, writer):
                pass
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.LimitOverrunError,
                ValueError):
            pass
        finally:
            writer.close()

    async def _one_request(self, reader: asyncio.StreamReader,
                           writer: asyncio.StreamWriter) -> bool:
        request_line = await reader.readline()
        if not request_line:
            return False
        method, target, _ = request_line.decode("latin-1").split(" ", 2)
        headers = await _read_headers(reader)
        if headers.get("expect", "").lower() == "100-continue":
            writer.write(b"HTTP/1.1 100 Continue\r\n\r\n")
        body, too_large = await _read_body(reader, headers)
        status, reply_headers, reply = await self._route(method, target, body, headers, too_large)
        head = [f"HTTP/1.1 {status} {_REASONS.get(status, 'OK')}",
                f"Content-Length: {len(reply)}", "Content-Type: application/json"]
        head += [f"{k}: {v}" for k, v in reply_headers.items()]
        writer.write(("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + reply)
        await writer.drain()
        return headers.get("connection", "").lower() != "close"

    async def _route(self, method: str, target: str, body: bytes, headers: dict[str, str],
                     too_large: bool) -> tuple[int, dict[str, str], bytes]:
        path = target.split("?", 1)[0]
        if not path.startswith(API_PREFIX):
            return 404, {}, _error("InvalidRequest", "Unknown path")
        rest = path[len(API_PREFIX):]
        if method == "GET" and rest == "invocation/next":
            return await self._next()
        if method == "POST" and rest == "init/error":
            self._on_init_error(body, headers.get("lambda-runtime-function-error-type", ""))
            return 202, {}, b'{"status":"OK"}'
        parts = rest.split("/")
        if method == "POST" and len(parts) == 3 and parts[0] == "invocation":
            return self._answer(parts[1], parts[2], body, headers, too_large)
        return 404, {}, _error("InvalidRequest", "Unknown path")

    async def _next(self) -> tuple[int, dict[str, str], bytes]:
        self.current = None
        self._on_next()
        invocation = await self.pending.get()
        self.current = invocation
        return 200, invocation.pick_up(), invocation.payload

    def _answer(self, request_id: str, kind: str, body: bytes, headers: dict[str, str],
                too_large: bool) -> tuple[int, dict[str, str], bytes]:
        invocation = self.current
        if invocation is None or invocation.request_id != request_id:
            return 400, {}, _error("InvalidRequestID", "Invalid request ID")
        if kind not in ("response", "error"):
            return 404, {}, _error("InvalidRequest", "Unknown path")
        if invocation.done.done():
            return 400, {}, _error("InvalidStateTransition", "State transition is not allowed")
        if too_large:
            invocation.done.set_result(RuntimeAnswer("too_large", b""))
            message = f"Exceeded maximum allowed payload size ({MAX_BODY_BYTES} bytes)."
            return 413, {}, _error("RequestEntityTooLarge", message)
        error_type = headers.get("lambda-runtime-function-error-type", "")
        invocation.done.set_result(RuntimeAnswer(kind, body, error_type))
        return 202, {}, b'{"status":"OK"}'


_REASONS = {200: "OK", 202: "Accepted", 400: "Bad Request", 404: "Not Found",
            413: "Request Entity Too Large"}


def _error(error_type: str, message: str) -> bytes:
    return json.dumps({"errorType": error_type, "errorMessage": message}).encode()


async def _read_headers(reader: asyncio.StreamReader) -> dict[str, str]:
    headers: dict[str, str] = {}
    for _ in range(MAX_HEADERS + 1):
        line = await reader.readline()
        if line in (b"\r\n", b"\n", b""):
            return headers
        name, _, value = line.decode("latin-1").partition(":")
        headers[name.strip().lower()] = value.strip()
    raise ValueError("too many headers")


async def _read_body(reader: asyncio.StreamReader, headers: dict[str, str]) -> tuple[bytes, bool]:
    """The body, or (b"", True) when it is larger than the API accepts (read and dropped)."""
    if headers.get("transfer-encoding", "").lower() == "chunked":
        return await _read_chunked(reader)
    length = int(headers.get("content-length") or 0)
    if length > MAX_BODY_BYTES:
        await _discard(reader, length)
        return b"", True
    return (await reader.readexactly(length) if length else b""), False


async def _read_chunked(reader: asyncio.StreamReader) -> tuple[bytes, bool]:
    chunks: list[bytes] = []
    size = 0
    while True:
        size_line = await reader.readline()
        chunk_size = int(size_line.split(b";", 1)[0].strip() or b"0", 16)
        if chunk_size == 0:
            await _read_headers(reader)  # trailers
            return (b"", True) if size > MAX_BODY_BYTES else (b"".join(chunks), False)
        size += chunk_size
        data = await reader.readexactly(chunk_size)
        if size <= MAX_BODY_BYTES:
            chunks.append(data)
        else:
            chunks.clear()
        await reader.readexactly(2)


async def _discard(reader: asyncio.StreamReader, length: int) -> None:
    remaining = length
    while remaining > 0:
        chunk = await reader.read(min(remaining, 1 << 16))
        if not chunk:
            raise asyncio.IncompleteReadError(b"", remaining)
        remaining -= len(chunk)


async def cancel_quietly(task: Awaitable[object] | None) -> None:
    if isinstance(task, asyncio.Task) and not task.done():
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await task
