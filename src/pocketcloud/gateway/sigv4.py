"""Checking AWS Signature Version 4: in the Authorization header or a presigned URL.

The server rebuilds the canonical request from what arrived, exactly as AWS documents it
(https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html),
and compares signatures in constant time. S3 signs the path as sent; every other service
signs the path normalised and URI-encoded once more.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property, lru_cache
from itertools import repeat
from typing import Any
from urllib.parse import quote, unquote

from pocketcloud.gateway import sigv4a
from pocketcloud.protocol.http import HttpRequest

ALGORITHM = "AWS4-HMAC-SHA256"
ALGORITHM_V4A = "AWS4-ECDSA-P256-SHA256"  # SigV4a: ECDSA over a key derived from the secret
UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD"
EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()
MAX_CLOCK_SKEW_S = 15 * 60  # AWS refuses requests signed more than 15 minutes off
MAX_PRESIGNED_EXPIRY_S = 7 * 24 * 3600

# what a signature covers, as sent: method, path, query, signed header values, payload hash
SignedParts = tuple[str, str, str, tuple[str, ...], str]


class SignatureProblem(Exception):
    """Why a signature was refused; the gateway turns `kind` into each protocol's error."""

    def __init__(self, kind: str, detail: str, fields: dict[str, str] | None = None) -> None:
        super().__init__(detail)
        # "malformed" | "query" (a presigned URL's) | "mismatch" | "skewed" | "expired"
        self.kind = kind
        self.detail = detail
        self.fields = fields or {}  # what S3 adds to its error document


@dataclass(frozen=True)
class SignedRequest:
    access_key_id: str
    date_stamp: str  # YYYYMMDD from the credential scope
    region: str
    service: str
    signed_headers: tuple[str, ...]
    signature: str
    amz_date: str  # YYYYMMDDTHHMMSSZ
    presigned: bool
    expires_s: int = 0
    algorithm: str = ALGORITHM
    query_payload_hash: str = ""  # a presigned URL's X-Amz-Content-Sha256, when it has one

    # computed once per object: a SignedRequest parsed from a header is cached and reused

    @cached_property
    def signed_header_list(self) -> str:
        return ";".join(self.signed_headers)

    @cached_property
    def scope(self) -> str:
        if self.algorithm == ALGORITHM_V4A:
            return f"{self.date_stamp}/{self.service}/aws4_request"
        return f"{self.date_stamp}/{self.region}/{self.service}/aws4_request"

    @cached_property
    def verified_for(self) -> list[tuple[SignedParts, str]]:
        """The signed parts of a request (see _signed_parts) and the secret key this signature
        was last found valid for: the signature is a pure function of them, so a replay of the
        same request (a presigned URL fetched again, a retry, a second call in the same
        second) needs no canonical request and no HMAC again."""
        return []

    @cached_property
    def string_to_sign_head(self) -> str:
        """The string to sign up to the canonical request's hash."""
        return f"{self.algorithm}\n{self.amz_date}\n{self.scope}\n"


def signed_request(request: HttpRequest) -> SignedRequest | None:
    """What the request claims about its signature; None when it is not SigV4-signed."""
    headers = request.headers
    authorization = headers.get("authorization", "")
    if authorization.startswith(ALGORITHM + " "):
        return _from_v4_header(authorization, headers.get("x-amz-date"), headers.get("date"))
    if authorization.startswith(ALGORITHM_V4A + " "):
        return _from_header(request, authorization, ALGORITHM_V4A)
    if "X-Amz-Signature=" in request.query_string:
        return _from_query(request.query_string)
    return None


