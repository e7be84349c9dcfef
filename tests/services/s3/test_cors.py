"""CORS configuration and real preflight answers, through boto3 and raw HTTP."""

from __future__ import annotations

import http.client
from typing import Any
from urllib.parse import urlsplit

import pytest
from botocore.exceptions import ClientError

RULES = [
    {
        "AllowedOrigins": ["https://app.example.com"],
        "AllowedMethods": ["GET", "PUT"],
        "AllowedHeaders": ["content-type", "x-amz-*"],
        "ExposeHeaders": ["ETag"],
        "MaxAgeSeconds": 600,
    },
    {"AllowedOrigins": ["*"], "AllowedMethods": ["GET"]},
]


def _request(endpoint: str, method: str, path: str, headers: dict[str, str]) -> Any:
    connection = http.client.HTTPConnection(urlsplit(endpoint).netloc, timeout=5)
    connection.request(method, path, headers=headers)
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response.status, {k.lower(): v for k, v in response.getheaders()}, body


def _code(error: pytest.ExceptionInfo[ClientError]) -> str:
    return str(error.value.response["Error"]["Code"])


def test_cors_configuration_round_trip(s3: Any, bucket: str) -> None:
    with pytest.raises(ClientError) as missing:
        s3.get_bucket_cors(Bucket=bucket)
    assert _code(missing) == "NoSuchCORSConfiguration"
    s3.put_bucket_cors(Bucket=bucket, CORSConfiguration={"CORSRules": RULES})
    assert s3.get_bucket_cors(Bucket=bucket)["CORSRules"] == RULES
    s3.delete_bucket_cors(Bucket=bucket)
    with pytest.raises(ClientError):
        s3.get_bucket_cors(Bucket=bucket)


@pytest.mark.parametrize(
    ("rule", "code"),
    [
        ({"AllowedOrigins": ["*"], "AllowedMethods": ["PATCH"]}, "InvalidRequest"),
        (
            {"AllowedOrigins": ["https://*.*.example.com"], "AllowedMethods": ["GET"]},
            "InvalidRequest",
        ),
        (
            {"AllowedOrigins": ["*"], "AllowedMethods": ["GET"], "AllowedHeaders": ["*-*"]},
            "InvalidRequest",
        ),
    ],
)
def test_invalid_cors_rules(s3: Any, bucket: str, rule: dict[str, Any], code: str) -> None:
    with pytest.raises(ClientError) as error:
        s3.put_bucket_cors(Bucket=bucket, CORSConfiguration={"CORSRules": [rule]})
    assert _code(error) == code


def test_preflight(s3: Any, bucket: str, endpoint: str) -> None:
    asking = {
        "Origin": "https://app.example.com",
        "Access-Control-Request-Method": "PUT",
        "Access-Control-Request-Headers": "Content-Type, X-Amz-Meta-Colour",
    }
    status, _, body = _request(endpoint, "OPTIONS", f"/{bucket}/key", asking)
    assert status == 403 and b"CORS is not enabled for this bucket" in body
    s3.put_bucket_cors(Bucket=bucket, CORSConfiguration={"CORSRules": RULES})
    status, headers, _ = _request(endpoint, "OPTIONS", f"/{bucket}/key", asking)
    assert status == 200
    assert headers["access-control-allow-origin"] == "https://app.example.com"
    assert headers["access-control-allow-methods"] == "GET, PUT"
    assert headers["access-control-allow-headers"] == "content-type, x-amz-meta-colour"
    assert headers["access-control-max-age"] == "600"
    assert headers["access-control-expose-headers"] == "ETag"
    anyone = {"Origin": "https://other.example", "Access-Control-Request-Method": "GET"}
    status, headers, _ = _request(endpoint, "OPTIONS", f"/{bucket}/key", anyone)
    assert status == 200 and headers["access-control-allow-origin"] == "*"
    refused = {"Origin": "https://other.example", "Access-Control-Request-Method": "DELETE"}
    status, _, body = _request(endpoint, "OPTIONS", f"/{bucket}/key", refused)
    assert status == 403
    assert b"<Code>AccessForbidden</Code>" in body
    assert b"CORSResponse: This CORS request is not allowed" in body
    status, _, body = _request(endpoint, "OPTIONS", f"/{bucket}/key", {"Origin": "https://a"})
    assert status == 400


