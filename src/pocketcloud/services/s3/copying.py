"""Copy sources (`x-amz-copy-source`), and copying bytes into a new blob of the target's
region: CopyObject and UploadPartCopy. Copying across buckets and regions is allowed, since a
copy is the user's explicit request to move bytes."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from pocketcloud.context import RequestContext
from pocketcloud.errors import AwsError
from pocketcloud.services.s3.access import access_denied
from pocketcloud.services.s3.acl_store import acl_for_write, save_object_acl
from pocketcloud.services.s3.buckets import Bucket, require_bucket
from pocketcloud.services.s3.checksums import (
    CHECKSUM_MEMBERS,
    PART_CHECKSUMS,
    Hasher,
    b64,
    new_hasher,
)
from pocketcloud.services.s3.conditions import check_copy_source_conditions
from pocketcloud.services.s3.encryption import (
    AES256,
    has_default_encryption,
    object_encryption,
    reported,
    without_encryption,
)
from pocketcloud.services.s3.inline import is_inline, read_inline
from pocketcloud.services.s3.lifecycle_expiry import add_expiration
from pocketcloud.services.s3.notifications import notify_created
from pocketcloud.services.s3.object_lock import LOCK_HEADERS, without_lock
from pocketcloud.services.s3.objects import (
    commit_object,
    delete_blobs,
    requested_storage_class,
    stored_headers,
    tags_from_header,
    user_metadata,
    validate_key,
)
from pocketcloud.services.s3.ownership import written_owner
from pocketcloud.services.s3.restore import check_readable, without_restore
from pocketcloud.services.s3.rows import (
    ObjectRow,
    check_version_id,
    current_row,
    new_version_id,
    no_such_key,
    no_such_version,
    version_row,
)
from pocketcloud.services.s3.schema import s3_store
from pocketcloud.services.s3.upload import DEFAULT_ALGORITHM, requested_algorithm
from pocketcloud.store import BlobInfo

COPY_SIZE_MAX_BYTES = 5 * 1024**3
COPY_CHUNK_BYTES = 1024 * 1024


def parse_copy_source(text: str) -> tuple[str, str, str | None]:
    """`bucket/key[?versionId=v]` (URL-encoded, maybe a leading `/`) -> parts."""
    source, _, query = text.partition("?")
    bucket, slash, key = unquote(source.lstrip("/")).partition("/")
    version_id = None
    if query.startswith("versionId="):
        version_id = unquote(query[len("versionId=") :])
    if not bucket or not slash or not key:
        raise AwsError(
            "InvalidArgument", "Invalid copy source object key",
            fields={"ArgumentName": "x-amz-copy-source", "ArgumentValue": text},
        )  # fmt: skip
    return bucket, key, version_id


def find_copy_source(
    ctx: RequestContext, params: dict[str, Any]
) -> tuple[Bucket, ObjectRow, str | None]:
    """The source object a copy names, after its x-amz-copy-source-if-* conditions."""
    bucket_name, key, version_id = parse_copy_source(params["CopySource"])
    bucket = require_bucket(ctx, bucket_name, same_region=False)
    if version_id is not None:
        check_version_id(version_id)
    _check_source_readable(ctx, bucket_name, key, version_id)
    with s3_store(ctx).read() as tx:
        if version_id is None:
            row = current_row(tx, bucket.name, key)
        else:
            row = version_row(tx, bucket.name, key, version_id)
    if row is None or (row.delete_marker and version_id is None):
        raise no_such_version(key, version_id) if version_id else no_such_key(key)
    if row.delete_marker:
        raise AwsError("InvalidRequest", "The source of a copy request may not specifically "
                       "refer to a delete marker by version id.")  # fmt: skip
    now_s = ctx.cloud.clock.now()
    check_copy_source_conditions(params, row.etag, row.last_modified, now_s)
    check_readable(ctx, row)  # an archived source must be restored first
    return bucket, row, version_id


def _check_source_readable(
    ctx: RequestContext, bucket: str, key: str, version_id: str | None
) -> None:
    """A copy reads its source: with IAM enforcing, the caller needs s3:GetObject(Version) on
    it too (the gateway authorized only the write), in its owner's context."""
    if ctx.cloud.settings.iam != "enforce" or ctx.caller is None:
        return
    from pocketcloud.gateway.authorization import decide
    from pocketcloud.iam.actions import Target

    action = "s3:GetObjectVersion" if version_id else "s3:GetObject"
    params = {"VersionId": version_id} if version_id else {}
    if not decide(ctx, Target(action, [f"arn:aws:s3:::{bucket}/{key}"], {}, params=params)).allowed:
        raise access_denied()


