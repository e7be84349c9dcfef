"""Object rows: reading one version, and writing a new version or delete marker with S3's
versioning rules (unversioned, Enabled, Suspended). Each writer returns the blob ids that
no row references any more, for the caller to delete after the commit."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from pocketcloud.errors import AwsError
from pocketcloud.services.s3.schema import OBJECT_COLUMNS, key_bytes, key_text
from pocketcloud.store import Tx

NULL_VERSION = "null"
VERSION_ID_RE = re.compile(r"[0-9a-f]{32}|null")  # the shape of every id new_version_id makes
_INSERT_SQL = {
    table: f"INSERT INTO {table} ({OBJECT_COLUMNS}, bucket) VALUES "
    f"({', '.join('?' * (OBJECT_COLUMNS.count(',') + 2))})"
    for table in ("s3_objects", "s3_versions")
}
_UPSERT_SQL = (
    _INSERT_SQL["s3_objects"] + " ON CONFLICT (bucket, key) DO UPDATE SET "
    + ", ".join(f"{c} = excluded.{c}" for c in OBJECT_COLUMNS.split(", ") if c != "key")
)
_EMPTY = "{}"


@dataclass
class ObjectRow:
    key: str
    seq: int = 0
    version_id: str = NULL_VERSION
    delete_marker: bool = False
    blob_ids: list[str] = field(default_factory=list)
    part_sizes: list[int] = field(default_factory=list)  # a multipart object's part sizes
    size: int = 0
    etag: str = ""
    last_modified: float = 0.0
    storage_class: str = "STANDARD"
    headers: dict[str, Any] = field(default_factory=dict)  # ContentType, CacheControl, ...
    metadata: dict[str, str] = field(default_factory=dict)
    checksum: dict[str, str] = field(default_factory=dict)  # ChecksumCRC32..., ChecksumType
    tags: dict[str, str] = field(default_factory=dict)
    owner: str = ""
    is_latest: bool = True

    def values(self, bucket: str) -> tuple[Any, ...]:
        return (
            key_bytes(self.key), self.seq, self.version_id, int(self.delete_marker),
            " ".join(self.blob_ids), " ".join(map(str, self.part_sizes)), self.size, self.etag,
            self.last_modified, self.storage_class, _dump(self.headers), _dump(self.metadata),
            _dump(self.checksum), _dump(self.tags), self.owner, bucket,
        )  # fmt: skip


_encode = json.JSONEncoder(separators=(",", ":")).encode  # made once: dumps() makes one a call


def _dump(value: dict[str, Any]) -> str:
    return _encode(value) if value else _EMPTY


def _load(text: str) -> dict[str, Any]:
    return json.loads(text) if text != _EMPTY else {}


def row_from(values: tuple[Any, ...], is_latest: bool = True) -> ObjectRow:
    (key, seq, version_id, marker, blob_ids, part_sizes, size, etag, modified, storage_class,
     headers, metadata, checksum, tags, owner) = values  # fmt: skip
    return ObjectRow(
        key_text(key), seq, version_id, bool(marker), blob_ids.split() if blob_ids else [],
        [int(s) for s in part_sizes.split()] if part_sizes else [], size, etag, modified,
        storage_class, _load(headers), _load(metadata), _load(checksum), _load(tags), owner,
        is_latest,
    )  # fmt: skip


CURRENT_ROW_SQL = f"SELECT {OBJECT_COLUMNS} FROM s3_objects WHERE bucket = ? AND key = ?"


def current_row(tx: Tx, bucket: str, key: str) -> ObjectRow | None:
    found = tx.fetchone(CURRENT_ROW_SQL, (bucket, key_bytes(key)))
    return row_from(found) if found else None


class Current(NamedTuple):
    """What a write needs of the key's current version (no JSON columns decoded)."""

    version_id: str
    delete_marker: bool
    blob_ids: list[str]
    etag: str


_CURRENT_SQL = (
    "SELECT version_id, delete_marker, blob_ids, etag FROM s3_objects WHERE bucket = ? AND key = ?"
)
_KEEP_CURRENT_SQL = (
    f"INSERT INTO s3_versions ({OBJECT_COLUMNS}, bucket) SELECT {OBJECT_COLUMNS}, bucket "
    "FROM s3_objects WHERE bucket = ? AND key = ?"
)


def current_of(tx: Tx, bucket: str, key: str) -> Current | None:
    found = tx.fetchone(_CURRENT_SQL, (bucket, key_bytes(key)))
    if found is None:
        return None
    version_id, marker, blob_ids, etag = found
    return Current(version_id, bool(marker), blob_ids.split() if blob_ids else [], etag)


def version_row(tx: Tx, bucket: str, key: str, version_id: str) -> ObjectRow | None:
    current = current_row(tx, bucket, key)
    if current is not None and current.version_id == version_id:
        return current
    found = tx.fetchone(
        f"SELECT {OBJECT_COLUMNS} FROM s3_versions WHERE bucket = ? AND key = ? AND version_id = ?",
        (bucket, key_bytes(key), version_id),
    )
    return row_from(found, is_latest=False) if found else None


def update_headers(
    tx: Tx, bucket: str, key: str, version_id: str, headers: dict[str, Any]
) -> bool:
    """Replace one version's stored headers (its lock settings); False if it is gone."""
    for table in ("s3_objects", "s3_versions"):
        if tx.execute(
            f"UPDATE {table} SET headers = ? WHERE bucket = ? AND key = ? AND version_id = ?",
            (_dump(headers), bucket, key_bytes(key), version_id),
        ):
            return True
    return False