def test_virtual_hosted_preflight_and_missing_bucket(s3: Any, bucket: str, endpoint: str) -> None:
    s3.put_bucket_cors(Bucket=bucket, CORSConfiguration={"CORSRules": RULES})
    port = urlsplit(endpoint).port
    asking = {
        "Origin": "https://x.example",
        "Access-Control-Request-Method": "GET",
        "Host": f"{bucket}.s3.localhost:{port}",
    }
    status, headers, _ = _request(endpoint, "OPTIONS", "/some/key", asking)
    assert status == 200 and headers["access-control-allow-origin"] == "*"
    status, _, body = _request(
        endpoint,
        "OPTIONS",
        "/pc-no-such-bucket-cors/k",
        {"Origin": "https://x", "Access-Control-Request-Method": "GET"},
    )
    assert status == 403 and b"<Message>CORSResponse: Bucket not found</Message>" in body
    assert b"<Method>GET</Method><ResourceType>BUCKET</ResourceType>" in body


def test_actual_request_gets_cors_headers(s3: Any, bucket: str, endpoint: str) -> None:
    s3.put_object(Bucket=bucket, Key="k", Body=b"hello")
    status, headers, _ = _request(endpoint, "GET", f"/{bucket}/k", {"Origin": "https://a.b"})
    assert status == 200 and "access-control-allow-origin" not in headers
    s3.put_bucket_cors(Bucket=bucket, CORSConfiguration={"CORSRules": RULES})
    status, headers, body = _request(
        endpoint, "GET", f"/{bucket}/k", {"Origin": "https://app.example.com"}
    )
    assert status == 200 and body == b"hello"
    assert headers["access-control-allow-origin"] == "https://app.example.com"
    assert headers["access-control-expose-headers"] == "ETag"


def test_preflight_without_method_before_any_configuration(
    s3: Any, bucket: str, endpoint: str
) -> None:
    # AWS names the preflight's own method until the bucket and a configuration exist.
    only_origin = {"Origin": "https://a.example"}
    status, _, body = _request(endpoint, "OPTIONS", f"/{bucket}/k", only_origin)
    assert status == 403 and b"CORS is not enabled for this bucket." in body
    # recorded from AWS: the bucket is named even for an object's URL
    assert b"<Method>OPTIONS</Method><ResourceType>BUCKET</ResourceType>" in body
    status, _, body = _request(endpoint, "OPTIONS", "/pc-no-such-bucket-cors2/k", only_origin)
    assert status == 403 and b"CORSResponse: Bucket not found" in body
    assert b"<Method>OPTIONS</Method>" in body
    s3.put_bucket_cors(Bucket=bucket, CORSConfiguration={"CORSRules": RULES})
    status, _, body = _request(endpoint, "OPTIONS", f"/{bucket}/k", only_origin)
    assert status == 400 and b"Invalid Access-Control-Request-Method: null" in body


def test_actual_request_with_preflight_headers_is_judged_as_a_preflight(
    s3: Any, bucket: str, endpoint: str
) -> None:
    origin = "https://app.example.com"
    rules = [{"AllowedOrigins": [origin], "AllowedMethods": ["GET"],
              "AllowedHeaders": ["x-amz-expected-bucket-owner"]}]  # fmt: skip
    s3.put_object(Bucket=bucket, Key="k", Body=b"hello")
    s3.put_bucket_cors(Bucket=bucket, CORSConfiguration={"CORSRules": rules})
    _, headers, _ = _request(endpoint, "GET", f"/{bucket}/k", {"Origin": origin})
    assert headers["access-control-allow-origin"] == origin
    asks_put = {"Origin": origin, "Access-Control-Request-Method": "PUT"}
    status, headers, body = _request(endpoint, "GET", f"/{bucket}/k", asks_put)
    assert status == 200 and body == b"hello"
    assert not any(name.startswith("access-control-") for name in headers)
    asks_header = {"Origin": origin, "Access-Control-Request-Headers": "x-amz-request-payer"}
    _, headers, _ = _request(endpoint, "GET", f"/{bucket}/k", asks_header)
    assert not any(name.startswith("access-control-") for name in headers)
    # The header itself (not asked for by a preflight header) does not matter.
    sends_header = {"Origin": origin, "x-amz-request-payer": "requester"}
    _, headers, _ = _request(endpoint, "GET", f"/{bucket}/k", sends_header)
    assert headers["access-control-allow-origin"] == origin
