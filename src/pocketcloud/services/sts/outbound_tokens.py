"""GetWebIdentityToken: a signed JWT asserting the caller's AWS identity (IAM outbound
identity federation; the account's issuer and keys: iam/outbound_federation.py).

Refused with OutboundWebIdentityFederationDisabledException (403) until the account enables
the feature. The token, as AWS documents its claims:

- ``iss`` the account's issuer, ``sub`` the caller's ARN (a role session: the role's ARN),
  ``aud`` the Audience (one value: a string; several: a list), ``iat``, ``exp``
  (DurationSeconds, 60..3600, default 300), ``jti``;
- under ``https://sts.amazonaws.com/``: ``aws_account``, ``source_region``, ``principal_id``
  (the caller's ARN, a role session's role), ``principal_tags`` (the user's or role's tags and
  a session's tags), ``request_tags`` (the request's Tags).

Signed with RS256 (RSA PKCS#1 v1.5, SHA-256) or ES384 (P-384, SHA-384, the signature as
``r || s``), the header naming the key (``kid``) the issuer's JWKS publishes. A token may not
outlive the calling session (SessionDurationEscalationException). JWT-SVIDs and
OriginIdentity subjects need a workload identity or a trusted identity propagation context,
which pocketcloud sessions never carry: those requests get AWS's validation error.
"""

from __future__ import annotations

import base64
import json
import uuid
from datetime import UTC, datetime
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

from pocketcloud.context import RequestContext
from pocketcloud.errors import AwsError
from pocketcloud.services.iam.credentials import Credential, caller_of
from pocketcloud.services.iam.outbound_federation import Issuer, issuer_of
from pocketcloud.services.iam.schema import reading

CLAIMS_NAMESPACE = "https://sts.amazonaws.com/"
DEFAULT_DURATION_S = 300
ALGORITHMS = ("RS256", "ES384")


def _validation(message: str) -> AwsError:
    return AwsError("ValidationError", message)


def _check_request(params: dict[str, Any]) -> None:
    algorithm = params["SigningAlgorithm"]
    if algorithm not in ALGORITHMS:
        raise _validation(f"1 validation error detected: Value '{algorithm}' at "
                          "'signingAlgorithm' failed to satisfy constraint: Member must "
                          "satisfy enum value set: [RS256, ES384]")
    if params.get("TokenType") and (params.get("SubjectMode") or params.get("Scope")):
        raise _validation("TokenType cannot be specified together with SubjectMode or Scope.")
    if params.get("TokenType") == "JWT_SVID":
        if params.get("Tags"):
            raise _validation("Tags cannot be specified when TokenType is JWT_SVID.")
        raise _validation("A JWT_SVID token requires a role session with a workload identity; "
                          "the calling session has none.")
    if params.get("Scope") and params.get("SubjectMode") != "OriginIdentity":
        raise _validation("Scope can be specified only when SubjectMode is OriginIdentity.")
    if params.get("SubjectMode") == "OriginIdentity":
        raise _validation("The trusted identity propagation context of the calling session "
                          "does not contain the aws:OriginIdentity/Subject key.")
    keys: set[str] = set()
    for tag in params.get("Tags") or []:
        if tag["Key"].lower() in keys:
            raise _validation("Duplicate tag keys found. Please note that Tag keys are case "
                              "insensitive.")
        keys.add(tag["Key"].lower())


def _principal_arn(caller: Credential) -> str:
    if caller.principal_type == "assumed-role" and caller.role_arn:
        return caller.role_arn
    return caller.principal_arn


def _principal_tags(ctx: RequestContext, caller: Credential) -> dict[str, str]:
    table, name = "", ""
    if caller.principal_type == "user":
        table, name = "iam_users", caller.principal_arn.rsplit("/", 1)[-1]
    elif caller.principal_type == "assumed-role" and caller.role_arn:
        table, name = "iam_roles", caller.role_arn.rsplit("/", 1)[-1]
    found: dict[str, str] = {}
    if table:
        with reading(ctx.cloud) as tx:
            row = tx.fetchone(f"SELECT tags FROM {table} WHERE account_id = ? AND name = ?",
                              (caller.account_id, name))
        if row:
            found = {tag["Key"]: tag["Value"] for tag in json.loads(row[0])}
    return {**found, **caller.session_tags}  # session tags win over the principal's


def _b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def sign(issuer: Issuer, algorithm: str, claims: dict[str, Any]) -> str:
    header = {"alg": algorithm, "typ": "JWT", "kid": issuer.key_id(algorithm)}
    signing_input = (_b64url(json.dumps(header, separators=(",", ":")).encode()) + "." +
                     _b64url(json.dumps(claims, separators=(",", ":")).encode()))
    if algorithm == "RS256":
        signature = issuer.rsa_key.sign(signing_input.encode("ascii"), padding.PKCS1v15(),
                                        hashes.SHA256())
    else:
        der = issuer.ec_key.sign(signing_input.encode("ascii"), ec.ECDSA(hashes.SHA384()))
        r, s = decode_dss_signature(der)
        signature = r.to_bytes(48, "big") + s.to_bytes(48, "big")
    return f"{signing_input}.{_b64url(signature)}"


def get_web_identity_token(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    _check_request(params)
    caller = caller_of(ctx)
    issuer = issuer_of(ctx.cloud, caller.account_id)
    if issuer is None or not issuer.enabled:
        raise AwsError("OutboundWebIdentityFederationDisabledException",
                       "Outbound web identity federation is disabled for this account.", 403)
    now = ctx.cloud.clock.now()
    duration_s = params.get("DurationSeconds") or DEFAULT_DURATION_S
    expires = int(now) + duration_s
    if caller.expires_at_s is not None and expires > caller.expires_at_s:
        raise AwsError("SessionDurationEscalationException", "The requested token duration "
                       "would extend the session beyond its original expiration time.", 403)
    principal = _principal_arn(caller)
    audience = list(params["Audience"])
    namespace: dict[str, Any] = {"aws_account": caller.account_id,
                                 "source_region": ctx.region, "principal_id": principal}
    principal_tags = _principal_tags(ctx, caller)
    if principal_tags:
        namespace["principal_tags"] = principal_tags
    if params.get("Tags"):
        namespace["request_tags"] = {tag["Key"]: tag["Value"] for tag in params["Tags"]}
    claims = {"iss": issuer.url, "aud": audience[0] if len(audience) == 1 else audience,
              "sub": principal, "iat": int(now), "exp": expires, "jti": str(uuid.uuid4()),
              CLAIMS_NAMESPACE: namespace}
    token = sign(issuer, params["SigningAlgorithm"], claims)
    return {"WebIdentityToken": token,
            "Expiration": datetime.fromtimestamp(expires, UTC)}
