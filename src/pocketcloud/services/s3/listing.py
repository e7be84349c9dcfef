"""ListObjects, ListObjectsV2 and ListObjectVersions, read straight off the key index.

Keys are BLOBs in UTF-8 byte order, so a page is one index range scan from the start
position. With a delimiter, a key that rolls up into a common prefix makes the scan seek past
everything under that prefix (`prefix + b"\\xff"`: no UTF-8 key contains 0xFF) instead of
reading it, so a page costs O(page) rows however many keys sit under each prefix.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable, Iterator
from functools import lru_cache
from typing import Any
from urllib.parse import quote_plus

from pocketcloud.context import RequestContext
from pocketcloud.errors import AwsError
from pocketcloud.protocol.http import EXTRA_HEADERS
from pocketcloud.services.s3.buckets import require_bucket
from pocketcloud.services.s3.ownership import owner_names
from pocketcloud.services.s3.schema import key_bytes, key_text, s3_store
from pocketcloud.store import Tx

MAX_KEYS = 1000
SCAN_BATCH_ROWS = 1000
# owner is read only for FetchOwner: a seventh column costs ~15% of the page's fetch
_LIST_COLUMNS = "key, etag, size, last_modified, storage_class, checksum"
_OWNER_COLUMNS = _LIST_COLUMNS + ", owner"
_END = b"\xff"


def max_keys(params: dict[str, Any]) -> int:
    value = params.get("MaxKeys")
    if value is None:
        return MAX_KEYS
    if int(value) < 0:
        raise AwsError("InvalidArgument", "maxKeys should be non-negative")
    return min(int(value), MAX_KEYS)


def encoder(params: dict[str, Any]) -> Any:
    encoding = params.get("EncodingType")
    if encoding is None:
        return unchanged
    if encoding != "url":
        raise AwsError(
            "InvalidArgument", "Invalid Encoding Method specified in Request",
            fields={"ArgumentName": "encoding-type", "ArgumentValue": encoding},
        )  # fmt: skip
    return _url_encode


def unchanged(text: str) -> str:
    return text


_NEEDS_QUOTING = re.compile(r"[^A-Za-z0-9_.\-~/]").search  # what quote_plus leaves alone


def _url_encode(text: str) -> str:
    return quote_plus(text, safe="/") if _NEEDS_QUOTING(text) else text


def _scan(
    tx: Tx, bucket: str, prefix: bytes, after: bytes, delimiter: bytes, limit: int,
    columns: str = _LIST_COLUMNS,
) -> Iterator[tuple[bytes, tuple[Any, ...] | None]]:  # fmt: skip
    """Yield (key or common prefix, row or None) in order after `after`, at most `limit`."""
    end_clause, end_args = ("AND key < ? ", [prefix + _END]) if prefix else ("", [])
    start = after
    produced = 0
    while produced < limit:
        lower, operator = (prefix, ">=") if after < prefix else (after, ">")
        rows = tx.fetchall(
            f"SELECT {columns} FROM s3_objects WHERE bucket = ? AND key {operator} ? "
            f"{end_clause}AND delete_marker = 0 ORDER BY key LIMIT ?",
            (bucket, lower, *end_args, min(SCAN_BATCH_ROWS, limit - produced + 1)),
        )
        for row in rows:
            key = row[0]
            at = key.find(delimiter, len(prefix)) if delimiter else -1
            if at >= 0:
                common = key[: at + len(delimiter)]
                after = common + _END  # seek past everything under this prefix
                if common > start:  # a marker naming this prefix has already shown it
                    yield common, None
                    produced += 1
                break
            yield key, row
            produced += 1
            after = key
            if produced >= limit:
                return
        else:
            if len(rows) < SCAN_BATCH_ROWS:
                return


def _page(
    ctx: RequestContext, params: dict[str, Any], after: bytes, fetch_owner: bool
) -> tuple[dict[str, Any], bytes | None]:
    """The page's Contents/CommonPrefixes/IsTruncated, and where the next page starts."""
    bucket = require_bucket(ctx, params["Bucket"])
    prefix = key_bytes(params.get("Prefix") or "")
    delimiter = key_bytes(params.get("Delimiter") or "")
    limit = max_keys(params)
    encode = encoder(params)
    contents: list[dict[str, Any]] = []
    prefixes: list[dict[str, str]] = []
    last = after
    owners = owner_names(ctx, bucket) if fetch_owner else None
    with s3_store(ctx).read() as tx:
        columns = _OWNER_COLUMNS if fetch_owner else _LIST_COLUMNS
        for key, row in _scan(tx, bucket.name, prefix, after, delimiter, limit, columns):
            if row is None:
                prefixes.append({"Prefix": encode(key_text(key))})
                last = key + _END
                continue
            contents.append(_entry(row, encode, owners))
            last = key
        truncated = limit > 0 and any(
            True for _ in _scan(tx, bucket.name, prefix, last, delimiter, 1)
        )
    result: dict[str, Any] = {"Name": bucket.name, "Prefix": encode(key_text(prefix))}
    result["MaxKeys"] = limit if params.get("MaxKeys") is not None else MAX_KEYS
    result["IsTruncated"] = truncated
    result[EXTRA_HEADERS] = {"x-amz-bucket-region": bucket.region}  # S3 names it on lists
    if contents:
        result["Contents"] = contents
    if prefixes:
        result["CommonPrefixes"] = prefixes
    if delimiter:
        result["Delimiter"] = encode(key_text(delimiter))
    if params.get("EncodingType"):
        result["EncodingType"] = params["EncodingType"]
    return result, (last if truncated else None)


