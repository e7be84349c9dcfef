"""Conditional copies and writes answered as S3 recorded them: the failing condition's header
name, a future x-amz-copy-source-if-modified-since ignored, 501 for conditions S3 does not
take, and 409 for a conditional multipart completion raced by another write."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from botocore.exceptions import ClientError


def _error(excinfo: pytest.ExceptionInfo[ClientError]) -> dict[str, Any]:
    response = excinfo.value.response
    return {**response["Error"], "Status": response["ResponseMetadata"]["HTTPStatusCode"]}


def _copy(s3: Any, bucket: str, **conditions: Any) -> Any:
    return s3.copy_object(
        Bucket=bucket, Key="dst", CopySource={"Bucket": bucket, "Key": "src"}, **conditions
    )


def test_copy_source_conditions_name_their_header(s3: Any, bucket: str) -> None:
    etag = s3.put_object(Bucket=bucket, Key="src", Body=b"data")["ETag"]
    modified = s3.head_object(Bucket=bucket, Key="src")["LastModified"]
    yesterday = datetime.now(UTC) - timedelta(days=1)
    cases = [
        ({"CopySourceIfMatch": '"other"'}, "x-amz-copy-source-If-Match"),
        ({"CopySourceIfUnmodifiedSince": yesterday}, "x-amz-copy-source-If-Unmodified-Since"),
        ({"CopySourceIfNoneMatch": etag.strip('"')}, "x-amz-copy-source-If-None-Match"),
        ({"CopySourceIfModifiedSince": modified}, "x-amz-copy-source-If-Modified-Since"),
    ]
    for conditions, header in cases:
        with pytest.raises(ClientError) as excinfo:
            _copy(s3, bucket, **conditions)
        error = _error(excinfo)
        assert (error["Code"], error["Status"], error["Condition"]) == (
            "PreconditionFailed", 412, header,
        )  # fmt: skip


def test_copy_ignores_a_modified_since_in_the_future(s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="src", Body=b"data")
    tomorrow = datetime.now(UTC) + timedelta(days=1)
    copied = _copy(s3, bucket, CopySourceIfModifiedSince=tomorrow)
    assert copied["CopyObjectResult"]["ETag"]
    assert s3.get_object(Bucket=bucket, Key="dst")["Body"].read() == b"data"


@pytest.mark.parametrize(
    ("conditions", "header", "detail"),
    [
        ({"IfNoneMatch": "abc"}, "If-None-Match",
         "We don't accept the provided value of If-None-Match header for this API"),
        ({"IfMatch": "*"}, "If-Match",
         "We don't accept the provided value of If-Match header for this API"),
        ({"IfMatch": '"abc"', "IfNoneMatch": "*"}, "If-Match,If-None-Match",
         "Multiple conditional request headers present in the request"),
    ],
)  # fmt: skip
def test_write_conditions_s3_does_not_take(
    s3: Any, bucket: str, conditions: dict[str, str], header: str, detail: str
) -> None:
    with pytest.raises(ClientError) as excinfo:
        s3.put_object(Bucket=bucket, Key="k", Body=b"", **conditions)
    error = _error(excinfo)
    assert (error["Code"], error["Status"], error["Header"]) == ("NotImplemented", 501, header)
    assert error["additionalMessage"] == detail


def _upload_one_part(s3: Any, bucket: str, key: str) -> tuple[str, dict[str, Any]]:
    upload_id = s3.create_multipart_upload(Bucket=bucket, Key=key)["UploadId"]
    etag = s3.upload_part(Bucket=bucket, Key=key, UploadId=upload_id, PartNumber=1, Body=b"x")
    return upload_id, {"Parts": [{"PartNumber": 1, "ETag": etag["ETag"]}]}


def test_conditional_completion_after_a_write_during_the_upload(s3: Any, bucket: str) -> None:
    first = s3.put_object(Bucket=bucket, Key="k", Body=b"test")["ETag"]
    upload_id, parts = _upload_one_part(s3, bucket, "k")
    during = s3.put_object(Bucket=bucket, Key="k", Body=b"changed")["ETag"]
    complete = {"Bucket": bucket, "Key": "k", "UploadId": upload_id, "MultipartUpload": parts}
    with pytest.raises(ClientError) as excinfo:
        s3.complete_multipart_upload(**complete, IfMatch=first)
    assert _error(excinfo)["Code"] == "PreconditionFailed"  # the condition is checked first
    with pytest.raises(ClientError) as excinfo:
        s3.complete_multipart_upload(**complete, IfMatch=during)
    error = _error(excinfo)
    assert (error["Code"], error["Status"]) == ("ConditionalRequestConflict", 409)
    assert (error["Condition"], error["Key"]) == ("If-Match", "k")
    # a new upload, begun after the write, completes
    upload_id, parts = _upload_one_part(s3, bucket, "k")
    done = s3.complete_multipart_upload(
        Bucket=bucket, Key="k", UploadId=upload_id, MultipartUpload=parts, IfMatch=during
    )
    assert done["ETag"].endswith('-1"')


def test_conditional_completion_after_a_delete_marker(s3: Any, bucket: str) -> None:
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    s3.put_object(Bucket=bucket, Key="k", Body=b"test")
    upload_id, parts = _upload_one_part(s3, bucket, "k")
    s3.delete_object(Bucket=bucket, Key="k")
    with pytest.raises(ClientError) as excinfo:
        s3.complete_multipart_upload(
            Bucket=bucket, Key="k", UploadId=upload_id, MultipartUpload=parts, IfNoneMatch="*"
        )
    error = _error(excinfo)
    assert (error["Code"], error["Condition"]) == ("ConditionalRequestConflict", "If-None-Match")


def test_unconditional_completion_is_not_a_conflict(s3: Any, bucket: str) -> None:
    upload_id, parts = _upload_one_part(s3, bucket, "k")
    s3.put_object(Bucket=bucket, Key="k", Body=b"during")
    s3.complete_multipart_upload(Bucket=bucket, Key="k", UploadId=upload_id, MultipartUpload=parts)
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"x"