def verify(
    request: HttpRequest, signed: SignedRequest, secret_key: str, now_s: float, is_s3: bool,
    clock_offset_s: float = 0.0,
) -> None:
    """Raise SignatureProblem unless `signed` is a valid signature of `request` now.

    `now_s` is the cloud's clock, `clock_offset_s` how far it was moved from the wall clock.
    """
    _check_time(signed, now_s, clock_offset_s)
    signed_parts = _signed_parts(request, signed, is_s3)
    verified_for = signed.verified_for
    if verified_for and verified_for[0] == (signed_parts, secret_key):
        return
    canonical = _canonical_request(signed_parts, signed, is_s3)
    to_sign = signed.string_to_sign_head + hashlib.sha256(canonical.encode()).hexdigest()
    if signed.algorithm == ALGORITHM_V4A:
        matches = sigv4a.verify(signed.access_key_id, secret_key, signed.signature, to_sign)
    else:
        inner, outer = _signer(secret_key, signed.date_stamp, signed.region, signed.service)
        inner = inner.copy()
        inner.update(to_sign.encode())
        outer = outer.copy()
        outer.update(inner.digest())
        expected = outer.hexdigest()
        matches = hmac.compare_digest(expected, signed.signature)
    if not matches:
        raise SignatureProblem(
            "mismatch",
            "The request signature we calculated does not match the signature you provided. "
            "Check your AWS Secret Access Key and signing method. Consult the service "
            "documentation for details.",
            _mismatch_fields(signed, to_sign, canonical) if is_s3 else None,
        )
    verified_for[:] = [(signed_parts, secret_key)]


def _mismatch_fields(signed: SignedRequest, to_sign: str, canonical: str) -> dict[str, str]:
    """What S3 tells a caller whose signature differs: its own string to sign and canonical
    request (as text and as hex bytes), so the client's can be compared with them."""
    return {"AWSAccessKeyId": signed.access_key_id, "StringToSign": to_sign,
            "SignatureProvided": signed.signature, "StringToSignBytes": hex_bytes(to_sign),
            "CanonicalRequest": canonical, "CanonicalRequestBytes": hex_bytes(canonical)}


def hex_bytes(text: str) -> str:
    """"AB" -> "41 42", the form of S3's ...Bytes error fields."""
    return text.encode().hex(" ")


def canonical_request(request: HttpRequest, signed: SignedRequest, is_s3: bool) -> str:
    return _canonical_request(_signed_parts(request, signed, is_s3), signed, is_s3)


def _signed_parts(request: HttpRequest, signed: SignedRequest, is_s3: bool) -> SignedParts:
    """Everything of the request that its signature covers, as sent: method, path, query,
    the signed headers' values and the payload hash."""
    sent = request.headers
    # map, not a comprehension: this runs on every signed request (3.11 gives a listcomp a frame)
    return (request.method, request.wire_path or request.path, request.query_string,
            tuple(map(sent.get, signed.signed_headers, repeat(""))),
            sent.get("x-amz-content-sha256") or _payload_hash(request, signed, is_s3))


def _canonical_request(parts: SignedParts, signed: SignedRequest, is_s3: bool) -> str:
    method, path, query, values, payload_hash = parts
    canonical_path = path if is_s3 else quote(_remove_dot_segments(path), safe="/~")
    # each value trimmed, inner runs of whitespace made one space
    headers = "".join([f"{name}:{' '.join(value.split())}\n"
                       for name, value in zip(signed.signed_headers, values, strict=True)])
    return (f"{method.upper()}\n{canonical_path or '/'}\n"
            f"{_canonical_query(query, signed.presigned) if query else ''}\n{headers}\n"
            f"{signed.signed_header_list}\n{payload_hash}")


@lru_cache(maxsize=1024)
def _from_v4_header(authorization: str, amz_date: str | None, date: str | None) -> SignedRequest:
    """A pure function of the headers, so a request signed again within the same second by
    the same client, or replayed, is parsed once."""
    return _parsed_header(authorization, ALGORITHM, amz_date or _http_date_to_amz(date), "")


def _from_header(request: HttpRequest, authorization: str, algorithm: str) -> SignedRequest:
    amz_date = request.headers.get("x-amz-date") or _http_date_to_amz(request.headers.get("date"))
    return _parsed_header(authorization, algorithm, amz_date,
                          request.headers.get("x-amz-region-set", ""))


