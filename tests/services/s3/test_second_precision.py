"""S3 shows and compares times at whole seconds: every XML timestamp as `...:SS.000Z`, the
Last-Modified header the same second, and conditions compared at that second (an object
written at 12:00:00.700 is not modified since 12:00:00)."""

from __future__ import annotations

import re
import time
from datetime import timedelta
from typing import Any

import httpx
import pytest
from botocore.exceptions import ClientError

from pocketcloud.protocol.serializing import serialize_response
from pocketcloud.protocol.specs import service_model

_TIMESTAMP = re.compile(rb"<(LastModified|Initiated|CreationDate)>([^<]+)</")


def _raw(s3: Any, operation: str, **params: Any) -> bytes:
    url = s3.generate_presigned_url(operation, Params=params, ExpiresIn=300)
    answer = httpx.get(url, timeout=10)
    assert answer.status_code == 200, answer.text
    return answer.content


def _stamps(document: bytes) -> list[bytes]:
    found = [text for _, text in _TIMESTAMP.findall(document)]
    assert found
    return found


def _put_off_the_second(s3: Any, bucket: str, key: str) -> dict[str, Any]:
    """Write when the clock is well inside a second, so the stored time has milliseconds."""
    while not 0.2 < time.time() % 1 < 0.8:
        time.sleep(0.05)
    s3.put_object(Bucket=bucket, Key=key, Body=b"data")
    return s3.head_object(Bucket=bucket, Key=key)  # type: ignore[no-any-return]


def test_listings_write_whole_seconds(s3: Any, bucket: str) -> None:
    head = _put_off_the_second(s3, bucket, "a")
    upload_id = s3.create_multipart_upload(Bucket=bucket, Key="m")["UploadId"]
    s3.upload_part(Bucket=bucket, Key="m", UploadId=upload_id, PartNumber=1, Body=b"x")
    documents = [
        _raw(s3, "list_objects_v2", Bucket=bucket),
        _raw(s3, "list_objects", Bucket=bucket),
        _raw(s3, "list_object_versions", Bucket=bucket),
        _raw(s3, "list_multipart_uploads", Bucket=bucket),
        _raw(s3, "list_parts", Bucket=bucket, Key="m", UploadId=upload_id),
        _raw(s3, "list_buckets"),
    ]
    for document in documents:
        assert all(stamp.endswith(b".000Z") for stamp in _stamps(document)), document
    listed = s3.list_objects_v2(Bucket=bucket)["Contents"][0]["LastModified"]
    assert listed == head["LastModified"]  # the list and the header name the same second


def test_copy_results_write_whole_seconds(s3: Any, bucket: str) -> None:
    _put_off_the_second(s3, bucket, "source")
    copied = s3.copy_object(Bucket=bucket, Key="copy", CopySource=f"{bucket}/source")
    assert copied["CopyObjectResult"]["LastModified"].microsecond == 0
    upload_id = s3.create_multipart_upload(Bucket=bucket, Key="m")["UploadId"]
    part = s3.upload_part_copy(Bucket=bucket, Key="m", UploadId=upload_id, PartNumber=1,
                               CopySource=f"{bucket}/source")  # fmt: skip
    assert part["CopyPartResult"]["LastModified"].microsecond == 0
    listed = s3.list_parts(Bucket=bucket, Key="m", UploadId=upload_id)["Parts"][0]
    assert listed["LastModified"] == part["CopyPartResult"]["LastModified"]


def test_conditions_compare_whole_seconds(s3: Any, bucket: str) -> None:
    second = _put_off_the_second(s3, bucket, "a")["LastModified"]  # the write's whole second
    with pytest.raises(ClientError) as caught:
        s3.get_object(Bucket=bucket, Key="a", IfModifiedSince=second)
    assert caught.value.response["Error"]["Code"] == "304"
    assert s3.get_object(Bucket=bucket, Key="a", IfUnmodifiedSince=second)["Body"].read()
    assert s3.get_object(Bucket=bucket, Key="a", IfModifiedSince=second - timedelta(seconds=1))
    with pytest.raises(ClientError) as caught:
        s3.copy_object(Bucket=bucket, Key="b", CopySource=f"{bucket}/a",
                       CopySourceIfModifiedSince=second)  # fmt: skip
    assert caught.value.response["Error"]["Code"] == "PreconditionFailed"
    s3.copy_object(Bucket=bucket, Key="b", CopySource=f"{bucket}/a",
                   CopySourceIfUnmodifiedSince=second)  # fmt: skip


def test_only_s3_forces_milliseconds() -> None:
    """Route 53 and CloudFront keep writing their timestamps their own way."""
    s3_change = serialize_response(service_model("s3").operation_model("ListBuckets"), {
        "Buckets": [{"Name": "b", "CreationDate": 1735732800}]}, "id")
    assert b"<CreationDate>2025-01-01T12:00:00.000Z</CreationDate>" in s3_change.body
    route53 = service_model("route53").operation_model("GetChange")
    change = serialize_response(route53, {"ChangeInfo": {
        "Id": "/change/C1", "Status": "INSYNC", "SubmittedAt": 1735732800}}, "id")
    assert b"<SubmittedAt>2025-01-01T12:00:00Z</SubmittedAt>" in change.body
