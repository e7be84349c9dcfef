"""--iam enforce: S3 requests signed with SigV2 (boto3's default presigned URLs, the AWS CLI
v1's ``s3 presign``, ``signature_version="s3"`` headers) act as their key's principal; a
wrongly signed one is refused with S3's errors."""

from __future__ import annotations

import http.client
import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from email.utils import formatdate
from typing import Any
from urllib.parse import urlsplit

import pytest
from botocore.auth import HmacV1Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials
from botocore.exceptions import ClientError
from tests.support import ENFORCE_SECRET as SECRET
from tests.support import Server, enforcing_client

BUCKET = "sigv2-bucket"


@pytest.fixture(scope="module")
def owner(enforcing: Server) -> Any:
    s3 = enforcing_client(enforcing, "s3")
    s3.create_bucket(Bucket=BUCKET)
    s3.put_object(Bucket=BUCKET, Key="dir/a b+c.txt", Body=b"hello")
    s3.put_object(Bucket=BUCKET, Key="tagged", Body=b"t")  # whichever test runs first needs it
    return s3


def _v2(server: Server, key: str = "test", secret: str = SECRET) -> Any:
    """A client signing every request with a SigV2 Authorization header."""
    import boto3

    return boto3.client("s3", region_name="us-east-1", endpoint_url=server.endpoint,
                        aws_access_key_id=key, aws_secret_access_key=secret,
                        config=Config(signature_version="s3", retries={"max_attempts": 1}))


