"""Multipart uploads, CopyObject and DeleteObjects through boto3 and its transfer manager."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

import pytest
from boto3.s3.transfer import TransferConfig
from botocore.exceptions import ClientError

MIB = 1024 * 1024


def code_of(excinfo: pytest.ExceptionInfo[ClientError]) -> str:
    return str(excinfo.value.response["Error"]["Code"])


def test_upload_and_download_file_in_parts(s3: Any, bucket: str, tmp_path: Path) -> None:
    source = tmp_path / "big.bin"
    data = os.urandom(12 * MIB + 123)
    source.write_bytes(data)
    config = TransferConfig(multipart_threshold=5 * MIB, multipart_chunksize=5 * MIB)
    s3.upload_file(str(source), bucket, "big.bin", Config=config)
    head = s3.head_object(Bucket=bucket, Key="big.bin")
    assert head["ContentLength"] == len(data) and head["ETag"].endswith('-3"')
    target = tmp_path / "back.bin"
    s3.download_file(bucket, "big.bin", str(target), Config=config)
    assert hashlib.sha256(target.read_bytes()).digest() == hashlib.sha256(data).digest()
    part = s3.get_object(Bucket=bucket, Key="big.bin", PartNumber=2)
    assert part["PartsCount"] == 3 and part["ContentLength"] == 5 * MIB
    assert part["Body"].read() == data[5 * MIB : 10 * MIB]
    ranged = s3.get_object(Bucket=bucket, Key="big.bin", Range=f"bytes={5 * MIB - 3}-{5 * MIB + 2}")
    assert ranged["Body"].read() == data[5 * MIB - 3 : 5 * MIB + 3]


def test_multipart_etag_and_part_validation(s3: Any, bucket: str) -> None:
    upload = s3.create_multipart_upload(Bucket=bucket, Key="mp", ContentType="text/x")
    upload_id = upload["UploadId"]
    first = b"a" * (5 * MIB)
    e1 = s3.upload_part(Bucket=bucket, Key="mp", UploadId=upload_id, PartNumber=1, Body=first)
    e2 = s3.upload_part(Bucket=bucket, Key="mp", UploadId=upload_id, PartNumber=2, Body=b"tail")
    parts = s3.list_parts(Bucket=bucket, Key="mp", UploadId=upload_id)["Parts"]
    assert [(p["PartNumber"], p["Size"]) for p in parts] == [(1, 5 * MIB), (2, 4)]
    uploads = s3.list_multipart_uploads(Bucket=bucket)["Uploads"]
    assert [u["UploadId"] for u in uploads] == [upload_id]
    with pytest.raises(ClientError) as excinfo:
        s3.complete_multipart_upload(
            Bucket=bucket, Key="mp", UploadId=upload_id,
            MultipartUpload={"Parts": [{"PartNumber": 2, "ETag": e2["ETag"]},
                                       {"PartNumber": 1, "ETag": e1["ETag"]}]},
        )  # fmt: skip
    assert code_of(excinfo) == "InvalidPartOrder"
    with pytest.raises(ClientError) as excinfo:
        s3.complete_multipart_upload(
            Bucket=bucket, Key="mp", UploadId=upload_id,
            MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": '"0000"'}]},
        )  # fmt: skip
    assert code_of(excinfo) == "InvalidPart"
    with pytest.raises(ClientError) as excinfo:
        s3.complete_multipart_upload(
            Bucket=bucket, Key="mp", UploadId=upload_id,
            MultipartUpload={"Parts": [{"PartNumber": 2, "ETag": e2["ETag"]},
                                       {"PartNumber": 3, "ETag": e2["ETag"]}]},
        )  # fmt: skip
    assert code_of(excinfo) == "InvalidPart"
    done = s3.complete_multipart_upload(
        Bucket=bucket, Key="mp", UploadId=upload_id,
        MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": e1["ETag"]},
                                   {"PartNumber": 2, "ETag": e2["ETag"]}]},
    )  # fmt: skip
    md5s = hashlib.md5(first).digest() + hashlib.md5(b"tail").digest()
    assert done["ETag"] == f'"{hashlib.md5(md5s).hexdigest()}-2"'
    got = s3.get_object(Bucket=bucket, Key="mp")
    assert got["Body"].read() == first + b"tail" and got["ContentType"] == "text/x"
    with pytest.raises(ClientError) as excinfo:
        s3.list_parts(Bucket=bucket, Key="mp", UploadId=upload_id)
    assert code_of(excinfo) == "NoSuchUpload"


def test_small_parts_are_refused_and_abort(s3: Any, bucket: str) -> None:
    upload_id = s3.create_multipart_upload(Bucket=bucket, Key="s")["UploadId"]
    tags = [
        s3.upload_part(Bucket=bucket, Key="s", UploadId=upload_id, PartNumber=n, Body=b"x")["ETag"]
        for n in (1, 2)
    ]
    with pytest.raises(ClientError) as excinfo:
        s3.complete_multipart_upload(
            Bucket=bucket, Key="s", UploadId=upload_id,
            MultipartUpload={"Parts": [{"PartNumber": n, "ETag": t}
                                       for n, t in zip((1, 2), tags, strict=True)]},
        )  # fmt: skip
    assert code_of(excinfo) == "EntityTooSmall"
    with pytest.raises(ClientError) as excinfo:
        s3.upload_part(Bucket=bucket, Key="s", UploadId=upload_id, PartNumber=10001, Body=b"")
    assert code_of(excinfo) == "InvalidArgument"
    s3.abort_multipart_upload(Bucket=bucket, Key="s", UploadId=upload_id)
    with pytest.raises(ClientError) as excinfo:
        s3.abort_multipart_upload(Bucket=bucket, Key="s", UploadId=upload_id)
    assert code_of(excinfo) == "NoSuchUpload"


def test_upload_part_copy_with_ranges(s3: Any, bucket: str) -> None:
    data = os.urandom(6 * MIB)
    s3.put_object(Bucket=bucket, Key="src", Body=data)
    upload_id = s3.create_multipart_upload(Bucket=bucket, Key="dst")["UploadId"]
    one = s3.upload_part_copy(
        Bucket=bucket, Key="dst", UploadId=upload_id, PartNumber=1,
        CopySource={"Bucket": bucket, "Key": "src"}, CopySourceRange=f"bytes=0-{5 * MIB - 1}",
    )["CopyPartResult"]["ETag"]  # fmt: skip
    two = s3.upload_part_copy(
        Bucket=bucket, Key="dst", UploadId=upload_id, PartNumber=2,
        CopySource=f"{bucket}/src", CopySourceRange=f"bytes={5 * MIB}-{6 * MIB - 1}",
    )["CopyPartResult"]["ETag"]  # fmt: skip
    s3.complete_multipart_upload(
        Bucket=bucket, Key="dst", UploadId=upload_id,
        MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": one}, {"PartNumber": 2, "ETag": two}]},
    )  # fmt: skip
    assert s3.get_object(Bucket=bucket, Key="dst")["Body"].read() == data


def test_copy_object(client: Any, s3: Any, bucket: str, bucket_name: Any) -> None:
    s3.put_object(Bucket=bucket, Key="dir/a b+c", Body=b"copy me", Metadata={"m": "1"},
                  ContentType="text/plain")  # fmt: skip
    copied = s3.copy_object(
        Bucket=bucket, Key="b", CopySource={"Bucket": bucket, "Key": "dir/a b+c"}
    )
    got = s3.get_object(Bucket=bucket, Key="b")
    assert got["Body"].read() == b"copy me" and got["Metadata"] == {"m": "1"}
    assert copied["CopyObjectResult"]["ETag"] == got["ETag"]
    s3.copy_object(Bucket=bucket, Key="c", CopySource=f"{bucket}/b", MetadataDirective="REPLACE",
                   Metadata={"n": "2"}, ContentType="text/csv")  # fmt: skip
    got = s3.head_object(Bucket=bucket, Key="c")
    assert got["Metadata"] == {"n": "2"} and got["ContentType"] == "text/csv"
    with pytest.raises(ClientError) as excinfo:
        s3.copy_object(Bucket=bucket, Key="b", CopySource=f"{bucket}/b")
    assert code_of(excinfo) == "InvalidRequest"
    with pytest.raises(ClientError) as excinfo:
        s3.copy_object(Bucket=bucket, Key="d", CopySource=f"{bucket}/b",
                       CopySourceIfMatch='"nope"')  # fmt: skip
    assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == 412
    with pytest.raises(ClientError) as excinfo:
        s3.copy_object(Bucket=bucket, Key="d", CopySource=f"{bucket}/missing")
    assert code_of(excinfo) == "NoSuchKey"
    # across regions: an explicit copy
    eu_bucket = bucket_name()
    eu = client("s3", region_name="eu-west-1")
    eu.create_bucket(
        Bucket=eu_bucket, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"}
    )
    eu.copy_object(Bucket=eu_bucket, Key="x", CopySource={"Bucket": bucket, "Key": "b"})
    assert eu.get_object(Bucket=eu_bucket, Key="x")["Body"].read() == b"copy me"


def test_delete_objects(s3: Any, bucket: str) -> None:
    for key in ("a", "b", "c"):
        s3.put_object(Bucket=bucket, Key=key, Body=b"x")
    answer = s3.delete_objects(
        Bucket=bucket, Delete={"Objects": [{"Key": "a"}, {"Key": "b"}, {"Key": "nope"}]}
    )
    assert sorted(d["Key"] for d in answer["Deleted"]) == ["a", "b", "nope"]
    quiet = s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": "c"}], "Quiet": True})
    assert "Deleted" not in quiet and "Errors" not in quiet
    assert "Contents" not in s3.list_objects_v2(Bucket=bucket)
    with pytest.raises(ClientError) as excinfo:
        s3.delete_objects(
            Bucket=bucket, Delete={"Objects": [{"Key": f"k{i}"} for i in range(1001)]}
        )
    assert code_of(excinfo) == "MalformedXML"


@pytest.mark.parametrize(
    "bad", ["bytes=-1", "bytes=0-", "0-2", "bytes=0-1,3-4", "bytes=a-b", "bytes=5-3"]
)
def test_part_copy_range_must_be_first_to_last(s3: Any, bucket: str, bad: str) -> None:
    s3.put_object(Bucket=bucket, Key="src", Body=b"0123456789")
    upload_id = s3.create_multipart_upload(Bucket=bucket, Key="dst")["UploadId"]
    with pytest.raises(ClientError) as excinfo:
        s3.upload_part_copy(
            Bucket=bucket, Key="dst", UploadId=upload_id, PartNumber=1,
            CopySource={"Bucket": bucket, "Key": "src"}, CopySourceRange=bad,
        )  # fmt: skip
    assert code_of(excinfo) == "InvalidArgument"
    assert excinfo.value.response["Error"]["ArgumentName"] == "x-amz-copy-source-range"


@pytest.mark.parametrize(
    ("outside", "code", "message"),
    [
        ("bytes=0-10", "InvalidArgument",
         "Range specified is not valid for source object of size: 10"),
        ("bytes=10-12", "InvalidRequest",
         "The specified copy range is invalid for the source object size"),
    ],
)  # fmt: skip
def test_part_copy_range_past_the_source_is_refused(
    s3: Any, bucket: str, outside: str, code: str, message: str
) -> None:
    s3.put_object(Bucket=bucket, Key="src", Body=b"0123456789")
    upload_id = s3.create_multipart_upload(Bucket=bucket, Key="dst")["UploadId"]
    with pytest.raises(ClientError) as excinfo:
        s3.upload_part_copy(
            Bucket=bucket, Key="dst", UploadId=upload_id, PartNumber=1,
            CopySource={"Bucket": bucket, "Key": "src"}, CopySourceRange=outside,
        )  # fmt: skip
    assert code_of(excinfo) == code
    assert excinfo.value.response["Error"]["Message"] == message
    last = s3.upload_part_copy(
        Bucket=bucket, Key="dst", UploadId=upload_id, PartNumber=1,
        CopySource={"Bucket": bucket, "Key": "src"}, CopySourceRange="bytes=9-9",
    )  # fmt: skip
    assert last["CopyPartResult"]["ETag"]


@pytest.mark.parametrize("member", ["MetadataDirective", "TaggingDirective"])
def test_copy_with_unknown_directive_is_invalid_argument(
    s3: Any, bucket: str, member: str
) -> None:
    s3.put_object(Bucket=bucket, Key="src", Body=b"x")
    with pytest.raises(ClientError) as excinfo:
        s3.copy_object(Bucket=bucket, Key="dst", CopySource=f"{bucket}/src", **{member: "MOVE"})
    assert code_of(excinfo) == "InvalidArgument"
    assert excinfo.value.response["Error"]["Message"].startswith("Unknown ")
