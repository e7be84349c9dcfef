"""STS end to end: real principals, AssumeRole and its temporary credentials, session tokens,
web identities from the local identity provider (sts/web_identity.py)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import re
import subprocess
import sys
import urllib.error
import urllib.request
import uuid
from urllib.parse import urlencode

import pytest
from botocore.exceptions import ClientError

ALLOW_ALL = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": "*", "Resource": "*"}]})


def _name(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def _user_with_key(client, account: str) -> tuple[str, dict]:  # type: ignore[no-untyped-def]
    iam = client("iam", aws_access_key_id=account)
    name = _name("user")
    iam.create_user(UserName=name)
    iam.put_user_policy(UserName=name, PolicyName="all", PolicyDocument=ALLOW_ALL)
    return name, iam.create_access_key(UserName=name)["AccessKey"]


def _role(client, account: str, trusted: str, **kwargs: object) -> str:  # type: ignore[no-untyped-def]
    trust = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": trusted}, "Action": "sts:AssumeRole"}]})
    iam = client("iam", aws_access_key_id=account)
    name = _name("role")
    arn = iam.create_role(RoleName=name, AssumeRolePolicyDocument=trust, **kwargs)["Role"]["Arn"]
    iam.put_role_policy(RoleName=name, PolicyName="all", PolicyDocument=ALLOW_ALL)
    return str(arn)


def _as(client, service: str, credentials: dict):  # type: ignore[no-untyped-def]
    return client(service, aws_access_key_id=credentials["AccessKeyId"],
                  aws_secret_access_key=credentials["SecretAccessKey"],
                  aws_session_token=credentials.get("SessionToken"))


def test_a_users_key_is_that_user(client) -> None:
    name, key = _user_with_key(client, "101010101010")
    identity = _as(client, "sts", key).get_caller_identity()
    assert identity["Arn"] == f"arn:aws:iam::101010101010:user/{name}"
    assert identity["Account"] == "101010101010"
    assert identity["UserId"].startswith("AIDA")


def test_assume_role_and_use_the_session(client) -> None:
    account = "202020202020"
    name, key = _user_with_key(client, account)
    role_arn = _role(client, account, f"arn:aws:iam::{account}:user/{name}")
    result = _as(client, "sts", key).assume_role(RoleArn=role_arn, RoleSessionName="build-42",
                                                 DurationSeconds=900)
    credentials = result["Credentials"]
    assert credentials["AccessKeyId"].startswith("ASIA") and len(credentials["AccessKeyId"]) == 20
    assert credentials["SessionToken"]
    role_name = role_arn.rsplit("/", 1)[1]
    session_arn = f"arn:aws:sts::{account}:assumed-role/{role_name}/build-42"
    assert result["AssumedRoleUser"]["Arn"] == session_arn
    assert result["AssumedRoleUser"]["AssumedRoleId"].startswith("AROA")
    assert result["AssumedRoleUser"]["AssumedRoleId"].endswith(":build-42")
    identity = _as(client, "sts", credentials).get_caller_identity()
    assert identity["Arn"] == session_arn
    assert identity["UserId"] == result["AssumedRoleUser"]["AssumedRoleId"]
    last_used = client("iam", aws_access_key_id=account).get_role(RoleName=role_name)
    assert last_used["Role"]["RoleLastUsed"]["LastUsedDate"]


def test_cross_account_role(client) -> None:
    name, key = _user_with_key(client, "303030303030")
    role_arn = _role(client, "404040404040", "303030303030")
    result = _as(client, "sts", key).assume_role(RoleArn=role_arn, RoleSessionName="x-acct",
                                                 ExternalId="abc")
    identity = _as(client, "sts", result["Credentials"]).get_caller_identity()
    assert identity["Account"] == "404040404040"


def test_duration_is_bounded_by_max_session_duration(client) -> None:
    role_arn = _role(client, "505050505050", "505050505050")
    sts = client("sts", aws_access_key_id="505050505050")
    with pytest.raises(ClientError) as refused:
        sts.assume_role(RoleArn=role_arn, RoleSessionName="ss", DurationSeconds=7200)
    assert refused.value.response["Error"]["Code"] == "ValidationError"
    assert "MaxSessionDuration" in refused.value.response["Error"]["Message"]


def test_role_chaining_is_limited_to_an_hour(client) -> None:
    account = "606060606060"
    first = _role(client, account, account, MaxSessionDuration=14400)
    second = _role(client, account, account, MaxSessionDuration=14400)
    sts = client("sts", aws_access_key_id=account)
    session = sts.assume_role(RoleArn=first, RoleSessionName="one")["Credentials"]
    chained = _as(client, "sts", session)
    with pytest.raises(ClientError) as refused:
        chained.assume_role(RoleArn=second, RoleSessionName="two", DurationSeconds=7200)
    assert "role chaining" in refused.value.response["Error"]["Message"]
    hop = chained.assume_role(RoleArn=second, RoleSessionName="two", DurationSeconds=3600)
    assert _as(client, "sts", hop["Credentials"]).get_caller_identity()["Arn"].endswith("/two")


def test_assume_a_missing_role_is_access_denied(client) -> None:
    with pytest.raises(ClientError) as refused:
        client("sts").assume_role(RoleArn="arn:aws:iam::000000000000:role/no-such-role",
                                  RoleSessionName="ss")
    assert refused.value.response["Error"]["Code"] == "AccessDenied"
    assert refused.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403


def test_session_policy_is_validated(client) -> None:
    role_arn = _role(client, "707070707070", "707070707070")
    with pytest.raises(ClientError) as refused:
        client("sts", aws_access_key_id="707070707070").assume_role(
            RoleArn=role_arn, RoleSessionName="ss", Policy='{"Statement": []}')
    assert refused.value.response["Error"]["Code"] == "MalformedPolicyDocument"


def test_get_session_token(client) -> None:
    name, key = _user_with_key(client, "808080808080")
    credentials = _as(client, "sts", key).get_session_token(DurationSeconds=900)["Credentials"]
    assert credentials["AccessKeyId"].startswith("ASIA")
    identity = _as(client, "sts", credentials).get_caller_identity()
    assert identity["Arn"] == f"arn:aws:iam::808080808080:user/{name}"
    with pytest.raises(ClientError) as refused:
        _as(client, "sts", credentials).get_session_token()
    assert refused.value.response["Error"]["Code"] == "AccessDenied"


def _jwt(claims: dict, key: str | None = None) -> str:
    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    header = b64(json.dumps({"alg": "HS256" if key else "none", "typ": "JWT"}).encode())
    body = b64(json.dumps(claims).encode())
    signature = b""
    if key:
        signature = hmac.new(key.encode(), f"{header}.{body}".encode(), hashlib.sha256).digest()
    return f"{header}.{body}.{b64(signature)}"


def test_assume_role_with_web_identity(client, endpoint: str) -> None:
    account = "909090909090"
    iam = client("iam", aws_access_key_id=account)
    issuer = f"id-{uuid.uuid4().hex[:8]}.example.com"
    thumbprint = "a" * 40
    provider = iam.create_open_id_connect_provider(
        Url=f"https://{issuer}", ClientIDList=["my-app"],
        ThumbprintList=[thumbprint])["OpenIDConnectProviderArn"]
    trust = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Federated": provider},
         "Action": "sts:AssumeRoleWithWebIdentity",
         "Condition": {"StringEquals": {f"{issuer}:aud": "my-app"}}}]})
    role = _name("web")
    role_arn = iam.create_role(RoleName=role, AssumeRolePolicyDocument=trust)["Role"]["Arn"]
    for key in (None, thumbprint):
        token = _jwt({"iss": f"https://{issuer}", "sub": "dev-1", "aud": "my-app"}, key)
        status, body = _web_identity_call(endpoint, role_arn, token)
        assert status == 200, body
        assert "<SubjectFromWebIdentityToken>dev-1</SubjectFromWebIdentityToken>" in body
        arn = re.search(r"<AssumedRoleUser>.*?<Arn>(.*?)</Arn>", body, re.S)
        assert arn and arn.group(1) == f"arn:aws:sts::{account}:assumed-role/{role}/web"
        credentials = {name: re.search(f"<{name}>(.*?)</{name}>", body).group(1)  # type: ignore[union-attr]
                       for name in ("AccessKeyId", "SecretAccessKey", "SessionToken")}
        identity = _as(client, "sts", credentials).get_caller_identity()
        assert identity["Arn"] == f"arn:aws:sts::{account}:assumed-role/{role}/web"
    wrong = _jwt({"iss": f"https://{issuer}", "sub": "x", "aud": "other-app"})
    status, body = _web_identity_call(endpoint, role_arn, wrong)
    assert status == 400 and "<Code>InvalidIdentityToken</Code>" in body
    forged = _jwt({"iss": f"https://{issuer}", "sub": "x", "aud": "my-app"}, "b" * 40)
    status, body = _web_identity_call(endpoint, role_arn, forged)
    assert status == 400 and "<Code>InvalidIdentityToken</Code>" in body


def test_web_identity_through_boto3_unsigned(client, endpoint: str) -> None:
    """botocore sends AssumeRoleWithWebIdentity without a signature or credential scope."""
    import boto3
    from botocore import UNSIGNED
    from botocore.config import Config

    account = "919191919191"
    iam = client("iam", aws_access_key_id=account)
    issuer = f"id-{uuid.uuid4().hex[:8]}.example.com"
    provider = iam.create_open_id_connect_provider(
        Url=f"https://{issuer}", ClientIDList=["app"], ThumbprintList=["c" * 40],
    )["OpenIDConnectProviderArn"]
    trust = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Federated": provider},
         "Action": "sts:AssumeRoleWithWebIdentity"}]})
    role = _name("web")
    role_arn = iam.create_role(RoleName=role, AssumeRolePolicyDocument=trust)["Role"]["Arn"]
    sts = boto3.client("sts", region_name="us-east-1", endpoint_url=endpoint,
                       config=Config(signature_version=UNSIGNED, retries={"max_attempts": 1}))
    token = _jwt({"iss": f"https://{issuer}", "sub": "dev-2", "aud": "app"})
    result = sts.assume_role_with_web_identity(RoleArn=role_arn, RoleSessionName="ci",
                                               WebIdentityToken=token)
    assert result["SubjectFromWebIdentityToken"] == "dev-2"
    assert result["AssumedRoleUser"]["Arn"] == f"arn:aws:sts::{account}:assumed-role/{role}/ci"
    with pytest.raises(ClientError) as refused:
        sts.assume_role_with_web_identity(RoleArn=role_arn, RoleSessionName="ci",
                                          WebIdentityToken="not-a-jwt-at-all")
    assert refused.value.response["Error"]["Code"] == "InvalidIdentityToken"


def _web_identity_call(endpoint: str, role_arn: str, token: str) -> tuple[int, str]:
    """The wire form, SigV4-signed as some SDKs send it (the signature is not what STS
    checks here; botocore's own unsigned form is test_web_identity_through_boto3_unsigned)."""
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    body = urlencode({"Action": "AssumeRoleWithWebIdentity", "Version": "2011-06-15",
                      "RoleArn": role_arn, "RoleSessionName": "web", "WebIdentityToken": token})
    request = AWSRequest("POST", endpoint + "/", data=body, headers={
        "Content-Type": "application/x-www-form-urlencoded; charset=utf-8"})
    SigV4Auth(Credentials("test", "test"), "sts", "us-east-1").add_auth(request)
    prepared = urllib.request.Request(endpoint + "/", data=body.encode(), method="POST",
                                      headers=dict(request.headers.items()))
    try:
        with urllib.request.urlopen(prepared, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_aws_cli_assume_role(endpoint: str, client) -> None:
    account = "121212121212"
    role_arn = _role(client, account, account)
    env = {**os.environ, "AWS_ACCESS_KEY_ID": account, "AWS_SECRET_ACCESS_KEY": "x"}
    result = subprocess.run(
        [sys.executable, "-m", "awscli", "--endpoint-url", endpoint, "--region", "us-east-1",
         "sts", "assume-role", "--role-arn", role_arn, "--role-session-name", "cli",
         "--output", "json"],
        capture_output=True, text=True, env=env, timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["AssumedRoleUser"]["Arn"].endswith("/cli")
