"""SNS message signatures: a real RSA key and self-signed certificate per data directory.

As AWS documents: the string to sign is the message's fields, each name then value on its own
line, in a fixed order; SignatureVersion 1 signs it with SHA1withRSA, 2 with SHA256withRSA.
The certificate is served at /_pocketcloud/sns/SimpleNotificationService.pem for verifiers.
"""

from __future__ import annotations

import base64
import datetime
from dataclasses import dataclass
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID

from pocketcloud.services.sns.schema import ready_store
from pocketcloud.store import Store

KEY_BITS = 2048
CERT_VALID_DAYS = 3650
NOTIFICATION_FIELDS = ("Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type")
CONFIRMATION_FIELDS = ("Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn",
                       "Type")


@dataclass
class Signer:
    key: rsa.RSAPrivateKey
    certificate_pem: bytes

    def sign(self, message: dict[str, Any], version: str) -> str:
        algorithm = hashes.SHA256() if version == "2" else hashes.SHA1()  # noqa: S303 (AWS's v1)
        signature = self.key.sign(string_to_sign(message), padding.PKCS1v15(), algorithm)
        return base64.b64encode(signature).decode("ascii")


def string_to_sign(message: dict[str, Any]) -> bytes:
    fields = NOTIFICATION_FIELDS if message.get("Type") == "Notification" else CONFIRMATION_FIELDS
    lines = []
    for name in fields:
        value = message.get(name)
        if value is None:
            continue  # Subject is signed only when the message has one
        lines.append(f"{name}\n{value}\n")
    return "".join(lines).encode("utf-8")


_signers: dict[int, tuple[Store, Signer]] = {}


def signer(store: Store) -> Signer:
    found = _signers.get(id(store))
    if found is None or found[0] is not store:
        found = _signers[id(store)] = (store, _load_or_create(ready_store(store)))
    return found[1]


def _load_or_create(store: Store) -> Signer:
    with store.read() as tx:
        row = tx.fetchone("SELECT private_key_pem, certificate_pem FROM sns_signing "
                          "WHERE key_id = 1")
    if row is None:
        key = rsa.generate_private_key(public_exponent=65537, key_size=KEY_BITS)
        key_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption()).decode("ascii")
        cert_pem = _certificate(key).decode("ascii")
        with store.write() as tx:
            tx.execute("INSERT OR IGNORE INTO sns_signing (key_id, private_key_pem, "
                       "certificate_pem) VALUES (1, ?, ?)", (key_pem, cert_pem))
            row = tx.fetchone("SELECT private_key_pem, certificate_pem FROM sns_signing "
                              "WHERE key_id = 1")
    assert row is not None
    loaded = serialization.load_pem_private_key(str(row[0]).encode("ascii"), password=None)
    assert isinstance(loaded, rsa.RSAPrivateKey)
    return Signer(loaded, str(row[1]).encode("ascii"))


def _certificate(key: rsa.RSAPrivateKey) -> bytes:
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "sns.amazonaws.com"),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, "pocketcloud")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=CERT_VALID_DAYS))
            .sign(key, hashes.SHA256()))
    return cert.public_bytes(serialization.Encoding.PEM)
