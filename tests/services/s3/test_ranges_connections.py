"""Range GETs answer 206 Partial Content; several ranges get the whole object (S3 serves one
range per request); an error answered before a request body was read closes the connection."""

from __future__ import annotations

import http.client
import socket
from typing import Any

import pytest
from botocore.exceptions import ClientError


def _status(answer: dict[str, Any]) -> int:
    return int(answer["ResponseMetadata"]["HTTPStatusCode"])


def test_range_get_is_206(s3: Any, bucket: str) -> None:
    data = bytes(range(256)) * 4
    s3.put_object(Bucket=bucket, Key="r", Body=data)
    got = s3.get_object(Bucket=bucket, Key="r", Range="bytes=10-19")
    assert _status(got) == 206
    assert got["ContentRange"] == "bytes 10-19/1024" and got["Body"].read() == data[10:20]
    suffix = s3.get_object(Bucket=bucket, Key="r", Range="bytes=-4")
    assert _status(suffix) == 206 and suffix["Body"].read() == data[-4:]
    whole = s3.get_object(Bucket=bucket, Key="r")
    assert _status(whole) == 200 and "ContentRange" not in whole
    several = s3.get_object(Bucket=bucket, Key="r", Range="bytes=0-1,5-6")
    assert _status(several) == 200 and several["Body"].read() == data
    with pytest.raises(ClientError) as excinfo:
        s3.get_object(Bucket=bucket, Key="r", Range="bytes=2000-")
    error = excinfo.value.response
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 416
    assert error["Error"]["Code"] == "InvalidRange"
    assert error["Error"]["ActualObjectSize"] == "1024"


def test_part_number_get_is_206(s3: Any, bucket: str) -> None:
    upload = s3.create_multipart_upload(Bucket=bucket, Key="mp")["UploadId"]
    parts = []
    for number, body in ((1, b"a" * 5 * 1024 * 1024), (2, b"b" * 10)):
        etag = s3.upload_part(
            Bucket=bucket, Key="mp", UploadId=upload, PartNumber=number, Body=body
        )["ETag"]
        parts.append({"PartNumber": number, "ETag": etag})
    s3.complete_multipart_upload(
        Bucket=bucket, Key="mp", UploadId=upload, MultipartUpload={"Parts": parts}
    )
    got = s3.get_object(Bucket=bucket, Key="mp", PartNumber=2)
    assert _status(got) == 206 and got["PartsCount"] == 2 and got["Body"].read() == b"b" * 10
    across = s3.get_object(Bucket=bucket, Key="mp", Range=f"bytes={5 * 1024 * 1024 - 2}-")
    assert _status(across) == 206 and across["Body"].read() == b"aa" + b"b" * 10


def _raw_exchange(endpoint: str, request: bytes) -> tuple[bytes, bytes]:
    """Send `request`, read one response head; return it and what follows (until close)."""
    host, port = endpoint.rsplit("/", 1)[1].split(":")
    with socket.create_connection((host, int(port)), timeout=5) as sock:
        sock.sendall(request)
        received = b""
        while b"\r\n\r\n" not in received:
            chunk = sock.recv(65536)
            if not chunk:
                break
            received += chunk
        head, _, rest = received.partition(b"\r\n\r\n")
        try:
            while chunk := sock.recv(65536):  # the server must close, not wait for the body
                rest += chunk
        except TimeoutError:
            pytest.fail("the server kept the connection open after answering early")
        return head, rest


@pytest.mark.parametrize("target", [
    b"PUT /pc-no-such-bucket-here/key",  # S3 answers NoSuchBucket before reading the body
    b"PUT /",  # the gateway finds no operation before any body is read
])  # fmt: skip
def test_error_before_body_closes_connection(endpoint: str, target: bytes) -> None:
    request = target + (
        b" HTTP/1.1\r\nHost: localhost\r\n"
        b"Content-Length: 1000000\r\nExpect: 100-continue\r\n\r\n"
    )
    head, _ = _raw_exchange(endpoint, request)
    assert head.startswith(b"HTTP/1.1 4")
    assert b"connection: close" in head.lower()


def test_keep_alive_survives_a_read_body(endpoint: str, s3: Any, bucket: str) -> None:
    port = int(endpoint.rsplit(":", 1)[1])
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    connection.request("PUT", f"/{bucket}/ka", body=b"12345")
    first = connection.getresponse()
    first.read()
    assert first.status == 200 and first.getheader("connection") is None
    connection.request("GET", f"/{bucket}/ka", headers={"Range": "bytes=1-2"})
    second = connection.getresponse()
    assert second.status == 206 and second.read() == b"23"
    connection.close()
