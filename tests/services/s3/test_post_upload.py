"""Browser POST uploads (HTML forms) through boto3's generate_presigned_post and httpx:
policy conditions and expiry, success_action_status/redirect, AWS's errors; signatures are
checked by a server in IAM enforce mode."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from tests.support import Server, start_server


def _post(url: str, fields: dict[str, str], content: bytes, name: str = "hello.txt") -> Any:
    return httpx.post(url, data=fields, files={"file": (name, content, "text/plain")},
                      timeout=10)  # fmt: skip


def _code(response: Any) -> str:
    text = response.text
    return text.split("<Code>")[1].split("</Code>")[0] if "<Code>" in text else ""


def test_presigned_post_upload(s3: Any, bucket: str) -> None:
    post = s3.generate_presigned_post(
        bucket, "uploads/${filename}",
        Fields={"success_action_status": "201", "Content-Type": "text/plain",
                "x-amz-meta-colour": "blue", "tagging": "<Tagging><TagSet><Tag><Key>a</Key>"
                "<Value>1</Value></Tag></TagSet></Tagging>"},
        Conditions=[["starts-with", "$key", "uploads/"], {"success_action_status": "201"},
                    {"Content-Type": "text/plain"}, {"x-amz-meta-colour": "blue"},
                    ["starts-with", "$tagging", ""], ["content-length-range", 1, 1024]],
        ExpiresIn=300)  # fmt: skip
    response = _post(post["url"], post["fields"], b"form bytes")
    assert response.status_code == 201, response.text
    assert "<Key>uploads/hello.txt</Key>" in response.text
    got = s3.get_object(Bucket=bucket, Key="uploads/hello.txt")
    assert got["Body"].read() == b"form bytes"
    assert got["ContentType"] == "text/plain"
    assert got["Metadata"] == {"colour": "blue"}
    assert got["TagCount"] == 1
    assert response.headers["etag"] == got["ETag"]


def test_default_204_and_redirect(s3: Any, bucket: str) -> None:
    post = s3.generate_presigned_post(bucket, "plain")
    response = _post(post["url"], post["fields"], b"x")
    assert response.status_code == 204
    redirect = "https://example.com/done"
    post = s3.generate_presigned_post(
        bucket,
        "r",
        Fields={"success_action_redirect": redirect},
        Conditions=[{"success_action_redirect": redirect}],
    )
    response = _post(post["url"], post["fields"], b"x")
    assert response.status_code == 303
    assert response.headers["location"].startswith(redirect + "?bucket=")
    assert s3.get_object(Bucket=bucket, Key="r")["Body"].read() == b"x"


@pytest.mark.parametrize(
    ("change", "status", "code"),
    [
        ({"key": "elsewhere"}, 403, "AccessDenied"),
        ({"extra-field": "v"}, 403, "AccessDenied"),
        ({"policy": "bm90IGpzb24="}, 400, "InvalidPolicyDocument"),
    ],
)
def test_policy_refusals(s3: Any, bucket: str, change: dict[str, str], status: int,
                         code: str) -> None:  # fmt: skip
    post = s3.generate_presigned_post(bucket, "fixed")
    response = _post(post["url"], {**post["fields"], **change}, b"x")
    assert (response.status_code, _code(response)) == (status, code)


def test_size_and_expiry(s3: Any, bucket: str) -> None:
    post = s3.generate_presigned_post(bucket, "small", Conditions=[["content-length-range", 2, 4]])
    assert _code(_post(post["url"], post["fields"], b"x")) == "EntityTooSmall"
    assert _code(_post(post["url"], post["fields"], b"x" * 100)) == "EntityTooLarge"
    expired = json.dumps(
        {"expiration": "2001-01-01T00:00:00Z", "conditions": [{"bucket": bucket}, {"key": "k"}]}
    ).encode()
    response = _post(post["url"], {"key": "k", "policy": base64.b64encode(expired).decode()}, b"x")
    assert response.status_code == 403 and "Policy expired" in response.text


@pytest.mark.parametrize(
    ("expiration", "status"),
    [("2099-01-01T00:00:00.000Z", 204), ("2099-01-01T00:00:00Z", 204),
     ("2099-01-01 00:00:00+00:00", 400), ("2099-01-01", 400), ("2099-01-01T00:00:00", 400)],
)  # fmt: skip
def test_policy_expiration_is_iso_8601(s3: Any, bucket: str, expiration: str,
                                       status: int) -> None:  # fmt: skip
    post = s3.generate_presigned_post(bucket, "k")
    document = json.dumps({"expiration": expiration, "conditions": [{"key": "k"}]}).encode()
    fields = {"key": "k", "policy": base64.b64encode(document).decode()}
    response = _post(post["url"], fields, b"x")
    assert response.status_code == status, response.text
    if status == 400:
        assert _code(response) == "InvalidPolicyDocument"


def test_form_errors(s3: Any, bucket: str, endpoint: str) -> None:
    response = httpx.post(f"{endpoint}/{bucket}", data={"key": "k"},
                          files={"other": ("a", b"x")}, timeout=10)  # fmt: skip
    assert response.status_code == 400  # a part named other with a filename is taken as file
    response = httpx.post(f"{endpoint}/{bucket}", files={"key": (None, "k")}, timeout=10)
    assert _code(response) == "InvalidArgument"
    response = httpx.post(f"{endpoint}/{bucket}", files={"file": ("a", b"x")}, timeout=10)
    assert _code(response) == "InvalidArgument"  # no key field
    response = httpx.post(f"{endpoint}/pc-no-such-bucket-post", data={"key": "k"},
                          files={"file": ("a", b"x")}, timeout=10)  # fmt: skip
    assert response.status_code == 404 and _code(response) == "NoSuchBucket"
    response = httpx.post(f"{endpoint}/{bucket}", content=b"--xx\r\ngarbage",
                          headers={"content-type": "multipart/form-data; boundary=xx"},
                          timeout=10)  # fmt: skip
    assert response.status_code == 400 and _code(response) == "MalformedPOSTRequest"


@pytest.fixture(scope="module")
def enforcing() -> Iterator[Server]:
    running = start_server(None, "--iam", "enforce")
    yield running
    running.stop()


@pytest.mark.parametrize(
    ("version", "signature_field"), [("s3v4", "x-amz-signature"), ("s3", "signature")]
)
def test_signature_checked_when_iam_enforces(enforcing: Server, bucket_name: Any, version: str,
                                             signature_field: str) -> None:  # fmt: skip
    import boto3
    from botocore.config import Config

    def s3_client(signature_version: str) -> Any:
        return boto3.client("s3", endpoint_url=enforcing.endpoint, region_name="us-east-1",
                            aws_access_key_id="test", aws_secret_access_key="test",
                            config=Config(signature_version=signature_version))  # fmt: skip

    bucket = bucket_name()
    s3_client("s3v4").create_bucket(Bucket=bucket)
    s3 = s3_client(version)
    post = s3.generate_presigned_post(bucket, "signed")
    assert signature_field in post["fields"]
    assert _post(post["url"], post["fields"], b"ok").status_code == 204
    forged = {**post["fields"], signature_field: "AAAA" + post["fields"][signature_field][4:]}
    response = _post(post["url"], forged, b"no")
    assert (response.status_code, _code(response)) == (403, "SignatureDoesNotMatch")
    unsigned = httpx.post(post["url"], data={"key": "anon"}, files={"file": ("a", b"x")},
                          timeout=10)  # fmt: skip
    assert unsigned.status_code == 403
