"""SAML 2.0 identity providers: an IdP's metadata document, parsed and kept, its validUntil
reported as ValidUntil; private keys for encrypted assertions (only their ids are kept).

The metadata is parsed with the standard library's ElementTree after refusing any DTD: a
document type declaration is how entity-expansion and external-entity attacks get in, and SAML
metadata never needs one.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from datetime import UTC, datetime
from typing import Any
from xml.etree import ElementTree

from pocketcloud.arns import global_arn
from pocketcloud.context import RequestContext
from pocketcloud.errors import AwsError
from pocketcloud.services.iam.common import (
    already_exists,
    no_such_entity,
    timestamp,
    valid_tags,
    validation_error,
)
from pocketcloud.services.iam.schema import reading, writing
from pocketcloud.store import Tx

METADATA_CHARS_MIN = 1000
METADATA_CHARS_MAX = 10_000_000
MAX_NAME_LENGTH = 128
MAX_PROVIDERS = 100  # IAM's quota: SAML providers per account
MAX_PRIVATE_KEYS = 2
PRIVATE_KEY_CHARS_MAX = 16384
NAME_PATTERN = re.compile(r"[\w._-]+")
ENCRYPTION_MODES = ("Required", "Allowed")
# a provider whose metadata sets no validUntil does not expire: reported a century on
NO_EXPIRY_S = 100 * 365.25 * 86400
_MD = "{urn:oasis:names:tc:SAML:2.0:metadata}"
_DS = "{http://www.w3.org/2000/09/xmldsig#}"
_COLUMNS = ("arn, provider_uuid, metadata, valid_until, create_date, encryption_mode, "
            "private_keys, tags")


def create_saml_provider(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = _valid_name(params["Name"])
    metadata = params["SAMLMetadataDocument"]
    now = ctx.cloud.clock.now()
    valid_until = _valid_until(metadata) or now + NO_EXPIRY_S
    tags = valid_tags(params.get("Tags"))
    mode = _encryption_mode(params.get("AssertionEncryptionMode"))
    keys = _added_key(ctx, [], params.get("AddPrivateKey"))
    _check_mode(mode, keys)
    arn = global_arn("iam", ctx.account_id, f"saml-provider/{name}")
    with writing(ctx.cloud) as tx:
        if _row(tx, ctx.account_id, arn) is not None:
            raise already_exists(f"SAMLProvider {name} already exists")
        if tx.fetchvalue("SELECT COUNT(*) FROM iam_saml_providers WHERE account_id = ?",
                         (ctx.account_id,)) >= MAX_PROVIDERS:
            raise AwsError("LimitExceededException", "Cannot exceed quota for "
                           f"SAMLProvidersPerAccount: {MAX_PROVIDERS}", 409)
        tx.execute(f"INSERT INTO iam_saml_providers (account_id, {_COLUMNS}) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   (ctx.account_id, arn, _provider_uuid(ctx), metadata, valid_until, now, mode,
                    json.dumps(keys), json.dumps(tags)))
    answer: dict[str, Any] = {"SAMLProviderArn": arn}
    if tags:
        answer["Tags"] = tags
    return answer


def get_saml_provider(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    with reading(ctx.cloud) as tx:
        row = _required(tx, ctx.account_id, params["SAMLProviderArn"])
    _, provider_uuid, metadata, valid_until, created, mode, keys, tags = row
    return {"SAMLProviderUUID": provider_uuid, "SAMLMetadataDocument": metadata,
            "CreateDate": timestamp(created), "ValidUntil": timestamp(valid_until),
            "Tags": json.loads(tags), "AssertionEncryptionMode": mode,
            "PrivateKeyList": [{"KeyId": k["KeyId"], "Timestamp": timestamp(k["Timestamp"])}
                               for k in json.loads(keys)]}


def list_saml_providers(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    with reading(ctx.cloud) as tx:
        rows = tx.fetchall("SELECT arn, valid_until, create_date FROM iam_saml_providers "
                           "WHERE account_id = ? ORDER BY arn", (ctx.account_id,))
    return {"SAMLProviderList": [
        {"Arn": arn, "ValidUntil": timestamp(until), "CreateDate": timestamp(created)}
        for arn, until, created in rows]}


def update_saml_provider(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    arn = params["SAMLProviderArn"]
    metadata = params.get("SAMLMetadataDocument")
    valid_until = _valid_until(metadata) if metadata is not None else None
    with writing(ctx.cloud) as tx:
        row = _required(tx, ctx.account_id, arn)
        if metadata is not None:
            valid_until = valid_until or ctx.cloud.clock.now() + NO_EXPIRY_S
        mode = _encryption_mode(params.get("AssertionEncryptionMode") or row[5])
        keys = _removed_key(json.loads(row[6]), params.get("RemovePrivateKey"))
        keys = _added_key(ctx, keys, params.get("AddPrivateKey"))
        _check_mode(mode, keys)
        tx.execute("UPDATE iam_saml_providers SET metadata = ?, valid_until = ?, "
                   "encryption_mode = ?, private_keys = ? WHERE account_id = ? AND arn = ?",
                   (metadata or row[2], valid_until or row[3], mode, json.dumps(keys),
                    ctx.account_id, arn))
    return {"SAMLProviderArn": arn}


def delete_saml_provider(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    arn = params["SAMLProviderArn"]
    with writing(ctx.cloud) as tx:
        _required(tx, ctx.account_id, arn)
        tx.execute("DELETE FROM iam_saml_providers WHERE account_id = ? AND arn = ?",
                   (ctx.account_id, arn))
    return {}


def provider_count(tx: Tx, account_id: str) -> int:
    """GetAccountSummary's Providers counts SAML providers too."""
    return int(tx.fetchvalue("SELECT COUNT(*) FROM iam_saml_providers WHERE account_id = ?",
                             (account_id,), 0))


