"""Multipart uploads: create, upload part (streamed) and part copy, complete, abort (the
listings are in upload_listing.py).

Completing an upload copies no bytes: the object's row lists the chosen parts' blobs in order
(`blob_ids`, `part_sizes`) and GetObject streams them one after another. Parts not chosen are
deleted once the completion commits.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from pocketcloud.context import RequestContext
from pocketcloud.errors import AwsError
from pocketcloud.services.s3.acl_store import acl_for_write, apply_upload_acl, save_upload_acl
from pocketcloud.services.s3.buckets import Bucket, require_bucket
from pocketcloud.services.s3.checksums import (
    CHECKSUM_MEMBERS,
    DEFAULT_PART_CRC,
    b64,
    crc64nvme,
    new_hasher,
)
from pocketcloud.services.s3.conditions import copy_source_window
from pocketcloud.services.s3.copying import copy_bytes, find_copy_source
from pocketcloud.services.s3.encryption import object_encryption, reported
from pocketcloud.services.s3.lifecycle_expiry import add_expiration
from pocketcloud.services.s3.multipart_checksums import completed_checksum, upload_checksum
from pocketcloud.services.s3.notifications import notify_created
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
from pocketcloud.services.s3.rows import ObjectRow, new_version_id
from pocketcloud.services.s3.schema import key_bytes, s3_store
from pocketcloud.services.s3.upload import body_unread_closes_connection, receive_body
from pocketcloud.store import Tx

PART_NUMBER_MAX = 10_000
PART_SIZE_MIN_BYTES = 5 * 1024 * 1024


def _no_such_upload(upload_id: str) -> AwsError:
    return AwsError(
        "NoSuchUpload",
        "The specified upload does not exist. The upload ID may be invalid, or the upload may "
        "have been aborted or completed.",
        404,
        fields={"UploadId": upload_id},
    )


def find_upload(tx: Tx, bucket: str, key: str, upload_id: str) -> tuple[Any, ...]:
    row = tx.fetchone(
        "SELECT storage_class, headers, metadata, checksum, tags, owner, initiated, "
        "object_owner "
        "FROM s3_uploads WHERE upload_id = ? AND bucket = ? AND key = ?",
        (upload_id, bucket, key_bytes(key)),
    )
    if row is None:
        raise _no_such_upload(upload_id)
    return row


def create_multipart_upload(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    bucket = require_bucket(ctx, params["Bucket"])
    key = params["Key"]
    validate_key(key)
    storage_class = requested_storage_class(params.get("StorageClass"))
    checksum = upload_checksum(params)
    headers = stored_headers(params)
    headers.update(object_encryption(ctx, bucket, params))
    owner = written_owner(ctx, bucket, params.get("ACL"))  # fixed as the upload starts
    grants = acl_for_write(ctx, bucket, params, owner)
    upload_id = ctx.cloud.ids.hex(48)
    with s3_store(ctx).write() as tx:
        tx.execute(
            "INSERT INTO s3_uploads (upload_id, bucket, key, initiated, storage_class, headers, "
            "metadata, checksum, tags, owner, object_owner) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (upload_id, bucket.name, key_bytes(key), ctx.cloud.clock.now(),
             storage_class, json.dumps(headers),
             json.dumps(user_metadata(params)), json.dumps(checksum),
             json.dumps(tags_from_header(params.get("Tagging"))), ctx.account_id, owner),
        )  # fmt: skip
    save_upload_acl(ctx, upload_id, grants)
    result = {"Bucket": bucket.name, "Key": key, "UploadId": upload_id, **reported(headers)}
    if checksum:
        result.update(ChecksumAlgorithm=checksum["Algorithm"], ChecksumType=checksum["Type"])
    return result


def _part_number(params: dict[str, Any]) -> int:
    number = int(params["PartNumber"])
    if not 1 <= number <= PART_NUMBER_MAX:
        raise AwsError("InvalidArgument", "Part number must be an integer between 1 and 10000, "
                       "inclusive", fields={"ArgumentName": "partNumber",
                                            "ArgumentValue": str(number)})  # fmt: skip
    return number


def _store_part(
    ctx: RequestContext, bucket: Bucket, params: dict[str, Any], number: int, blob: Any,
    checksum: dict[str, str],
) -> float:  # fmt: skip
    """Store the part; returns its LastModified."""
    now = ctx.cloud.clock.now()
    try:
        with s3_store(ctx).write() as tx:
            find_upload(tx, bucket.name, params["Key"], params["UploadId"])
            old = tx.fetchvalue(
                "SELECT blob_id FROM s3_parts WHERE upload_id = ? AND part_number = ?",
                (params["UploadId"], number),
            )
            tx.execute(
                "INSERT INTO s3_parts (upload_id, part_number, blob_id, size, etag, "
                "last_modified, checksum) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT "
                "(upload_id, part_number) DO UPDATE SET blob_id = excluded.blob_id, "
                "size = excluded.size, etag = excluded.etag, "
                "last_modified = excluded.last_modified, checksum = excluded.checksum",
                (params["UploadId"], number, blob.blob_id, blob.size_bytes,
                 f'"{blob.md5_hex}"', now, json.dumps(checksum)),
            )  # fmt: skip
    except BaseException:
        ctx.cloud.store.blobs.delete(blob.blob_id)
        raise
    if old:
        ctx.cloud.store.blobs.delete(old)
    return now


async def upload_part(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    with body_unread_closes_connection():
        bucket = require_bucket(ctx, params["Bucket"])
        number = _part_number(params)
        with s3_store(ctx).read() as tx:
            upload = find_upload(tx, bucket.name, params["Key"], params["UploadId"])
        expected = json.loads(upload[3]).get("Algorithm")
        received = await receive_body(ctx, bucket.region, params, with_crc64nvme=not expected)
    if expected and received.algorithm != expected:
        ctx.cloud.store.blobs.delete(received.blob.blob_id)
        raise _type_mismatch(expected, received.algorithm)
    checksum = {}
    if received.algorithm:
        checksum = {CHECKSUM_MEMBERS[received.algorithm]: received.checksum}
    stored = checksum
    if not expected:  # S3's default: the part's CRC64NVME, answered when it named none
        stored = {**checksum, DEFAULT_PART_CRC: received.crc64nvme}
        checksum = checksum or {"ChecksumCRC64NVME": received.crc64nvme}
    _store_part(ctx, bucket, params, number, received.blob, stored)
    return {"ETag": received.etag, **checksum, **reported(json.loads(upload[1]))}


def _type_mismatch(expected: str, actual: str | None) -> AwsError:
    """A part of an upload created with a checksum algorithm must carry that algorithm's."""
    return AwsError("InvalidRequest", "Checksum Type mismatch occurred, expected checksum "
                    f"Type: {expected.lower()}, actual checksum Type: "
                    f"{(actual or 'null').lower()}")


