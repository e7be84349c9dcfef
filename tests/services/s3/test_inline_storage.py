"""Small objects live in the database, large ones in files; overwrites and deletes leave
neither inline rows nor files behind."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import boto3
from botocore.config import Config
from tests.support import start_server

INLINE_MAX_BYTES = 64 * 1024


def _counts(data_dir: Path) -> tuple[int, int]:
    with sqlite3.connect(data_dir / "state.db") as db:
        inline = db.execute("SELECT COUNT(*) FROM s3_inline").fetchone()[0]
    files = [p for p in (data_dir / "blobs").rglob("*") if p.is_file()]
    return inline, len(files)


def test_small_inline_large_in_files_nothing_left_behind(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    server = start_server(data_dir)
    try:
        s3 = boto3.client("s3", endpoint_url=server.endpoint, region_name="us-east-1",
                          aws_access_key_id="test", aws_secret_access_key="test",
                          config=Config(retries={"max_attempts": 1}))  # fmt: skip
        s3.create_bucket(Bucket="inline")
        small, edge, large = b"s" * 100, b"e" * INLINE_MAX_BYTES, b"L" * (INLINE_MAX_BYTES + 1)
        for _ in range(3):  # overwrites replace the bytes, they do not pile up
            for key, body in (("small", small), ("edge", edge), ("large", large)):
                s3.put_object(Bucket="inline", Key=key, Body=body)
        assert _counts(data_dir) == (2, 1)
        for key, body in (("small", small), ("edge", edge), ("large", large)):
            assert s3.get_object(Bucket="inline", Key=key)["Body"].read() == body
        got = s3.get_object(Bucket="inline", Key="edge", Range="bytes=10-19")
        assert got["Body"].read() == edge[10:20]
        s3.copy_object(Bucket="inline", Key="copy", CopySource="inline/small")
        assert s3.get_object(Bucket="inline", Key="copy")["Body"].read() == small
        for key in ("small", "edge", "large", "copy"):
            s3.delete_object(Bucket="inline", Key=key)
        assert _counts(data_dir) == (0, 0)

        s3.put_bucket_versioning(Bucket="inline", VersioningConfiguration={"Status": "Enabled"})
        first = s3.put_object(Bucket="inline", Key="v", Body=b"one")["VersionId"]
        s3.put_object(Bucket="inline", Key="v", Body=b"two")
        assert _counts(data_dir) == (2, 0)  # versions keep their bytes
        s3.delete_object(Bucket="inline", Key="v", VersionId=first)
        assert _counts(data_dir) == (1, 0)
    finally:
        server.stop()
