"""ListParts and ListMultipartUploads: pages of an upload's parts and of a bucket's uploads,
with S3's markers, delimiter roll-up into CommonPrefixes and URL encoding."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from pocketcloud.context import RequestContext
from pocketcloud.errors import AwsError
from pocketcloud.services.s3.buckets import owner_of, require_bucket
from pocketcloud.services.s3.checksums import DEFAULT_PART_CRC
from pocketcloud.services.s3.listing import encoder
from pocketcloud.services.s3.multipart import find_upload
from pocketcloud.services.s3.schema import key_bytes, key_text, s3_store
from pocketcloud.store import Tx

PARTS_PAGE_MAX = 1000
UPLOADS_PAGE_MAX = 1000
SCAN_BATCH_ROWS = 1000
_PAGE_SIZE_MAX = 2_147_483_647  # S3 takes any non-negative 32-bit count, then caps the page
_END = b"\xff"  # after every key that starts with a given prefix


def page_size(params: dict[str, Any], member: str, argument: str, cap: int) -> int:
    """The page size a request asks for (MaxParts, MaxUploads), refused as S3 refuses it."""
    value = params.get(member)
    if value is None:
        return cap
    if not 0 <= int(value) <= _PAGE_SIZE_MAX:
        raise AwsError(
            "InvalidArgument",
            f"Argument {argument} must be an integer between 0 and {_PAGE_SIZE_MAX}",
            fields={"ArgumentName": argument, "ArgumentValue": str(value)},
        )
    return min(int(value), cap)


def _listed(checksum: dict[str, str]) -> dict[str, str]:
    """A part's checksum as ListParts shows it: the one it was uploaded with, never S3's
    default CRC64NVME of an upload created without an algorithm."""
    return {n: v for n, v in checksum.items() if n != DEFAULT_PART_CRC}


def list_parts(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    bucket = require_bucket(ctx, params["Bucket"])
    key, upload_id = params["Key"], params["UploadId"]
    limit = page_size(params, "MaxParts", "max-parts", PARTS_PAGE_MAX)
    marker = int(params.get("PartNumberMarker") or 0)
    with s3_store(ctx).read() as tx:
        storage_class, _, _, checksum_json, _, owner, _, _ = find_upload(
            tx, bucket.name, key, upload_id
        )
        rows = tx.fetchall(
            "SELECT part_number, last_modified, etag, size, checksum FROM s3_parts "
            "WHERE upload_id = ? AND part_number > ? ORDER BY part_number LIMIT ?",
            (upload_id, marker, limit + 1),
        )
    parts = [
        {"PartNumber": n, "LastModified": int(modified), "ETag": etag, "Size": size,
         **_listed(json.loads(checksum))}
        for n, modified, etag, size, checksum in rows[:limit]
    ]  # fmt: skip
    upload_checksum = json.loads(checksum_json)
    result: dict[str, Any] = {
        "Bucket": bucket.name, "Key": key, "UploadId": upload_id, "Parts": parts,
        "PartNumberMarker": marker, "MaxParts": limit, "IsTruncated": len(rows) > limit,
        "Initiator": owner_of(owner), "Owner": owner_of(owner), "StorageClass": storage_class,
    }  # fmt: skip
    result["NextPartNumberMarker"] = parts[-1]["PartNumber"] if parts else 0  # 0 as S3
    if upload_checksum:
        result["ChecksumAlgorithm"] = upload_checksum["Algorithm"]
        result["ChecksumType"] = upload_checksum["Type"]
    return result


_UPLOADS_SQL = (
    "SELECT key, upload_id, initiated, storage_class, owner, checksum, rowid FROM s3_uploads "
    "WHERE bucket = ? AND (key > ? OR (key = ? AND (initiated > ? OR (initiated = ? "
    "AND rowid > ?)))) AND substr(key, 1, ?) = ? ORDER BY key, initiated, rowid LIMIT ?"
)
_AFTER_ALL = (float("inf"), 0)  # a position after every upload of a key


def _scan_uploads(
    tx: Tx, bucket: str, prefix: bytes, key_marker: bytes, id_position: tuple[float, int],
    delimiter: bytes,
) -> Iterator[tuple[bytes, tuple[Any, ...] | None]]:  # fmt: skip
    """Yield (key, row) per upload and (common prefix, None) per rolled-up prefix, in order:
    keys in byte order, a key's uploads as they were initiated (as S3 lists them), after the
    key-marker and the position (initiated, rowid) of the upload-id-marker among its uploads."""
    after_key, (after_time, after_row) = key_marker, id_position
    while True:
        rows = tx.fetchall(_UPLOADS_SQL, (
            bucket, after_key, after_key, after_time, after_time, after_row, len(prefix),
            prefix, SCAN_BATCH_ROWS,
        ))  # fmt: skip
        for row in rows:
            key = row[0]
            at = key.find(delimiter, len(prefix)) if delimiter else -1
            if at >= 0:
                common = key[: at + len(delimiter)]
                after_key, after_time = common + _END, _AFTER_ALL[0]  # past the whole prefix
                if common > key_marker:  # a key-marker naming the prefix has shown it
                    yield common, None
                break
            yield key, row
            after_key, after_time, after_row = key, row[2], row[6]
        else:
            if len(rows) < SCAN_BATCH_ROWS:
                return


def _upload_entry(row: tuple[Any, ...], encode: Any) -> dict[str, Any]:
    key, upload_id, initiated, storage_class, owner, checksum = row[:6]
    entry: dict[str, Any] = {
        "Key": encode(key_text(key)), "UploadId": upload_id, "Initiated": int(initiated),
        "StorageClass": storage_class, "Owner": owner_of(owner), "Initiator": owner_of(owner),
    }  # fmt: skip
    upload_checksum = json.loads(checksum)
    if upload_checksum:
        entry["ChecksumAlgorithm"] = upload_checksum["Algorithm"]
        entry["ChecksumType"] = upload_checksum["Type"]
    return entry


def list_multipart_uploads(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    bucket = require_bucket(ctx, params["Bucket"])
    limit = page_size(params, "MaxUploads", "max-uploads", UPLOADS_PAGE_MAX)
    encode = encoder(params)
    prefix, delimiter = params.get("Prefix") or "", params.get("Delimiter") or ""
    key_marker = params.get("KeyMarker") or ""
    id_marker = (params.get("UploadIdMarker") or "") if key_marker else ""  # S3 ignores it alone
    uploads: list[dict[str, Any]] = []
    prefixes: list[dict[str, str]] = []
    truncated = False
    last_upload = ("", "")
    with s3_store(ctx).read() as tx:
        position = (
            _id_marker_position(tx, bucket.name, key_bytes(key_marker), id_marker)
            if id_marker else _AFTER_ALL
        )  # fmt: skip
        scan = _scan_uploads(tx, bucket.name, key_bytes(prefix), key_bytes(key_marker),
                             position, key_bytes(delimiter))  # fmt: skip
        for key, row in scan:
            if len(uploads) + len(prefixes) == limit:
                truncated = limit > 0
                break
            if row is None:
                prefixes.append({"Prefix": encode(key_text(key))})
            else:
                uploads.append(_upload_entry(row, encode))
                last_upload = (key_text(key), row[1])
    result: dict[str, Any] = {
        "Bucket": bucket.name, "KeyMarker": encode(key_marker), "UploadIdMarker": id_marker,
        "MaxUploads": limit, "IsTruncated": truncated, "Uploads": uploads,
        "Prefix": encode(prefix),
    }  # fmt: skip
    if delimiter:
        result["Delimiter"] = encode(delimiter)
    if prefixes:
        result["CommonPrefixes"] = prefixes
    if params.get("EncodingType"):
        result["EncodingType"] = params["EncodingType"]
    # S3 always names the next markers: the page's last upload, or nothing; a common prefix
    # never counts, even where a truncated page ends on one (recorded).
    next_key, next_id = last_upload
    result["NextKeyMarker"] = encode(next_key)
    result["NextUploadIdMarker"] = next_id
    return result


def _id_marker_position(
    tx: Tx, bucket: str, key_marker: bytes, id_marker: str
) -> tuple[float, int]:
    row = tx.fetchone(
        "SELECT initiated, rowid FROM s3_uploads WHERE bucket = ? AND key = ? "
        "AND upload_id = ?",
        (bucket, key_marker, id_marker),
    )
    if row is None:
        fields = {"ArgumentName": "upload-id-marker", "ArgumentValue": id_marker}
        raise AwsError("InvalidArgument", "Invalid uploadId marker", fields=fields)
    return row[0], row[1]