def _fetch(url: str, method: str = "GET", data: bytes | None = None,
           headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as refused:
        return refused.code, refused.read()


def _code(body: bytes) -> str:
    return body.split(b"<Code>")[1].split(b"</Code>")[0].decode()


def _user(server: Server, name: str, actions: list[str]) -> dict[str, str]:
    iam = enforcing_client(server, "iam")
    iam.create_user(UserName=name)
    if actions:
        policy = {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": actions, "Resource": f"arn:aws:s3:::{BUCKET}/*"}]}
        iam.put_user_policy(UserName=name, PolicyName="p", PolicyDocument=json.dumps(policy))
    key = iam.create_access_key(UserName=name)["AccessKey"]
    return {"aws_access_key_id": key["AccessKeyId"],
            "aws_secret_access_key": key["SecretAccessKey"]}


def _presigner(server: Server, **credentials: str) -> Any:
    import boto3

    credentials = credentials or {"aws_access_key_id": "test", "aws_secret_access_key": SECRET}
    return boto3.client("s3", region_name="us-east-1", endpoint_url=server.endpoint,
                        **credentials)  # the default: SigV2 presigned URLs  # fmt: skip


def test_default_presigned_get_and_put_from_the_owner(enforcing: Server, owner: Any) -> None:
    s3 = _presigner(enforcing)
    get_url = s3.generate_presigned_url("get_object",
                                        Params={"Bucket": BUCKET, "Key": "dir/a b+c.txt"})
    assert "AWSAccessKeyId=" in get_url and "X-Amz-" not in get_url
    assert _fetch(get_url) == (200, b"hello")
    put_url = s3.generate_presigned_url("put_object", Params={
        "Bucket": BUCKET, "Key": "put.txt", "ContentType": "text/plain"})
    assert _fetch(put_url, "PUT", b"put", {"Content-Type": "text/plain"})[0] == 200
    assert owner.get_object(Bucket=BUCKET, Key="put.txt")["Body"].read() == b"put"
    other_type = _fetch(put_url, "PUT", b"evil", {"Content-Type": "text/html"})
    assert (other_type[0], _code(other_type[1])) == (403, "SignatureDoesNotMatch")


def test_presigned_urls_of_iam_users_follow_their_policies(enforcing: Server,
                                                           owner: Any) -> None:
    reader = _presigner(enforcing, **_user(enforcing, "v2-reader", ["s3:GetObject"]))
    nobody = _presigner(enforcing, **_user(enforcing, "v2-nobody", []))
    params = {"Bucket": BUCKET, "Key": "dir/a b+c.txt"}
    assert _fetch(reader.generate_presigned_url("get_object", Params=params)) == (200, b"hello")
    status, body = _fetch(nobody.generate_presigned_url("get_object", Params=params))
    assert (status, _code(body)) == (403, "AccessDenied")
    assert b"user/v2-nobody is not authorized" in body


def test_wrongly_signed_presigned_urls_are_refused(enforcing: Server, owner: Any) -> None:
    params = {"Bucket": BUCKET, "Key": "dir/a b+c.txt"}
    url = _presigner(enforcing).generate_presigned_url("get_object", Params=params)
    user = _user(enforcing, "v2-other", ["s3:GetObject"])
    wrong = _presigner(enforcing, aws_access_key_id="test", aws_secret_access_key="wrong")
    unknown = _presigner(enforcing, aws_access_key_id="AKIANOSUCHKEY0000000",
                         aws_secret_access_key=SECRET)
    cases = {
        "tampered": (url.replace("Signature=", "Signature=A"), "SignatureDoesNotMatch"),
        "wrong secret": (wrong.generate_presigned_url("get_object", Params=params),
                         "SignatureDoesNotMatch"),
        "another key": (url.replace("AWSAccessKeyId=test",
                                    "AWSAccessKeyId=" + user["aws_access_key_id"]),
                        "SignatureDoesNotMatch"),
        "unknown key": (unknown.generate_presigned_url("get_object", Params=params),
                        "InvalidAccessKeyId"),
        "expired": (_presigner(enforcing).generate_presigned_url(
            "get_object", Params=params, ExpiresIn=-60), "AccessDenied"),
        "sub-resource added": (url + "&versionId=null", "SignatureDoesNotMatch"),
        "path changed": (url.replace("a%20b", "x%20b"), "SignatureDoesNotMatch"),
        "bad base64": (url.split("Signature=")[0] + "Signature=%21%21&Expires=" +
                       url.split("Expires=")[1], "SignatureDoesNotMatch"),
        "no expires": (url.split("&Expires=")[0], "AccessDenied"),
        "expires not a number": (url.split("&Expires=")[0] + "&Expires=soon", "AccessDenied"),
    }
    answers = {name: _fetch(case[0]) for name, case in cases.items()}
    assert {name: (status, _code(body)) for name, (status, body) in answers.items()} == {
        name: (403, code) for name, (_, code) in cases.items()}
    assert b"Request has expired" in answers["expired"][1]
    assert b"<StringToSign>" in answers["tampered"][1]


def test_session_credentials_need_their_token(enforcing: Server, owner: Any) -> None:
    session = enforcing_client(enforcing, "sts").get_session_token()["Credentials"]
    s3 = _presigner(enforcing, aws_access_key_id=session["AccessKeyId"],
                    aws_secret_access_key=session["SecretAccessKey"],
                    aws_session_token=session["SessionToken"])
    url = s3.generate_presigned_url("get_object",
                                    Params={"Bucket": BUCKET, "Key": "dir/a b+c.txt"})
    assert "x-amz-security-token=" in url
    assert _fetch(url) == (200, b"hello")
    without = "&".join(p for p in url.split("&") if not p.startswith("x-amz-security-token"))
    status, body = _fetch(without)
    assert (status, _code(body)) == (403, "InvalidAccessKeyId")


def test_header_signed_requests_work(enforcing: Server, owner: Any) -> None:
    s3 = _v2(enforcing)
    s3.put_object(Bucket=BUCKET, Key="tagged", Body=b"t", Tagging="team=blue")
    assert s3.get_object(Bucket=BUCKET, Key="tagged")["Body"].read() == b"t"
    assert s3.get_object_tagging(Bucket=BUCKET, Key="tagged")["TagSet"] == [
        {"Key": "team", "Value": "blue"}]
    keys = [o["Key"] for o in s3.list_objects(Bucket=BUCKET)["Contents"]]
    assert "tagged" in keys and "dir/a b+c.txt" in keys
    assert s3.get_bucket_location(Bucket=BUCKET)["LocationConstraint"] is None
    user = _user(enforcing, "v2-hdr", [])
    nobody = _v2(enforcing, user["aws_access_key_id"], user["aws_secret_access_key"])
    with pytest.raises(ClientError) as caught:
        nobody.get_object(Bucket=BUCKET, Key="tagged")
    assert caught.value.response["Error"]["Code"] == "AccessDenied"


def test_wrongly_signed_headers_are_refused(enforcing: Server, owner: Any) -> None:
    for key, secret, code in (("test", "wrong", "SignatureDoesNotMatch"),
                              ("AKIANOSUCHKEY0000000", SECRET, "InvalidAccessKeyId")):
        with pytest.raises(ClientError) as caught:
            _v2(enforcing, key, secret).list_objects(Bucket=BUCKET)
        assert caught.value.response["Error"]["Code"] == code
    assert _send_v2(enforcing, date_offset_s=-3600)[1] == "RequestTimeTooSkewed"
    assert _send_v2(enforcing, date_offset_s=0) == (200, "")
    assert _send_v2(enforcing, authorization="AWS no-colon") == (400, "InvalidArgument")
    assert _send_v2(enforcing, authorization="AWS test:%%%")[1] == "SignatureDoesNotMatch"


def _send_v2(server: Server, date_offset_s: float = 0, authorization: str = "") -> tuple[int,
                                                                                          str]:
    """GET the test object signed by botocore's SigV2 signer with a Date `date_offset_s` off."""
    request = AWSRequest(method="GET", url=f"{server.endpoint}/{BUCKET}/tagged")
    signer = HmacV1Auth(Credentials("test", SECRET))
    signer._get_date = lambda: formatdate(time.time() + date_offset_s, usegmt=True)  # type: ignore[method-assign]
    signer.add_auth(request)
    prepared = request.prepare()
    headers = dict(prepared.headers.items())
    if authorization:
        headers["Authorization"] = authorization
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    connection.request("GET", urlsplit(prepared.url).path, headers=headers)
    response = connection.getresponse()
    body = response.read()
    return response.status, _code(body) if b"<Code>" in body else ""


def test_aws_cli_v1_presign_works(enforcing: Server, owner: Any) -> None:
    env = {**os.environ, "AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": SECRET}
    done = subprocess.run(
        [sys.executable, "-m", "awscli", "--endpoint-url", enforcing.endpoint, "--region",
         "us-east-1", "s3", "presign", f"s3://{BUCKET}/dir/a b+c.txt"],
        capture_output=True, text=True, env=env, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    url = done.stdout.strip()
    assert "AWSAccessKeyId=" in url
    assert _fetch(url) == (200, b"hello")