def _segments(paths: list[Path], sizes: list[int], first: int, length: int) -> Iterator[bytes]:
    position = 0
    end = first + length
    for path, size in zip(paths, sizes, strict=True):
        stop = position + size
        if stop > first and position < end:
            with open(path, "rb") as file:
                file.seek(max(first - position, 0))
                remaining = min(stop, end) - max(first, position)
                while remaining > 0:
                    chunk = file.read(min(COPY_CHUNK_BYTES, remaining))
                    if not chunk:
                        raise AwsError("InternalError", "The copy source's bytes are missing.", 500)
                    remaining -= len(chunk)
                    yield chunk
        position = stop


def _hashed(chunks: Iterable[bytes], hasher: Hasher) -> Iterator[bytes]:
    for chunk in chunks:
        hasher.update(chunk)
        yield chunk


async def copy_bytes(
    ctx: RequestContext,
    row: ObjectRow,
    region: str,
    first: int = 0,
    length: int | None = None,
    hasher: Hasher | None = None,
) -> BlobInfo:
    """Copy `length` bytes of `row` from `first` into a new blob in `region` (off the loop),
    feeding them to `hasher` if one is given."""
    blobs = ctx.cloud.store.blobs
    count = row.size - first if length is None else length
    chunks: Iterable[bytes]
    if is_inline(row.blob_ids):
        data = read_inline(ctx.cloud.store, row.blob_ids[0])
        if data is None:
            raise AwsError("InternalError", "The copy source's bytes are missing.", 500)
        chunks = [data[first : first + count]]
    else:
        paths = [blobs.path(blob_id) for blob_id in row.blob_ids]
        chunks = _segments(paths, row.part_sizes or [row.size], first, count)
    if hasher is not None:
        chunks = _hashed(chunks, hasher)
    return await asyncio.to_thread(blobs.put, region, chunks)


_DIRECTIVES = {"MetadataDirective": "metadata", "TaggingDirective": "tagging"}


def _check_directives(params: dict[str, Any]) -> None:
    for member, what in _DIRECTIVES.items():
        value = params.get(member)
        if value is not None and value not in ("COPY", "REPLACE"):
            raise AwsError("InvalidArgument", f"Unknown {what} directive.",
                           fields={"ArgumentName": f"x-amz-{what}-directive",
                                   "ArgumentValue": value})  # fmt: skip


# Naming any of these lets a copy onto itself through, even with the source's own value
# (LocalStack's AWS recordings: test_s3_copy_object_in_place_storage_class, ..._website_
# redirect_location, ..._with_encryption); an ACL alone does not (test_s3_copy_object_in_place).
_IN_PLACE_CHANGES = ("StorageClass", "WebsiteRedirectLocation", "ServerSideEncryption",
                     "SSECustomerAlgorithm", "ChecksumAlgorithm")  # fmt: skip


def _same_object_unchanged(
    ctx: RequestContext, params: dict[str, Any], bucket: Bucket, source_bucket: Bucket,
    source: ObjectRow,
) -> bool:  # fmt: skip
    """A copy onto itself that changes nothing, which S3 refuses. A source encrypted other
    than with SSE-S3 changes (the copy falls back to SSE-S3), and so does any copy in a
    bucket with a default-encryption configuration (test_copy_in_place_with_bucket_encryption)."""
    if source_bucket.name != bucket.name or source.key != params["Key"]:
        return False
    return not (
        params.get("MetadataDirective") == "REPLACE"
        or any(params.get(member) for member in _IN_PLACE_CHANGES)
        or bucket.versioning
        or source.headers.get("ServerSideEncryption") not in (None, AES256)
        or has_default_encryption(ctx, bucket)
    )


