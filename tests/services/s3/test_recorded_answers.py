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


@pytest.mark.parametrize("operation", ["list_objects", "list_objects_v2", "head_bucket"])
def test_bucket_region_header(s3: Any, bucket: str, operation: str) -> None:
    s3.put_object(Bucket=bucket, Key="k", Body=b"v")
    answer = getattr(s3, operation)(Bucket=bucket)
    headers = answer["ResponseMetadata"]["HTTPHeaders"]
    assert headers["x-amz-bucket-region"] == s3.meta.region_name


def test_bucket_region_header_of_another_region(client: Any, bucket_name: Any) -> None:
    s3 = client("s3", region_name="eu-west-1")
    name = bucket_name()
    s3.create_bucket(Bucket=name,
                     CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})  # fmt: skip
    try:
        for answer in (s3.list_objects_v2(Bucket=name), s3.list_objects(Bucket=name)):
            assert answer["ResponseMetadata"]["HTTPHeaders"]["x-amz-bucket-region"] == (
                "eu-west-1")
    finally:
        s3.delete_bucket(Bucket=name)
