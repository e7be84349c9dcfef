"""Static website hosting: configuration, and serving over HTTP on the website endpoint
(Host <bucket>.s3-website.localhost:<port> or <bucket>.s3-website-<region>.amazonaws.com)."""

from __future__ import annotations

import http.client
import json
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from botocore.exceptions import ClientError


def _get(endpoint: str, host: str, path: str, method: str = "GET") -> Any:
    connection = http.client.HTTPConnection(urlsplit(endpoint).netloc, timeout=5)
    connection.request(method, path, headers={"Host": host})
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response.status, {k.lower(): v for k, v in response.getheaders()}, body


def _public(s3: Any, bucket: str, list_too: bool = True) -> None:
    s3.delete_public_access_block(Bucket=bucket)
    actions = ["s3:GetObject", "s3:ListBucket"] if list_too else ["s3:GetObject"]
    s3.put_bucket_policy(
        Bucket=bucket,
        Policy=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": "*",
                        "Action": actions,
                        "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"],
                    }
                ],
            }
        ),
    )


def _code(error: pytest.ExceptionInfo[ClientError]) -> str:
    return str(error.value.response["Error"]["Code"])


def test_website_configuration(s3: Any, bucket: str) -> None:
    with pytest.raises(ClientError) as missing:
        s3.get_bucket_website(Bucket=bucket)
    assert _code(missing) == "NoSuchWebsiteConfiguration"
    config = {
        "IndexDocument": {"Suffix": "index.html"},
        "ErrorDocument": {"Key": "error.html"},
        "RoutingRules": [
            {
                "Condition": {"KeyPrefixEquals": "docs/"},
                "Redirect": {"ReplaceKeyPrefixWith": "documents/"},
            }
        ],
    }
    s3.put_bucket_website(Bucket=bucket, WebsiteConfiguration=config)
    got = s3.get_bucket_website(Bucket=bucket)
    assert got["IndexDocument"] == config["IndexDocument"]
    assert got["RoutingRules"] == config["RoutingRules"]
    s3.delete_bucket_website(Bucket=bucket)
    with pytest.raises(ClientError):
        s3.get_bucket_website(Bucket=bucket)


@pytest.mark.parametrize(
    "config",
    [
        {},
        {"IndexDocument": {"Suffix": "a/index.html"}},
        {"RedirectAllRequestsTo": {"HostName": "x.com"}, "IndexDocument": {"Suffix": "i"}},
        {"IndexDocument": {"Suffix": "i"}, "RoutingRules": [{"Redirect": {}}]},
        {
            "IndexDocument": {"Suffix": "i"},
            "RoutingRules": [{"Redirect": {"ReplaceKeyWith": "a", "ReplaceKeyPrefixWith": "b"}}],
        },
    ],
)
def test_invalid_website_configuration(s3: Any, bucket: str, config: dict[str, Any]) -> None:
    with pytest.raises(ClientError) as error:
        s3.put_bucket_website(Bucket=bucket, WebsiteConfiguration=config)
    assert _code(error) in ("InvalidArgument", "InvalidRequest", "MalformedXML")


def test_serving_a_site(s3: Any, bucket: str, endpoint: str) -> None:
    host = f"{bucket}.s3-website.localhost:{urlsplit(endpoint).port}"
    status, headers, body = _get(endpoint, host, "/")
    assert status == 404 and b"NoSuchWebsiteConfiguration" in body
    assert headers["content-type"].startswith("text/html")
    s3.put_bucket_website(
        Bucket=bucket,
        WebsiteConfiguration={
            "IndexDocument": {"Suffix": "index.html"},
            "ErrorDocument": {"Key": "404.html"},
            "RoutingRules": [
                {
                    "Condition": {"KeyPrefixEquals": "old/"},
                    "Redirect": {"ReplaceKeyPrefixWith": "new/", "HttpRedirectCode": "302"},
                }
            ],
        },
    )
    html = {"ContentType": "text/html"}
    s3.put_object(Bucket=bucket, Key="index.html", Body=b"<h1>home</h1>", **html)
    s3.put_object(Bucket=bucket, Key="blog/index.html", Body=b"<h1>blog</h1>", **html)
    s3.put_object(Bucket=bucket, Key="404.html", Body=b"<h1>lost</h1>", **html)
    status, _, body = _get(endpoint, host, "/")
    assert status == 403 and b"AccessDenied" in body  # not public yet, as on AWS
    _public(s3, bucket)
    status, headers, body = _get(endpoint, host, "/")
    assert (status, body) == (200, b"<h1>home</h1>")
    assert headers["content-type"] == "text/html"
    assert _get(endpoint, host, "/blog/")[2] == b"<h1>blog</h1>"
    status, headers, _ = _get(endpoint, host, "/blog")
    assert status == 302 and headers["location"] == "/blog/"
    status, _, body = _get(endpoint, host, "/nothing-here")
    assert (status, body) == (404, b"<h1>lost</h1>")
    status, headers, _ = _get(endpoint, host, "/old/page.html")
    assert status == 302 and headers["location"].endswith("/new/page.html")
    status, _, body = _get(endpoint, host, "/", method="HEAD")
    assert status == 200 and body == b""
    assert _get(endpoint, host, "/", method="DELETE")[0] == 405


