"""Signatures made by botocore's own signer verify; any tampering does not."""

from __future__ import annotations

import time
from urllib.parse import urlsplit

import pytest
from botocore.auth import S3SigV4Auth, S3SigV4QueryAuth, SigV4Auth, SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from pocketcloud.gateway.sigv4 import SignatureProblem, signed_request, verify
from pocketcloud.protocol.http import HttpRequest

CREDENTIALS = Credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")


def _to_http(aws: AWSRequest) -> HttpRequest:
    parts = urlsplit(aws.url)
    body = aws.body or b""
    if isinstance(body, str):
        body = body.encode()
    headers = {k.lower(): v.decode() if isinstance(v, bytes) else v for k, v in aws.headers.items()}
    headers.setdefault("host", parts.netloc)
    return HttpRequest(aws.method, parts.path or "/", parts.query, headers, body, parts.netloc,
                       wire_path=parts.path or "/")


def _signed(auth_class: type, method: str, url: str, body: bytes = b"",
            service: str = "sqs", headers: dict[str, str] | None = None) -> HttpRequest:
    aws = AWSRequest(method=method, url=url, data=body, headers=headers or {})
    if auth_class in (SigV4QueryAuth, S3SigV4QueryAuth):
        auth_class(CREDENTIALS, service, "eu-west-1", expires=300).add_auth(aws)
    else:
        auth_class(CREDENTIALS, service, "eu-west-1").add_auth(aws)
    aws.prepare()
    return _to_http(aws)


CASES = [
    ("json POST", SigV4Auth, "POST", "http://localhost:4566/", b'{"QueueName": "a"}', "sqs",
     {"X-Amz-Target": "AmazonSQS.CreateQueue", "Content-Type": "application/x-amz-json-1.0"}),
    ("query GET with odd characters", SigV4Auth, "GET",
     "http://localhost:4566/?Action=ListQueues&QueueNamePrefix=a%20b%2Fc~d&Version=2012-11-05",
     b"", "sqs", {}),
    ("rest path with encoded segment", SigV4Auth, "GET",
     "http://localhost:4566/2015-03-31/functions/my%3Afunction/configuration", b"", "lambda", {}),
    ("s3 key with spaces and unicode", S3SigV4Auth, "PUT",
     "http://localhost:4566/bucket/dir/a%20file%E2%9C%93.txt", b"hello", "s3",
     {"Content-Type": "text/plain"}),
    ("s3 double slash is kept", S3SigV4Auth, "GET", "http://localhost:4566/bucket//key", b"", "s3",
     {}),
    ("presigned GET", S3SigV4QueryAuth, "GET", "http://localhost:4566/bucket/key?versionId=abc",
     b"", "s3", {}),
    ("presigned non-s3", SigV4QueryAuth, "GET",
     "http://localhost:4566/?Action=GetCallerIdentity&Version=2011-06-15", b"", "sts", {}),
]


@pytest.mark.parametrize(("method", "url", "body", "service", "headers", "auth"),
                         [(c[2], c[3], c[4], c[5], c[6], c[1]) for c in CASES],
                         ids=[c[0] for c in CASES])
def test_botocore_signature_verifies_and_tampering_is_caught(
    method: str, url: str, body: bytes, service: str, headers: dict[str, str], auth: type
) -> None:
    request = _signed(auth, method, url, body, service, headers)
    claimed = signed_request(request)
    assert claimed is not None and claimed.access_key_id == "AKIDEXAMPLE"
    is_s3 = service == "s3"
    verify(request, claimed, CREDENTIALS.secret_key, time.time(), is_s3)
    with pytest.raises(SignatureProblem) as wrong_key:
        verify(request, claimed, "not-the-secret", time.time(), is_s3)
    assert wrong_key.value.kind == "mismatch"
    if request.body and "x-amz-content-sha256" not in request.headers:
        request.body = request.body + b" "
        with pytest.raises(SignatureProblem):
            verify(request, claimed, CREDENTIALS.secret_key, time.time(), is_s3)


def test_tampered_signed_header_is_caught() -> None:
    request = _signed(SigV4Auth, "POST", "http://localhost:4566/", b"{}", "sqs",
                      {"X-Amz-Target": "AmazonSQS.ListQueues"})
    claimed = signed_request(request)
    assert claimed is not None
    request.headers["x-amz-target"] = "AmazonSQS.DeleteQueue"
    with pytest.raises(SignatureProblem):
        verify(request, claimed, CREDENTIALS.secret_key, time.time(), False)


def test_clock_skew_and_presigned_expiry() -> None:
    request = _signed(SigV4Auth, "GET", "http://localhost:4566/?Action=ListQueues", b"")
    claimed = signed_request(request)
    assert claimed is not None
    with pytest.raises(SignatureProblem) as skewed:
        verify(request, claimed, CREDENTIALS.secret_key, time.time() + 16 * 60, False)
    assert skewed.value.kind == "skewed"
    presigned = _signed(S3SigV4QueryAuth, "GET", "http://localhost:4566/b/k", service="s3")
    claimed = signed_request(presigned)
    assert claimed is not None and claimed.presigned
    with pytest.raises(SignatureProblem) as expired:
        verify(presigned, claimed, CREDENTIALS.secret_key, time.time() + 301, True)
    assert (expired.value.kind, expired.value.detail) == ("expired", "Request has expired")


def test_malformed_authorization_is_refused() -> None:
    request = HttpRequest("GET", "/", headers={"authorization": "AWS4-HMAC-SHA256 Credential=x"})
    with pytest.raises(SignatureProblem) as caught:
        signed_request(request)
    assert caught.value.kind == "malformed"
