"""CopyObject with x-amz-checksum-algorithm, as AWS recorded it: the copy is checksummed with
the requested algorithm, and asking for one makes a copy onto itself legal."""

from __future__ import annotations

from typing import Any

import pytest

BODY = b"test-checksum"
SHA1 = "jbXkHAsXUrubtL3dqDQ4w+7WXc0="
CRC32C = "Fz3epA=="


@pytest.mark.parametrize(("algorithm", "expected"), [("SHA1", SHA1), ("CRC32C", CRC32C)])
def test_copy_in_place_with_checksum_algorithm(
    s3: Any, bucket: str, algorithm: str, expected: str
) -> None:
    s3.put_object(Bucket=bucket, Key="obj", Body=BODY)  # boto3 sends CRC32 by default
    copied = s3.copy_object(
        Bucket=bucket, Key="obj", CopySource=f"{bucket}/obj", ChecksumAlgorithm=algorithm
    )
    member = f"Checksum{algorithm}"
    assert copied["CopyObjectResult"][member] == expected
    assert "ChecksumCRC32" not in copied["CopyObjectResult"]
    attrs = s3.get_object_attributes(Bucket=bucket, Key="obj", ObjectAttributes=["Checksum"])
    assert attrs["Checksum"][member] == expected
    again = s3.copy_object(Bucket=bucket, Key="other", CopySource=f"{bucket}/obj")
    assert again["CopyObjectResult"][member] == expected  # the copy keeps the new checksum


def test_copy_of_multipart_object_with_checksum_algorithm(s3: Any, bucket: str) -> None:
    upload = s3.create_multipart_upload(Bucket=bucket, Key="mp")
    part = s3.upload_part(
        Bucket=bucket, Key="mp", UploadId=upload["UploadId"], PartNumber=1, Body=BODY
    )
    s3.complete_multipart_upload(
        Bucket=bucket,
        Key="mp",
        UploadId=upload["UploadId"],
        MultipartUpload={"Parts": [{"ETag": part["ETag"], "PartNumber": 1}]},
    )
    copied = s3.copy_object(
        Bucket=bucket, Key="copy", CopySource=f"{bucket}/mp", ChecksumAlgorithm="SHA1"
    )
    assert copied["CopyObjectResult"]["ChecksumSHA1"] == SHA1
    got = s3.get_object(Bucket=bucket, Key="copy", ChecksumMode="ENABLED")
    assert got["ChecksumSHA1"] == SHA1 and got["Body"].read() == BODY
