"""The local identity provider behind AssumeRoleWithWebIdentity.

pocketcloud does not fetch keys from an issuer (it may be offline), so it accepts two kinds
of JSON Web Token, both ``header.payload.signature`` in base64url:

- unsigned: header ``{"alg": "none"}`` and an empty signature, for local development;
- HS256: signed with HMAC-SHA256 whose key is the IAM OIDC provider's first thumbprint
  (the 40 hex characters given to CreateOpenIDConnectProvider, as text).

The token's ``iss`` must name an IAM OIDC provider of the role's account (with or without
``https://``), its ``aud`` (or ``azp``) must be one of the provider's client ids, and ``exp``
(when present) must be after the cloud clock's now. The trust policy then sees the provider
ARN as a ``Federated`` principal and the condition keys ``<issuer>:aud``, ``<issuer>:sub``,
``<issuer>:amr`` (the issuer without ``https://``).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from dataclasses import dataclass
from typing import Any

from pocketcloud.errors import AwsError

MAX_TOKEN_CHARS = 20000


@dataclass(frozen=True)
class WebIdentity:
    issuer: str  # without scheme, as IAM names the provider
    subject: str
    audience: str
    claims: dict[str, Any]
    algorithm: str
    signing_input: bytes
    signature: bytes


def _invalid(message: str) -> AwsError:
    return AwsError("InvalidIdentityTokenException", message)


def _b64url(part: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
    except (binascii.Error, ValueError):
        raise _invalid("The ID token provided is not a valid JWT. (You may see this error if "
                       "you sent an Access Token)") from None


def decode(token: str) -> WebIdentity:
    if len(token) > MAX_TOKEN_CHARS:
        raise AwsError("JWTPayloadSizeExceededException", "JWT payload size exceeded.")
    parts = token.split(".")
    if len(parts) != 3:
        raise _invalid("The ID token provided is not a valid JWT. (You may see this error if "
                       "you sent an Access Token)")
    try:
        header = json.loads(_b64url(parts[0]))
        claims = json.loads(_b64url(parts[1]))
    except ValueError:
        raise _invalid("The ID token provided is not a valid JWT.") from None
    if not isinstance(header, dict) or not isinstance(claims, dict):
        raise _invalid("The ID token provided is not a valid JWT.")
    algorithm = str(header.get("alg", ""))
    if algorithm not in ("none", "HS256"):
        raise _invalid(f"Unsupported token signing algorithm {algorithm!r}: pocketcloud's local "
                       "identity provider takes unsigned (alg none) or HS256 tokens.")
    audience = claims.get("aud") or claims.get("azp") or ""
    if isinstance(audience, list):
        audience = audience[0] if audience else ""
    issuer = str(claims.get("iss", "")).split("://", 1)[-1].rstrip("/")
    return WebIdentity(issuer, str(claims.get("sub", "")), str(audience), claims, algorithm,
                       f"{parts[0]}.{parts[1]}".encode(), _b64url(parts[2]))


def verify(identity: WebIdentity, client_ids: list[str], thumbprints: list[str],
           now_s: float) -> None:
    if identity.algorithm == "HS256":
        key = (thumbprints[0] if thumbprints else "").encode()
        expected = hmac.new(key, identity.signing_input, hashlib.sha256).digest()
        if not hmac.compare_digest(expected, identity.signature):
            raise _invalid("The web identity token signature could not be verified.")
    if identity.audience not in client_ids:
        raise _invalid("Incorrect token audience")
    expires = identity.claims.get("exp")
    if isinstance(expires, int | float) and expires <= now_s:
        # AWS names both instants in epoch seconds (as reported in aws-sdk-java-v2#5709)
        raise AwsError("ExpiredTokenException", f"Token expired: current date/time "
                       f"{int(now_s)} must be before the expiration date/time {int(expires)}")
