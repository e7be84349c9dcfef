"""PutObject, GetObject, HeadObject, DeleteObject."""

from __future__ import annotations

from typing import Any

from pocketcloud.context import RequestContext
from pocketcloud.errors import AwsError
from pocketcloud.protocol.http import STATUS_OVERRIDE
from pocketcloud.services.s3 import replication
from pocketcloud.services.s3.acl_store import acl_for_write, save_object_acl
from pocketcloud.services.s3.bodies import object_body
from pocketcloud.services.s3.buckets import Bucket, require_bucket
from pocketcloud.services.s3.checksums import CHECKSUM_MEMBERS, PART_CHECKSUMS
from pocketcloud.services.s3.conditions import (
    byte_range,
    check_read_conditions,
    precondition_failed,
)
from pocketcloud.services.s3.encryption import AES256, object_encryption, reported
from pocketcloud.services.s3.inline import PREFIX as INLINE_PREFIX
from pocketcloud.services.s3.inline import (
    delete_inline,
    drop_inline_in,
    is_inline,
    store_inline,
)
from pocketcloud.services.s3.lifecycle_expiry import add_expiration
from pocketcloud.services.s3.notifications import notify_created, notify_removed
from pocketcloud.services.s3.object_headers import (
    apply_overrides,
    check_metadata_size,
    returnable_metadata,
    unicode_metadata,
    verbatim_expires,
)
from pocketcloud.services.s3.object_lock import (
    LOCK_HEADERS,
    check_deletable,
    lock_headers,
    may_bypass,
)
from pocketcloud.services.s3.ownership import written_owner
from pocketcloud.services.s3.restore import ARCHIVED_CLASSES, add_restore, check_readable
from pocketcloud.services.s3.rows import (
    CURRENT_ROW_SQL,
    Current,
    ObjectRow,
    check_version_id,
    current_of,
    current_row,
    delete_current,
    delete_version,
    keeps_current,
    new_version_id,
    no_such_key,
    no_such_version,
    row_from,
    version_row,
    write_version,
)
from pocketcloud.services.s3.schema import key_bytes, s3_store
from pocketcloud.services.s3.seqs import next_seq, reserve
from pocketcloud.services.s3.tag_rules import tags_from_header
from pocketcloud.services.s3.upload import (
    body_unread_closes_connection,
    receive_body,
    requested_algorithm,
)
from pocketcloud.store import Tx

KEY_BYTES_MAX = 1024
STANDARD_HEADERS = (
    "CacheControl", "ContentDisposition", "ContentEncoding", "ContentLanguage", "ContentType",
    "Expires", "WebsiteRedirectLocation", "ObjectLockMode", "ObjectLockRetainUntilDate",
    "ObjectLockLegalHoldStatus",
)  # fmt: skip
DEFAULT_CONTENT_TYPE = "binary/octet-stream"


# what a general purpose bucket stores; OUTPOSTS, EXPRESS_ONEZONE, ... belong to other buckets
STORAGE_CLASSES = frozenset({
    "STANDARD", "REDUCED_REDUNDANCY", "STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING",
    "GLACIER", "DEEP_ARCHIVE", "GLACIER_IR",
})  # fmt: skip


def requested_storage_class(requested: str | None, default: str = "STANDARD") -> str:
    if not requested:
        return default
    if requested not in STORAGE_CLASSES:
        raise AwsError("InvalidStorageClass", "The storage class you specified is not valid",
                       fields={"StorageClassRequested": requested})  # fmt: skip
    return requested


def validate_key(key: str) -> None:
    if len(key.encode("utf-8", "surrogatepass")) > KEY_BYTES_MAX:
        raise AwsError(
            "KeyTooLongError", "Your key is too long",
            fields={"Size": str(len(key.encode("utf-8", "surrogatepass"))),
                    "MaxSizeAllowed": str(KEY_BYTES_MAX)},
        )  # fmt: skip


def stored_headers(params: dict[str, Any]) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    for name in STANDARD_HEADERS:
        value = params.get(name)
        if value is not None:
            headers[name] = value.timestamp() if hasattr(value, "timestamp") else value
    encoding = headers.get("ContentEncoding")
    if encoding is not None and "aws-chunked" in encoding:  # framing, not the object's encoding
        kept = [e.strip() for e in encoding.split(",") if e.strip() and e.strip() != "aws-chunked"]
        if kept:
            headers["ContentEncoding"] = ", ".join(kept)
        else:
            del headers["ContentEncoding"]
    headers.setdefault("ContentType", DEFAULT_CONTENT_TYPE)
    return headers


