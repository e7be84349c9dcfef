"""GetObject/HeadObject with PartNumber on a multipart object: the part's bytes, its count
(x-amz-mp-parts-count) and, with ChecksumMode, the part's own checksum: a COMPOSITE object's
part checksum; a FULL_OBJECT object's checksum only when it is one part (S3 keeps no other
part value for it). A part number past the count is 416 InvalidPartNumber."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

PART = b"a" * (5 * 1024 * 1024)
TAIL = b"tail bytes"


def _upload(s3: Any, bucket: str, key: str, bodies: list[bytes], **create: Any) -> list[str]:
    """Upload `bodies` as parts; return each part's checksum of the upload's algorithm."""
    algorithm = create.get("ChecksumAlgorithm")
    upload_id = s3.create_multipart_upload(Bucket=bucket, Key=key, **create)["UploadId"]
    parts, values = [], []
    for number, body in enumerate(bodies, 1):
        extra = {"ChecksumAlgorithm": algorithm} if algorithm else {}
        sent = s3.upload_part(Bucket=bucket, Key=key, UploadId=upload_id, PartNumber=number,
                              Body=body, **extra)  # fmt: skip
        entry = {"PartNumber": number, "ETag": sent["ETag"]}
        if algorithm:
            values.append(sent[f"Checksum{algorithm}"])
            entry[f"Checksum{algorithm}"] = values[-1]
        parts.append(entry)
    s3.complete_multipart_upload(Bucket=bucket, Key=key, UploadId=upload_id,
                                 MultipartUpload={"Parts": parts})  # fmt: skip
    return values


def _checksums(answer: dict[str, Any]) -> dict[str, Any]:
    return {n: v for n, v in answer.items() if n.startswith("Checksum")}


def test_composite_part_answers_with_its_own_checksum(s3: Any, bucket: str) -> None:
    values = _upload(s3, bucket, "mp", [PART, TAIL], ChecksumAlgorithm="SHA256")
    got = s3.get_object(Bucket=bucket, Key="mp", PartNumber=2, ChecksumMode="ENABLED")
    assert got["Body"].read() == TAIL and got["PartsCount"] == 2
    size = len(PART) + len(TAIL)
    assert got["ContentRange"] == f"bytes {len(PART)}-{size - 1}/{size}"
    assert _checksums(got) == {"ChecksumSHA256": values[1], "ChecksumType": "COMPOSITE"}
    head = s3.head_object(Bucket=bucket, Key="mp", PartNumber=1, ChecksumMode="ENABLED")
    assert head["ResponseMetadata"]["HTTPStatusCode"] == 206 and head["PartsCount"] == 2
    assert head["ContentLength"] == len(PART) and head["ChecksumSHA256"] == values[0]
    whole = s3.head_object(Bucket=bucket, Key="mp", ChecksumMode="ENABLED")
    assert whole["ChecksumSHA256"].endswith("-2")
    assert _checksums(s3.head_object(Bucket=bucket, Key="mp", PartNumber=1)) == {}


def test_single_part_composite_gives_the_part_not_the_composite(s3: Any, bucket: str) -> None:
    values = _upload(s3, bucket, "one", [TAIL], ChecksumAlgorithm="CRC32")
    head = s3.head_object(Bucket=bucket, Key="one", PartNumber=1, ChecksumMode="ENABLED")
    assert head["ChecksumCRC32"] == values[0] and head["PartsCount"] == 1


@pytest.mark.parametrize("create", [{"ChecksumAlgorithm": "CRC64NVME"}, {}])
def test_full_object_part_of_several_has_no_checksum(s3: Any, bucket: str,
                                                     create: dict[str, str]) -> None:
    _upload(s3, bucket, "mp", [PART, TAIL], **create)
    got = s3.get_object(Bucket=bucket, Key="mp", PartNumber=1, ChecksumMode="ENABLED")
    assert got["PartsCount"] == 2 and _checksums(got) == {}
    assert got["Body"].read() == PART


def test_full_object_single_part_gives_the_object_checksum(s3: Any, bucket: str) -> None:
    _upload(s3, bucket, "one", [TAIL], ChecksumAlgorithm="CRC64NVME")
    whole = s3.head_object(Bucket=bucket, Key="one", ChecksumMode="ENABLED")
    part = s3.head_object(Bucket=bucket, Key="one", PartNumber=1, ChecksumMode="ENABLED")
    assert _checksums(part) == _checksums(whole) and whole["ChecksumType"] == "FULL_OBJECT"


def test_part_one_of_a_simple_object_is_the_object(s3: Any, bucket: str) -> None:
    put = s3.put_object(Bucket=bucket, Key="k", Body=b"simple", ChecksumAlgorithm="CRC32")
    got = s3.get_object(Bucket=bucket, Key="k", PartNumber=1, ChecksumMode="ENABLED")
    assert got["Body"].read() == b"simple" and "PartsCount" not in got
    assert got["ChecksumCRC32"] == put["ChecksumCRC32"]


def test_part_number_past_the_count_is_416(s3: Any, bucket: str) -> None:
    _upload(s3, bucket, "mp", [PART, TAIL])
    s3.put_object(Bucket=bucket, Key="k", Body=b"simple")
    for key, count in (("mp", 2), ("k", 1)):
        with pytest.raises(ClientError) as caught:
            s3.get_object(Bucket=bucket, Key=key, PartNumber=count + 1)
        error = caught.value.response["Error"]
        assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 416
        assert (error["Code"], error["Message"]) == (
            "InvalidPartNumber", "The requested partnumber is not satisfiable")
        assert (error["PartNumberRequested"], error["ActualPartCount"]) == (str(count + 1),
                                                                           str(count))
        with pytest.raises(ClientError) as caught:
            s3.head_object(Bucket=bucket, Key=key, PartNumber=count + 1)
        assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 416
