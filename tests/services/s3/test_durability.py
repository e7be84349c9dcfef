"""kill -9 under concurrent PUT load: every acknowledged object survives, bytes and ETag."""

from __future__ import annotations

import hashlib
import signal
import sqlite3
import threading
import time
from contextlib import closing
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config
from tests.support import add_fault, admin, start_server

WRITERS = 6
MIN_ACKNOWLEDGED = 40  # kill once this many PUTs are acknowledged (however busy the machine)
LOAD_S_MAX = 30.0
REPLICATED_PUTS = 30
REPLICATED_REPEAT = 4096


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


def test_versions_stay_ordered_and_distinct_across_kill_9(tmp_path: Path) -> None:
    """Versions' order numbers are reserved in blocks ahead of use: those made after a
    kill -9 and restart must still sort after, and never collide with, the earlier ones."""
    server = start_server(tmp_path / "data")
    made: list[str] = []
    try:
        s3 = _client(server.endpoint)
        s3.create_bucket(Bucket="ordered")
        s3.put_bucket_versioning(Bucket="ordered", VersioningConfiguration={"Status": "Enabled"})
        for n in range(3):
            made.append(s3.put_object(Bucket="ordered", Key="k", Body=b"%d" % n,
                                      Tagging=f"n={n}")["VersionId"])  # fmt: skip
        server.kill(signal.SIGKILL)
    finally:
        server.stop()
    restarted = start_server(tmp_path / "data")
    try:
        s3 = _client(restarted.endpoint)
        for n in range(3, 5):
            made.append(s3.put_object(Bucket="ordered", Key="k", Body=b"%d" % n,
                                      Tagging=f"n={n}")["VersionId"])  # fmt: skip
        listed = s3.list_object_versions(Bucket="ordered")["Versions"]
        assert [v["VersionId"] for v in listed] == made[::-1]  # newest first
        assert [v["IsLatest"] for v in listed] == [True] + [False] * 4
        for n, version_id in enumerate(made):
            tags = s3.get_object_tagging(Bucket="ordered", Key="k", VersionId=version_id)
            assert tags["TagSet"] == [{"Key": "n", "Value": str(n)}]
        s3.delete_object(Bucket="ordered", Key="k", VersionId=made[-1])
        assert s3.get_object(Bucket="ordered", Key="k")["Body"].read() == b"3"
    finally:
        restarted.stop()


def test_acknowledged_puts_are_replicated_after_kill_9(tmp_path: Path) -> None:
    """Each acknowledged PUT's replication job was committed before the answer: with the
    destination's region down every copy is still queued at the kill -9 (S3 keeps versions
    PENDING through an outage); the restarted server keeps them PENDING while the region is
    down and copies every one once it is back."""
    server = start_server(tmp_path / "data")
    made: dict[str, str] = {}
    try:
        s3 = _client(server.endpoint)
        for bucket, region in (("repl-src", "us-east-1"), ("repl-dst", "eu-west-1")):
            where = {} if region == "us-east-1" else {
                "CreateBucketConfiguration": {"LocationConstraint": region}}
            s3.create_bucket(Bucket=bucket, **where)
            s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
        s3.put_bucket_replication(Bucket="repl-src", ReplicationConfiguration={
            "Role": "arn:aws:iam::000000000000:role/r", "Rules": [{
                "Status": "Enabled", "Priority": 1, "Filter": {},
                "DeleteMarkerReplication": {"Status": "Disabled"},
                "Destination": {"Bucket": "arn:aws:s3:::repl-dst"}}]})
        outage = add_fault(server.endpoint, kind="region-down", region="eu-west-1")
        for n in range(REPLICATED_PUTS):
            made[f"k{n}"] = s3.put_object(Bucket="repl-src", Key=f"k{n}",
                                          Body=_replicated_body(n))["VersionId"]
        server.kill(signal.SIGKILL)
    finally:
        server.stop()
    with closing(sqlite3.connect(tmp_path / "data" / "state.db")) as db:
        queued = db.execute("SELECT COUNT(*) FROM s3_replication_jobs").fetchone()[0]
    assert queued == REPLICATED_PUTS
    restarted = start_server(tmp_path / "data")
    try:
        s3 = _client(restarted.endpoint)
        time.sleep(1.5)  # a replication tick or more passes while the region is still down
        first = s3.head_object(Bucket="repl-src", Key="k0", VersionId=made["k0"])
        assert first["ReplicationStatus"] == "PENDING"
        admin(restarted.endpoint, "DELETE", f"faults/{outage['fault_id']}")
        for key, version_id in made.items():
            assert _replication_status(s3, key, version_id) == "COMPLETED", key
            replica = s3.get_object(Bucket="repl-dst", Key=key, VersionId=version_id)
            assert replica["Body"].read() == _replicated_body(int(key[1:]))
    finally:
        restarted.stop()


def _replicated_body(n: int) -> bytes:
    return b"%d" % n * REPLICATED_REPEAT


def _replication_status(s3: Any, key: str, version_id: str) -> str | None:
    """The version's status once it is no longer PENDING (or PENDING after 30 s)."""
    deadline = time.monotonic() + 30
    while True:
        status = s3.head_object(Bucket="repl-src", Key=key,
                                VersionId=version_id).get("ReplicationStatus")
        if status != "PENDING" or time.monotonic() > deadline:
            return status
        time.sleep(0.05)
