"""Small objects live in the database, large ones in files; overwrites and deletes leave
neither inline rows nor files behind."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
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


def test_overwrites_in_place_keep_every_version_right(tmp_path: Path) -> None:
    """An overwrite that orphans inline bytes rewrites them in place; one whose old version
    is kept (versioning Enabled, or Suspended over a real version id) must not."""
    data_dir = tmp_path / "data"
    server = start_server(data_dir)
    try:
        s3 = boto3.client("s3", endpoint_url=server.endpoint, region_name="us-east-1",
                          aws_access_key_id="test", aws_secret_access_key="test",
                          config=Config(retries={"max_attempts": 1}))  # fmt: skip
        s3.create_bucket(Bucket="inplace")
        large = b"L" * (INLINE_MAX_BYTES + 1)
        for body in (b"a" * 5000, b"b" * 10, large, b"c" * 3, b""):  # sizes up, down, to files
            s3.put_object(Bucket="inplace", Key="k", Body=body)
            assert s3.get_object(Bucket="inplace", Key="k")["Body"].read() == body
        assert _counts(data_dir) == (1, 0)
        with pytest.raises(ClientError) as failed:  # a refused write leaves the bytes be
            s3.put_object(Bucket="inplace", Key="k", Body=b"refused", IfMatch='"0"')
        assert failed.value.response["Error"]["Code"] == "PreconditionFailed"
        assert s3.get_object(Bucket="inplace", Key="k")["Body"].read() == b""
        s3.put_bucket_versioning(Bucket="inplace",
                                 VersioningConfiguration={"Status": "Enabled"})  # fmt: skip
        kept = s3.put_object(Bucket="inplace", Key="k", Body=b"kept")["VersionId"]
        s3.put_bucket_versioning(Bucket="inplace",
                                 VersioningConfiguration={"Status": "Suspended"})  # fmt: skip
        s3.put_object(Bucket="inplace", Key="k", Body=b"null one")  # keeps `kept`
        s3.put_object(Bucket="inplace", Key="k", Body=b"null two")  # replaces the null one
        assert s3.get_object(Bucket="inplace", Key="k")["Body"].read() == b"null two"
        old = s3.get_object(Bucket="inplace", Key="k", VersionId=kept)["Body"].read()
        assert old == b"kept"
        null = s3.get_object(Bucket="inplace", Key="k", VersionId="null")["Body"].read()
        assert null == b"null two"
        # the unversioned "" version became noncurrent "null" under Enabled, then was replaced
        assert _counts(data_dir) == (2, 0)
    finally:
        server.stop()
