"""IAM outbound identity federation: the account's JWT issuer for STS GetWebIdentityToken.

EnableOutboundWebIdentityFederation gives the account an issuer, as AWS names it:
``https://<uuid>.tokens.sts.global.api.aws``, and two signing keys (RSA 2048 for RS256, P-384
for ES384), kept in IAM's tables: Disable stops STS vending tokens, Enable again brings back
the same issuer and keys. A second Enable is ``FeatureEnabled`` (409); Disable or
GetOutboundWebIdentityFederationInfo while off is ``FeatureDisabled`` (404).

The issuer's host does not resolve on this machine, so pocketcloud serves its OIDC discovery
document and its JWKS under its own endpoint (``admin`` below):

    GET /_pocketcloud/sts/issuers/<uuid>/.well-known/openid-configuration
    GET /_pocketcloud/sts/issuers/<uuid>/.well-known/jwks.json

The discovery document's ``issuer`` is the account's issuer (what tokens carry in ``iss``),
its ``jwks_uri`` the local JWKS address.
"""

from __future__ import annotations

import base64
import hashlib
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from pocketcloud.errors import AwsError
from pocketcloud.services.iam.schema import reading, writing

if TYPE_CHECKING:
    from pocketcloud.cloud import Cloud
    from pocketcloud.context import RequestContext

ISSUER_DOMAIN = "tokens.sts.global.api.aws"
LOCAL_PREFIX = "sts/issuers/"  # after /_pocketcloud/
RSA_BITS = 2048


@dataclass(frozen=True)
class Issuer:
    account_id: str
    issuer_id: str
    enabled: bool
    rsa_key: rsa.RSAPrivateKey
    ec_key: ec.EllipticCurvePrivateKey

    @property
    def url(self) -> str:
        return f"https://{self.issuer_id}.{ISSUER_DOMAIN}"

    def key_id(self, algorithm: str) -> str:
        public = (self.rsa_key if algorithm == "RS256" else self.ec_key).public_key()
        der = public.public_bytes(serialization.Encoding.DER,
                                  serialization.PublicFormat.SubjectPublicKeyInfo)
        return f"{algorithm}-{hashlib.sha256(der).hexdigest()[:32]}"


def _pem(key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey) -> str:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode("ascii")


def _issuer(row: tuple[Any, ...]) -> Issuer:
    rsa_key = serialization.load_pem_private_key(row[3].encode("ascii"), None)
    ec_key = serialization.load_pem_private_key(row[4].encode("ascii"), None)
    assert isinstance(rsa_key, rsa.RSAPrivateKey)
    assert isinstance(ec_key, ec.EllipticCurvePrivateKey)
    return Issuer(row[0], row[1], bool(row[2]), rsa_key, ec_key)


_COLUMNS = "account_id, issuer_id, enabled, rsa_key, ec_key"


def issuer_of(cloud: Cloud, account_id: str) -> Issuer | None:
    """The account's issuer (enabled or not), None when never enabled."""
    with reading(cloud) as tx:
        row = tx.fetchone(f"SELECT {_COLUMNS} FROM iam_outbound_federation WHERE "
                          "account_id = ?", (account_id,))
    return _issuer(row) if row else None


def issuer_by_id(cloud: Cloud, issuer_id: str) -> Issuer | None:
    with reading(cloud) as tx:
        row = tx.fetchone(f"SELECT {_COLUMNS} FROM iam_outbound_federation WHERE "
                          "issuer_id = ?", (issuer_id,))
    return _issuer(row) if row else None


def _disabled() -> AwsError:
    return AwsError("FeatureDisabled", "Outbound identity federation is disabled for your "
                    "account.", 404)


