"""Driving pocketcloud's ASGI app in process (no sockets, no uvicorn): what the in-process
benchmarks (bench/dynamodb_latency.py, bench/s3_cpu.py) share."""

from __future__ import annotations

from typing import Any

from pocketcloud.gateway.app import Gateway


async def drive(app: Gateway, method: str, path_qs: str, headers: list[tuple[bytes, bytes]],
                body: bytes = b"", answer: list[bytes] | None = None) -> int:
    """One request through the app: its status; the body's parts appended to `answer`."""
    path, _, query = path_qs.partition("?")
    scope = {"type": "http", "method": method, "path": path, "raw_path": path.encode(),
             "query_string": query.encode(), "headers": headers}
    messages = [{"type": "http.request", "body": body, "more_body": False}]
    status = 0

    async def receive() -> dict[str, Any]:
        return messages.pop() if messages else {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]
        elif answer is not None:
            answer.append(message.get("body", b""))

    await app(scope, receive, send)
    return status
