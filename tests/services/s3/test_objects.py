"""Objects through boto3: bytes, headers, metadata, ranges, conditions, digests, odd keys."""

from __future__ import annotations

import base64
import hashlib
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from botocore.exceptions import ClientError


def error_of(excinfo: pytest.ExceptionInfo[ClientError]) -> dict[str, Any]:
    return dict(excinfo.value.response["Error"])


def status_of(excinfo: pytest.ExceptionInfo[ClientError]) -> int:
    return int(excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"])


def test_put_get_head_delete(s3: Any, bucket: str) -> None:
    data = b"hello world" * 1000
    put = s3.put_object(
        Bucket=bucket, Key="dir/file.txt", Body=data, ContentType="text/plain",
        CacheControl="max-age=60", ContentDisposition="attachment", ContentLanguage="en",
        ContentEncoding="identity", Metadata={"colour": "blue", "Mixed-Case": "v"},
        StorageClass="STANDARD_IA",
    )  # fmt: skip
    etag = f'"{hashlib.md5(data).hexdigest()}"'
    assert put["ETag"] == etag
    got = s3.get_object(Bucket=bucket, Key="dir/file.txt")
    assert got["Body"].read() == data
    assert got["ETag"] == etag and got["ContentLength"] == len(data)
    assert got["ContentType"] == "text/plain" and got["CacheControl"] == "max-age=60"
    assert got["ContentDisposition"] == "attachment" and got["ContentLanguage"] == "en"
    assert got["ContentEncoding"] == "identity"
    assert got["Metadata"] == {"colour": "blue", "mixed-case": "v"}
    assert got["StorageClass"] == "STANDARD_IA"
    head = s3.head_object(Bucket=bucket, Key="dir/file.txt")
    assert head["ContentLength"] == len(data) and head["ETag"] == etag
    assert (
        s3.delete_object(Bucket=bucket, Key="dir/file.txt")["ResponseMetadata"]["HTTPStatusCode"]
        == 204
    )
    with pytest.raises(ClientError) as excinfo:
        s3.get_object(Bucket=bucket, Key="dir/file.txt")
    assert error_of(excinfo)["Code"] == "NoSuchKey"
    assert error_of(excinfo)["Key"] == "dir/file.txt"
    s3.delete_object(Bucket=bucket, Key="never-existed")  # deleting nothing succeeds


def test_defaults_and_overwrite(s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="k", Body=b"one")
    s3.put_object(Bucket=bucket, Key="k", Body=b"two!")
    got = s3.get_object(Bucket=bucket, Key="k")
    assert got["Body"].read() == b"two!"
    assert got["ContentType"] == "binary/octet-stream"
    assert "StorageClass" not in got  # STANDARD is not reported on GET


@pytest.mark.parametrize(
    "key",
    ["../../etc/passwd", "a/../b", "spaces and +plus", "ünïcødé/ключ/鍵", "tab\there",
     "x" * 1024, "trailing/", "/leading", "a//b", "%2F%41", "?query#hash&amp"],
)  # fmt: skip
def test_odd_keys_are_stored_exactly(s3: Any, bucket: str, key: str) -> None:
    s3.put_object(Bucket=bucket, Key=key, Body=key.encode())
    assert s3.get_object(Bucket=bucket, Key=key)["Body"].read() == key.encode()


def test_key_too_long(s3: Any, bucket: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        s3.put_object(Bucket=bucket, Key="x" * 1025, Body=b"")
    assert error_of(excinfo)["Code"] == "KeyTooLongError"


def test_empty_object(s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="empty", Body=b"")
    got = s3.get_object(Bucket=bucket, Key="empty")
    assert got["Body"].read() == b"" and got["ETag"] == '"d41d8cd98f00b204e9800998ecf8427e"'


def test_ranges(s3: Any, bucket: str) -> None:
    data = bytes(range(256)) * 4
    s3.put_object(Bucket=bucket, Key="r", Body=data)
    cases = {"bytes=0-9": data[0:10], "bytes=1000-": data[1000:], "bytes=-5": data[-5:],
             "bytes=1020-5000": data[1020:]}  # fmt: skip
    for header, expected in cases.items():
        got = s3.get_object(Bucket=bucket, Key="r", Range=header)
        assert got["Body"].read() == expected
        assert got["ContentRange"].endswith(f"/{len(data)}")
    with pytest.raises(ClientError) as excinfo:
        s3.get_object(Bucket=bucket, Key="r", Range="bytes=2000-")
    assert status_of(excinfo) == 416
    assert error_of(excinfo)["Code"] == "InvalidRange"
    assert error_of(excinfo)["Message"] == "The requested range is not satisfiable"
    assert s3.get_object(Bucket=bucket, Key="r", Range="bytes=9-1")["Body"].read() == data


@pytest.mark.parametrize(
    ("header", "whole"),
    [("bytes=0-8", False), ("bytes=1-", False), ("bytes=0-100", True), ("bytes=-15", True)],
)
def test_a_range_carries_the_checksum_only_when_it_is_the_whole_object(
    s3: Any, bucket: str, header: str, whole: bool
) -> None:
    s3.put_object(Bucket=bucket, Key="r", Body=b"0123456789", ChecksumAlgorithm="CRC32")
    got = s3.get_object(Bucket=bucket, Key="r", Range=header, ChecksumMode="ENABLED")
    assert got["ResponseMetadata"]["HTTPStatusCode"] == 206
    if whole:
        assert (got["ChecksumCRC32"], got["ChecksumType"]) == ("poTHxg==", "FULL_OBJECT")
    else:
        assert "ChecksumCRC32" not in got and "ChecksumType" not in got
    assert got["Body"].read()


def test_head_of_a_range_answers_like_get(s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="h", Body=b"0123456789")
    head = s3.head_object(Bucket=bucket, Key="h", Range="bytes=2-5")
    assert head["ResponseMetadata"]["HTTPStatusCode"] == 206
    assert (head["ContentLength"], head["ContentRange"]) == (4, "bytes 2-5/10")
    whole = s3.head_object(Bucket=bucket, Key="h")
    assert whole["ResponseMetadata"]["HTTPStatusCode"] == 200 and whole["ContentLength"] == 10
    with pytest.raises(ClientError) as excinfo:
        s3.head_object(Bucket=bucket, Key="h", Range="bytes=20-")
    assert status_of(excinfo) == 416


def test_conditional_reads(s3: Any, bucket: str) -> None:
    etag = s3.put_object(Bucket=bucket, Key="c", Body=b"x")["ETag"]
    before = datetime.now(UTC) - timedelta(days=1)
    after = datetime.now(UTC) + timedelta(days=1)
    assert s3.get_object(Bucket=bucket, Key="c", IfMatch=etag)["Body"].read() == b"x"
    for kwargs, status in [
        ({"IfMatch": '"nope"'}, 412),
        ({"IfNoneMatch": etag}, 304),
        ({"IfModifiedSince": datetime.now(UTC)}, 304),  # a later date is ignored
        ({"IfUnmodifiedSince": before}, 412),
    ]:
        with pytest.raises(ClientError) as excinfo:
            s3.get_object(Bucket=bucket, Key="c", **kwargs)
        assert status_of(excinfo) == status, kwargs
    # If-Match true wins over If-Unmodified-Since false; If-None-Match false over I-M-S true
    s3.get_object(Bucket=bucket, Key="c", IfMatch=etag, IfUnmodifiedSince=before)
    s3.get_object(Bucket=bucket, Key="c", IfNoneMatch='"other"', IfModifiedSince=after)
    with pytest.raises(ClientError) as excinfo:
        s3.head_object(Bucket=bucket, Key="c", IfNoneMatch=etag)
    assert status_of(excinfo) == 304


def test_conditional_writes(s3: Any, bucket: str) -> None:
    etag = s3.put_object(Bucket=bucket, Key="w", Body=b"1", IfNoneMatch="*")["ETag"]
    with pytest.raises(ClientError) as excinfo:
        s3.put_object(Bucket=bucket, Key="w", Body=b"2", IfNoneMatch="*")
    assert status_of(excinfo) == 412
    with pytest.raises(ClientError) as excinfo:
        s3.put_object(Bucket=bucket, Key="w", Body=b"2", IfMatch='"0000"')
    assert error_of(excinfo)["Code"] == "PreconditionFailed"
    s3.put_object(Bucket=bucket, Key="w", Body=b"3", IfMatch=etag)
    assert s3.get_object(Bucket=bucket, Key="w")["Body"].read() == b"3"
    with pytest.raises(ClientError) as excinfo:
        s3.put_object(Bucket=bucket, Key="missing", Body=b"2", IfMatch=etag)
    assert error_of(excinfo)["Code"] == "NoSuchKey"


def test_content_md5(s3: Any, bucket: str) -> None:
    good = base64.b64encode(hashlib.md5(b"data").digest()).decode()
    s3.put_object(Bucket=bucket, Key="m", Body=b"data", ContentMD5=good)
    with pytest.raises(ClientError) as excinfo:
        s3.put_object(Bucket=bucket, Key="m", Body=b"other", ContentMD5=good)
    assert error_of(excinfo)["Code"] == "BadDigest"
    with pytest.raises(ClientError) as excinfo:
        s3.put_object(Bucket=bucket, Key="m", Body=b"other", ContentMD5="not-base64!")
    assert error_of(excinfo)["Code"] == "InvalidDigest"
    assert s3.get_object(Bucket=bucket, Key="m")["Body"].read() == b"data"


@pytest.mark.parametrize("algorithm", ["CRC32", "SHA1", "SHA256", "CRC32C", "CRC64NVME"])
def test_flexible_checksums(s3: Any, bucket: str, algorithm: str) -> None:
    from pocketcloud.services.s3.checksums import new_hasher

    data = b"checksummed bytes" * 100
    hasher = new_hasher(algorithm)
    hasher.update(data)
    expected = base64.b64encode(hasher.digest()).decode()
    member = f"Checksum{algorithm}"
    put = s3.put_object(Bucket=bucket, Key="c", Body=data, **{member: expected})
    assert put[member] == expected
    head = s3.head_object(Bucket=bucket, Key="c", ChecksumMode="ENABLED")
    assert head[member] == expected and head["ChecksumType"] == "FULL_OBJECT"
    assert member not in s3.head_object(Bucket=bucket, Key="c")
    with pytest.raises(ClientError) as excinfo:
        s3.put_object(Bucket=bucket, Key="c", Body=data + b"!", **{member: expected})
    assert error_of(excinfo)["Code"] == "BadDigest"
    assert algorithm in error_of(excinfo)["Message"]


def test_user_metadata_limit(s3: Any, bucket: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        s3.put_object(Bucket=bucket, Key="big", Body=b"", Metadata={"a": "x" * 2100})
    assert error_of(excinfo)["Code"] == "MetadataTooLarge"


def test_response_header_overrides(s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="o", Body=b"x")
    got = s3.get_object(
        Bucket=bucket, Key="o", ResponseContentType="text/csv",
        ResponseContentDisposition="inline", ResponseCacheControl="no-cache",
    )  # fmt: skip
    assert got["ContentType"] == "text/csv" and got["ContentDisposition"] == "inline"
    assert got["CacheControl"] == "no-cache"


def test_virtual_hosted_addressing(endpoint: str, s3: Any, bucket: str) -> None:
    import http.client

    s3.put_object(Bucket=bucket, Key="v/key", Body=b"virtual")
    port = int(endpoint.rsplit(":", 1)[1])
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    # what botocore sends with addressing_style="virtual" and endpoint http://localhost:PORT
    connection.request("GET", "/v/key", headers={"Host": f"{bucket}.localhost:{port}"})
    response = connection.getresponse()
    assert response.status == 200 and response.read() == b"virtual"
    connection.close()


@pytest.mark.parametrize(
    ("sent", "stored"),
    [("gzip", "gzip"), ("deflate, gzip", "deflate, gzip"), ("gzip, aws-chunked", "gzip"),
     ("aws-chunked, gzip", "gzip"), ("aws-chunked", None), ("aws-chunked, aws-chunked", None)],
)  # fmt: skip
def test_content_encoding_keeps_all_but_aws_chunked(
    s3: Any, bucket: str, sent: str, stored: str | None
) -> None:
    # a plain (not streaming-signed) body naming aws-chunked is stored as sent
    s3.put_object(Bucket=bucket, Key="e", Body=b"plain bytes", ContentEncoding=sent)
    got = s3.get_object(Bucket=bucket, Key="e")
    assert got.get("ContentEncoding") == stored
    assert got["Body"].read() == b"plain bytes"
