"""Server certificates (for load balancers and CloudFront when ACM is not used): a PEM
certificate, its chain and its private key, checked to belong together. The private key is
checked and then dropped: IAM never gives it back, so it is not kept.
"""

from __future__ import annotations

import json
import re
from typing import Any

from pocketcloud.context import RequestContext
from pocketcloud.errors import AwsError
from pocketcloud.services.iam.common import (
    already_exists,
    iam_arn,
    name_taken,
    new_id,
    no_such_entity,
    page,
    path_prefix_filter,
    timestamp,
    valid_name,
    valid_path,
    valid_tags,
    validation_error,
)
from pocketcloud.services.iam.schema import reading, writing
from pocketcloud.store import Tx

MAX_NAME_LENGTH = 128
MAX_CERTIFICATES = 20  # IAM's quota: server certificates per account
BODY_CHARS_MAX = 16384
CHAIN_CHARS_MAX = 2_097_152
PEM_CERTIFICATE = re.compile(
    r"-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----")
_COLUMNS = "name, certificate_id, path, body, chain, upload_date, expiration, tags"


def upload_server_certificate(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = valid_name(params["ServerCertificateName"], "serverCertificateName",
                      MAX_NAME_LENGTH)
    path = valid_path(params.get("Path"))
    tags = valid_tags(params.get("Tags"))
    body = _text(params["CertificateBody"], "certificateBody", BODY_CHARS_MAX)
    chain = params.get("CertificateChain")
    certificate = parse_certificate(body, "Unable to parse certificate. Please ensure the "
                                    "certificate is in PEM format.")
    _check_key(certificate, _text(params["PrivateKey"], "privateKey", BODY_CHARS_MAX))
    if chain is not None:
        _check_chain(_text(chain, "certificateChain", CHAIN_CHARS_MAX))
    expiration = certificate.not_valid_after_utc.timestamp()
    with writing(ctx.cloud) as tx:
        if name_taken(tx, "iam_server_certificates", ctx.account_id, name):
            raise already_exists(f"The Server Certificate with name {name} already exists.")
        if tx.fetchvalue("SELECT COUNT(*) FROM iam_server_certificates WHERE account_id = ?",
                         (ctx.account_id,)) >= MAX_CERTIFICATES:
            raise AwsError("LimitExceededException", "Cannot exceed quota for "
                           f"ServerCertificatesPerAccount: {MAX_CERTIFICATES}", 409)
        tx.execute(f"INSERT INTO iam_server_certificates (account_id, {_COLUMNS}) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   (ctx.account_id, name, new_id(ctx, "ASCA"), path, body, chain,
                    ctx.cloud.clock.now(), expiration, json.dumps(tags)))
        row = _required(tx, ctx.account_id, name)
    answer: dict[str, Any] = {"ServerCertificateMetadata": _metadata(ctx.account_id, row)}
    if tags:
        answer["Tags"] = tags
    return answer