# --- the metadata document ---------------------------------------------------------------

def _valid_until(metadata: str) -> float | None:
    """The document's validUntil (None when it sets none); InvalidInput when it is not IdP
    metadata IAM could use."""
    if not METADATA_CHARS_MIN <= len(metadata) <= METADATA_CHARS_MAX:
        bound = (f"greater than or equal to {METADATA_CHARS_MIN}"
                 if len(metadata) < METADATA_CHARS_MIN
                 else f"less than or equal to {METADATA_CHARS_MAX}")
        raise AwsError("ValidationError", "1 validation error detected: Value at "
                       "'sAMLMetadataDocument' failed to satisfy constraint: Member must have "
                       f"length {bound}")
    if "<!DOCTYPE" in metadata or "<!ENTITY" in metadata:
        raise _unparsable()
    try:
        root = ElementTree.fromstring(metadata)
    except ElementTree.ParseError:
        raise _unparsable() from None
    if root.tag != f"{_MD}EntityDescriptor" or root.find(f"{_MD}IDPSSODescriptor") is None:
        raise _unparsable()
    for certificate in root.iter(f"{_DS}X509Certificate"):
        _check_certificate(certificate.text or "")
    return _instant(root.get("validUntil"))


def _check_certificate(text: str) -> None:
    from cryptography import x509  # only SAML metadata and certificates need it

    try:
        x509.load_der_x509_certificate(base64.b64decode("".join(text.split()), validate=True))
    except (ValueError, binascii.Error):
        raise _unparsable() from None


def _instant(text: str | None) -> float | None:
    if text is None:
        return None
    try:
        instant = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise _unparsable() from None
    return (instant if instant.tzinfo else instant.replace(tzinfo=UTC)).timestamp()


def _unparsable() -> AwsError:
    return AwsError("InvalidInputException", "Could not parse metadata")


# --- private keys for encrypted assertions --------------------------------------------------

def _added_key(ctx: RequestContext, keys: list[dict[str, Any]],
               pem: str | None) -> list[dict[str, Any]]:
    if pem is None:
        return keys
    from cryptography.exceptions import UnsupportedAlgorithm
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    try:
        if len(pem) > PRIVATE_KEY_CHARS_MAX:
            raise ValueError("too long")
        load_pem_private_key(pem.encode(), password=None)
    except (ValueError, TypeError, UnsupportedAlgorithm):
        raise AwsError("InvalidInputException", "Private key is malformed.") from None
    if len(keys) >= MAX_PRIVATE_KEYS:
        raise AwsError("LimitExceededException", "Cannot exceed quota for "
                       f"PrivateKeysPerSAMLProvider: {MAX_PRIVATE_KEYS}", 409)
    return [*keys, {"KeyId": ctx.cloud.ids.upper_alnum(32), "Timestamp": ctx.cloud.clock.now()}]


def _removed_key(keys: list[dict[str, Any]], key_id: str | None) -> list[dict[str, Any]]:
    if key_id is None:
        return keys
    if key_id not in {k["KeyId"] for k in keys}:
        raise AwsError("InvalidInputException", f"Private key with id {key_id} not found.")
    return [k for k in keys if k["KeyId"] != key_id]


def _check_mode(mode: str, keys: list[dict[str, Any]]) -> None:
    if mode == "Required" and not keys:
        raise AwsError("InvalidInputException", "AssertionEncryptionMode Required needs a "
                       "private key: add one with AddPrivateKey.")


def _encryption_mode(mode: str | None) -> str:
    if mode is None:
        return "Allowed"
    if mode not in ENCRYPTION_MODES:
        raise validation_error(mode, "assertionEncryptionMode", "Member must satisfy enum "
                               "value set: [Required, Allowed]")
    return mode


# --- shared -------------------------------------------------------------------------------

def _valid_name(name: str) -> str:
    if not 1 <= len(name) <= MAX_NAME_LENGTH:
        raise validation_error(name, "name", "Member must have length less than or equal to "
                               f"{MAX_NAME_LENGTH}")
    if not NAME_PATTERN.fullmatch(name):
        raise validation_error(name, "name", r"Member must satisfy regular expression "
                               r"pattern: [\w._-]+")
    return name


def _provider_uuid(ctx: RequestContext) -> str:
    return ctx.cloud.ids.upper_alnum(26)


def _row(tx: Tx, account_id: str, arn: str) -> tuple[Any, ...] | None:
    row = tx.fetchone(f"SELECT {_COLUMNS} FROM iam_saml_providers WHERE account_id = ? AND "
                      "arn = ?", (account_id, arn))
    return tuple(row) if row is not None else None


def _required(tx: Tx, account_id: str, arn: str) -> tuple[Any, ...]:
    row = _row(tx, account_id, arn)
    if row is None:  # IAM's wording, as recorded
        raise no_such_entity(f"Manifest not found for arn {arn}")
    return row


