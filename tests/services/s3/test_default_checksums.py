"""S3's default data integrity protection: every new object uploaded without a checksum gets
a CRC64NVME FULL_OBJECT one (PutObject, POST forms, multipart uploads created without an
algorithm, copies of objects that have none), reported by HeadObject/GetObject with
ChecksumMode, GetObjectAttributes and the listings. A multipart upload's default checksum
is its parts' CRC64NVMEs combined; ListParts shows none of them."""

from __future__ import annotations

import base64
from typing import Any

import boto3
import httpx
from awscrt import checksums
from botocore.config import Config

PART = b"p" * (5 * 1024 * 1024)
FULL = {"ChecksumType": "FULL_OBJECT"}


def _crc64(data: bytes) -> str:
    return base64.b64encode(checksums.crc64nvme(data).to_bytes(8, "big")).decode()


def _plain(s3: Any) -> Any:
    """A client that sends no checksum unless asked (the SDK otherwise adds CRC32)."""
    config = Config(request_checksum_calculation="when_required",
                    s3={"addressing_style": "path"})  # fmt: skip
    return boto3.client("s3", endpoint_url=s3.meta.endpoint_url,
                        region_name=s3.meta.region_name, aws_access_key_id="test",
                        aws_secret_access_key="test", config=config)  # fmt: skip


def _reported(answer: dict[str, Any]) -> dict[str, Any]:
    return {n: v for n, v in answer.items() if n.startswith("Checksum")}


def test_put_without_a_checksum_gets_crc64nvme(s3: Any, bucket: str) -> None:
    put = _plain(s3).put_object(Bucket=bucket, Key="k", Body=b"hello world")
    expected = {"ChecksumCRC64NVME": _crc64(b"hello world"), **FULL}
    assert _reported(put) == expected
    assert _reported(s3.head_object(Bucket=bucket, Key="k", ChecksumMode="ENABLED")) == expected
    got = s3.get_object(Bucket=bucket, Key="k", ChecksumMode="ENABLED")
    assert _reported(got) == expected and got["Body"].read() == b"hello world"
    assert _reported(s3.head_object(Bucket=bucket, Key="k")) == {}  # only when asked
    found = s3.get_object_attributes(Bucket=bucket, Key="k", ObjectAttributes=["Checksum"])
    assert found["Checksum"] == expected
    listed = s3.list_objects_v2(Bucket=bucket)["Contents"][0]
    assert (listed["ChecksumAlgorithm"], listed["ChecksumType"]) == (["CRC64NVME"], "FULL_OBJECT")
    version = s3.list_object_versions(Bucket=bucket)["Versions"][0]
    assert version["ChecksumAlgorithm"] == ["CRC64NVME"]


def test_empty_and_large_bodies(s3: Any, bucket: str) -> None:
    plain = _plain(s3)
    assert plain.put_object(Bucket=bucket, Key="empty", Body=b"")["ChecksumCRC64NVME"] == (
        "AAAAAAAAAAA=")
    big = bytes(range(256)) * 12_000  # past the inline size and the blob store's batch size
    assert plain.put_object(Bucket=bucket, Key="big", Body=big)["ChecksumCRC64NVME"] == (
        _crc64(big))


def test_a_named_checksum_is_the_only_one_kept(s3: Any, bucket: str) -> None:
    put = s3.put_object(Bucket=bucket, Key="k", Body=b"data", ChecksumAlgorithm="SHA256")
    assert set(_reported(put)) == {"ChecksumSHA256", "ChecksumType"}
    head = s3.head_object(Bucket=bucket, Key="k", ChecksumMode="ENABLED")
    assert "ChecksumCRC64NVME" not in head and head["ChecksumSHA256"] == put["ChecksumSHA256"]


