"""Versioning through the AWS CLI (s3api), and kill -9 durability of versioned writes."""

from __future__ import annotations

import hashlib
import json
import signal
import threading
import time
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config
from tests.services.s3.test_clients import _cli
from tests.support import start_server

WRITERS = 4
LOAD_S = 1.5


def test_aws_cli_versioning(endpoint: str, bucket_name: Any, tmp_path: Path) -> None:
    name = bucket_name()
    _cli(endpoint, "s3api", "create-bucket", "--bucket", name)
    _cli(endpoint, "s3api", "put-bucket-versioning", "--bucket", name,
         "--versioning-configuration", "Status=Enabled")  # fmt: skip
    status = json.loads(_cli(endpoint, "s3api", "get-bucket-versioning", "--bucket", name))
    assert status["Status"] == "Enabled"
    body = tmp_path / "body.txt"
    ids = []
    for text in ("one", "two"):
        body.write_text(text)
        put = _cli(endpoint, "s3api", "put-object", "--bucket", name, "--key", "f.txt",
                   "--body", str(body))  # fmt: skip
        ids.append(json.loads(put)["VersionId"])
    _cli(endpoint, "s3", "rm", f"s3://{name}/f.txt")
    listed = json.loads(_cli(endpoint, "s3api", "list-object-versions", "--bucket", name))
    assert [v["VersionId"] for v in listed["Versions"]] == ids[::-1]
    assert listed["DeleteMarkers"][0]["IsLatest"] is True
    out = tmp_path / "old.txt"
    _cli(endpoint, "s3api", "get-object", "--bucket", name, "--key", "f.txt",
         "--version-id", ids[0], str(out))  # fmt: skip
    assert out.read_text() == "one"
    # the CLI's paginator follows NextKeyMarker/NextVersionIdMarker
    paged = json.loads(_cli(endpoint, "s3api", "list-object-versions", "--bucket", name,
                            "--page-size", "1"))  # fmt: skip
    assert len(paged["Versions"]) == 2 and len(paged["DeleteMarkers"]) == 1


def _client(endpoint: str):  # type: ignore[no-untyped-def]
    config = Config(retries={"max_attempts": 1}, connect_timeout=2, read_timeout=5)
    keys = {"aws_access_key_id": "test", "aws_secret_access_key": "test"}
    return boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", config=config, **keys)


def _body(key: str, n: int) -> bytes:
    return hashlib.sha256(f"{key}/{n}".encode()).digest() * (1 + n % 50)


def test_acknowledged_versioned_writes_survive_kill_9(tmp_path: Path) -> None:
    """Writers overwrite and delete a few keys; after kill -9 every acknowledged version and
    delete marker is listed, in order, with its bytes."""
    server = start_server(tmp_path / "data")
    acknowledged: dict[str, list[tuple[str, int | None]]] = {}  # key -> [(version, n or marker)]
    lock = threading.Lock()
    stop = threading.Event()
    try:
        setup = _client(server.endpoint)
        setup.create_bucket(Bucket="versions")
        setup.put_bucket_versioning(Bucket="versions",
                                    VersioningConfiguration={"Status": "Enabled"})  # fmt: skip

        def write(writer: int) -> None:
            s3 = _client(server.endpoint)
            key = f"k{writer}"
            n = 0
            while not stop.is_set():
                try:
                    if n % 5 == 4:
                        answer = s3.delete_object(Bucket="versions", Key=key)
                        version, made = answer["VersionId"], None
                    else:
                        answer = s3.put_object(Bucket="versions", Key=key, Body=_body(key, n))
                        version, made = answer["VersionId"], n
                except Exception:
                    return  # the server died mid-request: not acknowledged
                with lock:
                    acknowledged.setdefault(key, []).append((version, made))
                n += 1

        threads = [threading.Thread(target=write, args=(w,)) for w in range(WRITERS)]
        for thread in threads:
            thread.start()
        time.sleep(LOAD_S)
        server.kill(signal.SIGKILL)
        stop.set()
        for thread in threads:
            thread.join(timeout=10)
    finally:
        server.stop()
    assert sum(len(v) for v in acknowledged.values()) > 20
    restarted = start_server(tmp_path / "data")
    try:
        s3 = _client(restarted.endpoint)
        pages = s3.get_paginator("list_object_versions").paginate(Bucket="versions")
        listed: dict[str, list[str]] = {}
        objects: dict[str, list[str]] = {}
        for page in pages:
            for entry in page.get("Versions", []) + page.get("DeleteMarkers", []):
                listed.setdefault(entry["Key"], []).append(entry["VersionId"])
            for entry in page.get("Versions", []):
                objects.setdefault(entry["Key"], []).append(entry["VersionId"])
        for key, writes in acknowledged.items():
            ids = [version for version, _ in writes]
            # a write in flight at the kill may have committed without being acknowledged
            assert set(ids) <= set(listed[key])
            puts = [version for version, n in writes if n is not None]
            assert [v for v in objects[key] if v in puts] == puts[::-1]  # newest first
            for version, n in writes:
                if n is None:
                    continue
                got = s3.get_object(Bucket="versions", Key=key, VersionId=version)
                assert got["Body"].read() == _body(key, n)
    finally:
        restarted.stop()
