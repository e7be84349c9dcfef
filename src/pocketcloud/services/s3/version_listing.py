"""ListObjectVersions: every version and delete marker, keys in UTF-8 byte order and each
key's versions newest first.

The current version lives in `s3_objects`, older ones in `s3_versions`; both carry `seq`
(larger is newer), so one merged scan ordered by (key, seq DESC) is the listing. A position
is (key, seq): the next row is the same key's next older version, or the next key. A key that
rolls up into a common prefix makes the scan seek past the whole prefix, as ListObjects does.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

from pocketcloud.context import RequestContext
from pocketcloud.errors import AwsError
from pocketcloud.services.s3.buckets import require_bucket
from pocketcloud.services.s3.listing import MAX_KEYS, encoder, max_keys
from pocketcloud.services.s3.ownership import owner_names
from pocketcloud.services.s3.rows import NULL_VERSION, check_version_id, seq_of_version_id
from pocketcloud.services.s3.schema import key_bytes, key_text, s3_store
from pocketcloud.store import Tx

SCAN_BATCH_ROWS = 1000
_END = b"\xff"
_COLUMNS = "key, seq, version_id, delete_marker, etag, size, last_modified, storage_class, owner, "
_COLUMNS += "checksum"
_SCAN_SQL = (
    f"SELECT {_COLUMNS}, 1 FROM s3_objects WHERE bucket = :bucket AND key >= :lower "
    "AND key < :end AND (key > :key OR seq < :seq) "
    f"UNION ALL SELECT {_COLUMNS}, 0 FROM s3_versions WHERE bucket = :bucket "
    "AND key >= :lower AND key < :end AND (key > :key OR seq < :seq) "
    "ORDER BY key, seq DESC LIMIT :limit"
)
_NO_SEQ = -1  # "after key K" with no version of K: no seq is below it


class _Cursor:
    """Where the scan is: after version `seq` of `key` (seq -1: after all of `key`)."""

    __slots__ = ("key", "seq")

    def __init__(self, key: bytes, seq: int) -> None:
        self.key = key
        self.seq = seq


def _scan(
    tx: Tx, bucket: str, prefix: bytes, cursor: _Cursor, delimiter: bytes, limit: int
) -> Iterator[tuple[bytes, tuple[Any, ...] | None]]:
    """Yield (key or common prefix, row or None) after `cursor` (which moves), at most `limit`."""
    produced = 0
    start_key = cursor.key
    while produced < limit:
        lower = max(prefix, cursor.key)
        rows = tx.fetchall(_SCAN_SQL, {
            "bucket": bucket, "lower": lower, "end": prefix + _END, "key": cursor.key,
            "seq": cursor.seq, "limit": min(SCAN_BATCH_ROWS, limit - produced + 1),
        })  # fmt: skip
        for row in rows:
            key = row[0]
            at = key.find(delimiter, len(prefix)) if delimiter else -1
            if at >= 0:
                common = key[: at + len(delimiter)]
                cursor.key, cursor.seq = common + _END, _NO_SEQ
                if common > start_key:  # a key marker naming this prefix has shown it already
                    yield common, None
                    produced += 1
                break
            cursor.key, cursor.seq = key, row[1]
            yield key, row
            produced += 1
            if produced >= limit:
                return
        else:
            if len(rows) < SCAN_BATCH_ROWS:
                return


def _start(tx: Tx, bucket: str, params: dict[str, Any]) -> _Cursor:
    key_marker = params.get("KeyMarker") or ""
    version_marker = params.get("VersionIdMarker")
    if version_marker and not key_marker:
        raise AwsError(
            "InvalidArgument",
            "A version-id marker cannot be specified without a key marker.",
            fields={"ArgumentName": "version-id-marker", "ArgumentValue": version_marker},
        )
    cursor = _Cursor(key_bytes(key_marker), _NO_SEQ)
    if version_marker:
        check_version_id(version_marker, "version-id-marker")
        seq = tx.fetchvalue(
            "SELECT seq FROM s3_objects WHERE bucket = ? AND key = ? AND version_id = ? "
            "UNION ALL SELECT seq FROM s3_versions WHERE bucket = ? AND key = ? "
            "AND version_id = ?",
            (bucket, cursor.key, version_marker) * 2,
        )
        if seq is None and version_marker != NULL_VERSION:
            # a version deleted since: S3 goes on from where it stood (its id says where)
            seq = seq_of_version_id(version_marker)
        cursor.seq = seq if seq is not None else _NO_SEQ
    return cursor


def list_object_versions(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    bucket = require_bucket(ctx, params["Bucket"])
    prefix = key_bytes(params.get("Prefix") or "")
    delimiter = key_bytes(params.get("Delimiter") or "")
    limit = max_keys(params)
    encode = encoder(params)
    versions: list[dict[str, Any]] = []
    markers: list[dict[str, Any]] = []
    prefixes: list[dict[str, str]] = []
    owners = owner_names(ctx, bucket)
    last: tuple[bytes, str | None] | None = None
    with s3_store(ctx).read() as tx:
        cursor = _start(tx, bucket.name, params)
        for key, row in _scan(tx, bucket.name, prefix, cursor, delimiter, limit):
            if row is None:
                prefixes.append({"Prefix": encode(key_text(key))})
                last = (key, None)
                continue
            entry, is_marker = _entry(row, encode, owners)
            (markers if is_marker else versions).append(entry)
            last = (key, row[2])
        truncated = limit > 0 and any(
            True for _ in _scan(tx, bucket.name, prefix, cursor, delimiter, 1)
        )
    result: dict[str, Any] = {
        "Name": bucket.name,
        "Prefix": encode(key_text(prefix)),
        "KeyMarker": encode(params.get("KeyMarker") or ""),
        "VersionIdMarker": params.get("VersionIdMarker") or "",
        "MaxKeys": limit if params.get("MaxKeys") is not None else MAX_KEYS,
        "IsTruncated": truncated,
    }
    if versions:
        result["Versions"] = versions
    if markers:
        result["DeleteMarkers"] = markers
    if prefixes:
        result["CommonPrefixes"] = prefixes
    if delimiter:
        result["Delimiter"] = encode(key_text(delimiter))
    if params.get("EncodingType"):
        result["EncodingType"] = params["EncodingType"]
    if truncated and last is not None:
        result["NextKeyMarker"] = encode(key_text(last[0]))
        if last[1] is not None:
            result["NextVersionIdMarker"] = last[1]
    return result


def _entry(
    row: tuple[Any, ...], encode: Any, owners: Callable[[str], dict[str, Any]]
) -> tuple[dict[str, Any], bool]:
    key, _, version_id, marker, etag, size, modified, storage_class, owner, checksum, latest = row
    entry: dict[str, Any] = {
        "Key": encode(key_text(key)),
        "VersionId": version_id,
        "IsLatest": bool(latest),
        "LastModified": int(modified),  # S3 shows whole seconds (stored: milliseconds)
        "Owner": owners(owner),
    }
    if marker:
        return entry, True
    entry.update(ETag=etag, Size=size, StorageClass=storage_class)
    if checksum != "{}":
        fields = json.loads(checksum)
        entry["ChecksumAlgorithm"] = [n[len("Checksum") :] for n in fields
                                      if n.startswith("Checksum") and n != "ChecksumType"]
        entry["ChecksumType"] = fields.get("ChecksumType")
    return entry, False
