"""AssumeRoleWithWebIdentity's refusals in AWS's words: an expired token names both instants
in epoch seconds (as reported from AWS in aws-sdk-java-v2#5709), a wrong audience is
"Incorrect token audience"."""

from __future__ import annotations

import base64
import json
import time
import uuid
from typing import Any

import boto3
import pytest
from botocore import UNSIGNED
from botocore.config import Config
from tests.support import refusal

ACCOUNT = "919191919192"


def _part(value: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")


def _jwt(claims: dict[str, Any]) -> str:
    return f"{_part({'alg': 'none'})}.{_part(claims)}."


@pytest.fixture(scope="module")
def federated(endpoint: str) -> tuple[Any, str, str]:
    iam = boto3.client("iam", region_name="us-east-1", endpoint_url=endpoint,
                       aws_access_key_id=ACCOUNT, aws_secret_access_key="test")
    issuer = f"id-{uuid.uuid4().hex[:8]}.example.com"
    provider = iam.create_open_id_connect_provider(
        Url=f"https://{issuer}", ClientIDList=["app"], ThumbprintList=["d" * 40],
    )["OpenIDConnectProviderArn"]
    trust = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Federated": provider},
         "Action": "sts:AssumeRoleWithWebIdentity"}]})
    role_arn = iam.create_role(RoleName=f"web-{uuid.uuid4().hex[:8]}",
                               AssumeRolePolicyDocument=trust)["Role"]["Arn"]
    sts = boto3.client("sts", region_name="us-east-1", endpoint_url=endpoint,
                       config=Config(signature_version=UNSIGNED, retries={"max_attempts": 1}))
    return sts, role_arn, issuer


def test_an_expired_token_names_both_instants(federated: tuple[Any, str, str]) -> None:
    sts, role_arn, issuer = federated
    expires = int(time.time()) - 600
    code, message, status = refusal(
        sts.assume_role_with_web_identity, RoleArn=role_arn, RoleSessionName="late",
        WebIdentityToken=_jwt({"iss": f"https://{issuer}", "sub": "s", "aud": "app",
                               "exp": expires}))
    assert (code, status) == ("ExpiredTokenException", 400)
    prefix, _, rest = message.partition("Token expired: current date/time ")
    now_s, _, tail = rest.partition(" must be before the expiration date/time ")
    assert prefix == "" and int(now_s) > expires and tail == str(expires)


def test_a_wrong_audience_is_an_invalid_token(federated: tuple[Any, str, str]) -> None:
    sts, role_arn, issuer = federated
    assert refusal(sts.assume_role_with_web_identity, RoleArn=role_arn, RoleSessionName="aud",
                   WebIdentityToken=_jwt({"iss": f"https://{issuer}", "sub": "s",
                                          "aud": "other"})) == (
        "InvalidIdentityToken", "Incorrect token audience", 400)
