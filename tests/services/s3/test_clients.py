"""Presigned URLs, aws-chunked bodies with trailing checksums, and the AWS CLI."""

from __future__ import annotations

import base64
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
import zlib
from pathlib import Path
from typing import Any

import pytest


def test_presigned_get_and_put(s3: Any, bucket: str) -> None:
    put_url = s3.generate_presigned_url(
        "put_object", Params={"Bucket": bucket, "Key": "p"}, ExpiresIn=60
    )
    request = urllib.request.Request(put_url, data=b"presigned bytes", method="PUT")
    with urllib.request.urlopen(request, timeout=5) as response:
        assert response.status == 200
    get_url = s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "p"})
    with urllib.request.urlopen(get_url, timeout=5) as response:
        assert response.read() == b"presigned bytes"


@pytest.mark.parametrize("signature_version", ["s3v4", "s3"])
def test_expired_presigned_url(endpoint: str, bucket: str, signature_version: str) -> None:
    import boto3
    from botocore.config import Config

    s3 = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1",
                      config=Config(signature_version=signature_version))  # fmt: skip
    s3.put_object(Bucket=bucket, Key="old", Body=b"x")
    url = s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "old"},
                                    ExpiresIn=1)  # fmt: skip
    assert ("X-Amz-Expires=" in url) == (signature_version == "s3v4")
    time.sleep(2.1)
    with pytest.raises(urllib.error.HTTPError) as excinfo:
        urllib.request.urlopen(url, timeout=5)
    assert excinfo.value.code == 403
    body = excinfo.value.read().decode()
    assert "<Code>AccessDenied</Code>" in body and "Request has expired" in body


def _aws_chunked(data: bytes, chunk_bytes: int, trailer: str, signed: bool) -> bytes:
    signature = ";chunk-signature=" + "0" * 64 if signed else ""
    out = b""
    for start in range(0, len(data), chunk_bytes):
        piece = data[start : start + chunk_bytes]
        out += f"{len(piece):x}{signature}\r\n".encode() + piece + b"\r\n"
    out += f"0{signature}\r\n".encode()
    if trailer:
        out += trailer.encode() + b"\r\n"
    return out + b"\r\n"


@pytest.mark.parametrize("signed", [False, True])
def test_aws_chunked_body_with_trailing_checksum(
    endpoint: str, s3: Any, bucket: str, signed: bool
) -> None:
    import http.client

    data = os.urandom(200_000)
    crc = base64.b64encode(zlib.crc32(data).to_bytes(4, "big")).decode()
    port = int(endpoint.rsplit(":", 1)[1])
    for trailer_value, status in ((crc, 200), ("AAAAAA==", 400)):
        body = _aws_chunked(data, 65536, f"x-amz-checksum-crc32:{trailer_value}", signed)
        headers = {
            "Content-Encoding": "aws-chunked",
            "x-amz-content-sha256": "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER"
            if signed else "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
            "x-amz-decoded-content-length": str(len(data)),
            "x-amz-trailer": "x-amz-checksum-crc32",
            "Content-Length": str(len(body)),
            "Authorization": "AWS4-HMAC-SHA256 Credential=test/20250101/us-east-1/s3/"
            "aws4_request, SignedHeaders=host, Signature=0",
        }  # fmt: skip
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        connection.request("PUT", f"/{bucket}/chunked", body=body, headers=headers)
        response = connection.getresponse()
        answer = response.read().decode()
        connection.close()
        assert response.status == status, answer
        if status == 400:
            assert "<Code>BadDigest</Code>" in answer
            assert "The CRC32 you specified did not match the calculated checksum." in answer
    got = s3.get_object(Bucket=bucket, Key="chunked", ChecksumMode="ENABLED")
    assert got["Body"].read() == data
    assert got["ChecksumCRC32"] == crc
    assert "ContentEncoding" not in got


def _cli(endpoint: str, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "awscli", "--endpoint-url", endpoint, *args],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_aws_cli_mb_cp_sync_ls_rm(endpoint: str, bucket_name: Any, tmp_path: Path) -> None:
    name = bucket_name()
    _cli(endpoint, "s3", "mb", f"s3://{name}")
    source = tmp_path / "up"
    (source / "sub").mkdir(parents=True)
    (source / "a.txt").write_text("alpha")
    (source / "sub" / "b.bin").write_bytes(os.urandom(9 * 1024 * 1024))
    _cli(endpoint, "s3", "sync", str(source), f"s3://{name}/tree")
    listing = _cli(endpoint, "s3", "ls", "--recursive", f"s3://{name}")
    assert "tree/a.txt" in listing and "tree/sub/b.bin" in listing
    back = tmp_path / "down"
    _cli(endpoint, "s3", "sync", f"s3://{name}/tree", str(back))
    assert (back / "sub" / "b.bin").read_bytes() == (source / "sub" / "b.bin").read_bytes()
    _cli(endpoint, "s3", "cp", str(source / "a.txt"), f"s3://{name}/single.txt")
    url = _cli(endpoint, "s3", "presign", f"s3://{name}/single.txt").strip()
    with urllib.request.urlopen(url, timeout=5) as response:
        assert response.read() == b"alpha"
    _cli(endpoint, "s3", "rm", "--recursive", f"s3://{name}")
    _cli(endpoint, "s3api", "delete-bucket", "--bucket", name)