def _parsed_header(
    authorization: str, algorithm: str, amz_date: str, region_set: str
) -> SignedRequest:
    fields: dict[str, str] = {}
    for part in authorization[len(algorithm) + 1 :].split(","):
        name, _, value = part.strip().partition("=")
        fields[name] = value
    credential = fields.get("Credential", "").split("/")
    if algorithm == ALGORITHM_V4A and len(credential) == 4:  # key/date/service/aws4_request
        credential.insert(2, region_set)
    if len(credential) != 5 or not fields.get("SignedHeaders") or not fields.get("Signature"):
        raise SignatureProblem("malformed", "Authorization header requires 'Credential', "
                               "'SignedHeaders' and 'Signature' parameters.")
    return SignedRequest(
        access_key_id=credential[0],
        date_stamp=credential[1],
        region=credential[2],
        service=credential[3],
        signed_headers=tuple(fields["SignedHeaders"].split(";")),
        signature=fields["Signature"],
        amz_date=amz_date,
        presigned=False,
        algorithm=algorithm,
    )


@lru_cache(maxsize=1024)
def _from_query(query_string: str) -> SignedRequest:
    """A pure function of the query: a presigned URL fetched again is parsed once."""
    params = dict(query_pairs(query_string))
    credential = params.get("X-Amz-Credential", "").split("/")
    algorithm = params.get("X-Amz-Algorithm", ALGORITHM)
    if algorithm == ALGORITHM_V4A and len(credential) == 4:
        credential.insert(2, params.get("X-Amz-Region-Set", ""))
    needed = ("X-Amz-Algorithm", "X-Amz-Date", "X-Amz-SignedHeaders", "X-Amz-Signature")
    if len(credential) != 5 or any(not params.get(n) for n in (*needed, "X-Amz-Expires")):
        raise SignatureProblem("query", "Query-string authentication version 4 requires the "
                               "X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, "
                               "X-Amz-SignedHeaders, and X-Amz-Expires parameters.")
    expires = params["X-Amz-Expires"]
    if not expires.isdigit() or int(expires) > MAX_PRESIGNED_EXPIRY_S:
        _refuse_expires(expires)
    return SignedRequest(
        access_key_id=credential[0],
        date_stamp=credential[1],
        region=credential[2],
        service=credential[3],
        signed_headers=tuple(params["X-Amz-SignedHeaders"].split(";")),
        signature=params["X-Amz-Signature"],
        amz_date=params["X-Amz-Date"],
        presigned=True,
        expires_s=int(expires),
        algorithm=algorithm if algorithm == ALGORITHM_V4A else ALGORITHM,
        query_payload_hash=params.get("X-Amz-Content-Sha256", ""),
    )


def _refuse_expires(expires: str) -> None:
    """S3's answers to an X-Amz-Expires that is no number of seconds up to a week."""
    try:
        seconds = int(expires)
    except ValueError:
        raise SignatureProblem("query", "X-Amz-Expires should be a number") from None
    if seconds < 0:
        raise SignatureProblem("query", "X-Amz-Expires must be non-negative")
    if seconds <= MAX_PRESIGNED_EXPIRY_S:  # "+5", " 5": int() takes them, S3 does not
        raise SignatureProblem("query", "X-Amz-Expires should be a number")
    raise SignatureProblem("query", "X-Amz-Expires must be less than a week (in seconds) that "
                           f"is {MAX_PRESIGNED_EXPIRY_S}")


def _check_time(signed: SignedRequest, now_s: float, clock_offset_s: float) -> None:
    if signed.presigned:
        _check_presigned_time(signed, now_s)
        return
    signed_s = _amz_date_s(signed.amz_date)
    # Clients sign with the wall clock: moving the cloud's clock must not skew every request.
    now_s -= clock_offset_s
    if abs(now_s - signed_s) > MAX_CLOCK_SKEW_S:
        now = datetime.fromtimestamp(now_s, UTC).strftime("%Y%m%dT%H%M%SZ")
        raise SignatureProblem(
            "skewed",
            f"Signature expired: {signed.amz_date} is now earlier than {now} "
            f"({now} - 15 min.)" if now_s > signed_s else
            f"Signature not yet current: {signed.amz_date} is still later than {now} "
            f"({now} + 15 min.)",
        )


