"""Function URLs end to end: configuration through boto3, requests through real HTTP."""

from __future__ import annotations

import base64
import json
import urllib.parse

import httpx
import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from botocore.exceptions import ClientError
from tests.services.lambda_.helpers import create

ECHO = '''
import base64, json
def handler(event, context):
    if event["rawPath"] == "/plain":
        return "just text"
    if event["rawPath"] == "/dict":
        return {"message": "hello"}
    if event["rawPath"] == "/fail":
        raise RuntimeError("boom")
    if event["rawPath"] == "/binary":
        return {"statusCode": 201, "body": base64.b64encode(b"\\x00\\x01").decode(),
                "isBase64Encoded": True, "headers": {"Content-Type": "application/octet-stream"}}
    return {"statusCode": 200, "headers": {"content-type": "application/json", "x-echo": "1"},
            "cookies": ["a=1; Path=/", "b=2"], "body": json.dumps(event)}
'''


@pytest.fixture
def lam(client):  # type: ignore[no-untyped-def]
    return client("lambda")


def _url_path(url: str, endpoint: str, path: str = "/") -> str:
    url_id = urllib.parse.urlparse(url).hostname.split(".")[0]  # type: ignore[union-attr]
    return f"{endpoint}/_pocketcloud/lambda-url/{url_id}{path}"


def test_url_config_lifecycle(lam) -> None:  # type: ignore[no-untyped-def]
    name = create(lam)
    created = lam.create_function_url_config(
        FunctionName=name, AuthType="NONE",
        Cors={"AllowOrigins": ["https://example.com"], "AllowMethods": ["GET"]})
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 201
    url = created["FunctionUrl"]
    assert url.startswith("https://") and url.endswith(".lambda-url.us-east-1.on.aws/")
    assert len(urllib.parse.urlparse(url).hostname.split(".")[0]) == 32  # type: ignore[union-attr]
    assert created["FunctionArn"].endswith(f":function:{name}")
    assert "InvokeMode" not in created  # AWS shows it on Get, or when the request set it
    with pytest.raises(ClientError) as error:
        lam.create_function_url_config(FunctionName=name, AuthType="NONE")
    assert error.value.response["Error"]["Code"] == "ResourceConflictException"
    got = lam.get_function_url_config(FunctionName=name)
    assert got["FunctionUrl"] == url and got["Cors"]["AllowOrigins"] == ["https://example.com"]
    updated = lam.update_function_url_config(FunctionName=name, AuthType="AWS_IAM")
    assert updated["AuthType"] == "AWS_IAM" and updated["FunctionUrl"] == url
    lam.create_alias(FunctionName=name, Name="live", FunctionVersion="$LATEST")
    alias_url = lam.create_function_url_config(FunctionName=name, Qualifier="live",
                                               AuthType="NONE")
    assert alias_url["FunctionArn"].endswith(f":function:{name}:live")
    listed = lam.list_function_url_configs(FunctionName=name)["FunctionUrlConfigs"]
    assert sorted(c["FunctionUrl"] for c in listed) == sorted([url, alias_url["FunctionUrl"]])
    with pytest.raises(ClientError) as error:
        lam.create_function_url_config(FunctionName=name, Qualifier="1", AuthType="NONE")
    assert error.value.response["Error"]["Code"] == "ValidationException"
    with pytest.raises(ClientError) as error:
        lam.create_function_url_config(FunctionName=name, AuthType="OPEN")
    assert error.value.response["Error"]["Code"] == "ValidationException"
    lam.delete_function_url_config(FunctionName=name)
    with pytest.raises(ClientError) as error:
        lam.get_function_url_config(FunctionName=name)
    assert error.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_url_passes_payload_format_2_and_maps_the_response(lam, endpoint) -> None:  # type: ignore[no-untyped-def]
    name = create(lam, ECHO)
    url = lam.create_function_url_config(FunctionName=name, AuthType="NONE")["FunctionUrl"]
    response = httpx.post(_url_path(url, endpoint, "/orders/7?x=1&x=2&y=z"),
                          content=b'{"qty": 3}',
                          headers={"content-type": "application/json", "cookie": "s=1; t=2",
                                   "x-custom": "v"}, timeout=30)
    assert response.status_code == 200
    assert response.headers["x-echo"] == "1"
    assert response.headers.get_list("set-cookie") == ["a=1; Path=/", "b=2"]
    event = response.json()
    assert event["version"] == "2.0" and event["routeKey"] == "$default"
    assert event["rawPath"] == "/orders/7" and event["rawQueryString"] == "x=1&x=2&y=z"
    assert event["queryStringParameters"] == {"x": "1,2", "y": "z"}
    assert event["cookies"] == ["s=1", "t=2"]
    assert event["headers"]["x-custom"] == "v" and "cookie" not in event["headers"]
    assert event["body"] == '{"qty": 3}' and event["isBase64Encoded"] is False
    context = event["requestContext"]
    assert context["http"]["method"] == "POST" and context["http"]["path"] == "/orders/7"
    assert context["accountId"] == "anonymous" and context["domainPrefix"] in url
    binary = httpx.put(_url_path(url, endpoint, "/echo"), content=b"\xff\x00",
                       headers={"content-type": "application/octet-stream"}, timeout=30).json()
    assert binary["isBase64Encoded"] is True
    assert base64.b64decode(binary["body"]) == b"\xff\x00"
    plain = httpx.get(_url_path(url, endpoint, "/plain"), timeout=30)
    assert plain.status_code == 200 and plain.text == "just text"
    assert plain.headers["content-type"] == "application/json"
    assert httpx.get(_url_path(url, endpoint, "/dict"), timeout=30).json() == {
        "message": "hello"}
    decoded = httpx.get(_url_path(url, endpoint, "/binary"), timeout=30)
    assert decoded.status_code == 201 and decoded.content == b"\x00\x01"
    failed = httpx.get(_url_path(url, endpoint, "/fail"), timeout=30)
    assert failed.status_code == 502