def _recomputed_algorithm(source: ObjectRow) -> str:
    """A COMPOSITE checksum describes the source's parts, not a copy made in one piece: the
    copy gets a FULL_OBJECT checksum of the same algorithm, computed as the bytes pass. A
    source without any checksum (stored before S3's default) gets the default CRC64NVME."""
    if not any(member in source.checksum for member in CHECKSUM_MEMBERS.values()):
        return DEFAULT_ALGORITHM
    if source.checksum.get("ChecksumType") != "COMPOSITE":
        return ""
    return next((name for name, member in CHECKSUM_MEMBERS.items()
                 if member in source.checksum), "")  # fmt: skip


async def copy_object(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    bucket = require_bucket(ctx, params["Bucket"])
    validate_key(params["Key"])
    _check_directives(params)
    # a copy is STANDARD unless it names a class: the source's is not kept (LocalStack's AWS
    # recording test_s3_copy_object_storage_class)
    storage_class = requested_storage_class(params.get("StorageClass"))
    source_bucket, source, version_id = find_copy_source(ctx, params)
    if _same_object_unchanged(ctx, params, bucket, source_bucket, source):
        raise AwsError(
            "InvalidRequest",
            "This copy request is illegal because it is trying to copy an object to itself "
            "without changing the object's metadata, storage class, website redirect location "
            "or encryption attributes.",
        )
    if source.size > COPY_SIZE_MAX_BYTES:
        raise AwsError("InvalidRequest", "The specified copy source is larger than the maximum "
                       f"allowable size for a copy source: {COPY_SIZE_MAX_BYTES}")  # fmt: skip
    replace = params.get("MetadataDirective", "COPY") == "REPLACE"
    headers = stored_headers(params) if replace else without_lock(source.headers)
    headers = without_restore(without_encryption(headers))
    headers.update(object_encryption(ctx, bucket, params))
    headers.pop("ReplicationStatus", None)  # a copy is a new object: replication decides anew
    if not replace:  # the request's own lock settings apply to the copy
        requested = stored_headers(params)
        headers.update((n, requested[n]) for n in LOCK_HEADERS if n in requested)
    metadata = user_metadata(params) if replace else dict(source.metadata)
    tags = (
        tags_from_header(params.get("Tagging"))
        if params.get("TaggingDirective") == "REPLACE"
        else dict(source.tags)
    )
    owner = written_owner(ctx, bucket, params.get("ACL"))  # the copier, not the source's
    grants = acl_for_write(ctx, bucket, params, owner)
    algorithm = requested_algorithm(params, {}) or _recomputed_algorithm(source)
    hasher = new_hasher(algorithm) if algorithm else None
    blob = await copy_bytes(ctx, source, bucket.region, hasher=hasher)
    checksum = {n: v for n, v in source.checksum.items() if n != PART_CHECKSUMS}
    if hasher is not None:  # the checksum asked for (or recomputed) in place of the source's
        checksum = {
            CHECKSUM_MEMBERS[algorithm]: b64(hasher.digest()),
            "ChecksumType": "FULL_OBJECT",
        }
    row = ObjectRow(
        key=params["Key"],
        version_id=new_version_id(bucket.versioning, ctx.cloud.ids.hex(32)),
        blob_ids=[blob.blob_id],
        size=blob.size_bytes,
        etag=f'"{blob.md5_hex}"',
        last_modified=ctx.cloud.clock.now(),
        storage_class=storage_class,
        headers=headers,
        metadata=metadata,
        checksum=checksum,
        tags=tags,
        owner=owner,
    )
    try:
        garbage = commit_object(ctx, bucket, row, params)
    except BaseException:
        ctx.cloud.store.blobs.delete(blob.blob_id)
        raise
    delete_blobs(ctx, garbage)
    save_object_acl(ctx, bucket, row, grants)
    copied: dict[str, Any] = {"ETag": row.etag, "LastModified": int(row.last_modified)}
    copied.update(checksum)
    result: dict[str, Any] = {"CopyObjectResult": copied}
    if version_id or source_bucket.versioning:
        result["CopySourceVersionId"] = source.version_id
    if bucket.versioning == "Enabled":  # a suspended write's null id goes unsaid
        result["VersionId"] = row.version_id
    result.update(reported(headers))
    add_expiration(ctx, bucket.name, row, result)
    notify_created(ctx, bucket, "ObjectCreated:Copy", row)
    return result
