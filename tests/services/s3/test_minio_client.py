"""The MinIO client SDK (``minio`` on PyPI) against pocketcloud: buckets, objects streamed
both ways (multipart above its part size), listings, presigned URLs, copies, tags, removal."""

from __future__ import annotations

import io
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest

minio = pytest.importorskip("minio", reason="minio is a dev extra (pip install -e .[dev])")


def _client(endpoint: str) -> minio.Minio:
    return minio.Minio(urlsplit(endpoint).netloc, access_key="test", secret_key="test",
                       secure=False, region="us-east-1")


def test_minio_buckets_objects_and_listing(endpoint: str, bucket_name, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    client = _client(endpoint)
    name = bucket_name()
    client.make_bucket(name)
    assert client.bucket_exists(name)
    assert name in [b.name for b in client.list_buckets()]
    client.put_object(name, "dir/small.txt", io.BytesIO(b"hello minio"), 11,
                      content_type="text/plain", metadata={"colour": "blue"})
    big = bytes(range(256)) * (24 * 1024)  # 6 MiB: above the 5 MiB part size, so multipart
    client.put_object(name, "dir/big.bin", io.BytesIO(big), -1, part_size=5 * 1024 * 1024)
    stat = client.stat_object(name, "dir/big.bin")
    assert stat.size == len(big) and stat.etag.endswith("-2")
    response = client.get_object(name, "dir/small.txt")
    try:
        assert response.read() == b"hello minio"
        assert response.headers["Content-Type"] == "text/plain"
        assert response.headers["x-amz-meta-colour"] == "blue"
    finally:
        response.close()
        response.release_conn()
    download = tmp_path / "big.bin"
    client.fget_object(name, "dir/big.bin", str(download))
    assert download.read_bytes() == big
    listed = [o.object_name for o in client.list_objects(name, prefix="dir/", recursive=True)]
    assert listed == ["dir/big.bin", "dir/small.txt"]
    assert [o.object_name for o in client.list_objects(name)] == ["dir/"]


def test_minio_presign_copy_tags_and_remove(endpoint: str, bucket_name) -> None:  # type: ignore[no-untyped-def]
    from minio.commonconfig import CopySource, Tags

    client = _client(endpoint)
    name = bucket_name()
    client.make_bucket(name)
    client.put_object(name, "a", io.BytesIO(b"data"), 4)
    with urllib.request.urlopen(client.presigned_get_object(name, "a")) as answer:
        assert answer.read() == b"data"
    client.copy_object(name, "b", CopySource(name, "a"))
    tags = Tags.new_object_tags()
    tags["team"] = "red"
    client.set_object_tags(name, "b", tags)
    assert dict(client.get_object_tags(name, "b") or {}) == {"team": "red"}
    client.remove_object(name, "a")
    errors = list(client.remove_objects(name, [minio.deleteobjects.DeleteObject("b")]))
    assert errors == []
    assert list(client.list_objects(name)) == []
    client.remove_bucket(name)
    assert not client.bucket_exists(name)