def _entry(
    row: tuple[Any, ...], encode: Any, owners: Callable[[str], dict[str, Any]] | None
) -> dict[str, Any]:
    key, etag, size, modified, storage_class, checksum = row[:6]
    text = key.decode("utf-8", "surrogatepass")  # key_text, inline: a thousand per page
    entry: dict[str, Any] = {
        "Key": text if encode is unchanged else encode(text),
        "LastModified": int(modified),  # S3 shows whole seconds (stored: milliseconds)
        "ETag": etag,
        "Size": size,
        "StorageClass": storage_class,
    }
    if checksum != "{}":
        entry.update(_checksum_fields(*_checksum_summary(checksum)))
    if owners is not None:
        entry["Owner"] = owners(row[6])
    return entry


# Which algorithms and which type a stored checksum document names, read with two regular
# expressions (our own json.dumps wrote it: "Checksum<ALG>":"<base64>" pairs): decoding the
# JSON of every row cost a third of a 1,000-key page.
_ALGORITHM_NAMES = re.compile(r'"Checksum(?!Type")(\w+)":')
_CHECKSUM_TYPE = re.compile(r'"ChecksumType":"(\w+)"')


def _checksum_summary(checksum_json: str) -> tuple[tuple[str, ...], str | None]:
    algorithms = tuple(_ALGORITHM_NAMES.findall(checksum_json))
    if checksum_json.endswith('"ChecksumType":"FULL_OBJECT"}'):  # the usual order: no search
        return algorithms, "FULL_OBJECT"
    kind = _CHECKSUM_TYPE.search(checksum_json)
    return algorithms, kind[1] if kind else None


@lru_cache(maxsize=64)
def _checksum_fields(algorithms: tuple[str, ...], kind: str | None) -> dict[str, Any]:
    """One dict per summary, shared by the entries (the serializer only reads it)."""
    return {"ChecksumAlgorithm": list(algorithms), "ChecksumType": kind}


def _encode_token(position: bytes) -> str:
    return base64.urlsafe_b64encode(position).decode("ascii")


def _decode_token(token: str) -> bytes:
    try:
        if not token:  # AWS refuses an empty token (LocalStack's recorded exc-continuation-token)
            raise ValueError(token)
        return base64.urlsafe_b64decode(token.encode("ascii"))
    except (binascii.Error, ValueError, UnicodeEncodeError):
        raise AwsError(
            "InvalidArgument", "The continuation token provided is incorrect",
            fields={"ArgumentName": "continuation-token"},
        ) from None  # fmt: skip


def list_objects_v2(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    token = params.get("ContinuationToken")
    start_after = params.get("StartAfter")
    after = _decode_token(token) if token is not None else key_bytes(start_after or "")
    result, next_after = _page(ctx, params, after, bool(params.get("FetchOwner")))
    result["KeyCount"] = len(result.get("Contents", ())) + len(result.get("CommonPrefixes", ()))
    if token is not None:
        result["ContinuationToken"] = token
    if start_after and token is None:  # the token wins, and AWS then names no StartAfter
        result["StartAfter"] = encoder(params)(start_after)
    if next_after is not None:
        result["NextContinuationToken"] = _encode_token(next_after)
    return result


def list_objects(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    marker = params.get("Marker") or ""
    result, next_after = _page(ctx, params, key_bytes(marker), True)
    result["Marker"] = encoder(params)(marker)
    if next_after is not None and params.get("Delimiter"):
        # NextMarker is sent only with a delimiter; clients use the last key otherwise
        result["NextMarker"] = encoder(params)(key_text(next_after.rstrip(_END)))
    return result
