"""Malformed and hostile requests get AWS's 4xx answers: never a 500, a hang or a crash."""

from __future__ import annotations

import http.client
import os

import pytest

SIGNED = "AWS4-HMAC-SHA256 Credential=test/20260101/{region}/{service}/aws4_request, " \
    "SignedHeaders=host, Signature=00"


def _send(port: int, method: str, path: str, body: bytes, headers: dict[str, str]):  # type: ignore[no-untyped-def]
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def _auth(service: str, region: str = "us-east-1") -> dict[str, str]:
    return {"Authorization": SIGNED.format(service=service, region=region)}


FORM = {"Content-Type": "application/x-www-form-urlencoded"}
MALFORMED = [
    # (description, method, path, body, headers, expected status, expected code)
    ("ec2 boolean that is not a boolean", "POST", "/",
     b"Action=DescribeRegions&Version=2016-11-15&AllRegions=perhaps",
     {**FORM, **_auth("ec2")}, 400, None),
    ("query body that is not UTF-8", "POST", "/",
     b"Action=GetCallerIdentity&Version=2011-06-15&X=\xff\xfe",
     {**FORM, **_auth("sts")}, None, None),
    ("rest-json body that is not JSON", "POST", "/enableRegion",
     b"{not json", {"Content-Type": "application/json", **_auth("account")}, 400,
     "SerializationException"),
    ("rest-json body that is JSON of the wrong type", "POST", "/enableRegion",
     b"[1, 2, 3]", {"Content-Type": "application/json", **_auth("account")}, 400, None),
    ("rest-json member of the wrong type", "POST", "/enableRegion",
     b'{"RegionName": {"nested": true}}',
     {"Content-Type": "application/json", **_auth("account")}, 400, None),
    ("rest-json body of random bytes", "POST", "/enableRegion", os.urandom(512),
     {"Content-Type": "application/json", **_auth("account")}, 400, None),
    ("json target with a body that is not JSON", "POST", "/", b"\x00\x01garbage",
     {"Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": "DynamoDB_20120810.ListTables",
      **_auth("dynamodb")}, None, None),
    ("cbor path with garbage", "POST",
     "/service/GraniteServiceVersion20100801/operation/ListMetrics", os.urandom(64),
     {"smithy-protocol": "rpc-v2-cbor", "Content-Type": "application/cbor",
      **_auth("monitoring")}, None, None),
    ("path full of traversal", "GET", "/../../../../etc/passwd", b"", {}, None, None),
    ("percent-encoded nonsense", "GET", "/%ff%fe%00", b"", _auth("s3"), None, None),
]


@pytest.mark.parametrize(
    ("method", "path", "body", "headers", "status", "code"),
    [case[1:] for case in MALFORMED],
    ids=[case[0] for case in MALFORMED],
)
def test_malformed_request_is_never_a_server_error(
    server, method: str, path: str, body: bytes, headers: dict[str, str],
    status: int | None, code: str | None,
) -> None:
    answered, response_headers, payload = _send(server.port, method, path, body, headers)
    assert answered < 500 or answered == 501, payload[:500]
    if status is not None:
        assert answered == status, payload[:500]
    if code is not None:
        error_type = {k.lower(): v for k, v in response_headers.items()}.get("x-amzn-errortype", "")
        assert code.encode() in payload or error_type.startswith(code)
    assert any(h.lower() in ("x-amzn-requestid", "x-amz-request-id") for h in response_headers)


def test_oversized_body_is_refused_with_413(server) -> None:
    body = b"Action=GetCallerIdentity&Version=2011-06-15&Pad=" + b"a" * (21 * 1024 * 1024)
    status, _, payload = _send(server.port, "POST", "/", body, {**FORM, **_auth("sts")})
    assert status == 413
    assert b"RequestEntityTooLarge" in payload


def test_server_still_answers_after_the_abuse(client) -> None:
    assert client("sts").get_caller_identity()["Account"] == "000000000000"
