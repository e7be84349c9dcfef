"""SNS test helpers: clients, unique names, a queue subscribed to a topic, an HTTP endpoint."""

from __future__ import annotations

import json
import queue
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest


@pytest.fixture
def sns(client):  # type: ignore[no-untyped-def]
    return client("sns", region_name="us-east-1")


@pytest.fixture
def sqs(client):  # type: ignore[no-untyped-def]
    return client("sqs", region_name="us-east-1")


@pytest.fixture
def unique() -> Callable[[str], str]:
    def make(prefix: str = "t") -> str:
        return f"{prefix}-{uuid.uuid4().hex[:12]}"

    return make


@pytest.fixture
def queue_for(sqs: Any, unique: Callable[[str], str]) -> Callable[..., tuple[str, str]]:
    """A new queue: (url, arn)."""
    def make(fifo: bool = False, **attributes: str) -> tuple[str, str]:
        name = unique("q") + (".fifo" if fifo else "")
        if fifo:
            attributes["FifoQueue"] = "true"
        url = sqs.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])
        return url, arn["Attributes"]["QueueArn"]

    return make


def receive_all(sqs: Any, url: str, count: int, timeout_s: float = 10.0,
                **options: Any) -> list[dict[str, Any]]:
    """Receive (and delete) until `count` messages arrived or the timeout passed."""
    found: list[dict[str, Any]] = []
    deadline = time.monotonic() + timeout_s
    while len(found) < count and time.monotonic() < deadline:
        reply = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1,
                                    **options)
        for message in reply.get("Messages", []):
            found.append(message)
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    return found


class Endpoint:
    """A real HTTP server that records every POST; answers with `status` (changeable)."""

    def __init__(self) -> None:
        self.requests: queue.Queue[dict[str, Any]] = queue.Queue()
        self.statuses: list[int] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                length = int(self.headers.get("content-length", "0"))
                body = self.rfile.read(length).decode("utf-8")
                outer.requests.put({"headers": {k.lower(): v for k, v in self.headers.items()},
                                    "body": body, "path": self.path})
                status = outer.statuses.pop(0) if outer.statuses else 200
                self.send_response(status)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def next(self, timeout_s: float = 10.0) -> dict[str, Any]:
        request = self.requests.get(timeout=timeout_s)
        request["json"] = _maybe_json(request["body"])
        return request

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def _maybe_json(body: str) -> Any:
    try:
        return json.loads(body)
    except ValueError:
        return None


@pytest.fixture
def http_endpoint() -> Iterator[Endpoint]:
    endpoint = Endpoint()
    yield endpoint
    endpoint.close()
