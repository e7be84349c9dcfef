"""EC2 key pairs: real RSA and ED25519 keys, per account and region.

Fingerprints follow AWS's documented rules: a created RSA key is the SHA-1 of its DER
(PKCS#8) private key; an imported RSA key is the MD5 of its DER public key; ED25519 keys are
the base64 SHA-256 of the OpenSSH public key blob, as OpenSSH 6.8+ shows them.
"""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import UTC, datetime
from typing import Any

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa

from pocketcloud.context import RequestContext
from pocketcloud.errors import AwsError
from pocketcloud.services.ec2.dry_run import check_dry_run
from pocketcloud.services.ec2.tagging import matches_filters, tags_for

MAX_KEY_NAME_LENGTH = 255
RSA_KEY_BITS = 2048
MAX_PUBLIC_KEY_BYTES = 16 * 1024

SCHEMA = (
    """
    CREATE TABLE ec2_key_pairs (
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        key_name TEXT NOT NULL,
        key_pair_id TEXT NOT NULL,
        key_type TEXT NOT NULL,
        fingerprint TEXT NOT NULL,
        public_key TEXT NOT NULL,
        create_time REAL NOT NULL,
        tags TEXT NOT NULL,
        PRIMARY KEY (account_id, region, key_name)
    );
    CREATE UNIQUE INDEX ec2_key_pairs_by_id ON ec2_key_pairs (account_id, region, key_pair_id);
    """,
)
_COLUMNS = "key_name, key_pair_id, key_type, fingerprint, public_key, create_time, tags"

def create_key_pair(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    check_dry_run(params)
    name = _valid_name(params["KeyName"])
    key_type = params.get("KeyType") or "rsa"
    if params.get("KeyFormat", "pem") != "pem":
        raise AwsError("InvalidParameterValue", "pocketcloud creates keys in pem format only.")
    private_key = _generate(key_type)
    key_material = private_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL
        if key_type == "rsa"
        else serialization.PrivateFormat.OpenSSH,
        serialization.NoEncryption(),
    ).decode()
    fingerprint = _created_fingerprint(private_key)
    row = _insert(ctx, name, key_type, fingerprint, private_key.public_key(), params)
    return {**row, "KeyMaterial": key_material}


