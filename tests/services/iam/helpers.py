"""Documents and names the IAM tests share."""

from __future__ import annotations

import json
import uuid

ALLOW_S3 = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]})


def trust_of(account: str) -> str:
    """A trust policy letting the account's principals assume the role."""
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
         "Action": "sts:AssumeRole"}]})


def unique_name(prefix: str) -> str:
    return f"{prefix}{uuid.uuid4().hex[:10]}"


def totp(seed: str | bytes, at_s: float, step_offset: int = 0) -> str:
    """An authenticator app's code (RFC 6238: HMAC-SHA1, 30 s steps, 6 digits), written
    apart from the server's so the two check each other."""
    import base64
    import hashlib
    import hmac
    import struct

    text = seed.decode() if isinstance(seed, bytes) else seed
    key = base64.b32decode(text + "=" * (-len(text) % 8))
    counter = struct.pack(">Q", int(at_s // 30) + step_offset)
    digest = hmac.new(key, counter, hashlib.sha1).digest()
    start = digest[19] & 15
    return f"{(int.from_bytes(digest[start:start + 4], 'big') & 0x7FFFFFFF) % 1_000_000:06d}"


def certificate_and_key(common_name: str = "example.com", days: int = 365,
                        key_bits: int = 2048, signer: tuple[object, object] | None = None
                        ) -> tuple[str, str]:
    """A PEM certificate and its unencrypted PEM private key (RSA), self-signed unless
    ``signer`` (a certificate and key, as objects) is given."""
    from datetime import UTC, datetime, timedelta

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=key_bits)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    issuer_certificate, issuer_key = signer if signer else (None, key)
    now = datetime.now(UTC)
    certificate = (x509.CertificateBuilder().subject_name(name)
                   .issuer_name(issuer_certificate.subject if issuer_certificate else name)  # type: ignore[attr-defined]
                   .public_key(key.public_key()).serial_number(x509.random_serial_number())
                   .not_valid_before(now - timedelta(days=1))
                   .not_valid_after(now + timedelta(days=days))
                   .sign(issuer_key, hashes.SHA256()))  # type: ignore[arg-type]
    key_pem = key.private_bytes(serialization.Encoding.PEM,
                                serialization.PrivateFormat.TraditionalOpenSSL,
                                serialization.NoEncryption())
    return (certificate.public_bytes(serialization.Encoding.PEM).decode(), key_pem.decode())


def ssh_rsa_key(bits: int = 2048) -> tuple[str, str, str]:
    """An RSA public key as (OpenSSH line, PEM SubjectPublicKeyInfo, MD5 fingerprint as
    ssh-keygen -E md5 prints it)."""
    import base64
    import hashlib

    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    public = rsa.generate_private_key(public_exponent=65537, key_size=bits).public_key()
    line = public.public_bytes(serialization.Encoding.OpenSSH,
                               serialization.PublicFormat.OpenSSH).decode()
    pem = public.public_bytes(serialization.Encoding.PEM,
                              serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    digest = hashlib.md5(base64.b64decode(line.split()[1])).hexdigest()  # noqa: S324
    return line, pem, ":".join(digest[i:i + 2] for i in range(0, 32, 2))
