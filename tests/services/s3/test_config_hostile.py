"""Hostile and malformed input on the bucket sub-resources, website endpoints, preflights and
POST forms: AWS's 4xx answers, never a 500 or a hang, nothing read outside the bucket."""

from __future__ import annotations

import http.client
import json
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from botocore.exceptions import ClientError


def _raw(endpoint: str, method: str, path: str, headers: dict[str, str],
         body: bytes = b"") -> tuple[int, bytes]:  # fmt: skip
    connection = http.client.HTTPConnection(urlsplit(endpoint).netloc, timeout=10)
    connection.request(method, path, body=body, headers=headers)
    response = connection.getresponse()
    data = response.read()
    connection.close()
    return response.status, data


def test_deeply_nested_policy(s3: Any, bucket: str) -> None:
    deep = "[" * 100_000 + "]" * 100_000
    with pytest.raises(ClientError) as error:
        s3.put_bucket_policy(Bucket=bucket, Policy='{"Statement": ' + deep + "}")
    assert error.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_oversized_policy(s3: Any, bucket: str) -> None:
    statement = {
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:GetObject",
        "Resource": f"arn:aws:s3:::{bucket}/" + "x" * 30_000,
    }
    with pytest.raises(ClientError) as error:
        s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps({"Statement": [statement]}))
    assert error.value.response["Error"]["Code"] == "PolicyTooLarge"


def test_too_many_cors_rules(s3: Any, bucket: str) -> None:
    rules = [{"AllowedOrigins": ["*"], "AllowedMethods": ["GET"]}] * 101
    with pytest.raises(ClientError) as error:
        s3.put_bucket_cors(Bucket=bucket, CORSConfiguration={"CORSRules": rules})
    assert error.value.response["Error"]["Code"] == "MalformedXML"


def test_website_paths_stay_in_the_bucket(s3: Any, bucket: str, endpoint: str) -> None:
    s3.put_bucket_website(Bucket=bucket, WebsiteConfiguration={"IndexDocument": {"Suffix": "i"}})
    host = f"{bucket}.s3-website.localhost"
    for path in ("/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/%00", "/" + "a" * 5000):
        status, body = _raw(endpoint, "GET", path, {"Host": host})
        assert status in (403, 404), (path, status)
        assert b"root:" not in body


def test_hostile_preflights(s3: Any, bucket: str, endpoint: str) -> None:
    s3.put_bucket_cors(
        Bucket=bucket,
        CORSConfiguration={
            "CORSRules": [
                {
                    "AllowedOrigins": ["https://*.example.com"],
                    "AllowedMethods": ["GET"],
                    "AllowedHeaders": ["x-*"],
                }
            ]
        },
    )
    for headers in (
        {"Origin": "x" * 10_000, "Access-Control-Request-Method": "GET"},
        {
            "Origin": "https://a",
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": ",".join(["h"] * 2000),
        },
        {"Origin": "https://a", "Access-Control-Request-Method": "BREW"},
    ):
        status, _ = _raw(endpoint, "OPTIONS", f"/{bucket}/k", headers)
        assert status in (400, 403)


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("multipart/form-data", b"--x\r\n"),
        ("multipart/form-data; boundary=" + "b" * 100, b""),
        (
            "multipart/form-data; boundary=zz",
            b"--zz\r\nContent-Disposition: form-data; "
            b'name="key"\r\n\r\n' + b"k" * 30_000 + b"\r\n--zz--\r\n",
        ),
        ("multipart/form-data; boundary=zz", b"--zz\r\nNo-Disposition: x\r\n\r\nv\r\n--zz--\r\n"),
        (
            "multipart/form-data; boundary=zz",
            b'--zz\r\nContent-Disposition: form-data; name="key"\r\n\r\nk\r\n--zz',
        ),
    ],
)
def test_malformed_forms(bucket: str, endpoint: str, content_type: str, body: bytes) -> None:
    response = httpx.post(f"{endpoint}/{bucket}", content=body,
                          headers={"content-type": content_type}, timeout=10)  # fmt: skip
    assert 400 <= response.status_code < 500, response.text