_COUNT_SEQ_SQL = "UPDATE s3_seq SET value = value + 1 WHERE id = 1 RETURNING value"
_UNREAD: Any = object()  # write_version's `current` when the caller has not read it


def write_version(
    tx: Tx, bucket: str, versioning: str, row: ObjectRow, current: Current | None = _UNREAD
) -> list[str]:
    """Make `row` the key's current version; returns blobs no longer referenced. `row.seq`
    should come from seqs.next_seq (cheap); without one, it is counted in `tx`. A caller
    that has read the key's current row in `tx` passes it as `current`."""
    if not row.seq:  # s3_seq's value is past every number seqs has handed out
        row.seq = int(tx.fetchvalue(_COUNT_SEQ_SQL))
    if len(row.version_id) == _PENDING_ID_LENGTH:
        row.version_id = f"{row.seq:016x}{row.version_id}"
    garbage: list[str] = []
    if current is _UNREAD:
        current = current_of(tx, bucket, row.key)
    if current is not None:
        if keeps_current(versioning, current):  # copied as stored: nothing decoded
            tx.execute(_KEEP_CURRENT_SQL, (bucket, key_bytes(row.key)))
        else:
            garbage = [b for b in current.blob_ids if b not in row.blob_ids]
    if versioning == "Suspended":
        garbage += _drop_noncurrent(tx, bucket, row.key, NULL_VERSION)
    # One upsert, not DELETE + INSERT: a statement fewer, and the row is rewritten in place
    tx.execute(_UPSERT_SQL, row.values(bucket))
    return garbage


def keeps_current(versioning: str, current: Current) -> bool:
    """Whether a new version keeps the current one (as a noncurrent version)."""
    return versioning == "Enabled" or (
        versioning == "Suspended" and current.version_id != NULL_VERSION
    )


def _drop_noncurrent(tx: Tx, bucket: str, key: str, version_id: str) -> list[str]:
    found = tx.fetchall(
        "DELETE FROM s3_versions WHERE bucket = ? AND key = ? AND version_id = ? "
        "RETURNING blob_ids",
        (bucket, key_bytes(key), version_id),
    )
    return [blob for (ids,) in found for blob in ids.split()]


def delete_current(tx: Tx, bucket: str, key: str) -> tuple[ObjectRow | None, list[str]]:
    """An unversioned bucket's delete: the row goes, its blobs are garbage."""
    current = current_row(tx, bucket, key)
    if current is None:
        return None, []
    tx.execute("DELETE FROM s3_objects WHERE bucket = ? AND key = ?", (bucket, key_bytes(key)))
    return current, current.blob_ids


def delete_version(
    tx: Tx, bucket: str, key: str, version_id: str
) -> tuple[ObjectRow | None, list[str]]:
    """Permanently delete one version; the newest older one becomes current if needed."""
    found = version_row(tx, bucket, key, version_id)
    if found is None:
        return None, []
    if not found.is_latest:
        return found, _drop_noncurrent(tx, bucket, key, version_id)
    tx.execute("DELETE FROM s3_objects WHERE bucket = ? AND key = ?", (bucket, key_bytes(key)))
    newest = tx.fetchone(
        f"SELECT {OBJECT_COLUMNS} FROM s3_versions WHERE bucket = ? AND key = ? "
        "ORDER BY seq DESC LIMIT 1",
        (bucket, key_bytes(key)),
    )
    if newest is not None:
        promoted = row_from(newest)
        tx.execute(
            "DELETE FROM s3_versions WHERE bucket = ? AND key = ? AND seq = ?",
            (bucket, key_bytes(key), promoted.seq),
        )
        tx.execute(_INSERT_SQL["s3_objects"], promoted.values(bucket))
    return found, found.blob_ids


# A version id is the row's seq (16 hex digits) then 16 random ones: S3 pages a version
# listing from a VersionIdMarker whose version has since been deleted, so the id itself must
# say where the version stood. Until write_version knows the seq, the id is the random half.
_PENDING_ID_LENGTH = 16


def new_version_id(versioning: str, random_hex: str) -> str:
    """The id of a new version (write_version completes it with the seq)."""
    return random_hex[:_PENDING_ID_LENGTH] if versioning == "Enabled" else NULL_VERSION


def seq_of_version_id(version_id: str) -> int:
    """Where a (well-formed, non-null) version id stood among its key's versions."""
    return int(version_id[:16], 16)


def check_version_id(version_id: str, argument: str = "versionId") -> None:
    """S3 answers an id it could never have made with 400, not 404 (NoSuchVersion)."""
    if not VERSION_ID_RE.fullmatch(version_id):
        raise AwsError(
            "InvalidArgument", "Invalid version id specified",
            fields={"ArgumentName": argument, "ArgumentValue": version_id},
        )  # fmt: skip


def no_such_key(key: str) -> AwsError:
    return AwsError("NoSuchKey", "The specified key does not exist.", 404, fields={"Key": key})


def no_such_version(key: str, version_id: str) -> AwsError:
    return AwsError(
        "NoSuchVersion",
        "The specified version does not exist.",
        404,
        fields={"Key": key, "VersionId": version_id},
    )