def test_missing_key_is_403_without_list_permission(s3: Any, bucket: str, endpoint: str) -> None:
    _public(s3, bucket, list_too=False)
    s3.put_bucket_website(Bucket=bucket, WebsiteConfiguration={"IndexDocument": {"Suffix": "i"}})
    host = f"{bucket}.s3-website-us-east-1.amazonaws.com"
    status, _, body = _get(endpoint, host, "/missing")
    assert status == 403 and b"<html>" in body and b"AccessDenied" in body


def test_redirect_all_requests(s3: Any, bucket: str, endpoint: str) -> None:
    s3.put_bucket_website(
        Bucket=bucket,
        WebsiteConfiguration={
            "RedirectAllRequestsTo": {"HostName": "example.com", "Protocol": "https"}
        },
    )
    status, headers, _ = _get(endpoint, f"{bucket}.s3-website.us-east-1.amazonaws.com", "/a/b?x=1")
    assert status == 301 and headers["location"] == "https://example.com/a/b?x=1"


def test_unknown_bucket_website(endpoint: str) -> None:
    status, _, body = _get(endpoint, "pc-nope-website.s3-website.localhost", "/")
    assert status == 404 and b"NoSuchBucket" in body and b"<html>" in body


def test_object_redirect_location(s3: Any, bucket: str, endpoint: str) -> None:
    _public(s3, bucket)
    s3.put_bucket_website(Bucket=bucket, WebsiteConfiguration={"IndexDocument": {"Suffix": "i"}})
    s3.put_object(Bucket=bucket, Key="moved", Body=b"", WebsiteRedirectLocation="/new-home")
    status, headers, _ = _get(endpoint, f"{bucket}.s3-website.localhost", "/moved")
    assert status == 301 and headers["location"] == "/new-home"


def test_a_bucket_named_like_a_website_endpoint_is_plain_s3(s3: Any, endpoint: str) -> None:
    """Virtual-hosted requests to a bucket whose name holds "s3-website" are S3 API calls."""
    s3.create_bucket(Bucket="my-s3-website-files")
    s3.put_object(Bucket="my-s3-website-files", Key="k", Body=b"api")
    status, _, body = _get(endpoint, "my-s3-website-files.s3.localhost", "/k")
    assert (status, body) == (200, b"api")


def _refusal(s3: Any, bucket: str, config: dict[str, Any]) -> dict[str, Any]:
    with pytest.raises(ClientError) as caught:
        s3.put_bucket_website(Bucket=bucket, WebsiteConfiguration=config)
    return dict(caught.value.response["Error"])


@pytest.mark.parametrize(("config", "expected"), [
    ({"IndexDocument": {"Suffix": "/index.html"}},
     {"Code": "InvalidArgument", "Message": "The IndexDocument Suffix is not well formed",
      "ArgumentName": "IndexDocument", "ArgumentValue": "/index.html"}),
    ({"IndexDocument": {"Suffix": ""}},
     {"Code": "InvalidArgument", "Message": "The IndexDocument Suffix is not well formed",
      "ArgumentName": "IndexDocument", "ArgumentValue": None}),
    ({"ErrorDocument": {"Key": "error.html"}},
     {"Code": "InvalidArgument", "ArgumentName": "IndexDocument", "ArgumentValue": "null"}),
    ({"IndexDocument": {"Suffix": "i"}, "RedirectAllRequestsTo": {"HostName": "x.com"}},
     {"Code": "InvalidArgument", "ArgumentName": "RedirectAllRequestsTo",
      "ArgumentValue": "not null"}),
    ({"IndexDocument": {"Suffix": "i"}, "RoutingRules": [{"Redirect": {"Protocol": "ftp"}}]},
     {"Code": "InvalidRequest"}),
    ({"IndexDocument": {"Suffix": "i"},
      "RoutingRules": [{"Redirect": {"ReplaceKeyWith": "a", "ReplaceKeyPrefixWith": "b"}}]},
     {"Code": "InvalidRequest",
      "Message": "You can only define ReplaceKeyPrefix or ReplaceKey but not both."}),
    ({"IndexDocument": {"Suffix": "i"},
      "RoutingRules": [{"Condition": {}, "Redirect": {"ReplaceKeyWith": "a"}}]},
     {"Code": "InvalidRequest", "Message": "Condition cannot be empty. To redirect all requests "
      "without a condition, the condition element shouldn't be present."}),
])  # fmt: skip
def test_website_refusals_as_recorded(
    s3: Any, bucket: str, config: dict[str, Any], expected: dict[str, Any]
) -> None:
    error = _refusal(s3, bucket, config)
    assert {name: error.get(name) for name in expected} == expected


def test_routing_rule_without_redirect_is_malformed(s3: Any, bucket: str, endpoint: str) -> None:
    body = ("<WebsiteConfiguration><IndexDocument><Suffix>i</Suffix></IndexDocument>"
            "<RoutingRules><RoutingRule><Condition><KeyPrefixEquals>a</KeyPrefixEquals>"
            "</Condition></RoutingRule></RoutingRules></WebsiteConfiguration>")  # fmt: skip
    response = httpx.put(f"{endpoint}/{bucket}?website", content=body)
    assert response.status_code == 400 and b"<Code>MalformedXML</Code>" in response.content
