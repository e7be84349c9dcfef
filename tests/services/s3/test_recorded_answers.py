"""Small S3 answers held to what AWS was recorded sending: EntityTooSmall's text and fields,
a completion naming no part, and the x-amz-bucket-region header on lists of objects."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

MIB = 1024 * 1024


def test_entity_too_small_text_and_fields(s3: Any, bucket: str) -> None:
    upload_id = s3.create_multipart_upload(Bucket=bucket, Key="small")["UploadId"]
    etags = [s3.upload_part(Bucket=bucket, Key="small", UploadId=upload_id, PartNumber=n,
                            Body=b"abc")["ETag"] for n in (1, 2)]  # fmt: skip
    parts = [{"PartNumber": n, "ETag": etag} for n, etag in zip((1, 2), etags, strict=True)]
    with pytest.raises(ClientError) as caught:
        s3.complete_multipart_upload(Bucket=bucket, Key="small", UploadId=upload_id,
                                     MultipartUpload={"Parts": parts})  # fmt: skip
    error = caught.value.response["Error"]
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert error["Code"] == "EntityTooSmall"
    assert error["Message"] == "Your proposed upload is smaller than the minimum allowed size"
    assert error["ProposedSize"] == "3" and error["MinSizeAllowed"] == str(5 * MIB)
    assert error["PartNumber"] == "1" and error["ETag"] == etags[0].strip('"')


def test_completion_without_parts(s3: Any, bucket: str) -> None:
    upload_id = s3.create_multipart_upload(Bucket=bucket, Key="none")["UploadId"]
    s3.upload_part(Bucket=bucket, Key="none", UploadId=upload_id, PartNumber=1, Body=b"x")
    with pytest.raises(ClientError) as caught:  # <CompleteMultipartUpload/>
        s3.complete_multipart_upload(Bucket=bucket, Key="none", UploadId=upload_id,
                                     MultipartUpload={"Parts": []})  # fmt: skip
    error = caught.value.response["Error"]
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert (error["Code"], error["Message"]) == (
        "InvalidRequest", "You must specify at least one part")
    with pytest.raises(ClientError) as caught:  # no body at all
        s3.complete_multipart_upload(Bucket=bucket, Key="none", UploadId=upload_id)
    assert caught.value.response["Error"]["Code"] == "MalformedXML"
    s3.abort_multipart_upload(Bucket=bucket, Key="none", UploadId=upload_id)