def get_server_certificate(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    with reading(ctx.cloud) as tx:
        row = _required(tx, ctx.account_id, params["ServerCertificateName"])
    certificate: dict[str, Any] = {"ServerCertificateMetadata": _metadata(ctx.account_id, row),
                                   "CertificateBody": row[3], "Tags": json.loads(row[7])}
    if row[4]:
        certificate["CertificateChain"] = row[4]
    return {"ServerCertificate": certificate}


def list_server_certificates(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    with reading(ctx.cloud) as tx:
        rows = tx.fetchall(f"SELECT {_COLUMNS} FROM iam_server_certificates WHERE "
                           "account_id = ? ORDER BY lower(name), name", (ctx.account_id,))
    certificates = [_metadata(ctx.account_id, row) for row in rows]
    return page(path_prefix_filter(certificates, params), params,
                "ServerCertificateMetadataList")


def update_server_certificate(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = params["ServerCertificateName"]
    new_name = valid_name(params.get("NewServerCertificateName") or name,
                          "newServerCertificateName", MAX_NAME_LENGTH)
    with writing(ctx.cloud) as tx:
        row = _required(tx, ctx.account_id, name)
        if name_taken(tx, "iam_server_certificates", ctx.account_id, new_name, renamed=name):
            raise already_exists(f"The Server Certificate with name {new_name} already "
                                 "exists.")
        path = valid_path(params["NewPath"], "newPath") if params.get("NewPath") else row[2]
        tx.execute("UPDATE iam_server_certificates SET name = ?, path = ? WHERE "
                   "account_id = ? AND name = ?", (new_name, path, ctx.account_id, name))
    return {}


def delete_server_certificate(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = params["ServerCertificateName"]
    with writing(ctx.cloud) as tx:
        _required(tx, ctx.account_id, name)
        tx.execute("DELETE FROM iam_server_certificates WHERE account_id = ? AND name = ?",
                   (ctx.account_id, name))
    return {}


def certificate_count(tx: Tx, account_id: str) -> int:
    """GetAccountSummary's ServerCertificates."""
    return int(tx.fetchvalue("SELECT COUNT(*) FROM iam_server_certificates WHERE "
                             "account_id = ?", (account_id,), 0))


# --- PEM ----------------------------------------------------------------------------------

def parse_certificate(body: str, message: str) -> Any:
    """One PEM X.509 certificate (signing certificates use it too); MalformedCertificate
    with ``message`` otherwise."""
    from cryptography import x509  # only certificate operations need it
    from cryptography.exceptions import UnsupportedAlgorithm

    try:
        return x509.load_pem_x509_certificate(body.strip().encode())
    except (ValueError, UnsupportedAlgorithm):
        raise AwsError("MalformedCertificateException", message) from None


def _check_key(certificate: Any, pem: str) -> None:
    from cryptography.exceptions import UnsupportedAlgorithm
    from cryptography.hazmat.primitives.serialization import (
        Encoding,
        PublicFormat,
        load_pem_private_key,
    )

    try:
        key = load_pem_private_key(pem.strip().encode(), password=None)
    except (ValueError, TypeError, UnsupportedAlgorithm):  # TypeError: an encrypted key
        raise AwsError("MalformedCertificateException", "Unable to parse private key. Please "
                       "ensure the private key is in PEM format and is not encrypted.") from None
    spki = Encoding.DER, PublicFormat.SubjectPublicKeyInfo
    if key.public_key().public_bytes(*spki) != certificate.public_key().public_bytes(*spki):
        raise AwsError("KeyPairMismatchException",
                       "Public key certificate and private key doesn't match.")


def _check_chain(chain: str) -> None:
    blocks = PEM_CERTIFICATE.findall(chain)
    if not blocks:
        raise AwsError("MalformedCertificateException", "Unable to parse certificate chain. "
                       "Please ensure the chain is in PEM format.")
    for block in blocks:
        parse_certificate(block, "Unable to parse certificate chain. Please ensure the chain "
                          "is in PEM format.")


def _text(value: str, member: str, max_chars: int) -> str:
    if len(value) > max_chars:
        raise validation_error("...", member, f"Member must have length less than or equal "
                               f"to {max_chars}")
    return value


# --- shared -------------------------------------------------------------------------------

def _required(tx: Tx, account_id: str, name: str) -> tuple[Any, ...]:
    row = tx.fetchone(f"SELECT {_COLUMNS} FROM iam_server_certificates WHERE account_id = ? "
                      "AND name = ?", (account_id, name))
    if row is None:
        raise no_such_entity(f"The Server Certificate with name {name} cannot be found.")
    return tuple(row)


def _metadata(account_id: str, row: tuple[Any, ...]) -> dict[str, Any]:
    name, certificate_id, path, _, _, uploaded, expiration, _ = row
    return {"Path": path, "ServerCertificateName": name, "ServerCertificateId": certificate_id,
            "Arn": iam_arn(account_id, "server-certificate", path, name),
            "UploadDate": timestamp(uploaded), "Expiration": timestamp(expiration)}
