"""kill -9 under concurrent PUT load: every acknowledged object survives, bytes and ETag."""

from __future__ import annotations

import hashlib
import signal
import threading
import time
from pathlib import Path

import boto3
from botocore.config import Config
from tests.support import start_server

WRITERS = 6
MIN_ACKNOWLEDGED = 40  # kill once this many PUTs are acknowledged (however busy the machine)
LOAD_S_MAX = 30.0


def _client(endpoint: str):  # type: ignore[no-untyped-def]
    config = Config(retries={"max_attempts": 1}, connect_timeout=2, read_timeout=5)
    keys = {"aws_access_key_id": "test", "aws_secret_access_key": "test"}
    return boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", config=config, **keys)


def test_acknowledged_puts_survive_kill_9(tmp_path: Path) -> None:
    server = start_server(tmp_path / "data")
    acknowledged: dict[str, str] = {}
    lock = threading.Lock()
    stop = threading.Event()
    try:
        _client(server.endpoint).create_bucket(Bucket="durable")

        def write(writer: int) -> None:
            s3 = _client(server.endpoint)
            n = 0
            while not stop.is_set():
                key = f"w{writer}/{n}"
                body = hashlib.sha256(key.encode()).digest() * (1 + n % 200)
                try:
                    etag = s3.put_object(Bucket="durable", Key=key, Body=body)["ETag"]
                except Exception:
                    return  # the server died mid-request: not acknowledged
                with lock:
                    acknowledged[key] = etag
                n += 1

        threads = [threading.Thread(target=write, args=(w,)) for w in range(WRITERS)]
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + LOAD_S_MAX
        while len(acknowledged) < MIN_ACKNOWLEDGED and time.monotonic() < deadline:
            time.sleep(0.01)
        server.kill(signal.SIGKILL)
        stop.set()
        for thread in threads:
            thread.join(timeout=10)
    finally:
        server.stop()
    assert len(acknowledged) >= MIN_ACKNOWLEDGED
    restarted = start_server(tmp_path / "data")
    try:
        s3 = _client(restarted.endpoint)
        for key, etag in acknowledged.items():
            n = int(key.split("/")[1])
            expected = hashlib.sha256(key.encode()).digest() * (1 + n % 200)
            got = s3.get_object(Bucket="durable", Key=key)
            assert got["ETag"] == etag
            assert got["Body"].read() == expected
            assert etag == f'"{hashlib.md5(expected).hexdigest()}"'
    finally:
        restarted.stop()
