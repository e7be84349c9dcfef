"""Checking AWS Signature Version 2 for S3: the ``Authorization: AWS AKID:signature`` header
and presigned URLs (``?AWSAccessKeyId=...&Signature=...&Expires=...``).

As AWS documents it (https://docs.aws.amazon.com/AmazonS3/latest/API/RESTAuthentication.html):
Signature = Base64(HMAC-SHA1(secret, StringToSign)), where StringToSign is the verb,
Content-MD5, Content-Type, the Date (a presigned URL's Expires; empty when x-amz-date is
sent), the x-amz-* headers and the resource: the bucket and path as sent plus the
sub-resources in the query. Errors are S3's, raised as AwsError.
"""

from __future__ import annotations

import base64
import calendar
import hashlib
import hmac
import time
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from urllib.parse import unquote

from pocketcloud.errors import AwsError
from pocketcloud.gateway.sigv4 import query_pairs
from pocketcloud.protocol.http import HttpRequest

MAX_CLOCK_SKEW_S = 15 * 60

# Query parameters that belong to the signed resource: AWS's documented sub-resources and
# response overrides, and the ones S3 clients (botocore among them) sign as well.
SUBRESOURCES = frozenset({
    "accelerate", "acl", "analytics", "cors", "defaultObjectAcl", "delete", "inventory",
    "lifecycle", "location", "logging", "metrics", "notification", "object-lock",
    "partNumber", "policy", "replication", "requestPayment", "response-cache-control",
    "response-content-disposition", "response-content-encoding",
    "response-content-language", "response-content-type", "response-expires", "restore",
    "select", "select-type", "storageClass", "tagging", "torrent", "uploadId", "uploads",
    "versionId", "versioning", "versions", "website",
})  # fmt: skip
# Newer sub-resources that some clients sign and others (botocore) leave out: either way holds.
OPTIONAL_SUBRESOURCES = frozenset({
    "encryption", "intelligent-tiering", "legal-hold", "ownershipControls",
    "publicAccessBlock", "retention",
})  # fmt: skip


@dataclass(frozen=True)
class SignedV2:
    access_key_id: str
    signature: str
    presigned: bool
    expires: str = ""  # a presigned URL's Expires, epoch seconds as sent
    session_token: str | None = None


def is_sigv2(request: HttpRequest) -> bool:
    """Whether the request is SigV2-shaped (only asked once SigV4 found nothing)."""
    return (request.headers.get("authorization", "").startswith("AWS ")
            or "AWSAccessKeyId=" in request.query_string)  # fmt: skip


def signed_v2(request: HttpRequest) -> SignedV2:
    """What a SigV2-shaped request claims; AwsError when the claim is malformed."""
    authorization = request.headers.get("authorization", "")
    if authorization.startswith("AWS "):
        return _from_header(authorization[4:], request)
    return _from_query(request)


def _from_header(credentials: str, request: HttpRequest) -> SignedV2:
    access_key_id, colon, signature = credentials.strip().rpartition(":")
    if not colon or not access_key_id or not signature:
        raise AwsError("InvalidArgument", "AWS authorization header is invalid.  Expected "
                       "AwsAccessKeyId:signature", 400,
                       fields={"ArgumentName": "Authorization",
                               "ArgumentValue": "AWS " + credentials})  # fmt: skip
    token = request.headers.get("x-amz-security-token")
    return SignedV2(access_key_id, signature, False, session_token=token)


def _from_query(request: HttpRequest) -> SignedV2:
    params = dict(query_pairs(request.query_string))
    access_key_id, signature = params.get("AWSAccessKeyId"), params.get("Signature")
    expires = params.get("Expires")
    if not access_key_id or not signature or expires is None:
        raise AwsError("AccessDenied", "Query-string authentication requires the Signature, "
                       "Expires and AWSAccessKeyId parameters", 403)  # fmt: skip
    if not expires.isdigit():
        raise AwsError("AccessDenied", "Invalid date (should be seconds since epoch): "
                       + expires, 403)  # fmt: skip
    return SignedV2(access_key_id, signature, True, expires,
                    params.get("x-amz-security-token"))  # fmt: skip


def verify(
    request: HttpRequest, signed: SignedV2, secret_key: str, now_s: float, clock_offset_s: float
) -> None:
    """Raise S3's AwsError unless `signed` is a valid SigV2 signature of `request` now.

    `now_s` is the cloud's clock (presigned expiry follows it); a header's Date is compared
    with the wall clock, which clients sign with (`clock_offset_s` undoes a moved clock)."""
    query = query_pairs(request.query_string)
    if signed.presigned:
        _check_expiry(signed.expires, now_s)
        date = signed.expires
    else:
        date = _checked_date(request, now_s - clock_offset_s)
    head = _string_to_sign_head(request, query, signed.presigned, date)
    candidates = [head + resource for resource in _resources(request, query)]
    if not any(_matches(secret_key, to_sign, signed.signature) for to_sign in candidates):
        raise _mismatch(signed, candidates[0])


