"""A data directory belongs to one server at a time, and a restart after a crash mid-upload
leaves no half-written bytes behind."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import boto3
import pytest
from botocore.exceptions import ClientError
from tests.support import free_port, start_server

START_TIMEOUT_S = 20


def test_a_second_server_on_the_same_data_dir_is_refused_with_what_to_do(tmp_path: Path) -> None:
    first = start_server(tmp_path / "data")
    try:
        second = subprocess.run(
            [sys.executable, "-m", "pocketcloud", "start", "--port", str(free_port()),
             "--dns-port", "0", "--data-dir", str(tmp_path / "data")],
            capture_output=True, text=True, timeout=START_TIMEOUT_S)
        assert second.returncode == 1
        assert f"in use by pocketcloud (pid {first.process.pid})" in second.stderr
        assert "--data-dir" in second.stderr
        assert first.health()["data_dir"]  # the first one still serves
    finally:
        first.stop()


def test_after_kill_9_the_data_dir_is_free_again(tmp_path: Path) -> None:
    first = start_server(tmp_path / "data")
    first.kill(signal.SIGKILL)
    again = start_server(tmp_path / "data")  # the kernel dropped the dead process's lock
    again.stop()


def test_an_upload_cut_by_kill_9_leaves_nothing_after_restart(tmp_path: Path) -> None:
    server = start_server(tmp_path / "data")
    try:
        s3 = _s3(server.endpoint)
        s3.create_bucket(Bucket="cut")
        with socket.create_connection(("127.0.0.1", server.port)) as upload:
            upload.sendall(b"PUT /cut/big HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                           b"Authorization: AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/"
                           b"s3/aws4_request, SignedHeaders=host, Signature=00\r\n"
                           b"x-amz-content-sha256: UNSIGNED-PAYLOAD\r\n"
                           b"Content-Length: 10000000\r\n\r\n" + b"x" * 1_000_000)
            half_written = _incoming(tmp_path / "data")
            deadline = time.monotonic() + 10
            while not any(f.stat().st_size for f in half_written) and time.monotonic() < deadline:
                time.sleep(0.05)
                half_written = _incoming(tmp_path / "data")
            assert half_written, "the upload never reached the blob store"
            server.kill(signal.SIGKILL)
    finally:
        server.stop()
    restarted = start_server(tmp_path / "data")
    try:
        assert _incoming(tmp_path / "data") == []
        with pytest.raises(ClientError) as missing:
            _s3(restarted.endpoint).head_object(Bucket="cut", Key="big")
        assert missing.value.response["Error"]["Code"] == "404"
    finally:
        restarted.stop()


def _incoming(data_dir: Path) -> list[Path]:
    return [p for p in (data_dir / "blobs").glob("*/.incoming/*") if p.is_file()]


def _s3(endpoint: str):  # type: ignore[no-untyped-def]
    return boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1",
                        aws_access_key_id="test", aws_secret_access_key="test")


def test_reset_refuses_a_data_dir_a_server_on_another_port_holds(tmp_path: Path) -> None:
    server = start_server(tmp_path / "data")
    try:
        refused = subprocess.run(
            [sys.executable, "-m", "pocketcloud", "reset", "--yes", "--data-dir",
             str(tmp_path / "data")],
            capture_output=True, text=True, timeout=START_TIMEOUT_S,
            env={**os.environ, "POCKETCLOUD_PORT": str(free_port())})  # not the server's port
        assert refused.returncode == 1
        assert f"pid {server.process.pid}" in refused.stdout
        assert (tmp_path / "data" / "state.db").exists()
    finally:
        server.stop()
