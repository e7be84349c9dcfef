"""The rarer sides of an object's headers, as S3 answers them: user metadata that cannot go
out as sent (non-ASCII values, RFC 2047 encoded; unprintable ones, counted in
x-amz-missing-meta), an Expires that is no date (kept verbatim), and the response-*
overrides an anonymous GET may not use. Kept apart from objects.py's hot path: each check
there is one cheap test before any of this runs."""

from __future__ import annotations

import base64
from typing import Any

from pocketcloud.context import RequestContext
from pocketcloud.errors import AwsError
from pocketcloud.protocol.http import EXTRA_HEADERS

METADATA_BYTES_MAX = 2048
RESPONSE_OVERRIDES = {
    "ResponseCacheControl": "CacheControl",
    "ResponseContentDisposition": "ContentDisposition",
    "ResponseContentEncoding": "ContentEncoding",
    "ResponseContentLanguage": "ContentLanguage",
    "ResponseContentType": "ContentType",
    "ResponseExpires": "Expires",
}


def unicode_metadata(metadata: dict[str, str]) -> dict[str, str]:
    """Values as the text sent: a header's UTF-8 bytes arrive read as Latin-1, and are read
    again as UTF-8 here (a value that is no UTF-8 that way, such as a form field's, stays)."""
    return {key: _as_utf8(value) for key, value in metadata.items()}


def _as_utf8(value: str) -> str:
    if value.isascii():
        return value
    try:
        return value.encode("latin-1").decode("utf-8")
    except UnicodeError:
        return value


def check_metadata_size(metadata: dict[str, str]) -> None:
    """S3's 2 KB: the UTF-8 bytes of every key and value (without x-amz-meta-)."""
    size = sum(len(k.encode("utf-8", "surrogatepass")) + len(v.encode("utf-8", "surrogatepass"))
               for k, v in metadata.items())  # fmt: skip
    if size > METADATA_BYTES_MAX:
        raise AwsError(
            "MetadataTooLarge",
            "Your metadata headers exceed the maximum allowed metadata size",
            fields={"Size": str(size), "MaxSizeAllowed": str(METADATA_BYTES_MAX)},
        )


def _unprintable(value: str) -> bool:
    return any((ord(c) < 0x20 and c != "\t") or ord(c) == 0x7F for c in value)


def returnable_metadata(metadata: dict[str, str], result: dict[str, Any]) -> None:
    """Set Metadata as S3 returns it: ASCII values as they are, other Unicode values RFC 2047
    encoded ("=?UTF-8?B?...?="), and values with unprintable characters left out, their count
    in MissingMeta (x-amz-missing-meta), as S3's user guide says of object metadata."""
    kept: dict[str, str] = {}
    missing = 0
    for key, value in metadata.items():
        if _unprintable(key) or _unprintable(value) or not key.isascii():
            missing += 1
        elif value.isascii():
            kept[key] = value
        else:
            encoded = base64.b64encode(value.encode("utf-8", "surrogatepass")).decode("ascii")
            kept[key] = f"=?UTF-8?B?{encoded}?="
    if kept:
        result["Metadata"] = kept
    if missing:
        result["MissingMeta"] = missing


def verbatim_expires(result: dict[str, Any]) -> None:
    """An Expires S3 could not read as a date is stored and answered as it was sent (SDKs
    keep it as ExpiresString); it goes out as a raw header, not a timestamp member."""
    text = result.pop("Expires")
    extra = result.setdefault(EXTRA_HEADERS, {})
    extra["Expires"] = text


def apply_overrides(ctx: RequestContext, params: dict[str, Any], result: dict[str, Any]) -> None:
    """GetObject's response-* query parameters, which S3 refuses on an unsigned request."""
    present = [name for name in RESPONSE_OVERRIDES if params.get(name) is not None]
    if not present:
        return
    if ctx.operation == "GetObject" and not ctx.access_key_id:
        raise AwsError(
            "InvalidRequest",
            "Request specific response headers cannot be used for anonymous GET requests.",
        )
    for name in present:
        result[RESPONSE_OVERRIDES[name]] = params[name]
