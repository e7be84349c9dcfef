"""A presigned URL binds the x-amz-* headers it signed: a request adding another is refused
with 403 AccessDenied "There were headers present in the request which were not signed" and
a HeadersNotSigned element, as S3 answers (recorded in S3's error documents quoted in
boto/soto and aws-cdk issues); other headers stay free, and `--iam audit` only logs it."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from typing import Any

import boto3
import httpx
import pytest
from botocore.config import Config
from tests.support import ENFORCE_SECRET, Server, start_server

REFUSAL = "There were headers present in the request which were not signed"


def _error(answer: httpx.Response) -> dict[str, str]:
    return {child.tag: child.text or "" for child in ET.fromstring(answer.content)}


def _client(server: Server) -> Any:
    return boto3.client(
        "s3", region_name="us-east-1", endpoint_url=server.endpoint,
        aws_access_key_id="test", aws_secret_access_key=ENFORCE_SECRET,
        config=Config(signature_version="s3v4", retries={"max_attempts": 1}))


@pytest.fixture(scope="module")
def auditing() -> Iterator[Server]:
    server = start_server(None, "--iam", "audit", "--root-secret-key", ENFORCE_SECRET)
    yield server
    server.stop()


def _bucket(client: Any, bucket_name: Callable[[], str]) -> str:
    bucket = bucket_name()
    client.create_bucket(Bucket=bucket)
    return bucket


def test_an_unsigned_amz_header_is_refused(enforcing: Server,
                                           bucket_name: Callable[[], str]) -> None:
    client = _client(enforcing)
    bucket = _bucket(client, bucket_name)
    url = client.generate_presigned_url("put_object", Params={"Bucket": bucket, "Key": "k"})
    answer = httpx.put(url, content=b"x", headers={"x-amz-acl": "public-read"})
    error = _error(answer)
    assert (answer.status_code, error["Code"], error["Message"]) == (403, "AccessDenied", REFUSAL)
    assert error["HeadersNotSigned"] == "x-amz-acl"
    with pytest.raises(client.exceptions.ClientError):
        client.head_object(Bucket=bucket, Key="k")  # nothing was written
    two = _error(httpx.put(url, content=b"x", headers={"x-amz-meta-a": "1",
                                                       "x-amz-storage-class": "GLACIER"}))
    assert set(two["HeadersNotSigned"].split(", ")) == {"x-amz-meta-a", "x-amz-storage-class"}


def test_signed_amz_headers_and_other_headers_pass(enforcing: Server,
                                                   bucket_name: Callable[[], str]) -> None:
    client = _client(enforcing)
    bucket = _bucket(client, bucket_name)
    url = client.generate_presigned_url(
        "put_object", Params={"Bucket": bucket, "Key": "k", "Metadata": {"a": "1"}})
    answer = httpx.put(url, content=b"x", headers={"x-amz-meta-a": "1",
                                                   "Content-Type": "text/plain",
                                                   "x-amzn-trace-id": "Root=1-0-0"})
    assert answer.status_code == 200, answer.text
    assert client.head_object(Bucket=bucket, Key="k")["Metadata"] == {"a": "1"}
    get = client.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "k"})
    assert httpx.get(get).content == b"x"


def test_audit_mode_logs_and_serves(auditing: Server, bucket_name: Callable[[], str]) -> None:
    client = _client(auditing)
    bucket = _bucket(client, bucket_name)
    url = client.generate_presigned_url("put_object", Params={"Bucket": bucket, "Key": "k"})
    answer = httpx.put(url, content=b"x", headers={"x-amz-meta-a": "1"})
    assert answer.status_code == 200, answer.text
