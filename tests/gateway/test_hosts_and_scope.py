"""What the gateway reads off a request before any service sees it."""

from __future__ import annotations

import pytest

from pocketcloud.gateway.hosts import HostInfo, parse_host
from pocketcloud.gateway.scope import account_for_access_key, credential_scope, legacy_access_key
from pocketcloud.protocol.http import HttpRequest


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("bucket.s3.localhost:4566", HostInfo("s3", "", "bucket")),
        ("my.dotted.bucket.s3.localhost", HostInfo("s3", "", "my.dotted.bucket")),
        ("bucket.s3.us-west-2.amazonaws.com", HostInfo("s3", "us-west-2", "bucket")),
        (
            "bucket.s3.eu-west-1.localhost.localstack.cloud:4566",
            HostInfo("s3", "eu-west-1", "bucket"),
        ),
        ("s3.localhost.localstack.cloud:4566", HostInfo("s3", "", "")),
        ("sqs.ap-south-1.localhost.localstack.cloud", HostInfo("sqs", "ap-south-1", "")),
        ("sqs.eu-central-1.amazonaws.com", HostInfo("sqs", "eu-central-1", "")),
        ("site.s3-website-us-east-1.amazonaws.com", HostInfo("s3", "us-east-1", "site")),
        ("mybucket.localhost:4566", HostInfo("mybucket", "", "")),
        ("127.0.0.1:4566", HostInfo()),
        ("localhost:4566", HostInfo()),
        ("[::1]:4566", HostInfo()),
    ],
)
def test_parse_host(host: str, expected: HostInfo) -> None:
    assert parse_host(host) == expected


def _request(**kwargs: object) -> HttpRequest:
    return HttpRequest(method="GET", path="/", **kwargs)  # type: ignore[arg-type]


def test_scope_from_authorization_header() -> None:
    header = (
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/eu-west-1/sqs/aws4_request, "
        "SignedHeaders=host;x-amz-date, Signature=abc"
    )
    scope = credential_scope(_request(headers={"authorization": header}))
    assert scope is not None
    assert (scope.access_key_id, scope.region, scope.signing_name) == (
        "AKIDEXAMPLE", "eu-west-1", "sqs"
    )


def test_scope_from_presigned_query() -> None:
    query = (
        "X-Amz-Algorithm=AWS4-HMAC-SHA256"
        "&X-Amz-Credential=111122223333%2F20260101%2Fap-northeast-1%2Fs3%2Faws4_request"
        "&X-Amz-Expires=60"
    )
    scope = credential_scope(_request(query_string=query))
    assert scope is not None
    assert (scope.access_key_id, scope.region, scope.signing_name) == (
        "111122223333", "ap-northeast-1", "s3"
    )


@pytest.mark.parametrize(
    "header",
    ["", "Bearer token", "AWS4-HMAC-SHA256 Credential=short/scope", "AWS4-HMAC-SHA256 nothing"],
)
def test_malformed_or_missing_scope_is_none(header: str) -> None:
    assert credential_scope(_request(headers={"authorization": header})) is None


def test_legacy_sigv2_key() -> None:
    assert legacy_access_key(_request(headers={"authorization": "AWS AKID:sig="})) == "AKID"
    presigned = _request(query_string="AWSAccessKeyId=AKID&Signature=s%3D&Expires=1")
    assert legacy_access_key(presigned) == "AKID"


@pytest.mark.parametrize(
    ("key", "account"),
    [("111122223333", "111122223333"), ("test", "000000000000"),
     ("AKIAIOSFODNN7EXAMPLE", "000000000000"), ("1111222233334", "000000000000")],
)
def test_account_from_access_key(key: str, account: str) -> None:
    assert account_for_access_key(key) == account
