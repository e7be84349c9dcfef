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
