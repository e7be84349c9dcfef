"""CORS preflight refusals held to what AWS was recorded sending (LocalStack's test_s3_cors
snapshots): a bucket without CORS is named as the BUCKET even for an object's URL, and an
error's HostId is the x-amz-id-2 header sent with it."""

from __future__ import annotations

import re
from typing import Any

import httpx


def _field(body: bytes, name: str) -> str:
    found = re.search(rf"<{name}>([^<]*)</{name}>".encode(), body)
    assert found, body
    return found[1].decode()


def test_cors_not_enabled_names_the_bucket(s3: Any, bucket: str, endpoint: str) -> None:
    s3.put_object(Bucket=bucket, Key="k", Body=b"cors-test")
    for asked in ({"Access-Control-Request-Method": "PUT"}, {}):
        answer = httpx.options(f"{endpoint}/{bucket}/k",
                               headers={"Origin": "whatever", **asked}, timeout=10)
        assert answer.status_code == 403
        assert _field(answer.content, "Message") == (
            "CORSResponse: CORS is not enabled for this bucket.")
        assert _field(answer.content, "Method") == asked.get(
            "Access-Control-Request-Method", "OPTIONS")
        assert _field(answer.content, "ResourceType") == "BUCKET"


def test_preflight_error_ids_are_the_headers(bucket: str, endpoint: str) -> None:
    answer = httpx.options(f"{endpoint}/{bucket}/k", timeout=10)  # no Origin
    assert answer.status_code == 400
    assert _field(answer.content, "Code") == "BadRequest"
    assert _field(answer.content, "RequestId") == answer.headers["x-amz-request-id"]
    assert _field(answer.content, "HostId") == answer.headers["x-amz-id-2"]


def test_preflight_answer_carries_both_ids(s3: Any, bucket: str, endpoint: str) -> None:
    s3.put_bucket_cors(Bucket=bucket, CORSConfiguration={"CORSRules": [
        {"AllowedOrigins": ["*"], "AllowedMethods": ["GET"]}]})
    answer = httpx.options(f"{endpoint}/{bucket}/k", timeout=10, headers={
        "Origin": "localhost:4566", "Access-Control-Request-Method": "GET"})
    assert answer.status_code == 200 and answer.headers["access-control-allow-origin"] == "*"
    assert answer.headers["x-amz-request-id"] and answer.headers["x-amz-id-2"]
    assert "access-control-max-age" not in answer.headers  # no MaxAgeSeconds, no header
