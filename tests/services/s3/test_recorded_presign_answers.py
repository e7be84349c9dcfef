"""Presigned URLs against a signature-checking server, answered as AWS answered LocalStack's
recorded TestS3PresignedUrl cases: the error codes, messages and the fields S3 adds."""

from __future__ import annotations

import time
import xml.etree.ElementTree as ET
from collections.abc import Callable
from typing import Any

import boto3
import httpx
import pytest
from botocore.config import Config
from tests.support import ENFORCE_SECRET, Server


def _error(answer: httpx.Response) -> dict[str, str]:
    return {child.tag: child.text or "" for child in ET.fromstring(answer.content)}


@pytest.fixture
def signed(enforcing: Server, bucket_name: Callable[[], str]) -> Callable[[str], tuple[Any, str]]:
    """A client signing with SigV2 ("s3") or SigV4 ("s3v4") and a bucket holding key "k"."""

    def make(version: str) -> tuple[Any, str]:
        client = boto3.client(
            "s3", region_name="us-east-1", endpoint_url=enforcing.endpoint,
            aws_access_key_id="test", aws_secret_access_key=ENFORCE_SECRET,
            config=Config(signature_version=version, retries={"max_attempts": 1}))
        bucket = bucket_name()
        client.create_bucket(Bucket=bucket)
        client.put_object(Bucket=bucket, Key="k", Body=b"something")
        return client, bucket

    return make


def test_sigv4_mismatch_tells_its_string_to_sign_and_canonical_request(signed: Any) -> None:
    client, bucket = signed("s3v4")
    url = client.generate_presigned_url(
        "put_object", Params={"Bucket": bucket, "Key": "k", "ContentType": "text/plain"})
    assert httpx.put(url, content=b"x", headers={"Content-Type": "text/plain"}).status_code == 200
    answer = httpx.put(url, content=b"x", headers={"Content-Type": "text/xml"})
    error = _error(answer)
    assert (answer.status_code, error["Code"]) == (403, "SignatureDoesNotMatch")
    assert list(error)[2:8] == ["AWSAccessKeyId", "StringToSign", "SignatureProvided",
                                "StringToSignBytes", "CanonicalRequest", "CanonicalRequestBytes"]
    assert error["AWSAccessKeyId"] == "test"
    assert error["SignatureProvided"] == url.rsplit("X-Amz-Signature=", 1)[1]
    assert error["StringToSign"].startswith("AWS4-HMAC-SHA256\n")
    assert error["CanonicalRequest"].startswith(f"PUT\n/{bucket}/k\n")
    assert "content-type:text/xml\n" in error["CanonicalRequest"]
    assert bytes.fromhex(error["CanonicalRequestBytes"]).decode() == error["CanonicalRequest"]
    assert bytes.fromhex(error["StringToSignBytes"]).decode() == error["StringToSign"]


def test_sigv2_mismatch_tells_its_string_to_sign_bytes(signed: Any) -> None:
    client, bucket = signed("s3")
    url = client.generate_presigned_url(
        "put_object", Params={"Bucket": bucket, "Key": "k", "ContentType": "text/plain"})
    error = _error(httpx.put(url, content=b"x", headers={"Content-Type": "text/xml"}))
    assert error["Code"] == "SignatureDoesNotMatch"
    assert list(error)[2:6] == ["AWSAccessKeyId", "StringToSign", "SignatureProvided",
                                "StringToSignBytes"]
    assert bytes.fromhex(error["StringToSignBytes"]).decode() == error["StringToSign"]


def test_sigv4_expired_url_says_when(signed: Any) -> None:
    client, bucket = signed("s3v4")
    url = client.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "k"},
                                        ExpiresIn=1)
    time.sleep(2.1)
    answer = httpx.get(url)
    error = _error(answer)
    assert (answer.status_code, error["Code"], error["Message"]) == (
        403, "AccessDenied", "Request has expired")
    assert error["X-Amz-Expires"] == "1"
    assert error["Expires"] < error["ServerTime"]
    assert error["ServerTime"].endswith("Z") and "T" in error["ServerTime"]


@pytest.mark.parametrize(("expires", "message"), [
    ("604801", "X-Amz-Expires must be less than a week (in seconds) that is 604800"),
    ("-1", "X-Amz-Expires must be non-negative"),
    ("soon", "X-Amz-Expires should be a number"),
])
def test_sigv4_expires_out_of_bounds(signed: Any, expires: str, message: str) -> None:
    client, bucket = signed("s3v4")
    url = client.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "k"})
    answer = httpx.get(url.replace("X-Amz-Expires=3600", f"X-Amz-Expires={expires}"))
    error = _error(answer)
    assert (answer.status_code, error["Code"], error["Message"]) == (
        400, "AuthorizationQueryParametersError", message)


def test_sigv4_missing_date_parameter(signed: Any) -> None:
    client, bucket = signed("s3v4")
    url = client.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "k"})
    base, query = url.split("?")
    kept = "&".join(p for p in query.split("&") if not p.startswith("X-Amz-Date="))
    answer = httpx.get(f"{base}?{kept}")
    error = _error(answer)
    assert (answer.status_code, error["Code"]) == (400, "AuthorizationQueryParametersError")
    assert error["Message"] == (
        "Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, "
        "X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.")