def enable_outbound_web_identity_federation(
    ctx: RequestContext, params: dict[str, Any]
) -> dict[str, Any]:
    found = issuer_of(ctx.cloud, ctx.account_id)
    if found is not None and found.enabled:
        raise AwsError("FeatureEnabled", "Outbound identity federation is already enabled for "
                       "your account.", 409)
    with writing(ctx.cloud) as tx:
        if found is None:
            issuer_id = str(uuid.uuid4())
            tx.execute(
                "INSERT INTO iam_outbound_federation (account_id, issuer_id, enabled, rsa_key, "
                "ec_key, enabled_date) VALUES (?, ?, 1, ?, ?, ?)",
                (ctx.account_id, issuer_id, _pem(rsa.generate_private_key(65537, RSA_BITS)),
                 _pem(ec.generate_private_key(ec.SECP384R1())), ctx.cloud.clock.now()))
        else:
            issuer_id = found.issuer_id
            tx.execute("UPDATE iam_outbound_federation SET enabled = 1, enabled_date = ? "
                       "WHERE account_id = ?", (ctx.cloud.clock.now(), ctx.account_id))
    return {"IssuerIdentifier": f"https://{issuer_id}.{ISSUER_DOMAIN}"}


def disable_outbound_web_identity_federation(
    ctx: RequestContext, params: dict[str, Any]
) -> dict[str, Any]:
    found = issuer_of(ctx.cloud, ctx.account_id)
    if found is None or not found.enabled:
        raise _disabled()
    with writing(ctx.cloud) as tx:
        tx.execute("UPDATE iam_outbound_federation SET enabled = 0 WHERE account_id = ?",
                   (ctx.account_id,))
    return {}


def get_outbound_web_identity_federation_info(
    ctx: RequestContext, params: dict[str, Any]
) -> dict[str, Any]:
    found = issuer_of(ctx.cloud, ctx.account_id)
    if found is None or not found.enabled:
        raise _disabled()
    return {"IssuerIdentifier": found.url, "JwtVendingEnabled": True}


# --- what relying parties fetch ----------------------------------------------------------

def _b64url_uint(value: int) -> str:
    raw = value.to_bytes(max(1, (value.bit_length() + 7) // 8), "big")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _b64url_fixed(value: int, size: int) -> str:
    return base64.urlsafe_b64encode(value.to_bytes(size, "big")).rstrip(b"=").decode("ascii")


def jwks(issuer: Issuer) -> dict[str, Any]:
    rsa_numbers = issuer.rsa_key.public_key().public_numbers()
    ec_numbers = issuer.ec_key.public_key().public_numbers()
    return {"keys": [
        {"kty": "RSA", "use": "sig", "alg": "RS256", "kid": issuer.key_id("RS256"),
         "n": _b64url_uint(rsa_numbers.n), "e": _b64url_uint(rsa_numbers.e)},
        {"kty": "EC", "use": "sig", "alg": "ES384", "kid": issuer.key_id("ES384"),
         "crv": "P-384", "x": _b64url_fixed(ec_numbers.x, 48),
         "y": _b64url_fixed(ec_numbers.y, 48)},
    ]}


def discovery(issuer: Issuer, base_url: str) -> dict[str, Any]:
    return {
        "issuer": issuer.url,
        "jwks_uri": f"{base_url}/_pocketcloud/{LOCAL_PREFIX}{issuer.issuer_id}"
                    "/.well-known/jwks.json",
        "response_types_supported": ["id_token"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256", "ES384"],
    }


def admin(cloud: Cloud, name: str, host: str) -> tuple[int, dict[str, Any]]:
    """``name``: the path after /_pocketcloud/, under sts/issuers/. Served while the account
    has an issuer, enabled or not (tokens issued before Disable stay verifiable)."""
    issuer_id, _, document = name[len(LOCAL_PREFIX):].partition("/")
    issuer = issuer_by_id(cloud, issuer_id) if issuer_id else None
    if issuer is None:
        return 404, {"error": f"no issuer {issuer_id!r}"}
    if document == ".well-known/openid-configuration":
        return 200, discovery(issuer, f"http://{host}")
    if document == ".well-known/jwks.json":
        return 200, jwks(issuer)
    return 404, {"error": "see .well-known/openid-configuration or .well-known/jwks.json"}
