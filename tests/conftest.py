"""A real pocketcloud server on a free port, in a throw-away data directory."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

START_TIMEOUT_S = 20.0


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


def start_server(data_dir: Path | None = None, *extra: str) -> Server:
    """Start `pocketcloud start` in a subprocess and wait until it answers."""
    port = free_port()
    args = [sys.executable, "-m", "pocketcloud", "start", "--port", str(port),
            "--log-level", "warning", *extra]
    args += ["--data-dir", str(data_dir)] if data_dir else ["--ephemeral"]
    env = {k: v for k, v in os.environ.items() if not k.startswith("POCKETCLOUD_")}
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


@pytest.fixture(scope="session")
def server() -> Iterator[Server]:
    running = start_server()
    yield running
    running.stop()


@pytest.fixture(scope="session")
def endpoint(server: Server) -> str:
    return server.endpoint


@pytest.fixture(autouse=True)
def _aws_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Clients never read the developer's real AWS config or credentials."""
    home = tmp_path_factory.getbasetemp() / "aws-home"
    home.mkdir(exist_ok=True)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(home / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(home / "credentials"))
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def client(endpoint: str):  # type: ignore[no-untyped-def]
    """boto3 clients for the running server: client("sts", region_name=..., ...)."""
    import boto3
    from botocore.config import Config

    def make(service: str, region_name: str = "us-east-1", **kwargs: object):  # type: ignore[no-untyped-def]
        config = Config(retries={"max_attempts": 1}, connect_timeout=5, read_timeout=30)
        options = {"aws_access_key_id": "test", "aws_secret_access_key": "test", **kwargs}
        return boto3.client(service, region_name=region_name, endpoint_url=endpoint,
                            config=config, **options)

    return make