def test_url_by_host_name_and_unknown_ids(lam, endpoint) -> None:  # type: ignore[no-untyped-def]
    name = create(lam, ECHO)
    url = lam.create_function_url_config(FunctionName=name, AuthType="NONE")["FunctionUrl"]
    host = urllib.parse.urlparse(url).hostname
    for name_form in (host, host.replace(".on.aws", ".localhost.localstack.cloud")):  # type: ignore[union-attr]
        response = httpx.get(endpoint + "/plain", headers={"host": name_form}, timeout=30)
        assert response.status_code == 200 and response.text == "just text"
    missing = httpx.get(f"{endpoint}/_pocketcloud/lambda-url/{'0' * 32}/", timeout=30)
    assert missing.status_code == 403


def test_aws_iam_urls_need_a_signature(lam, endpoint) -> None:  # type: ignore[no-untyped-def]
    name = create(lam, ECHO)
    url = lam.create_function_url_config(FunctionName=name, AuthType="AWS_IAM")["FunctionUrl"]
    target = _url_path(url, endpoint, "/signed")
    assert httpx.get(target, timeout=30).status_code == 403
    request = AWSRequest(method="GET", url=target)
    SigV4Auth(Credentials("test", "test"), "lambda", "us-east-1").add_auth(request)
    response = httpx.get(target, headers=dict(request.headers), timeout=30)
    assert response.status_code == 200
    assert response.json()["requestContext"]["authorizer"]["iam"]["accountId"] == "000000000000"


def test_cors_preflight_and_response_headers(lam, endpoint) -> None:  # type: ignore[no-untyped-def]
    name = create(lam, ECHO)
    url = lam.create_function_url_config(
        FunctionName=name, AuthType="NONE",
        Cors={"AllowOrigins": ["https://app.example"], "AllowMethods": ["GET", "POST"],
              "AllowHeaders": ["x-custom"], "ExposeHeaders": ["x-echo"], "MaxAge": 60})[
        "FunctionUrl"]
    preflight = httpx.options(_url_path(url, endpoint, "/x"), headers={
        "origin": "https://app.example", "access-control-request-method": "POST"}, timeout=30)
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == "https://app.example"
    assert preflight.headers["access-control-max-age"] == "60"
    actual = httpx.get(_url_path(url, endpoint, "/dict"),
                       headers={"origin": "https://app.example"}, timeout=30)
    assert actual.headers["access-control-allow-origin"] == "https://app.example"
    assert actual.headers["access-control-expose-headers"] == "x-echo"
    other = httpx.get(_url_path(url, endpoint, "/dict"),
                      headers={"origin": "https://evil.example"}, timeout=30)
    assert "access-control-allow-origin" not in other.headers


