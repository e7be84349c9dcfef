"""Request headers S3 validates before storing anything: the body's length and the storage
class, each refused with S3's own code (never stored as sent, never a 500)."""

from __future__ import annotations

import http.client
from typing import Any

import httpx
import pytest
from botocore.exceptions import ClientError


def _put_without_length(endpoint: str, path: str) -> tuple[int, bytes]:
    port = int(endpoint.rsplit(":", 1)[1])
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    connection.putrequest("PUT", path)  # no Content-Length, no Transfer-Encoding
    connection.endheaders()
    answer = connection.getresponse()
    status, body = answer.status, answer.read()
    connection.close()
    return status, body


def test_put_object_without_content_length_is_411(endpoint: str, s3: Any, bucket: str) -> None:
    status, body = _put_without_length(endpoint, f"/{bucket}/k")
    assert status == 411 and b"<Code>MissingContentLength</Code>" in body
    with pytest.raises(ClientError):
        s3.head_object(Bucket=bucket, Key="k")


def test_upload_part_without_content_length_is_411(endpoint: str, s3: Any, bucket: str) -> None:
    upload_id = s3.create_multipart_upload(Bucket=bucket, Key="k")["UploadId"]
    status, body = _put_without_length(endpoint, f"/{bucket}/k?partNumber=1&uploadId={upload_id}")
    assert status == 411 and b"<Code>MissingContentLength</Code>" in body
    assert s3.list_parts(Bucket=bucket, Key="k", UploadId=upload_id).get("Parts", []) == []


def test_empty_body_with_content_length_zero_is_stored(endpoint: str, s3: Any, bucket: str) -> None:
    assert httpx.put(f"{endpoint}/{bucket}/empty", content=b"", timeout=5).status_code == 200
    assert s3.head_object(Bucket=bucket, Key="empty")["ContentLength"] == 0


@pytest.mark.parametrize("storage_class", ["BOGUS", "standard", "OUTPOSTS", "EXPRESS_ONEZONE"])
def test_unknown_storage_class_is_refused(s3: Any, bucket: str, storage_class: str) -> None:
    s3.put_object(Bucket=bucket, Key="src", Body=b"x")
    attempts = [
        lambda: s3.put_object(Bucket=bucket, Key="k", Body=b"x", StorageClass=storage_class),
        lambda: s3.create_multipart_upload(Bucket=bucket, Key="k", StorageClass=storage_class),
        lambda: s3.copy_object(Bucket=bucket, Key="k", CopySource=f"{bucket}/src",
                               StorageClass=storage_class),
    ]  # fmt: skip
    for attempt in attempts:
        with pytest.raises(ClientError) as excinfo:
            attempt()
        assert excinfo.value.response["Error"]["Code"] == "InvalidStorageClass"
        assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert [o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]] == ["src"]


@pytest.mark.parametrize("storage_class", ["GLACIER_IR", "INTELLIGENT_TIERING", "ONEZONE_IA"])
def test_known_storage_classes_are_kept(s3: Any, bucket: str, storage_class: str) -> None:
    s3.put_object(Bucket=bucket, Key="k", Body=b"x", StorageClass=storage_class)
    assert s3.head_object(Bucket=bucket, Key="k")["StorageClass"] == storage_class


def test_post_upload_with_unknown_storage_class_is_refused(
    endpoint: str, s3: Any, bucket: str
) -> None:
    form = s3.generate_presigned_post(
        bucket, "k", Fields={"x-amz-storage-class": "BOGUS"},
        Conditions=[{"x-amz-storage-class": "BOGUS"}],
    )  # fmt: skip
    answer = httpx.post(form["url"], data=form["fields"], files={"file": b"x"}, timeout=5)
    assert answer.status_code == 400 and b"<Code>InvalidStorageClass</Code>" in answer.content
    assert "Contents" not in s3.list_objects_v2(Bucket=bucket)
