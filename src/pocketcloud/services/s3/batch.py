"""DeleteObjects: up to 1,000 keys in one request, each answered on its own."""

from __future__ import annotations

import base64
import hashlib
from typing import Any

from pocketcloud.context import RequestContext
from pocketcloud.errors import AwsError
from pocketcloud.services.s3.buckets import require_bucket
from pocketcloud.services.s3.checksums import CHECKSUM_HEADERS
from pocketcloud.services.s3.notifications import notify_removed
from pocketcloud.services.s3.object_lock import may_bypass
from pocketcloud.services.s3.objects import bypass_governance, delete_blobs, remove_object
from pocketcloud.services.s3.rows import VERSION_ID_RE, no_such_version

DELETE_KEYS_MAX = 1000


def _require_integrity_header(ctx: RequestContext, params: dict[str, Any]) -> None:
    headers = ctx.request.headers if ctx.request is not None else {}
    # botocore's DeleteObjects shape has no ContentMD5 member any more, but clients (the MinIO
    # SDK, older AWS SDKs) still send the header: read it from the request
    content_md5 = params.get("ContentMD5") or headers.get("content-md5")
    if content_md5 is None and not any(h in headers for h in CHECKSUM_HEADERS):
        raise AwsError(
            "InvalidRequest",
            "Missing required header for this request: Content-MD5 OR x-amz-checksum-*",
        )
    if content_md5 is not None and ctx.request is not None:
        calculated = base64.b64encode(hashlib.md5(ctx.request.body).digest()).decode()
        if calculated != content_md5:
            raise AwsError(
                "BadDigest", "The Content-MD5 you specified did not match what we received."
            )


def delete_objects(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    bucket = require_bucket(ctx, params["Bucket"])
    _require_integrity_header(ctx, params)
    request = params.get("Delete") or {}
    objects = request.get("Objects") or []
    if not objects or len(objects) > DELETE_KEYS_MAX:
        raise AwsError("MalformedXML", "The XML you provided was not well-formed or did not "
                       "validate against our published schema")  # fmt: skip
    quiet = bool(request.get("Quiet"))
    bypass = bypass_governance(bucket, params)
    deleted: list[dict[str, Any]] = []
    errors: list[dict[str, Any]] = []
    for item in objects:
        key = item.get("Key", "")
        version_id = item.get("VersionId")
        try:
            if version_id is not None and not VERSION_ID_RE.fullmatch(version_id):
                raise no_such_version(key, version_id)  # not DeleteObject's InvalidArgument
            answer, garbage = remove_object(
                ctx, bucket, key, version_id, _conditions(item),
                bypass and may_bypass(ctx, bucket.name, key),
            )
        except AwsError as error:
            failed = {"Key": key, "Code": error.code, "Message": error.message}
            if version_id:
                failed["VersionId"] = version_id
            errors.append(failed)
            continue
        delete_blobs(ctx, garbage)
        notify_removed(ctx, bucket, key, version_id, answer)
        if quiet:
            continue
        entry: dict[str, Any] = {"Key": key}
        if version_id:
            entry["VersionId"] = version_id
            if answer.get("DeleteMarker"):  # a delete marker deleted by its version id
                entry.update(DeleteMarker=True, DeleteMarkerVersionId=version_id)
        elif answer.get("DeleteMarker"):
            entry.update(DeleteMarker=True, DeleteMarkerVersionId=answer["VersionId"])
        deleted.append(entry)
    result: dict[str, Any] = {}
    if deleted:
        result["Deleted"] = deleted
    if errors:
        result["Errors"] = errors
    return result


def _conditions(item: dict[str, Any]) -> dict[str, Any] | None:
    etag = item.get("ETag")
    return {"IfMatch": etag} if etag else None