def user_metadata(params: dict[str, Any]) -> dict[str, str]:
    metadata: dict[str, str] = params.get("Metadata") or {}
    if metadata:
        if not all(v.isascii() for v in metadata.values()):
            metadata = unicode_metadata(metadata)
        check_metadata_size(metadata)
    return metadata


async def put_object(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    with body_unread_closes_connection():
        bucket = require_bucket(ctx, params["Bucket"])
        key = params["Key"]
        validate_key(key)
        storage_class = requested_storage_class(params.get("StorageClass"))
        headers = stored_headers(params)
        headers.update(object_encryption(ctx, bucket, params))
        metadata = user_metadata(params)
        tags = tags_from_header(params.get("Tagging"))
        lock_headers(ctx, bucket, headers)
        _require_integrity_for_lock(ctx, params)
        owner = written_owner(ctx, bucket, params.get("ACL"))
        grants = acl_for_write(ctx, bucket, params, owner)
        received = await receive_body(ctx, bucket.region, params, inline=True, default=True)
    checksum: dict[str, str] = {}
    if received.algorithm:
        checksum = {CHECKSUM_MEMBERS[received.algorithm]: received.checksum,
                    "ChecksumType": "FULL_OBJECT"}  # fmt: skip
    row = ObjectRow(
        key=key,
        version_id=new_version_id(bucket.versioning, ctx.cloud.ids.hex(32)),
        blob_ids=[] if received.data is not None else [received.blob.blob_id],
        size=received.blob.size_bytes,
        etag=received.etag,
        last_modified=ctx.cloud.clock.now(),
        storage_class=storage_class,
        headers=headers,
        metadata=metadata,
        checksum=checksum,
        tags=tags,
        owner=owner,
    )
    try:
        garbage = commit_object(ctx, bucket, row, params, inline_data=received.data)
    except BaseException:
        if received.data is None:
            ctx.cloud.store.blobs.delete(received.blob.blob_id)
        raise
    delete_blobs(ctx, garbage)
    save_object_acl(ctx, bucket, row, grants)
    result: dict[str, Any] = {"ETag": row.etag, **checksum, **reported(headers)}
    if bucket.versioning == "Enabled":  # a suspended write's null id goes unsaid
        result["VersionId"] = row.version_id
    add_expiration(ctx, bucket.name, row, result)
    notify_created(ctx, bucket, "ObjectCreated:Put", row)
    return result


def _require_integrity_for_lock(ctx: RequestContext, params: dict[str, Any]) -> None:
    """S3 wants a PUT that sets Object Lock parameters to carry a digest of its body."""
    if not any(params.get(name) is not None for name in LOCK_HEADERS):
        return
    headers = ctx.request.headers if ctx.request is not None else {}
    if params.get("ContentMD5") is None and not requested_algorithm(params, headers):
        raise AwsError(
            "InvalidRequest",
            "Content-MD5 OR x-amz-checksum- HTTP header is required for Put Object requests "
            "with Object Lock parameters",
        )


def commit_object(
    ctx: RequestContext, bucket: Bucket, row: ObjectRow, params: dict[str, Any],
    finishing_upload: str = "", inline_data: bytes | None = None,
) -> list[str]:  # fmt: skip
    """Commit `row` as the key's new current version, honouring conditional writes; a
    multipart upload's rows, or a small object's inline bytes, go in the same transaction."""
    lock_headers(ctx, bucket, row.headers)
    targets = replication.plan_created(ctx, bucket, row)
    store = s3_store(ctx)
    reserve(store)
    with store.write() as tx:
        row.seq = next_seq(store, tx)
        current = current_of(tx, bucket.name, row.key)
        if params.get("IfNoneMatch") is not None or params.get("IfMatch") is not None:
            _check_write_conditions(params, current, row.key)
            if finishing_upload and current is not None:
                _check_no_write_since(tx, bucket.name, row.key, finishing_upload, params)
        if finishing_upload:
            if not tx.execute("DELETE FROM s3_uploads WHERE upload_id = ?", (finishing_upload,)):
                raise AwsError(
                    "NoSuchUpload",
                    "The specified upload does not exist. The upload "
                    "ID may be invalid, or the upload may have been aborted or "
                    "completed.",
                    404,
                    fields={"UploadId": finishing_upload},
                )
            tx.execute("DELETE FROM s3_parts WHERE upload_id = ?", (finishing_upload,))
        if inline_data is not None:
            row.blob_ids = [store_inline(tx, inline_data, _reusable(bucket, current))]
        garbage = write_version(tx, bucket.name, bucket.versioning, row, current)
        replication.queue(tx, ctx, bucket.name, row.key, row.version_id, targets)
        garbage = drop_inline_in(tx, garbage)
    replication.wake(ctx, targets)
    return garbage


def _reusable(bucket: Bucket, current: Current | None) -> str | None:
    """The current version's inline row, when the new version replaces it (not versioned)."""
    if current is None or not is_inline(current.blob_ids):
        return None
    return None if keeps_current(bucket.versioning, current) else current.blob_ids[0]


def _check_no_write_since(
    tx: Tx, bucket: str, key: str, upload_id: str, params: dict[str, Any]
) -> None:
    """A conditional CompleteMultipartUpload whose key was written after the upload began:
    S3's 409, even when the condition holds. (A delete in an unversioned bucket leaves no
    trace to compare with, so it goes unnoticed here.)"""
    found = tx.fetchone(
        "SELECT 1 FROM s3_objects o JOIN s3_uploads u ON u.upload_id = ? "
        "WHERE o.bucket = ? AND o.key = ? AND o.last_modified > u.initiated",
        (upload_id, bucket, key_bytes(key)),
    )
    if found:
        raise AwsError(
            "ConditionalRequestConflict",
            "The conditional request cannot succeed due to a conflicting operation against "
            "this resource.",
            409,
            fields={
                "Condition": "If-Match" if params.get("IfMatch") is not None else "If-None-Match",
                "Key": key,
            },
        )


def _not_implemented(header: str, detail: str) -> AwsError:
    return AwsError(
        "NotImplemented",
        "A header you provided implies functionality that is not implemented",
        501,
        fields={"Header": header, "additionalMessage": detail},
    )


def _check_write_conditions(params: dict[str, Any], current: Current | None, key: str) -> None:
    exists = current is not None and not current.delete_marker
    if_none_match = params.get("IfNoneMatch")
    if_match = params.get("IfMatch")
    if if_none_match is not None and if_match is not None:
        raise _not_implemented(
            "If-Match,If-None-Match", "Multiple conditional request headers present in the request"
        )
    if if_none_match is not None:
        if if_none_match.strip() != "*":
            raise _not_implemented(
                "If-None-Match",
                "We don't accept the provided value of If-None-Match header for this API",
            )
        if exists:
            raise precondition_failed("If-None-Match")
    if if_match is not None:
        if if_match.strip() == "*":
            raise _not_implemented(
                "If-Match", "We don't accept the provided value of If-Match header for this API"
            )
        if not exists or current is None:
            raise no_such_key(key)
        if if_match.strip().strip('"') != current.etag.strip('"'):
            raise precondition_failed("If-Match")


def delete_blobs(ctx: RequestContext, blob_ids: list[str]) -> None:
    """Delete bytes no row references any more: files, and inline rows (`@` ids)."""
    blobs = ctx.cloud.store.blobs
    inline = [blob_id for blob_id in blob_ids if blob_id.startswith(INLINE_PREFIX)]
    if inline:
        delete_inline(ctx.cloud.store, inline)
    for blob_id in blob_ids:
        if not blob_id.startswith(INLINE_PREFIX):
            blobs.delete(blob_id)


def find_object(
    ctx: RequestContext,
    bucket: Bucket,
    params: dict[str, Any],
    method: str = "GET",
    marker_not_allowed: bool = False,
) -> ObjectRow:
    """The version a request names (latest by default), or S3's 404/405. A delete marker
    named by version id is 405 for `method`; the latest one is 404, or 405 where
    `marker_not_allowed` (object tagging answers so)."""
    key = params["Key"]
    version_id = params.get("VersionId")
    if version_id is not None:
        check_version_id(version_id)
    if version_id is None:
        found = s3_store(ctx).fetchone(CURRENT_ROW_SQL, (bucket.name, key_bytes(key)))
        row = row_from(found) if found else None
    else:
        with s3_store(ctx).read() as tx:
            row = version_row(tx, bucket.name, key, version_id)
    if row is None:
        raise no_such_version(key, version_id) if version_id else no_such_key(key)
    if row.delete_marker:
        marker_headers = {"x-amz-delete-marker": "true", "x-amz-version-id": row.version_id}
        if version_id is not None or marker_not_allowed:
            raise AwsError(
                "MethodNotAllowed",
                "The specified method is not allowed against this resource.",
                405,
                headers=marker_headers,
                fields={"Method": method, "ResourceType": "DeleteMarker"},
            )
        error = no_such_key(key)
        error.headers.update(marker_headers)
        raise error
    return row


def describe(
    row: ObjectRow, bucket: Bucket, params: dict[str, Any], ctx: RequestContext | None = None
) -> dict[str, Any]:
    """The headers GetObject and HeadObject answer with."""
    result: dict[str, Any] = {
        "ETag": row.etag,
        "LastModified": row.last_modified,
        "ContentLength": row.size,
        "AcceptRanges": "bytes",
        **row.headers,
    }
    result.setdefault("ServerSideEncryption", AES256)
    if row.metadata:
        if all(v.isascii() and v.isprintable() for v in row.metadata.values()):
            result["Metadata"] = row.metadata
        else:  # RFC 2047 or x-amz-missing-meta
            returnable_metadata(row.metadata, result)
    if row.storage_class != "STANDARD":
        result["StorageClass"] = row.storage_class
    if bucket.versioning:
        result["VersionId"] = row.version_id
    if row.tags:
        result["TagCount"] = len(row.tags)
    if row.checksum and (params.get("ChecksumMode") or "").upper() == "ENABLED":
        result.update(row.checksum)
    if ctx is not None:
        apply_overrides(ctx, params, result)
    if type(result.get("Expires")) is str:  # stored as sent: it is no date
        verbatim_expires(result)
    return result


def _read_window(row: ObjectRow, params: dict[str, Any], result: dict[str, Any]) -> tuple[int, int]:
    """(first byte, length) to send, setting Content-Range/PartsCount for ranges and parts."""
    part_number = params.get("PartNumber")
    if part_number is not None:
        if params.get("Range"):
            raise AwsError(
                "InvalidRequest", "Cannot specify both Range header and partNumber query parameter"
            )
        return _part_window(row, int(part_number), result)
    window = byte_range(params.get("Range"), row.size)
    if window is None:
        return 0, row.size
    first, last = window
    result["ContentRange"] = f"bytes {first}-{last}/{row.size}"
    result["ContentLength"] = last - first + 1
    if last - first + 1 < row.size:  # a checksum (and its type) describes the whole object
        for member in [m for m in result if m.startswith("Checksum")]:
            del result[member]
    return first, last - first + 1


def _part_window(row: ObjectRow, part_number: int, result: dict[str, Any]) -> tuple[int, int]:
    sizes = row.part_sizes or [row.size]
    if part_number < 1 or part_number > len(sizes):
        raise AwsError("InvalidPartNumber", "The requested partnumber is not satisfiable", 416,
                       fields={"PartNumberRequested": str(part_number),
                               "ActualPartCount": str(len(sizes))})  # fmt: skip
    first = sum(sizes[: part_number - 1])
    length = sizes[part_number - 1]
    if row.part_sizes:
        result["PartsCount"] = len(sizes)
        _part_checksum(row, part_number, result)
    result["ContentLength"] = length
    if length:
        result["ContentRange"] = f"bytes {first}-{first + length - 1}/{row.size}"
    return first, length


def _part_checksum(row: ObjectRow, part_number: int, result: dict[str, Any]) -> None:
    """A multipart object's part answers with that part's checksum: a COMPOSITE object keeps
    each part's; a FULL_OBJECT one keeps only the whole object's, which is the part's own
    only when there is one part (otherwise S3 answers with none)."""
    members = [m for m in result if m.startswith("Checksum") and m != "ChecksumType"]
    if not members:
        return  # not asked for (ChecksumMode), or the object has none
    if row.checksum.get("ChecksumType") == "COMPOSITE":
        parts = (row.checksum.get(PART_CHECKSUMS) or "").split()
        if len(parts) == len(row.part_sizes):
            result[members[0]] = parts[part_number - 1]
            return
    elif len(row.part_sizes) == 1:
        return
    for member in [*members, "ChecksumType"]:
        result.pop(member, None)


def get_object(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    bucket = require_bucket(ctx, params["Bucket"])
    row = find_object(ctx, bucket, params)
    if row.storage_class in ARCHIVED_CLASSES:
        check_readable(ctx, row)
    check_read_conditions(params, row.etag, row.last_modified, ctx.cloud.clock.now)
    result = describe(row, bucket, params, ctx)
    if params.get("VersionId") is None:  # S3 names no expiry for a version asked for by id
        add_expiration(ctx, bucket.name, row, result)
    add_restore(ctx, row, result)
    first, length = _read_window(row, params, result)
    try:
        body = object_body(ctx.cloud.store, row, first, length)
    except FileNotFoundError:
        raise AwsError("InternalError", "The object's bytes are missing.", 500) from None
    if "ContentRange" in result:
        body.status_code = 206  # Partial Content, for a range or a part
    result["Body"] = body
    return result


def head_object(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    bucket = require_bucket(ctx, params["Bucket"])
    row = find_object(ctx, bucket, params)
    check_read_conditions(params, row.etag, row.last_modified, ctx.cloud.clock.now)
    result = describe(row, bucket, params, ctx)
    if params.get("VersionId") is None:  # S3 names no expiry for a version asked for by id
        add_expiration(ctx, bucket.name, row, result)
    add_restore(ctx, row, result)
    _read_window(row, params, result)
    if "ContentRange" in result:
        result[STATUS_OVERRIDE] = 206  # as GET would answer: the range's length, Partial Content
    return result


def delete_object(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    bucket = require_bucket(ctx, params["Bucket"])
    key = params["Key"]
    version_id = params.get("VersionId")
    if version_id is not None:
        check_version_id(version_id)
    bypass = bypass_governance(bucket, params) and may_bypass(ctx, bucket.name, key)
    result, garbage = remove_object(ctx, bucket, key, version_id, params, bypass)
    delete_blobs(ctx, garbage)
    notify_removed(ctx, bucket, key, params.get("VersionId"), result)
    return result


def bypass_governance(bucket: Bucket, params: dict[str, Any]) -> bool:
    """x-amz-bypass-governance-retention, which S3 refuses (even `false`) for a bucket
    without Object Lock."""
    bypass = params.get("BypassGovernanceRetention")
    if bypass is not None and not bucket.object_lock:
        raise AwsError(
            "InvalidArgument",
            "x-amz-bypass-governance-retention is only applicable to Object Lock enabled buckets.",
            fields={"ArgumentName": "x-amz-bypass-governance-retention"},
        )
    return bool(bypass)


def remove_object(
    ctx: RequestContext, bucket: Bucket, key: str, version_id: str | None,
    params: dict[str, Any] | None = None, bypass_governance: bool = False,
) -> tuple[dict[str, Any], list[str]]:  # fmt: skip
    """DeleteObject's effect and answer (also used by DeleteObjects); blobs to delete after."""
    store = s3_store(ctx)
    reserve(store)
    targets = replication.plan_marker(ctx, bucket, key) if version_id is None else {}
    with store.write() as tx:
        if params is not None and params.get("IfMatch") is not None:
            current = current_row(tx, bucket.name, key)
            if current is None or current.delete_marker:
                raise no_such_key(key)
            if not current.etag.strip('"') == params["IfMatch"].strip().strip('"'):
                raise precondition_failed("If-Match")
        if version_id is not None:
            if bucket.object_lock:
                locked = version_row(tx, bucket.name, key, version_id)
                if locked is not None:
                    check_deletable(locked, ctx.cloud.clock.now(), bypass_governance)
            removed, garbage = delete_version(tx, bucket.name, key, version_id)
            result: dict[str, Any] = {"VersionId": version_id}
            if removed is not None and removed.delete_marker:
                result["DeleteMarker"] = True
            return result, garbage
        if not bucket.versioning:
            _, garbage = delete_current(tx, bucket.name, key)
            return {}, garbage
        marker = ObjectRow(
            key=key,
            seq=next_seq(store, tx),
            version_id=new_version_id(bucket.versioning, ctx.cloud.ids.hex(32)),
            delete_marker=True,
            last_modified=ctx.cloud.clock.now(),
            owner=written_owner(ctx, bucket, None),
        )
        garbage = write_version(tx, bucket.name, bucket.versioning, marker)
        replication.queue(tx, ctx, bucket.name, key, marker.version_id, targets)
    replication.wake(ctx, targets)
    return {"DeleteMarker": True, "VersionId": marker.version_id}, garbage
