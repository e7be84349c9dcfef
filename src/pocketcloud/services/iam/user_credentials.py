"""A user's signing certificates (X.509, for the old SOAP and SimpleDB signatures) and SSH
public keys (for CodeCommit): uploaded, listed, made Active or Inactive, deleted."""

from __future__ import annotations

import base64
import hashlib
from typing import Any

from pocketcloud.context import RequestContext
from pocketcloud.errors import AwsError
from pocketcloud.services.iam.access_keys import _user_name
from pocketcloud.services.iam.common import no_such_entity, page, timestamp, valid_name
from pocketcloud.services.iam.schema import reading, writing
from pocketcloud.services.iam.server_certificates import parse_certificate
from pocketcloud.services.iam.users import user_row
from pocketcloud.store import Tx

MAX_CERTIFICATES_PER_USER = 2
MAX_SSH_KEYS_PER_USER = 5
SSH_KEY_BITS_MIN = 2048
BODY_CHARS_MAX = 16384
STATUSES = ("Active", "Inactive")


# --- signing certificates ----------------------------------------------------------------

def upload_signing_certificate(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = _user_name(ctx, params)
    body = params["CertificateBody"]
    if len(body) > BODY_CHARS_MAX:
        raise AwsError("ValidationError", "1 validation error detected: Value at "
                       "'certificateBody' failed to satisfy constraint: Member must have "
                       f"length less than or equal to {BODY_CHARS_MAX}")
    certificate = parse_certificate(body, f"Certificate {body} is malformed.")
    from cryptography.hazmat.primitives.serialization import Encoding

    fingerprint = hashlib.sha256(certificate.public_bytes(Encoding.DER)).hexdigest()
    certificate_id = ctx.cloud.ids.upper_alnum(32)
    now = ctx.cloud.clock.now()
    with writing(ctx.cloud) as tx:
        user_row(tx, ctx.account_id, name)
        if tx.fetchvalue("SELECT 1 FROM iam_signing_certificates WHERE account_id = ? AND "
                         "fingerprint = ?", (ctx.account_id, fingerprint)):
            raise AwsError("DuplicateCertificateException", "The certificate is already "
                           "associated with an IAM user in this account.", 409)
        _check_quota(tx, "iam_signing_certificates", ctx.account_id, name,
                     "CertificatesPerUser", MAX_CERTIFICATES_PER_USER)
        tx.execute("INSERT INTO iam_signing_certificates (certificate_id, account_id, "
                   "user_name, body, fingerprint, status, upload_date) "
                   "VALUES (?, ?, ?, ?, ?, 'Active', ?)",
                   (certificate_id, ctx.account_id, name, body, fingerprint, now))
    return {"Certificate": _certificate_shape(name, certificate_id, body, "Active", now)}


def list_signing_certificates(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = _user_name(ctx, params)
    with reading(ctx.cloud) as tx:
        user_row(tx, ctx.account_id, name)
        rows = tx.fetchall("SELECT certificate_id, body, status, upload_date FROM "
                           "iam_signing_certificates WHERE account_id = ? AND user_name = ? "
                           "ORDER BY upload_date, certificate_id", (ctx.account_id, name))
    return page([_certificate_shape(name, *row) for row in rows], params, "Certificates")


def update_signing_certificate(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    status = _status(params)
    name = _user_name(ctx, params)
    with writing(ctx.cloud) as tx:
        user_row(tx, ctx.account_id, name)
        changed = tx.execute("UPDATE iam_signing_certificates SET status = ? WHERE "
                             "certificate_id = ? AND account_id = ? AND user_name = ?",
                             (status, params["CertificateId"], ctx.account_id, name))
    if not changed:
        raise _no_such_certificate(params["CertificateId"])
    return {}


def delete_signing_certificate(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = _user_name(ctx, params)
    with writing(ctx.cloud) as tx:
        user_row(tx, ctx.account_id, name)
        deleted = tx.execute("DELETE FROM iam_signing_certificates WHERE certificate_id = ? "
                             "AND account_id = ? AND user_name = ?",
                             (params["CertificateId"], ctx.account_id, name))
    if not deleted:
        raise _no_such_certificate(params["CertificateId"])
    return {}


def _certificate_shape(name: str, certificate_id: str, body: str, status: str,
                       uploaded: float) -> dict[str, Any]:
    return {"UserName": name, "CertificateId": certificate_id, "CertificateBody": body,
            "Status": status, "UploadDate": timestamp(uploaded)}


def _no_such_certificate(certificate_id: str) -> AwsError:
    return no_such_entity(f"The Certificate with id {certificate_id} cannot be found.")


# --- SSH public keys ----------------------------------------------------------------------

def upload_ssh_public_key(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = valid_name(params["UserName"], "userName")
    body = params["SSHPublicKeyBody"]
    fingerprint = ssh_fingerprint(_public_key(body))
    key_id = "APKA" + ctx.cloud.ids.upper_alnum(17)
    now = ctx.cloud.clock.now()
    with writing(ctx.cloud) as tx:
        user_row(tx, ctx.account_id, name)
        if tx.fetchvalue("SELECT 1 FROM iam_ssh_public_keys WHERE account_id = ? AND "
                         "user_name = ? AND fingerprint = ?",
                         (ctx.account_id, name, fingerprint)):
            raise AwsError("DuplicateSSHPublicKeyException", "The request was rejected "
                           "because the SSH public key is already associated with the "
                           "specified IAM user.")
        _check_quota(tx, "iam_ssh_public_keys", ctx.account_id, name, "KeysPerUser",
                     MAX_SSH_KEYS_PER_USER)
        tx.execute("INSERT INTO iam_ssh_public_keys (key_id, account_id, user_name, body, "
                   "fingerprint, status, upload_date) VALUES (?, ?, ?, ?, ?, 'Active', ?)",
                   (key_id, ctx.account_id, name, body, fingerprint, now))
    return {"SSHPublicKey": _key_shape(name, key_id, fingerprint, body, "Active", now)}


def get_ssh_public_key(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    encoding = params["Encoding"]
    if encoding not in ("SSH", "PEM"):
        raise AwsError("ValidationError", f"1 validation error detected: Value '{encoding}' "
                       "at 'encoding' failed to satisfy constraint: Member must satisfy enum "
                       "value set: [SSH, PEM]")
    with reading(ctx.cloud) as tx:
        user_row(tx, ctx.account_id, params["UserName"])
        row = _key_row(tx, ctx.account_id, params["UserName"], params["SSHPublicKeyId"])
    key_id, body, fingerprint, status, uploaded = row
    return {"SSHPublicKey": _key_shape(params["UserName"], key_id, fingerprint,
                                       _encoded(body, encoding), status, uploaded)}


def list_ssh_public_keys(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = _user_name(ctx, params)
    with reading(ctx.cloud) as tx:
        user_row(tx, ctx.account_id, name)
        rows = tx.fetchall("SELECT key_id, status, upload_date FROM iam_ssh_public_keys "
                           "WHERE account_id = ? AND user_name = ? ORDER BY upload_date, key_id",
                           (ctx.account_id, name))
    keys = [{"UserName": name, "SSHPublicKeyId": key_id, "Status": status,
             "UploadDate": timestamp(uploaded)} for key_id, status, uploaded in rows]
    return page(keys, params, "SSHPublicKeys")


def update_ssh_public_key(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    status = _status(params)
    with writing(ctx.cloud) as tx:
        user_row(tx, ctx.account_id, params["UserName"])
        _key_row(tx, ctx.account_id, params["UserName"], params["SSHPublicKeyId"])
        tx.execute("UPDATE iam_ssh_public_keys SET status = ? WHERE key_id = ? AND "
                   "account_id = ?", (status, params["SSHPublicKeyId"], ctx.account_id))
    return {}


def delete_ssh_public_key(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    with writing(ctx.cloud) as tx:
        user_row(tx, ctx.account_id, params["UserName"])
        _key_row(tx, ctx.account_id, params["UserName"], params["SSHPublicKeyId"])
        tx.execute("DELETE FROM iam_ssh_public_keys WHERE key_id = ? AND account_id = ?",
                   (params["SSHPublicKeyId"], ctx.account_id))
    return {}


def ssh_fingerprint(key: Any) -> str:
    """As IAM (and ssh-keygen -E md5) shows it: the MD5 of the SSH wire-format key blob, in
    colon-separated hex."""
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    blob = base64.b64decode(key.public_bytes(Encoding.OpenSSH, PublicFormat.OpenSSH).split()[1])
    return ":".join(f"{byte:02x}" for byte in hashlib.md5(blob).digest())  # noqa: S324


def _public_key(body: str) -> Any:
    """An RSA public key in OpenSSH (ssh-rsa) or PEM encoding: the two IAM accepts."""
    from cryptography.exceptions import UnsupportedAlgorithm
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import (
        load_pem_public_key,
        load_ssh_public_key,
    )

    text = body.strip()
    load: Any
    if len(text) > BODY_CHARS_MAX:
        raise _invalid_key()
    if text.startswith("ssh-rsa "):
        load = load_ssh_public_key
    elif text.startswith("-----BEGIN ") and "PUBLIC KEY-----" in text:
        load = load_pem_public_key
    else:
        raise _unrecognized()
    try:
        key = load(text.encode())
    except (ValueError, TypeError):
        raise _invalid_key() from None
    except UnsupportedAlgorithm:  # a key type cryptography does not know: not RSA either
        raise _unrecognized() from None
    if not isinstance(key, rsa.RSAPublicKey):
        raise _unrecognized()
    if key.key_size < SSH_KEY_BITS_MIN:
        raise AwsError("InvalidPublicKeyException", "The public key must be at least "
                       f"{SSH_KEY_BITS_MIN} bits long.")
    return key


def _encoded(body: str, encoding: str) -> str:
    """The stored key as GetSSHPublicKey's Encoding asks: as uploaded when that was the
    encoding, else converted."""
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    uploaded_as_ssh = body.strip().startswith("ssh-rsa ")
    if uploaded_as_ssh == (encoding == "SSH"):
        return body
    key = _public_key(body)
    if encoding == "SSH":
        return str(key.public_bytes(Encoding.OpenSSH, PublicFormat.OpenSSH).decode())
    return str(key.public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo).decode())


def _key_row(tx: Tx, account_id: str, user_name: str, key_id: str) -> tuple[Any, ...]:
    row = tx.fetchone("SELECT key_id, body, fingerprint, status, upload_date FROM "
                      "iam_ssh_public_keys WHERE key_id = ? AND account_id = ? AND "
                      "user_name = ?", (key_id, account_id, user_name))
    if row is None:
        raise no_such_entity(f"The Public Key with id {key_id} cannot be found.")
    return tuple(row)


def _key_shape(name: str, key_id: str, fingerprint: str, body: str, status: str,
               uploaded: float) -> dict[str, Any]:
    return {"UserName": name, "SSHPublicKeyId": key_id, "Fingerprint": fingerprint,
            "SSHPublicKeyBody": body, "Status": status, "UploadDate": timestamp(uploaded)}


def _invalid_key() -> AwsError:
    return AwsError("InvalidPublicKeyException",
                    "The public key is malformed or otherwise invalid.")


def _unrecognized() -> AwsError:
    return AwsError("UnrecognizedPublicKeyEncodingException", "The public key encoding "
                    "format is unsupported or unrecognized: use ssh-rsa or PEM.")


# --- shared -------------------------------------------------------------------------------

def _status(params: dict[str, Any]) -> str:
    status = str(params["Status"])
    if status == "Expired":  # IAM sets it; a caller may not
        raise AwsError("InvalidInputException", "Status Expired cannot be set; use Active or "
                       "Inactive.")
    if status not in STATUSES:
        raise AwsError("ValidationError", f"1 validation error detected: Value '{status}' at "
                       "'status' failed to satisfy constraint: Member must satisfy enum value "
                       "set: [Active, Inactive, Expired]")
    return status


def _check_quota(tx: Tx, table: str, account_id: str, user_name: str, quota: str,
                 limit: int) -> None:
    if tx.fetchvalue(f"SELECT COUNT(*) FROM {table} WHERE account_id = ? AND user_name = ?",
                     (account_id, user_name)) >= limit:
        raise AwsError("LimitExceededException", f"Cannot exceed quota for {quota}: {limit}",
                       409)
