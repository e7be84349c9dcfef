"""IAM outbound identity federation end to end through boto3: Enable/Disable/Info, STS
GetWebIdentityToken refused until enabled, and its JWT verified with the issuer's JWKS as a
relying party would find it (OIDC discovery served under /_pocketcloud/sts/issuers/)."""

from __future__ import annotations

import base64
import json
import random
import urllib.error
import urllib.request
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature


def _account() -> str:
    return str(random.randint(10**11, 10**12 - 1))


def _b64(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def _int(part: str) -> int:
    return int.from_bytes(_b64(part), "big")


def _get(url: str) -> dict[str, Any]:
    with urllib.request.urlopen(url, timeout=5) as response:
        return json.loads(response.read())  # type: ignore[no-any-return]


def _verify(endpoint: str, token: str, issuer: str) -> dict[str, Any]:
    """What a relying party does: discovery from the issuer id, the JWKS, the signature."""
    issuer_id = issuer.removeprefix("https://").split(".", 1)[0]
    config = _get(f"{endpoint}/_pocketcloud/sts/issuers/{issuer_id}"
                  "/.well-known/openid-configuration")
    assert config["issuer"] == issuer
    keys = {key["kid"]: key for key in _get(config["jwks_uri"])["keys"]}
    header_part, claims_part, signature_part = token.split(".")
    header = json.loads(_b64(header_part))
    key = keys[header["kid"]]
    signed = f"{header_part}.{claims_part}".encode()
    signature = _b64(signature_part)
    if header["alg"] == "RS256":
        public = rsa.RSAPublicNumbers(_int(key["e"]), _int(key["n"])).public_key()
        public.verify(signature, signed, padding.PKCS1v15(), hashes.SHA256())
    else:
        assert header["alg"] == "ES384" and key["crv"] == "P-384"
        point = ec.EllipticCurvePublicNumbers(_int(key["x"]), _int(key["y"]), ec.SECP384R1())
        der = encode_dss_signature(int.from_bytes(signature[:48], "big"),
                                   int.from_bytes(signature[48:], "big"))
        point.public_key().verify(der, signed, ec.ECDSA(hashes.SHA384()))
    return json.loads(_b64(claims_part))  # type: ignore[no-any-return]


def _code(error: pytest.ExceptionInfo[ClientError]) -> tuple[str, int]:
    response = error.value.response
    return response["Error"]["Code"], response["ResponseMetadata"]["HTTPStatusCode"]


def test_enable_disable_and_info(client) -> None:  # type: ignore[no-untyped-def]
    iam = client("iam", aws_access_key_id=_account())
    with pytest.raises(ClientError) as error:
        iam.get_outbound_web_identity_federation_info()
    assert _code(error) == ("FeatureDisabled", 404)
    with pytest.raises(ClientError) as error:
        iam.disable_outbound_web_identity_federation()
    assert _code(error) == ("FeatureDisabled", 404)
    issuer = iam.enable_outbound_web_identity_federation()["IssuerIdentifier"]
    assert issuer.startswith("https://") and issuer.endswith(".tokens.sts.global.api.aws")
    with pytest.raises(ClientError) as error:
        iam.enable_outbound_web_identity_federation()
    assert _code(error) == ("FeatureEnabled", 409)
    info = iam.get_outbound_web_identity_federation_info()
    assert info["IssuerIdentifier"] == issuer and info["JwtVendingEnabled"] is True
    iam.disable_outbound_web_identity_federation()
    with pytest.raises(ClientError) as error:
        iam.get_outbound_web_identity_federation_info()
    assert _code(error) == ("FeatureDisabled", 404)
    assert iam.enable_outbound_web_identity_federation()["IssuerIdentifier"] == issuer


@pytest.mark.parametrize("algorithm", ["RS256", "ES384"])
def test_token_from_a_user_verifies_with_the_jwks(client, endpoint, algorithm) -> None:  # type: ignore[no-untyped-def]
    account = _account()
    iam = client("iam", aws_access_key_id=account)
    iam.create_user(UserName="builder", Tags=[{"Key": "team", "Value": "data"}])
    key = iam.create_access_key(UserName="builder")["AccessKey"]
    sts = client("sts", aws_access_key_id=key["AccessKeyId"],
                 aws_secret_access_key=key["SecretAccessKey"], region_name="eu-west-1")
    with pytest.raises(ClientError) as error:
        sts.get_web_identity_token(Audience=["https://api.example.com"],
                                   SigningAlgorithm=algorithm)
    assert _code(error) == ("OutboundWebIdentityFederationDisabledException", 403)
    issuer = iam.enable_outbound_web_identity_federation()["IssuerIdentifier"]
    answer = sts.get_web_identity_token(Audience=["https://api.example.com"],
                                       SigningAlgorithm=algorithm, DurationSeconds=900,
                                       Tags=[{"Key": "job", "Value": "42"}])
    claims = _verify(endpoint, answer["WebIdentityToken"], issuer)
    user_arn = f"arn:aws:iam::{account}:user/builder"
    assert claims["iss"] == issuer and claims["sub"] == user_arn
    assert claims["aud"] == "https://api.example.com"
    assert claims["exp"] - claims["iat"] == 900
    assert int(answer["Expiration"].timestamp()) == claims["exp"]
    assert claims["https://sts.amazonaws.com/"] == {
        "aws_account": account, "source_region": "eu-west-1", "principal_id": user_arn,
        "principal_tags": {"team": "data"}, "request_tags": {"job": "42"}}
    iam.disable_outbound_web_identity_federation()
    with pytest.raises(ClientError) as error:
        sts.get_web_identity_token(Audience=["a"], SigningAlgorithm=algorithm)
    assert _code(error)[0] == "OutboundWebIdentityFederationDisabledException"


def test_role_session_token_names_the_role(client, endpoint) -> None:  # type: ignore[no-untyped-def]
    account = _account()
    iam = client("iam", aws_access_key_id=account)
    trust = json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
        "Action": ["sts:AssumeRole", "sts:TagSession"]}]})
    role_arn = iam.create_role(RoleName="worker", AssumeRolePolicyDocument=trust,
                               Tags=[{"Key": "env", "Value": "prod"}])["Role"]["Arn"]
    issuer = iam.enable_outbound_web_identity_federation()["IssuerIdentifier"]
    credentials = client("sts", aws_access_key_id=account).assume_role(
        RoleArn=role_arn, RoleSessionName="s1", DurationSeconds=900,
        Tags=[{"Key": "env", "Value": "test"}])["Credentials"]
    sts = client("sts", aws_access_key_id=credentials["AccessKeyId"],
                 aws_secret_access_key=credentials["SecretAccessKey"],
                 aws_session_token=credentials["SessionToken"])
    token = sts.get_web_identity_token(Audience=["a1", "a2"], SigningAlgorithm="ES384")
    claims = _verify(endpoint, token["WebIdentityToken"], issuer)
    assert claims["sub"] == role_arn and claims["aud"] == ["a1", "a2"]
    assert claims["exp"] - claims["iat"] == 300
    assert claims["https://sts.amazonaws.com/"]["principal_tags"] == {"env": "test"}
    with pytest.raises(ClientError) as error:  # longer than the 900-second session
        sts.get_web_identity_token(Audience=["a"], SigningAlgorithm="RS256",
                                   DurationSeconds=3600)
    assert _code(error) == ("SessionDurationEscalationException", 403)


