"""GetObjectAttributes: ETag, checksum, parts (paged), storage class and size; versions and
delete markers; S3's errors."""

from __future__ import annotations

import base64
import zlib
from typing import Any

import pytest
from awscrt import checksums
from botocore.exceptions import ClientError

ALL = ["ETag", "Checksum", "ObjectParts", "StorageClass", "ObjectSize"]
PART_BYTES = 5 * 1024 * 1024


def _crc32(data: bytes) -> str:
    return base64.b64encode(zlib.crc32(data).to_bytes(4, "big")).decode()


def _upload(s3: Any, bucket: str, key: str, parts: list[bytes], checksum: bool) -> None:
    extra = {"ChecksumAlgorithm": "CRC32"} if checksum else {}
    upload = s3.create_multipart_upload(Bucket=bucket, Key=key, **extra)
    done = []
    for number, data in enumerate(parts, 1):
        part = s3.upload_part(Bucket=bucket, Key=key, UploadId=upload["UploadId"],
                              PartNumber=number, Body=data, **extra)  # fmt: skip
        entry = {"PartNumber": number, "ETag": part["ETag"]}
        if checksum:
            entry["ChecksumCRC32"] = part["ChecksumCRC32"]
        done.append(entry)
    s3.complete_multipart_upload(Bucket=bucket, Key=key, UploadId=upload["UploadId"],
                                 MultipartUpload={"Parts": done})  # fmt: skip


def test_simple_object(s3: Any, bucket: str) -> None:
    put = s3.put_object(Bucket=bucket, Key="k", Body=b"hello", ChecksumAlgorithm="CRC32")
    found = s3.get_object_attributes(Bucket=bucket, Key="k", ObjectAttributes=ALL)
    assert found["ETag"] == put["ETag"].strip('"')
    assert found["Checksum"] == {"ChecksumCRC32": _crc32(b"hello"), "ChecksumType": "FULL_OBJECT"}
    assert found["StorageClass"] == "STANDARD"
    assert found["ObjectSize"] == 5
    assert "ObjectParts" not in found
    assert found["LastModified"] == s3.head_object(Bucket=bucket, Key="k")["LastModified"]
    assert "VersionId" not in found


def test_only_what_is_asked(s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="k", Body=b"hello", StorageClass="STANDARD_IA")
    found = s3.get_object_attributes(Bucket=bucket, Key="k", ObjectAttributes=["StorageClass"])
    assert found["StorageClass"] == "STANDARD_IA"
    assert not {"ETag", "ObjectSize", "Checksum"} & set(found)


def test_multipart_parts_with_checksums(s3: Any, bucket: str) -> None:
    parts = [b"a" * PART_BYTES, b"b" * PART_BYTES, b"c" * 10]
    _upload(s3, bucket, "mp", parts, checksum=True)
    found = s3.get_object_attributes(Bucket=bucket, Key="mp", ObjectAttributes=ALL)
    assert found["ETag"].endswith("-3") and not found["ETag"].startswith('"')
    assert found["Checksum"]["ChecksumType"] == "COMPOSITE"
    assert "-" not in found["Checksum"]["ChecksumCRC32"]
    object_parts = found["ObjectParts"]
    assert object_parts["TotalPartsCount"] == 3
    assert [p["PartNumber"] for p in object_parts["Parts"]] == [1, 2, 3]
    assert [p["Size"] for p in object_parts["Parts"]] == [len(p) for p in parts]
    assert object_parts["Parts"][2]["ChecksumCRC32"] == _crc32(parts[2])
    assert object_parts["IsTruncated"] is False
    page = s3.get_object_attributes(Bucket=bucket, Key="mp", ObjectAttributes=["ObjectParts"],
                                    MaxParts=1, PartNumberMarker=1)["ObjectParts"]  # fmt: skip
    assert [p["PartNumber"] for p in page["Parts"]] == [2]
    assert (page["PartNumberMarker"], page["NextPartNumberMarker"], page["MaxParts"],
            page["IsTruncated"]) == (1, 2, 1, True)  # fmt: skip
    beyond = s3.get_object_attributes(Bucket=bucket, Key="mp", ObjectAttributes=["ObjectParts"],
                                      PartNumberMarker=10)["ObjectParts"]  # fmt: skip
    assert beyond["NextPartNumberMarker"] == 0 and "Parts" not in beyond


