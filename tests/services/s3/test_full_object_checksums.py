"""Multipart checksum types as S3 documents them: an upload's algorithm and type (CRC64NVME
only FULL_OBJECT, SHA only COMPOSITE), the whole-object CRC a FULL_OBJECT upload completes
with (and checks when the completion carries one), and how reads, listings and copies
report it."""

from __future__ import annotations

import base64
import hashlib
import zlib
from collections.abc import Callable
from typing import Any

import pytest
from awscrt import checksums
from boto3.s3.transfer import TransferConfig
from botocore.exceptions import ClientError

MIB = 1024 * 1024
FIRST = bytes(range(256)) * (5 * MIB // 256)  # a full-size first part
TAIL = b"the last part may be small"

_CRCS: dict[str, tuple[Callable[[bytes], int], int]] = {
    "CRC32": (zlib.crc32, 4),
    "CRC32C": (checksums.crc32c, 4),
    "CRC64NVME": (checksums.crc64nvme, 8),
}


def _crc(algorithm: str, data: bytes) -> str:
    function, width = _CRCS[algorithm]
    return base64.b64encode(function(data).to_bytes(width, "big")).decode()


def _composite(algorithm: str, parts: list[bytes]) -> str:
    digests = b"".join(base64.b64decode(_crc(algorithm, part)) for part in parts)
    return f"{_crc(algorithm, digests)}-{len(parts)}"


def _error(call: Any, **kwargs: Any) -> tuple[str, str]:
    with pytest.raises(ClientError) as caught:
        call(**kwargs)
    error = caught.value.response["Error"]
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    return error["Code"], error["Message"]


def _upload_parts(
    s3: Any, bucket: str, key: str, algorithm: str, kind: str | None, parts: list[bytes]
) -> tuple[str, list[dict[str, Any]]]:
    extra = {"ChecksumType": kind} if kind else {}
    upload_id = s3.create_multipart_upload(Bucket=bucket, Key=key, ChecksumAlgorithm=algorithm,
                                           **extra)["UploadId"]  # fmt: skip
    member = f"Checksum{algorithm}"
    done = []
    for number, body in enumerate(parts, start=1):
        sent = s3.upload_part(Bucket=bucket, Key=key, UploadId=upload_id, PartNumber=number,
                              Body=body, ChecksumAlgorithm=algorithm)  # fmt: skip
        done.append({"PartNumber": number, "ETag": sent["ETag"], member: sent[member]})
    return upload_id, done


def test_create_defaults_the_type_per_algorithm(s3: Any, bucket: str) -> None:
    for algorithm, kind in (("CRC64NVME", "FULL_OBJECT"), ("CRC32", "COMPOSITE"),
                            ("CRC32C", "COMPOSITE"), ("SHA1", "COMPOSITE")):  # fmt: skip
        made = s3.create_multipart_upload(Bucket=bucket, Key="k", ChecksumAlgorithm=algorithm)
        assert (made["ChecksumAlgorithm"], made["ChecksumType"]) == (algorithm, kind)
    made = s3.create_multipart_upload(Bucket=bucket, Key="k", ChecksumAlgorithm="CRC32C",
                                      ChecksumType="FULL_OBJECT")  # fmt: skip
    assert (made["ChecksumAlgorithm"], made["ChecksumType"]) == ("CRC32C", "FULL_OBJECT")
    uploads = s3.list_multipart_uploads(Bucket=bucket)["Uploads"]
    assert {(u["ChecksumAlgorithm"], u["ChecksumType"]) for u in uploads} == {
        ("CRC64NVME", "FULL_OBJECT"), ("CRC32", "COMPOSITE"), ("CRC32C", "COMPOSITE"),
        ("SHA1", "COMPOSITE"), ("CRC32C", "FULL_OBJECT")}  # fmt: skip


@pytest.mark.parametrize(("algorithm", "kind", "message"), [
    ("SHA256", "FULL_OBJECT",
     "The FULL_OBJECT checksum type cannot be used with the sha256 checksum algorithm."),
    ("SHA1", "FULL_OBJECT",
     "The FULL_OBJECT checksum type cannot be used with the sha1 checksum algorithm."),
    ("CRC64NVME", "COMPOSITE",
     "The COMPOSITE checksum type cannot be used with the crc64nvme checksum algorithm."),
    (None, "FULL_OBJECT", "The x-amz-checksum-type header can only be used with the "
     "x-amz-checksum-algorithm header."),
    ("CRC32", "PARTIAL", "Value for x-amz-checksum-type header is invalid."),
])  # fmt: skip
def test_create_refuses_unsupported_combinations(
    s3: Any, bucket: str, algorithm: str | None, kind: str, message: str
) -> None:
    extra = {"ChecksumAlgorithm": algorithm} if algorithm else {}
    assert _error(s3.create_multipart_upload, Bucket=bucket, Key="k", ChecksumType=kind,
                  **extra) == ("InvalidRequest", message)  # fmt: skip
    assert "Uploads" not in s3.list_multipart_uploads(Bucket=bucket)


@pytest.mark.parametrize("algorithm", ["CRC32", "CRC32C", "CRC64NVME"])
def test_full_object_checksum_is_the_whole_objects_crc(
    s3: Any, bucket: str, algorithm: str
) -> None:
    upload_id, parts = _upload_parts(s3, bucket, "k", algorithm, "FULL_OBJECT", [FIRST, TAIL])
    listed = s3.list_parts(Bucket=bucket, Key="k", UploadId=upload_id)
    assert (listed["ChecksumAlgorithm"], listed["ChecksumType"]) == (algorithm, "FULL_OBJECT")
    member, expected = f"Checksum{algorithm}", _crc(algorithm, FIRST + TAIL)
    done = s3.complete_multipart_upload(Bucket=bucket, Key="k", UploadId=upload_id,
                                        MultipartUpload={"Parts": parts},
                                        ChecksumType="FULL_OBJECT")  # fmt: skip
    assert (done[member], done["ChecksumType"]) == (expected, "FULL_OBJECT")
    head = s3.head_object(Bucket=bucket, Key="k", ChecksumMode="ENABLED")
    assert (head[member], head["ChecksumType"]) == (expected, "FULL_OBJECT")
    got = s3.get_object(Bucket=bucket, Key="k", ChecksumMode="ENABLED")
    assert got[member] == expected and got["Body"].read() == FIRST + TAIL
    attributes = s3.get_object_attributes(Bucket=bucket, Key="k",
                                          ObjectAttributes=["Checksum", "ObjectParts"])
    assert attributes["Checksum"] == {member: expected, "ChecksumType": "FULL_OBJECT"}
    assert [p[member] for p in attributes["ObjectParts"]["Parts"]] == [
        _crc(algorithm, FIRST), _crc(algorithm, TAIL)]  # fmt: skip
    listed_object = s3.list_objects_v2(Bucket=bucket)["Contents"][0]
    assert listed_object["ChecksumType"] == "FULL_OBJECT"


def test_completion_checks_the_full_object_checksum(s3: Any, bucket: str) -> None:
    upload_id, parts = _upload_parts(s3, bucket, "k", "CRC32", "FULL_OBJECT", [TAIL])
    where = {"Bucket": bucket, "Key": "k", "UploadId": upload_id,
             "MultipartUpload": {"Parts": parts}}  # fmt: skip
    assert _error(s3.complete_multipart_upload, ChecksumCRC32=_crc("CRC32", b"other"),
                  ChecksumType="FULL_OBJECT", **where) == (
        "BadDigest", "The CRC32 you specified did not match the calculated checksum.")  # fmt: skip
    assert _error(s3.complete_multipart_upload, ChecksumCRC32="not-a-crc",
                  ChecksumType="FULL_OBJECT", **where) == (
        "InvalidRequest", "Value for x-amz-checksum-crc32 header is invalid.")  # fmt: skip
    assert _error(s3.complete_multipart_upload, ChecksumType="COMPOSITE", **where) == (
        "InvalidRequest", "The upload was created using the FULL_OBJECT checksum mode. The "
        "complete request must use the same checksum mode.")  # fmt: skip
    assert _error(s3.complete_multipart_upload, ChecksumType="BOTH", **where) == (
        "InvalidRequest", "Value for x-amz-checksum-type header is invalid.")
    assert _error(s3.complete_multipart_upload, ChecksumCRC32=_crc("CRC32", TAIL),
                  ChecksumCRC32C=_crc("CRC32C", TAIL), **where) == (
        "InvalidRequest", "Expecting a single x-amz-checksum- header. Multiple checksum Types "
        "are not allowed.")  # fmt: skip
    done = s3.complete_multipart_upload(ChecksumCRC32=_crc("CRC32", TAIL),
                                        ChecksumType="FULL_OBJECT", **where)  # fmt: skip
    assert done["ChecksumCRC32"] == _crc("CRC32", TAIL)


def test_completion_checks_a_composite_checksum(s3: Any, bucket: str) -> None:
    upload_id, parts = _upload_parts(s3, bucket, "k", "SHA256", None, [FIRST, TAIL])
    where = {"Bucket": bucket, "Key": "k", "UploadId": upload_id,
             "MultipartUpload": {"Parts": parts}}  # fmt: skip
    parts_sha = [base64.b64decode(p["ChecksumSHA256"]) for p in parts]
    expected = f"{base64.b64encode(hashlib.sha256(b''.join(parts_sha)).digest()).decode()}-2"
    wrong = parts[0]["ChecksumSHA256"] + "-2"
    assert _error(s3.complete_multipart_upload, ChecksumSHA256=wrong, **where) == (
        "BadDigest", "The SHA256 you specified did not match the calculated checksum.")
    assert _error(s3.complete_multipart_upload, ChecksumSHA256="abc-x", **where)[1] == (
        "Value for x-amz-checksum-sha256 header is invalid.")
    done = s3.complete_multipart_upload(ChecksumSHA256=expected, **where)
    assert (done["ChecksumSHA256"], done["ChecksumType"]) == (expected, "COMPOSITE")


def test_completion_checks_each_parts_checksum(s3: Any, bucket: str) -> None:
    upload_id, parts = _upload_parts(s3, bucket, "k", "CRC32", "COMPOSITE", [TAIL])
    where = {"Bucket": bucket, "Key": "k", "UploadId": upload_id}

    def complete(part: dict[str, Any]) -> tuple[str, str]:
        return _error(s3.complete_multipart_upload, MultipartUpload={"Parts": [part]}, **where)

    bare = {"PartNumber": 1, "ETag": parts[0]["ETag"]}
    assert complete({**bare, "ChecksumCRC32": _crc("CRC32", b"other")})[0] == "InvalidPart"
    assert complete({**bare, "ChecksumCRC32": "!!"}) == (
        "InvalidArgument", "Invalid Base64 or multiple checksums present in request")
    sha = base64.b64encode(bytes(32)).decode()
    assert complete({**bare, "ChecksumSHA256": sha}) == (
        "BadDigest", "The sha256 you specified for part 1 did not match what we received.")
    done = s3.complete_multipart_upload(MultipartUpload={"Parts": parts}, **where)
    assert done["ChecksumCRC32"] == _composite("CRC32", [TAIL])


def test_upload_part_copy_gets_the_uploads_checksum(s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="source", Body=FIRST)
    upload_id = s3.create_multipart_upload(Bucket=bucket, Key="k", ChecksumAlgorithm="CRC32C",
                                           ChecksumType="FULL_OBJECT")["UploadId"]  # fmt: skip
    copied = s3.upload_part_copy(Bucket=bucket, Key="k", UploadId=upload_id, PartNumber=1,
                                 CopySource=f"{bucket}/source")["CopyPartResult"]  # fmt: skip
    assert copied["ChecksumCRC32C"] == _crc("CRC32C", FIRST)
    tail = s3.upload_part(Bucket=bucket, Key="k", UploadId=upload_id, PartNumber=2, Body=TAIL,
                          ChecksumAlgorithm="CRC32C")  # fmt: skip
    parts = [{"PartNumber": 1, "ETag": copied["ETag"], "ChecksumCRC32C": copied["ChecksumCRC32C"]},
             {"PartNumber": 2, "ETag": tail["ETag"], "ChecksumCRC32C": tail["ChecksumCRC32C"]}]
    done = s3.complete_multipart_upload(Bucket=bucket, Key="k", UploadId=upload_id,
                                        MultipartUpload={"Parts": parts})  # fmt: skip
    assert done["ChecksumCRC32C"] == _crc("CRC32C", FIRST + TAIL)


def test_upload_file_with_a_full_object_checksum(s3: Any, bucket: str, tmp_path: Any) -> None:
    path = tmp_path / "data"
    path.write_bytes(FIRST + FIRST + TAIL)
    config = TransferConfig(multipart_threshold=5 * MIB, multipart_chunksize=5 * MIB)
    whole = _crc("CRC32", FIRST + FIRST + TAIL)
    # a precomputed checksum makes s3transfer create a FULL_OBJECT upload and send it on Complete
    s3.upload_file(str(path), bucket, "full", Config=config, ExtraArgs={"ChecksumCRC32": whole})
    head = s3.head_object(Bucket=bucket, Key="full", ChecksumMode="ENABLED")
    assert (head["ChecksumCRC32"], head["ChecksumType"]) == (whole, "FULL_OBJECT")
    assert head["ETag"].endswith('-3"')
    s3.upload_file(str(path), bucket, "composite", Config=config,
                   ExtraArgs={"ChecksumAlgorithm": "CRC32C"})  # fmt: skip
    head = s3.head_object(Bucket=bucket, Key="composite", ChecksumMode="ENABLED")
    assert head["ChecksumCRC32C"] == _composite("CRC32C", [FIRST, FIRST, TAIL])
    assert head["ChecksumType"] == "COMPOSITE"
    s3.upload_file(str(path), bucket, "default", Config=config)  # the SDK's CRC32, COMPOSITE
    head = s3.head_object(Bucket=bucket, Key="default", ChecksumMode="ENABLED")
    assert head["ChecksumCRC32"] == _composite("CRC32", [FIRST, FIRST, TAIL])


def test_copies_of_multipart_and_single_part_objects(s3: Any, bucket: str) -> None:
    upload_id, parts = _upload_parts(s3, bucket, "composite", "CRC32", None, [FIRST, TAIL])
    s3.complete_multipart_upload(Bucket=bucket, Key="composite", UploadId=upload_id,
                                 MultipartUpload={"Parts": parts})  # fmt: skip
    whole = _crc("CRC32", FIRST + TAIL)
    # a copy is made in one piece: its checksum is the whole object's, same algorithm
    copied = s3.copy_object(Bucket=bucket, Key="c1", CopySource=f"{bucket}/composite")
    assert copied["CopyObjectResult"]["ChecksumCRC32"] == whole
    head = s3.head_object(Bucket=bucket, Key="c1", ChecksumMode="ENABLED")
    assert (head["ChecksumCRC32"], head["ChecksumType"]) == (whole, "FULL_OBJECT")
    upload_id, parts = _upload_parts(s3, bucket, "full", "CRC64NVME", None, [FIRST, TAIL])
    s3.complete_multipart_upload(Bucket=bucket, Key="full", UploadId=upload_id,
                                 MultipartUpload={"Parts": parts})  # fmt: skip
    copied = s3.copy_object(Bucket=bucket, Key="c2", CopySource=f"{bucket}/full")
    assert copied["CopyObjectResult"]["ChecksumCRC64NVME"] == _crc("CRC64NVME", FIRST + TAIL)
    s3.put_object(Bucket=bucket, Key="single", Body=TAIL, ChecksumAlgorithm="CRC32C")
    copied = s3.copy_object(Bucket=bucket, Key="c3", CopySource=f"{bucket}/single")
    assert copied["CopyObjectResult"]["ChecksumCRC32C"] == _crc("CRC32C", TAIL)
    attributes = s3.get_object_attributes(Bucket=bucket, Key="c2",
                                          ObjectAttributes=["Checksum", "ObjectParts"])
    assert "ObjectParts" not in attributes  # a copy has no parts


def test_version_listing_names_a_multipart_objects_algorithm(s3: Any, bucket: str) -> None:
    upload_id, parts = _upload_parts(s3, bucket, "k", "SHA1", None, [TAIL])
    s3.complete_multipart_upload(Bucket=bucket, Key="k", UploadId=upload_id,
                                 MultipartUpload={"Parts": parts})  # fmt: skip
    version = s3.list_object_versions(Bucket=bucket)["Versions"][0]
    assert (version["ChecksumAlgorithm"], version["ChecksumType"]) == (["SHA1"], "COMPOSITE")