def test_multipart_created_without_an_algorithm(s3: Any, bucket: str) -> None:
    plain = _plain(s3)
    upload = plain.create_multipart_upload(Bucket=bucket, Key="mp")
    assert "ChecksumAlgorithm" not in upload
    where = {"Bucket": bucket, "Key": "mp", "UploadId": upload["UploadId"]}
    parts = []
    for number, body in ((1, PART), (2, b"tail")):
        sent = plain.upload_part(PartNumber=number, Body=body, **where)
        assert _reported(sent) == {"ChecksumCRC64NVME": _crc64(body)}
        parts.append({"PartNumber": number, "ETag": sent["ETag"]})
    listed = plain.list_parts(**where)
    assert "ChecksumAlgorithm" not in listed
    assert not any(n.startswith("Checksum") for p in listed["Parts"] for n in p)
    done = plain.complete_multipart_upload(MultipartUpload={"Parts": parts}, **where)
    expected = {"ChecksumCRC64NVME": _crc64(PART + b"tail"), **FULL}
    assert _reported(done) == expected
    assert _reported(s3.head_object(Bucket=bucket, Key="mp", ChecksumMode="ENABLED")) == expected
    found = s3.get_object_attributes(Bucket=bucket, Key="mp",
                                     ObjectAttributes=["Checksum", "ObjectParts"])  # fmt: skip
    assert found["Checksum"] == expected
    assert found["ObjectParts"]["TotalPartsCount"] == 2 and "Parts" not in found["ObjectParts"]


def test_parts_naming_another_algorithm_still_combine_the_default(s3: Any, bucket: str) -> None:
    """The SDK adds CRC32 to each part of an upload created without an algorithm: the part
    answers with that, and the object still gets S3's default CRC64NVME."""
    upload_id = s3.create_multipart_upload(Bucket=bucket, Key="mp")["UploadId"]
    where = {"Bucket": bucket, "Key": "mp", "UploadId": upload_id}
    first = s3.upload_part(PartNumber=1, Body=PART, ChecksumAlgorithm="CRC32", **where)
    assert set(_reported(first)) == {"ChecksumCRC32"}
    assert s3.list_parts(**where)["Parts"][0]["ChecksumCRC32"] == first["ChecksumCRC32"]
    copied = s3.put_object(Bucket=bucket, Key="src", Body=b"0123456789")
    second = s3.upload_part_copy(PartNumber=2, CopySource=f"{bucket}/src",
                                 CopySourceRange="bytes=2-5", **where)["CopyPartResult"]
    parts = [{"PartNumber": 1, "ETag": first["ETag"]}, {"PartNumber": 2, "ETag": second["ETag"]}]
    done = s3.complete_multipart_upload(MultipartUpload={"Parts": parts}, **where)
    assert _reported(done) == {"ChecksumCRC64NVME": _crc64(PART + b"2345"), **FULL}
    assert copied["ETag"]


def test_copy_keeps_the_default_checksum(s3: Any, bucket: str) -> None:
    _plain(s3).put_object(Bucket=bucket, Key="src", Body=b"copy me")
    copied = s3.copy_object(Bucket=bucket, Key="dst", CopySource=f"{bucket}/src")
    expected = {"ChecksumCRC64NVME": _crc64(b"copy me"), **FULL}
    assert _reported(copied["CopyObjectResult"]) == expected
    assert _reported(s3.head_object(Bucket=bucket, Key="dst", ChecksumMode="ENABLED")) == expected


def test_post_form_upload_gets_crc64nvme(s3: Any, bucket: str) -> None:
    post = s3.generate_presigned_post(bucket, "form")
    response = httpx.post(post["url"], data=post["fields"],
                          files={"file": ("f.txt", b"form bytes", "text/plain")}, timeout=10)
    assert response.status_code == 204, response.text
    head = s3.head_object(Bucket=bucket, Key="form", ChecksumMode="ENABLED")
    assert _reported(head) == {"ChecksumCRC64NVME": _crc64(b"form bytes"), **FULL}