async def upload_part_copy(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    bucket = require_bucket(ctx, params["Bucket"])
    number = _part_number(params)
    with s3_store(ctx).read() as tx:
        upload = find_upload(tx, bucket.name, params["Key"], params["UploadId"])
    _, source, version_id = find_copy_source(ctx, params)
    first, length = 0, source.size
    if params.get("CopySourceRange"):
        first, length = copy_source_window(params["CopySourceRange"], source.size)
    algorithm = json.loads(upload[3]).get("Algorithm")  # the copied part gets the upload's
    hasher = new_hasher(algorithm) if algorithm else crc64nvme()  # else S3's default
    blob = await copy_bytes(ctx, source, bucket.region, first, length, hasher=hasher)
    checksum = {CHECKSUM_MEMBERS[algorithm]: b64(hasher.digest())} if algorithm else {}
    stored = checksum or {DEFAULT_PART_CRC: b64(hasher.digest())}
    stored_s = _store_part(ctx, bucket, params, number, blob, stored)
    result: dict[str, Any] = {"CopyPartResult": {  # S3 shows whole seconds
        "ETag": f'"{blob.md5_hex}"', "LastModified": int(stored_s), **checksum}}
    if version_id:
        result["CopySourceVersionId"] = version_id
    return result


def complete_multipart_upload(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    bucket = require_bucket(ctx, params["Bucket"])
    key, upload_id = params["Key"], params["UploadId"]
    document = params.get("MultipartUpload")
    if document is None:  # no body at all
        raise AwsError("MalformedXML", "The XML you provided was not well-formed or did not "
                       "validate against our published schema")  # fmt: skip
    requested = document.get("Parts") or []
    if not requested:  # <CompleteMultipartUpload/>
        raise AwsError("InvalidRequest", "You must specify at least one part")
    with s3_store(ctx).read() as tx:
        upload = find_upload(tx, bucket.name, key, upload_id)
        stored = {
            number: (blob_id, size, etag, checksum)
            for number, blob_id, size, etag, checksum in tx.fetchall(
                "SELECT part_number, blob_id, size, etag, checksum FROM s3_parts "
                "WHERE upload_id = ?",
                (upload_id,),
            )
        }
    chosen = _validate_parts(requested, stored, upload_id)
    storage_class, headers, metadata, checksum_json, tags, initiator, _, owner = upload
    checksum = completed_checksum(json.loads(checksum_json), params, requested, chosen, stored)
    md5s = b"".join(bytes.fromhex(stored[n][2].strip('"')) for n in chosen)
    row = ObjectRow(
        key=key,
        version_id=new_version_id(bucket.versioning, ctx.cloud.ids.hex(32)),
        blob_ids=[stored[n][0] for n in chosen],
        part_sizes=[stored[n][1] for n in chosen],
        size=sum(stored[n][1] for n in chosen),
        etag=f'"{hashlib.md5(md5s, usedforsecurity=False).hexdigest()}-{len(chosen)}"',
        last_modified=ctx.cloud.clock.now(),
        storage_class=storage_class,
        headers=json.loads(headers),
        metadata=json.loads(metadata),
        checksum=checksum,
        tags=json.loads(tags),
        owner=owner or initiator,  # the initiator's, unless Object Ownership gave it away
    )
    garbage = commit_object(ctx, bucket, row, params, finishing_upload=upload_id)
    unused = [blob_id for n, (blob_id, *_) in stored.items() if n not in set(chosen)]
    delete_blobs(ctx, garbage + unused)
    apply_upload_acl(ctx, bucket, row, upload_id)
    result: dict[str, Any] = {
        "Location": f"/{bucket.name}/{key}", "Bucket": bucket.name, "Key": key,
        "ETag": row.etag, **row.checksum, **reported(row.headers),
    }  # fmt: skip
    if bucket.versioning == "Enabled":  # a suspended write's null id goes unsaid
        result["VersionId"] = row.version_id
    add_expiration(ctx, bucket.name, row, result)
    notify_created(ctx, bucket, "ObjectCreated:CompleteMultipartUpload", row)
    return result


def _validate_parts(
    requested: list[dict[str, Any]], stored: dict[int, tuple[Any, ...]], upload_id: str
) -> list[int]:
    numbers = [int(part.get("PartNumber") or 0) for part in requested]
    if any(later <= earlier for earlier, later in zip(numbers, numbers[1:], strict=False)):
        raise AwsError("InvalidPartOrder", "The list of parts was not in ascending order. "
                       "Parts must be ordered by part number.",
                       fields={"UploadId": upload_id})  # fmt: skip
    for number, part in zip(numbers, requested, strict=True):
        found = stored.get(number)
        etag = (part.get("ETag") or "").strip().strip('"')
        if found is None or etag != found[2].strip('"'):
            raise AwsError(
                "InvalidPart",
                "One or more of the specified parts could not be found.  The part may not have "
                "been uploaded, or the specified entity tag may not match the part's entity tag.",
                fields={"UploadId": upload_id, "PartNumber": str(number), "ETag": etag},
            )
    for number in numbers[:-1]:
        size, etag = stored[number][1], stored[number][2]
        if size < PART_SIZE_MIN_BYTES:
            raise AwsError(
                "EntityTooSmall",
                "Your proposed upload is smaller than the minimum allowed size",
                fields={"ProposedSize": str(size), "MinSizeAllowed": str(PART_SIZE_MIN_BYTES),
                        "PartNumber": str(number), "ETag": etag.strip('"')},
            )  # fmt: skip
    return numbers


def abort_multipart_upload(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    bucket = require_bucket(ctx, params["Bucket"])
    upload_id = params["UploadId"]
    with s3_store(ctx).write() as tx:
        find_upload(tx, bucket.name, params["Key"], upload_id)
        parts = tx.fetchall("DELETE FROM s3_parts WHERE upload_id = ? RETURNING blob_id",
                            (upload_id,))  # fmt: skip
        tx.execute("DELETE FROM s3_uploads WHERE upload_id = ?", (upload_id,))
    delete_blobs(ctx, [blob_id for (blob_id,) in parts])
    return {}