def import_key_pair(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    check_dry_run(params)
    name = _valid_name(params["KeyName"])
    public_key = _load_public_key(params["PublicKeyMaterial"])
    key_type = "rsa" if isinstance(public_key, rsa.RSAPublicKey) else "ed25519"
    fingerprint = _imported_fingerprint(public_key)
    return _insert(ctx, name, key_type, fingerprint, public_key, params)


def describe_key_pairs(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    check_dry_run(params)
    names = params.get("KeyNames") or []
    ids = params.get("KeyPairIds") or []
    with _store(ctx).read() as tx:
        rows = tx.fetchall(
            f"SELECT {_COLUMNS} FROM ec2_key_pairs WHERE account_id = ? AND region = ? "
            "ORDER BY key_name",
            (ctx.account_id, ctx.region),
        )
    pairs = [_describe(row, params.get("IncludePublicKey", False)) for row in rows]
    _require_all_found(names, {p["KeyName"] for p in pairs}, "key pair")
    _require_all_found(ids, {p["KeyPairId"] for p in pairs}, "key pair ID")
    pairs = [
        p
        for p in pairs
        if (not names or p["KeyName"] in names)
        and (not ids or p["KeyPairId"] in ids)
        and matches_filters(p, params.get("Filters") or [], _FILTER_FIELDS)
    ]
    return {"KeyPairs": pairs}


def delete_key_pair(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    check_dry_run(params)
    # Deleting a key pair that does not exist succeeds, as in AWS.
    name, key_id = params.get("KeyName"), params.get("KeyPairId")
    if not name and not key_id:
        raise AwsError("MissingParameter", "The request must contain the parameter KeyName.")
    column, value = ("key_pair_id", key_id) if key_id else ("key_name", name)
    with _store(ctx).write() as tx:
        found = tx.fetchvalue(
            f"SELECT key_pair_id FROM ec2_key_pairs WHERE account_id = ? AND region = ? "
            f"AND {column} = ?",
            (ctx.account_id, ctx.region, value),
        )
        tx.execute(
            f"DELETE FROM ec2_key_pairs WHERE account_id = ? AND region = ? AND {column} = ?",
            (ctx.account_id, ctx.region, value),
        )
    return {"Return": True, **({"KeyPairId": found} if found else {})}


_FILTER_FIELDS = {
    "key-name": "KeyName",
    "key-pair-id": "KeyPairId",
    "fingerprint": "KeyFingerprint",
    "key-type": "KeyType",
}


def _store(ctx: RequestContext):  # type: ignore[no-untyped-def]
    store = ctx.cloud.store
    store.ensure_schema("ec2_key_pairs", SCHEMA)
    return store


def _valid_name(name: str) -> str:
    if not name or len(name) > MAX_KEY_NAME_LENGTH or not name.isprintable():
        raise AwsError(
            "InvalidParameterValue",
            f"Value ({name}) for parameter keyName is invalid. "
            f"Key names must be 1 to {MAX_KEY_NAME_LENGTH} printable ASCII characters.",
        )
    return name


def _generate(key_type: str) -> rsa.RSAPrivateKey | ed25519.Ed25519PrivateKey:
    if key_type == "rsa":
        return rsa.generate_private_key(public_exponent=65537, key_size=RSA_KEY_BITS)
    if key_type == "ed25519":
        return ed25519.Ed25519PrivateKey.generate()
    raise AwsError("InvalidParameterValue", f"Value ({key_type}) for parameter keyType is invalid.")


def _load_public_key(material: bytes) -> rsa.RSAPublicKey | ed25519.Ed25519PublicKey:
    if len(material) > MAX_PUBLIC_KEY_BYTES:
        raise AwsError("InvalidKey.Format", "Key is too long.")
    try:
        key = serialization.load_ssh_public_key(material.strip())
    except (ValueError, TypeError, IndexError, UnsupportedAlgorithm):
        key = None
    if not isinstance(key, rsa.RSAPublicKey | ed25519.Ed25519PublicKey):
        raise AwsError(
            "InvalidKey.Format",
            "Key is not in valid OpenSSH public key format (ssh-rsa or ssh-ed25519).",
        )
    return key


def _created_fingerprint(key: rsa.RSAPrivateKey | ed25519.Ed25519PrivateKey) -> str:
    if isinstance(key, rsa.RSAPrivateKey):
        der = key.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        return _colon_hex(hashlib.sha1(der).digest())
    return _ed25519_fingerprint(key.public_key())


def _imported_fingerprint(key: rsa.RSAPublicKey | ed25519.Ed25519PublicKey) -> str:
    if isinstance(key, rsa.RSAPublicKey):
        der = key.public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        return _colon_hex(hashlib.md5(der).digest())
    return _ed25519_fingerprint(key)


def _ed25519_fingerprint(key: ed25519.Ed25519PublicKey) -> str:
    blob = key.public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH)
    raw = base64.b64decode(blob.split()[1])
    return base64.b64encode(hashlib.sha256(raw).digest()).decode()


def _colon_hex(digest: bytes) -> str:
    return ":".join(f"{b:02x}" for b in digest)


def _insert(
    ctx: RequestContext,
    name: str,
    key_type: str,
    fingerprint: str,
    public_key: rsa.RSAPublicKey | ed25519.Ed25519PublicKey,
    params: dict[str, Any],
) -> dict[str, Any]:
    key_pair_id = "key-" + ctx.cloud.ids.hex(17)
    openssh = public_key.public_bytes(
        serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH
    ).decode()
    tags = tags_for("key-pair", params.get("TagSpecifications") or [])
    with _store(ctx).write() as tx:
        exists = tx.fetchvalue(
            "SELECT 1 FROM ec2_key_pairs WHERE account_id = ? AND region = ? AND key_name = ?",
            (ctx.account_id, ctx.region, name),
        )
        if exists:
            raise AwsError("InvalidKeyPair.Duplicate", f"The keypair '{name}' already exists.")
        tx.execute(
            "INSERT INTO ec2_key_pairs (account_id, region, key_name, key_pair_id, key_type, "
            "fingerprint, public_key, create_time, tags) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (ctx.account_id, ctx.region, name, key_pair_id, key_type, fingerprint, openssh,
             ctx.cloud.clock.now(), json.dumps(tags)),
        )
    result: dict[str, Any] = {
        "KeyName": name,
        "KeyPairId": key_pair_id,
        "KeyFingerprint": fingerprint,
    }
    if tags:
        result["Tags"] = tags
    return result


def _describe(row: tuple[Any, ...], include_public_key: bool) -> dict[str, Any]:
    name, key_pair_id, key_type, fingerprint, public_key, create_time, tags = row
    described: dict[str, Any] = {
        "KeyPairId": key_pair_id,
        "KeyFingerprint": fingerprint,
        "KeyName": name,
        "KeyType": key_type,
        "Tags": json.loads(tags),
        "CreateTime": datetime.fromtimestamp(create_time, UTC),
    }
    if include_public_key:
        described["PublicKey"] = public_key
    return described


def _require_all_found(wanted: list[str], present: set[str], what: str) -> None:
    missing = [w for w in wanted if w not in present]
    if missing:
        raise AwsError("InvalidKeyPair.NotFound", f"The {what} '{missing[0]}' does not exist")