def test_url_config_through_the_aws_cli(lam, endpoint) -> None:  # type: ignore[no-untyped-def]
    import os
    import subprocess

    from tests.services.sqs.test_cli import AWS

    name = create(lam, ECHO)
    env = {**os.environ, "AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test",
           "AWS_DEFAULT_REGION": "us-east-1"}
    done = subprocess.run([AWS, "--endpoint-url", endpoint, "--output", "json", "lambda",
                           "create-function-url-config", "--function-name", name,
                           "--auth-type", "NONE"], capture_output=True, text=True, env=env,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    url = json.loads(done.stdout)["FunctionUrl"]
    assert httpx.get(_url_path(url, endpoint, "/plain"), timeout=30).text == "just text"


def test_aws_iam_urls_are_authorized_when_iam_enforces() -> None:
    import boto3
    from tests.support import start_server

    secret = "s3cret"
    server = start_server(None, "--iam", "enforce", "--root-secret-key", secret)
    try:
        def make(service: str, key: str = "test", secret_key: str = secret):  # type: ignore[no-untyped-def]
            return boto3.client(service, region_name="us-east-1", endpoint_url=server.endpoint,
                                aws_access_key_id=key, aws_secret_access_key=secret_key)

        lam, iam = make("lambda"), make("iam")
        name = create(lam, ECHO)
        url = lam.create_function_url_config(FunctionName=name,
                                             AuthType="AWS_IAM")["FunctionUrl"]
        target = _url_path(url, server.endpoint, "/dict")
        iam.create_user(UserName="caller")
        key = iam.create_access_key(UserName="caller")["AccessKey"]

        def signed_get(key_id: str, secret_key: str) -> int:
            request = AWSRequest(method="GET", url=target)
            SigV4Auth(Credentials(key_id, secret_key), "lambda", "us-east-1").add_auth(request)
            return httpx.get(target, headers=dict(request.headers), timeout=30).status_code

        assert signed_get("test", secret) == 200  # the account's root
        assert signed_get(key["AccessKeyId"], "wrong-secret") == 403
        assert signed_get(key["AccessKeyId"], key["SecretAccessKey"]) == 403  # no policy yet
        iam.put_user_policy(UserName="caller", PolicyName="url", PolicyDocument=json.dumps({
            "Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Action": "lambda:InvokeFunctionUrl",
                "Resource": f"arn:aws:lambda:us-east-1:000000000000:function:{name}"}]}))
        assert signed_get(key["AccessKeyId"], key["SecretAccessKey"]) == 200
        # AuthType NONE: anyone, but only where the function's policy lets anyone in.
        public = create(lam, ECHO)
        public_url = lam.create_function_url_config(FunctionName=public,
                                                    AuthType="NONE")["FunctionUrl"]
        public_target = _url_path(public_url, server.endpoint, "/plain")
        assert httpx.get(public_target, timeout=30).status_code == 403
        lam.add_permission(FunctionName=public, StatementId="public-url", Principal="*",
                           Action="lambda:InvokeFunctionUrl", FunctionUrlAuthType="NONE")
        assert httpx.get(public_target, timeout=30).text == "just text"
    finally:
        server.stop()


def test_url_of_a_region_that_is_down_closes_the_connection() -> None:
    import boto3
    from tests.infra.test_faults_e2e import add_fault
    from tests.support import start_server

    server = start_server()  # its own server: a Region-down fault touches every request
    try:
        lam = boto3.client("lambda", endpoint_url=server.endpoint, region_name="eu-west-2")
        name = create(lam, ECHO)
        url = lam.create_function_url_config(FunctionName=name, AuthType="NONE")["FunctionUrl"]
        assert url.endswith(".lambda-url.eu-west-2.on.aws/")
        target = _url_path(url, server.endpoint, "/plain")
        assert httpx.get(target, timeout=30).text == "just text"
        add_fault(server.endpoint, kind="region-down", region="eu-west-2", seed=1)
        with pytest.raises(httpx.HTTPError):
            httpx.get(target, timeout=30)
    finally:
        server.stop()


def test_hostile_url_requests_get_4xx(lam, endpoint) -> None:  # type: ignore[no-untyped-def]
    name = create(lam, ECHO)
    url = lam.create_function_url_config(FunctionName=name, AuthType="NONE")["FunctionUrl"]
    too_big = httpx.post(_url_path(url, endpoint, "/echo"), content=b"x" * (6 * 1024 * 1024 + 1),
                         headers={"content-type": "application/octet-stream"}, timeout=60)
    assert too_big.status_code == 413
    for path in ("/_pocketcloud/lambda-url/", "/_pocketcloud/lambda-url/..%2f..%2fetc",
                 "/_pocketcloud/lambda-url/" + "a" * 5000):
        assert httpx.get(endpoint + path, timeout=30).status_code == 403
    odd = httpx.post(_url_path(url, endpoint, "/echo?%zz=%&a"), content=b"\xff\xfe not utf-8",
                     headers={"content-type": "text/plain"}, timeout=30)
    assert odd.status_code == 200 and odd.json()["rawQueryString"] == "%zz=%&a"


def test_urls_go_with_their_alias_and_function(lam, endpoint) -> None:  # type: ignore[no-untyped-def]
    name = create(lam, ECHO)
    lam.create_alias(FunctionName=name, Name="live", FunctionVersion="$LATEST")
    alias_url = lam.create_function_url_config(FunctionName=name, Qualifier="live",
                                               AuthType="NONE")["FunctionUrl"]
    url = lam.create_function_url_config(FunctionName=name, AuthType="NONE")["FunctionUrl"]
    assert httpx.get(_url_path(alias_url, endpoint, "/plain"), timeout=30).status_code == 200
    lam.delete_alias(FunctionName=name, Name="live")
    assert httpx.get(_url_path(alias_url, endpoint, "/plain"), timeout=30).status_code == 403
    assert [c["FunctionUrl"] for c in lam.list_function_url_configs(
        FunctionName=name)["FunctionUrlConfigs"]] == [url]
    lam.delete_function(FunctionName=name)
    assert httpx.get(_url_path(url, endpoint, "/plain"), timeout=30).status_code == 403
