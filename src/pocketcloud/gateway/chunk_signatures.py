"""SigV4 streaming signatures: each `aws-chunked` chunk (and the trailer) signed in a chain.

With ``x-amz-content-sha256: STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER]`` the header
signature is the seed; every chunk carries ``chunk-signature=`` over the previous signature
and the chunk's SHA-256, as AWS documents in "Signature calculations for the Authorization
header: Transferring payload in multiple chunks":

    AWS4-HMAC-SHA256-PAYLOAD \\n date \\n scope \\n previous \\n sha256("") \\n sha256(chunk)

and the trailer, after the final zero-length chunk:

    AWS4-HMAC-SHA256-TRAILER \\n date \\n scope \\n previous \\n sha256(trailer lines)
"""

from __future__ import annotations

import hashlib
import hmac
import logging

from pocketcloud.errors import AwsError
from pocketcloud.gateway.sigv4 import EMPTY_SHA256, SignedRequest, signing_key

log = logging.getLogger("pocketcloud.auth")

SIGNED_STREAMING = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"


def signature_mismatch() -> AwsError:
    return AwsError(
        "SignatureDoesNotMatch",
        "The request signature we calculated does not match the signature you provided. "
        "Check your key and signing method.", 403)


class ChunkSigner:
    """Checks a chunked body's signature chain, chunk by chunk, as the bytes stream in."""

    def __init__(self, key: bytes, amz_date: str, scope: str, seed_signature: str,
                 enforce: bool = True) -> None:
        self._key = key
        self._enforce = enforce  # audit mode logs a broken chain and lets the body through
        self._prefix = f"\n{amz_date}\n{scope}\n"
        self._previous = seed_signature
        self._hasher = hashlib.sha256()
        self._claimed = ""

    @classmethod
    def for_request(cls, signed: SignedRequest, secret_key: str, enforce: bool) -> ChunkSigner:
        key = signing_key(secret_key, signed.date_stamp, signed.region, signed.service)
        return cls(key, signed.amz_date, signed.scope, signed.signature, enforce)

    def begin_chunk(self, claimed_signature: str) -> None:
        if not claimed_signature:
            raise AwsError("IncompleteBody", "The aws-chunked request body is malformed: a "
                           "chunk has no chunk-signature.")
        self._claimed = claimed_signature
        self._hasher = hashlib.sha256()

    def update(self, data: bytes) -> None:
        self._hasher.update(data)

    def end_chunk(self) -> None:
        to_sign = (f"AWS4-HMAC-SHA256-PAYLOAD{self._prefix}{self._previous}\n{EMPTY_SHA256}\n"
                   f"{self._hasher.hexdigest()}")
        self._previous = self._check(to_sign, self._claimed)

    def check_trailer(self, trailer_lines: list[str], claimed_signature: str) -> None:
        canonical = "".join(f"{line}\n" for line in trailer_lines)
        digest = hashlib.sha256(canonical.encode("latin-1")).hexdigest()
        to_sign = f"AWS4-HMAC-SHA256-TRAILER{self._prefix}{self._previous}\n{digest}"
        self._previous = self._check(to_sign, claimed_signature)

    def _check(self, to_sign: str, claimed: str) -> str:
        expected = hmac.new(self._key, to_sign.encode(), hashlib.sha256).hexdigest()
        if not hmac.compare_digest(expected, claimed):
            if self._enforce:
                raise signature_mismatch()
            log.warning("audit: would refuse an aws-chunked body: a chunk signature does not "
                        "match")
        return expected