def _resources(request: HttpRequest, query: list[tuple[str, str]]) -> list[str]:
    """The CanonicalizedResource, first as AWS documents it, then the forms clients also sign:
    a bucket's own path with its trailing "/" (botocore sends "/bucket", signs "/bucket/")
    or without it, and newer sub-resources signed or not."""
    path = request.path or "/"  # routing made a virtual-hosted request's path "/bucket/..."
    paths = [path]
    if path.count("/") == 1 and len(path) > 1:
        paths.append(path + "/")
    elif path.count("/") == 2 and path.endswith("/") and len(path) > 2:
        paths.append(path[:-1])
    sets = [SUBRESOURCES]
    if any(name in OPTIONAL_SUBRESOURCES for name, _ in query):
        sets.append(SUBRESOURCES | OPTIONAL_SUBRESOURCES)
    return [p + _subresources(request.query_string, names) for names in sets for p in paths]


def string_to_sign_signature(secret_key: str, to_sign: str) -> str:
    digest = hmac.new(secret_key.encode(), to_sign.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def _matches(secret_key: str, to_sign: str, provided: str) -> bool:
    expected = string_to_sign_signature(secret_key, to_sign)
    return hmac.compare_digest(expected.encode(), provided.encode())


def _string_to_sign_head(
    request: HttpRequest, query: list[tuple[str, str]], presigned: bool, date: str
) -> str:
    """Everything before the resource: verb, Content-MD5, Content-Type, date, x-amz-*."""
    headers = request.headers
    amz = {name: value.strip() for name, value in headers.items() if name.startswith("x-amz-")}
    standard = {name: headers.get(name) for name in ("content-md5", "content-type")}
    if presigned:  # clients carry the headers they signed in the query (botocore does)
        for name, value in query:
            lowered = name.lower()
            if lowered.startswith("x-amz-"):
                amz[lowered] = value.strip()
            elif lowered in standard and standard[lowered] is None:
                standard[lowered] = value
    amz_lines = "".join(f"{name}:{amz[name]}\n" for name in sorted(amz))
    md5, content_type = ((standard[n] or "").strip() for n in ("content-md5", "content-type"))
    return f"{request.method.upper()}\n{md5}\n{content_type}\n{date}\n{amz_lines}"


def _subresources(query_string: str, names: frozenset[str]) -> str:
    """``?name[=value]&...`` of the signed sub-resources, sorted by name, values decoded."""
    kept: list[tuple[str, str]] = []
    for part in query_string.split("&"):
        raw_name, equals, raw_value = part.partition("=")
        name = unquote(raw_name)
        if name in names:
            kept.append((name, equals + unquote(raw_value)))
    if not kept:
        return ""
    kept.sort(key=lambda pair: pair[0])
    return "?" + "&".join(name + value for name, value in kept)


def _check_expiry(expires: str, now_s: float) -> None:
    if now_s > int(expires):
        raise AwsError("AccessDenied", "Request has expired", 403,
                       fields={"Expires": _iso(int(expires)), "ServerTime": _iso(now_s)})


def _checked_date(request: HttpRequest, wall_now_s: float) -> str:
    """The Date line of a header-signed request, after the 15-minute skew check."""
    amz_date = request.headers.get("x-amz-date")
    sent = amz_date if amz_date is not None else request.headers.get("date", "")
    signed_s = _http_date_s(sent)
    if signed_s is None:
        raise AwsError("AccessDenied", "AWS authentication requires a valid Date or "
                       "x-amz-date header", 403)  # fmt: skip
    if abs(wall_now_s - signed_s) > MAX_CLOCK_SKEW_S:
        raise AwsError("RequestTimeTooSkewed", "The difference between the request time and "
                       "the current time is too large.", 403,
                       fields={"RequestTime": sent, "ServerTime": _iso(wall_now_s),
                               "MaxAllowedSkewMilliseconds": str(MAX_CLOCK_SKEW_S * 1000)})
    return "" if amz_date is not None else sent


def _http_date_s(text: str) -> float | None:
    """RFC 1123 (what clients send) or ISO 8601 basic (20130524T000000Z) to epoch seconds."""
    if len(text) == 16 and text[8] == "T" and text.endswith("Z"):
        try:
            return calendar.timegm(time.strptime(text, "%Y%m%dT%H%M%SZ"))
        except ValueError:
            return None
    try:
        parsed = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    return parsed.timestamp() if parsed.tzinfo is not None else None


def _iso(epoch_s: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch_s))


def _mismatch(signed: SignedV2, to_sign: str) -> AwsError:
    return AwsError(
        "SignatureDoesNotMatch",
        "The request signature we calculated does not match the signature you provided. "
        "Check your key and signing method.",
        403,
        fields={"AWSAccessKeyId": signed.access_key_id, "StringToSign": to_sign,
                "SignatureProvided": signed.signature,
                "StringToSignBytes": to_sign.encode().hex(" ")},
    )  # fmt: skip