def test_multipart_without_checksums_counts_parts(s3: Any, bucket: str) -> None:
    """An upload created without an algorithm gets S3's default FULL_OBJECT CRC64NVME, whose
    parts' values are never listed."""
    _upload(s3, bucket, "mp", [b"a" * PART_BYTES, b"b"], checksum=False)
    found = s3.get_object_attributes(Bucket=bucket, Key="mp", ObjectAttributes=ALL)
    assert found["ObjectParts"]["TotalPartsCount"] == 2
    assert "Parts" not in found["ObjectParts"]
    crc = checksums.crc64nvme(b"a" * PART_BYTES + b"b").to_bytes(8, "big")
    assert found["Checksum"] == {"ChecksumCRC64NVME": base64.b64encode(crc).decode(),
                                 "ChecksumType": "FULL_OBJECT"}  # fmt: skip
    assert found["ObjectSize"] == PART_BYTES + 1


def test_versions_and_delete_markers(s3: Any, bucket: str) -> None:
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    first = s3.put_object(Bucket=bucket, Key="k", Body=b"one")["VersionId"]
    second = s3.put_object(Bucket=bucket, Key="k", Body=b"second")["VersionId"]
    latest = s3.get_object_attributes(Bucket=bucket, Key="k", ObjectAttributes=["ObjectSize"])
    assert (latest["VersionId"], latest["ObjectSize"]) == (second, 6)
    old = s3.get_object_attributes(Bucket=bucket, Key="k", VersionId=first,
                                   ObjectAttributes=["ObjectSize"])  # fmt: skip
    assert (old["VersionId"], old["ObjectSize"]) == (first, 3)
    marker = s3.delete_object(Bucket=bucket, Key="k")["VersionId"]
    with pytest.raises(ClientError) as caught:
        s3.get_object_attributes(Bucket=bucket, Key="k", ObjectAttributes=["ObjectSize"])
    response = caught.value.response
    assert (response["Error"]["Code"], response["ResponseMetadata"]["HTTPStatusCode"]) == (
        "NoSuchKey", 404)
    assert response["ResponseMetadata"]["HTTPHeaders"]["x-amz-delete-marker"] == "true"
    with pytest.raises(ClientError) as caught:
        s3.get_object_attributes(Bucket=bucket, Key="k", VersionId=marker,
                                 ObjectAttributes=["ObjectSize"])  # fmt: skip
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 405


def test_errors(s3: Any, bucket: str) -> None:
    with pytest.raises(ClientError) as caught:
        s3.get_object_attributes(Bucket=bucket, Key="missing", ObjectAttributes=["ETag"])
    assert caught.value.response["Error"]["Code"] == "NoSuchKey"
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    with pytest.raises(ClientError) as caught:
        s3.get_object_attributes(Bucket=bucket, Key="k", ObjectAttributes=["Colour"])
    assert caught.value.response["Error"]["Code"] == "InvalidArgument"
    with pytest.raises(ClientError) as caught:
        s3.get_object_attributes(Bucket=bucket, Key="k", ObjectAttributes=["ETag"],
                                 VersionId="not-a-version")  # fmt: skip
    assert caught.value.response["Error"]["Code"] == "InvalidArgument"


def test_missing_attribute_header(s3: Any, bucket: str, endpoint: str) -> None:
    import httpx

    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    answer = httpx.get(f"{endpoint}/{bucket}/k?attributes")
    assert answer.status_code == 400  # the header is required
    answer = httpx.get(f"{endpoint}/{bucket}/k?attributes",
                       headers={"x-amz-object-attributes": "ETag,Size"})
    assert answer.status_code == 400
    assert b"<Code>InvalidArgument</Code>" in answer.content
