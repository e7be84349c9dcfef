"""SigV4a: the asymmetric form of Signature Version 4 (``AWS4-ECDSA-P256-SHA256``).

The client derives an ECDSA P-256 key from its secret access key (NIST SP 800-108 KDF in
counter mode with HMAC-SHA256, label ``AWS4-ECDSA-P256-SHA256``, the access key id and an
external counter as context, retried until the candidate is below the curve order minus
one) and signs the same kind of string to sign as SigV4, with a scope that names no region
(``date/service/aws4_request``): one signature is valid in every region of the
``X-Amz-Region-Set``. We derive the same key and check the DER signature.
"""

from __future__ import annotations

import hashlib
import hmac
from functools import lru_cache

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

LABEL = b"AWS4-ECDSA-P256-SHA256"
P256_ORDER = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
MAX_COUNTER = 254  # the derivation gives up after this many candidates (never in practice)


@lru_cache(maxsize=256)
def public_key(access_key_id: str, secret_key: str) -> ec.EllipticCurvePublicKey | None:
    key = f"AWS4A{secret_key}".encode()
    for counter in range(1, MAX_COUNTER + 1):
        fixed_input = (b"\x00\x00\x00\x01" + LABEL + b"\x00" + access_key_id.encode()
                       + bytes([counter]) + (256).to_bytes(4, "big"))
        candidate = int.from_bytes(hmac.new(key, fixed_input, hashlib.sha256).digest(), "big")
        if candidate <= P256_ORDER - 2:
            private = ec.derive_private_key(candidate + 1, ec.SECP256R1())
            return private.public_key()
    return None


def verify(access_key_id: str, secret_key: str, signature_hex: str, to_sign: str) -> bool:
    found = public_key(access_key_id, secret_key)
    try:
        signature = bytes.fromhex(signature_hex)
    except ValueError:
        return False
    if found is None:
        return False
    try:
        found.verify(signature, to_sign.encode(), ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        return False
    return True