def test_malformed_requests_get_4xx(client, endpoint) -> None:  # type: ignore[no-untyped-def]
    account = _account()
    client("iam", aws_access_key_id=account).enable_outbound_web_identity_federation()
    sts = boto3.client("sts", region_name="us-east-1", endpoint_url=endpoint,
                       aws_access_key_id=account, aws_secret_access_key="test",
                       config=Config(parameter_validation=False, retries={"max_attempts": 1}))
    cases: list[dict[str, Any]] = [
        {"Audience": ["a"], "SigningAlgorithm": "HS256"},
        {"Audience": ["a"], "SigningAlgorithm": "RS256", "DurationSeconds": 59},
        {"Audience": ["a"], "SigningAlgorithm": "RS256", "DurationSeconds": 3601},
        {"Audience": ["a"] * 11, "SigningAlgorithm": "RS256"},
        {"Audience": ["a"], "SigningAlgorithm": "RS256", "TokenType": "JWT_SVID",
         "SubjectMode": "AWSIdentity"},
        {"Audience": ["a"], "SigningAlgorithm": "RS256", "TokenType": "JWT_SVID"},
        {"Audience": ["a"], "SigningAlgorithm": "RS256", "SubjectMode": "OriginIdentity"},
        {"Audience": ["a"], "SigningAlgorithm": "RS256", "Scope": "read"},
        {"Audience": ["a"], "SigningAlgorithm": "RS256",
         "Tags": [{"Key": "k", "Value": "1"}, {"Key": "K", "Value": "2"}]},
    ]
    for params in cases:
        with pytest.raises(ClientError) as error:
            sts.get_web_identity_token(**params)
        code, status = _code(error)
        assert 400 <= status < 500, (params, code, status)


def test_unknown_issuer_is_404(endpoint) -> None:  # type: ignore[no-untyped-def]
    url = f"{endpoint}/_pocketcloud/sts/issuers/nope/.well-known/jwks.json"
    with pytest.raises(urllib.error.HTTPError) as error:
        urllib.request.urlopen(url, timeout=5)
    assert error.value.code == 404