def _check_presigned_time(signed: SignedRequest, now_s: float) -> None:
    try:
        signed_s = _amz_date_s(signed.amz_date)
    except SignatureProblem:
        raise SignatureProblem("query", "X-Amz-Date must be in the ISO8601 Long Format "
                               "\"yyyyMMdd'T'HHmmss'Z'\"") from None
    if now_s > signed_s + signed.expires_s:
        raise SignatureProblem("expired", "Request has expired", {
            "X-Amz-Expires": str(signed.expires_s),
            "Expires": datetime.fromtimestamp(signed_s + signed.expires_s, UTC)
            .strftime("%Y-%m-%dT%H:%M:%SZ"),
            "ServerTime": datetime.fromtimestamp(now_s, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")})


@lru_cache(maxsize=256)
def _amz_date_s(amz_date: str) -> float:
    """Seconds since the epoch of YYYYMMDDTHHMMSSZ (strptime costs ~10x more per request)."""
    digits = amz_date[:8] + amz_date[9:15]
    if len(amz_date) != 16 or amz_date[8] != "T" or amz_date[15] != "Z" or not digits.isdigit():
        raise SignatureProblem("malformed", f"Invalid X-Amz-Date: {amz_date!r}")
    try:
        return datetime(int(digits[:4]), int(digits[4:6]), int(digits[6:8]), int(digits[8:10]),
                        int(digits[10:12]), int(digits[12:14]), tzinfo=UTC).timestamp()
    except ValueError as bad:
        raise SignatureProblem("malformed", f"Invalid X-Amz-Date: {amz_date!r}") from bad


@lru_cache(maxsize=1024)
def _canonical_query(query_string: str, presigned: bool) -> str:
    pairs = [
        (quote(key, safe="-_.~"), quote(value, safe="-_.~"))
        for key, value in query_pairs(query_string)
        if not (presigned and key == "X-Amz-Signature")
    ]
    return "&".join(f"{k}={v}" for k, v in sorted(pairs))


def query_pairs(query_string: str) -> list[tuple[str, str]]:
    """The query's decoded (name, value) pairs, in order."""
    pairs = []
    for part in query_string.split("&"):
        if part:
            key, _, value = part.partition("=")
            pairs.append((unquote(key), unquote(value)))
    return pairs


def _payload_hash(request: HttpRequest, signed: SignedRequest, is_s3: bool) -> str:
    declared = request.headers.get("x-amz-content-sha256")
    if declared:
        return declared
    if signed.presigned:
        if signed.query_payload_hash:
            return signed.query_payload_hash
        if is_s3:
            return UNSIGNED_PAYLOAD
    return hashlib.sha256(request.body).hexdigest() if request.body else EMPTY_SHA256



def _remove_dot_segments(path: str) -> str:
    kept: list[str] = []
    for segment in path.split("/"):
        if segment == "..":
            if kept:
                kept.pop()
        elif segment and segment != ".":
            kept.append(segment)
    normalised = "/" + "/".join(kept)
    return normalised + "/" if path.endswith("/") and kept else normalised


def _http_date_to_amz(value: str | None) -> str:
    if not value:
        return ""
    try:
        parsed = datetime.strptime(value, "%a, %d %b %Y %H:%M:%S GMT").replace(tzinfo=UTC)
    except ValueError:
        return value
    return parsed.strftime("%Y%m%dT%H%M%SZ")


@lru_cache(maxsize=1024)
def _signer(secret_key: str, date_stamp: str, region: str, service: str) -> tuple[Any, Any]:
    """HMAC-SHA256 (RFC 2104) keyed with the signing key, as its inner and outer hashes after
    the key block: copied per request, they cost a third of hmac.digest, which keys anew."""
    key = signing_key(secret_key, date_stamp, region, service).ljust(64, b"\0")
    return (hashlib.sha256(bytes(b ^ 0x36 for b in key)),
            hashlib.sha256(bytes(b ^ 0x5C for b in key)))


@lru_cache(maxsize=1024)
def signing_key(secret_key: str, date_stamp: str, region: str, service: str) -> bytes:
    key = hmac.new(f"AWS4{secret_key}".encode(), date_stamp.encode(), hashlib.sha256).digest()
    for part in (region, service, "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return key
