"""Starting real pocketcloud servers for tests: free port, own data directory."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

START_TIMEOUT_S = 20.0
ENFORCE_SECRET = "s3cret"  # the root keys' secret of the servers `enforcing` starts


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    port: int
    data_dir: Path | None
    process: subprocess.Popen[bytes]

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def health(self) -> dict[str, object]:
        with urllib.request.urlopen(self.endpoint + "/_pocketcloud/health", timeout=2) as r:
            return dict(json.load(r))

    def kill(self, sig: int = signal.SIGKILL) -> None:
        self.process.send_signal(sig)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()


def start_server(data_dir: Path | None = None, *extra: str,
                 settings: dict[str, str] | None = None) -> Server:
    """Start `pocketcloud start` in a subprocess and wait until it answers.

    `settings` are POCKETCLOUD_* variables for this server only (the caller's are ignored).
    """
    port = free_port()
    args = [sys.executable, "-m", "pocketcloud", "start", "--port", str(port),
            "--log-level", "warning", "--dns-port", "0", *extra]  # a later --dns-port wins
    args += ["--data-dir", str(data_dir)] if data_dir else ["--ephemeral"]
    env = {k: v for k, v in os.environ.items() if not k.startswith("POCKETCLOUD_")}
    env.update(settings or {})
    process = subprocess.Popen(args, env=env)
    server = Server(port, data_dir, process)
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"pocketcloud exited with {process.returncode} on start")
        try:
            server.health()
            return server
        except OSError:
            time.sleep(0.02)
    server.stop()
    raise RuntimeError("pocketcloud did not answer within the start timeout")




def refusal(call: Any, *args: Any, **params: Any) -> tuple[str, str, int]:
    """Call a boto3 operation that must be refused: its error code, message and HTTP status."""
    with pytest.raises(ClientError) as raised:
        call(*args, **params)
    response = raised.value.response
    return (response["Error"]["Code"], response["Error"]["Message"],
            response["ResponseMetadata"]["HTTPStatusCode"])


def refused(call: Any, *args: Any, **params: Any) -> tuple[str, str]:
    """`refusal` without the status: the error code and message a refused call answers."""
    return refusal(call, *args, **params)[:2]


def refused_error(call: Any, *args: Any, **params: Any) -> dict[str, Any]:
    """Call a boto3 operation that must be refused: its whole Error element (extra fields too)."""
    with pytest.raises(ClientError) as raised:
        call(*args, **params)
    return dict(raised.value.response["Error"])


def admin(endpoint: str, method: str, path: str, body: Any = None) -> tuple[int, dict[str, Any]]:
    """A call to the pocketcloud admin API (/_pocketcloud/...): its status and JSON answer."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(f"{endpoint}/_pocketcloud/{path}", data=data, method=method,
                                     headers={"content-type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, dict(json.load(answer))
    except urllib.error.HTTPError as error:
        return error.code, dict(json.loads(error.read() or b"{}"))


def add_fault(endpoint: str, **body: Any) -> dict[str, Any]:
    """Inject a fault (kind=region-down, region=...) and return it as the API describes it."""
    status, answer = admin(endpoint, "POST", "faults", body)
    assert status == 201, answer
    return dict(answer["fault"])


def advance_clock(endpoint: str, seconds: float) -> dict[str, float]:
    """Move the server's cloud clock forward and let its background jobs run once."""
    request = urllib.request.Request(
        endpoint + "/_pocketcloud/clock", method="POST",
        data=json.dumps({"advance_s": seconds}).encode(),
        headers={"content-type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as r:
        return dict(json.load(r))


def enforcing_client(server: Server, service: str, key: str = "test",
                     secret: str = ENFORCE_SECRET, **kwargs: Any) -> Any:
    """A boto3 client of a server that checks signatures, with its own keys and no retries
    (a refusal is the answer under test)."""
    import boto3
    from botocore.config import Config

    return boto3.client(service, region_name="us-east-1", endpoint_url=server.endpoint,
                        aws_access_key_id=key, aws_secret_access_key=secret,
                        config=Config(retries={"max_attempts": 1}), **kwargs)
