"""Checksums of multipart uploads as S3 recorded them: every part of an upload created with
an algorithm carries that algorithm's checksum, a COMPOSITE upload's completion names each
part's checksum; PutObjectAcl on a delete marker is 405 naming PUT."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

PART = b"x" * (5 * 1024 * 1024)


def _error(call: Any, **kwargs: Any) -> dict[str, Any]:
    with pytest.raises(ClientError) as caught:
        call(**kwargs)
    response = caught.value.response
    return {**response["Error"], "Status": response["ResponseMetadata"]["HTTPStatusCode"]}


def _plain_client(s3: Any) -> Any:
    """A client that sends no checksum unless asked (the SDK otherwise adds CRC32)."""
    config = Config(request_checksum_calculation="when_required",
                    s3={"addressing_style": "path"})  # fmt: skip
    return boto3.client("s3", endpoint_url=s3.meta.endpoint_url,
                        region_name=s3.meta.region_name, aws_access_key_id="test",
                        aws_secret_access_key="test", config=config)  # fmt: skip


def test_parts_must_carry_the_uploads_algorithm(s3: Any, bucket: str) -> None:
    upload = s3.create_multipart_upload(Bucket=bucket, Key="k", ChecksumAlgorithm="SHA256")
    where = {"Bucket": bucket, "Key": "k", "UploadId": upload["UploadId"], "PartNumber": 1}
    error = _error(s3.upload_part, Body=b"x", ChecksumAlgorithm="CRC32", **where)
    assert (error["Code"], error["Status"]) == ("InvalidRequest", 400)
    assert error["Message"] == ("Checksum Type mismatch occurred, expected checksum Type: "
                                "sha256, actual checksum Type: crc32")
    error = _error(_plain_client(s3).upload_part, Body=b"x", **where)
    assert error["Message"].endswith("expected checksum Type: sha256, actual checksum Type: null")
    assert "Parts" not in s3.list_parts(Bucket=bucket, Key="k", UploadId=upload["UploadId"])


def test_composite_completion_names_each_part_checksum(s3: Any, bucket: str) -> None:
    upload_id = s3.create_multipart_upload(Bucket=bucket, Key="k",
                                           ChecksumAlgorithm="SHA256")["UploadId"]
    parts = []
    for number, body in ((1, PART), (2, b"tail")):
        sent = s3.upload_part(Bucket=bucket, Key="k", UploadId=upload_id, PartNumber=number,
                              Body=body, ChecksumAlgorithm="SHA256")  # fmt: skip
        parts.append({"PartNumber": number, "ETag": sent["ETag"],
                      "ChecksumSHA256": sent["ChecksumSHA256"]})  # fmt: skip
    bare = [{"PartNumber": p["PartNumber"], "ETag": p["ETag"]} for p in parts]
    error = _error(s3.complete_multipart_upload, Bucket=bucket, Key="k", UploadId=upload_id,
                   MultipartUpload={"Parts": bare})
    assert (error["Code"], error["Message"]) == ("InvalidRequest", (
        "The upload was created using a sha256 checksum. The complete request must include "
        "the checksum for each part. It was missing for part 1 in the request."))
    done = s3.complete_multipart_upload(Bucket=bucket, Key="k", UploadId=upload_id,
                                        MultipartUpload={"Parts": parts})
    assert done["ChecksumSHA256"].endswith("-2") and done["ETag"].endswith('-2"')


def test_object_acl_on_a_delete_marker(s3: Any, bucket: str) -> None:
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    marker = s3.delete_object(Bucket=bucket, Key="k")["VersionId"]
    for version in ({}, {"VersionId": marker}):
        error = _error(s3.put_object_acl, Bucket=bucket, Key="k", ACL="private", **version)
        assert (error["Status"], error["Method"], error["ResourceType"]) == (
            405, "PUT", "DeleteMarker")  # fmt: skip
    assert _error(s3.get_object_acl, Bucket=bucket, Key="k")["Code"] == "NoSuchKey"
    error = _error(s3.get_object_acl, Bucket=bucket, Key="k", VersionId=marker)
    assert (error["Status"], error["Method"]) == (405, "GET")
