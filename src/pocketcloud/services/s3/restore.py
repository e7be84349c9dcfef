"""Archived objects (GLACIER, DEEP_ARCHIVE) and RestoreObject.

An archived object's bytes cannot be read (GetObject, CopyObject and UploadPartCopy answer
403 InvalidObjectState) until a restore has made a temporary copy. A restore takes a fixed
time per tier, the slowest S3 documents (below), on the cloud's clock; the copy then stays
readable for the requested Days, until the midnight UTC after. GLACIER_IR is read directly.

The restore's state lives in the version's stored headers (RESTORE_STATE: when the copy is
ready, when it expires), so it is as durable as the row and costs a read nothing extra; it
is worked out against the clock whenever asked, so no job has to complete it. HeadObject and
GetObject report it as S3 does, in `x-amz-restore`.
"""

from __future__ import annotations

import math
from email.utils import formatdate
from typing import Any

from pocketcloud.context import RequestContext
from pocketcloud.errors import AwsError
from pocketcloud.protocol.http import STATUS_OVERRIDE
from pocketcloud.services.s3.buckets import require_bucket
from pocketcloud.services.s3.lifecycle_config import DAY_S
from pocketcloud.services.s3.notifications import emit
from pocketcloud.services.s3.restore_events import schedule
from pocketcloud.services.s3.rows import ObjectRow, update_headers, version_row
from pocketcloud.services.s3.schema import s3_store
from pocketcloud.services.s3.versioning import malformed_xml

ARCHIVED_CLASSES = frozenset({"GLACIER", "DEEP_ARCHIVE"})
RESTORE_STATE = "RestoreState"  # {"ready": epoch s, "expiry": epoch s}
MINUTE_S = 60
HOUR_S = 3600
# S3's documented retrieval times, the upper end of each range: Expedited 1-5 minutes,
# Standard 3-5 hours, Bulk 5-12 hours (GLACIER); Standard within 12 hours, Bulk within
# 48 hours (DEEP_ARCHIVE, which has no Expedited tier).
TIER_TIMES_S = {
    "GLACIER": {"Expedited": 5 * MINUTE_S, "Standard": 5 * HOUR_S, "Bulk": 12 * HOUR_S},
    "DEEP_ARCHIVE": {"Standard": 12 * HOUR_S, "Bulk": 48 * HOUR_S},
}
RESTORE_DAYS_MAX = 30_000  # keeps the expiry a representable date


def restore_object(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    from pocketcloud.services.s3.objects import find_object  # objects imports this module

    bucket = require_bucket(ctx, params["Bucket"])
    request = params.get("RestoreRequest") or {}
    if request.get("Type") == "SELECT":
        raise AwsError("NotImplemented", "pocketcloud does not implement S3 Select restores.",
                       501, sender_fault=False)  # fmt: skip
    row = find_object(ctx, bucket, params)
    if row.storage_class not in ARCHIVED_CLASSES:
        raise AwsError("InvalidObjectState",
                       "Restore is not allowed for the object's current storage class", 403,
                       fields={"StorageClass": row.storage_class})  # fmt: skip
    days = _days(request)
    duration_s = _tier_time_s(row.storage_class, request)
    now = ctx.cloud.clock.now()
    with s3_store(ctx).write() as tx:
        current = version_row(tx, bucket.name, row.key, row.version_id)
        if current is None:
            raise AwsError("NoSuchKey", "The specified key does not exist.", 404,
                           fields={"Key": row.key})  # fmt: skip
        state = _state(current, now)
        if state == "ongoing":
            raise AwsError("RestoreAlreadyInProgress", "Object restore is already in progress",
                           409)  # fmt: skip
        ready = float(current.headers[RESTORE_STATE]["ready"]) if state else now + duration_s
        restore = {"ready": ready, "expiry": _expiry_s(max(ready, now), days)}
        update_headers(tx, bucket.name, row.key, row.version_id,
                       {**current.headers, RESTORE_STATE: restore})  # fmt: skip
        schedule(tx, bucket.name, row.key, row.version_id, None if state else ready,
                 restore["expiry"])  # fmt: skip
    if not state:  # a restore begins (the object's size and ETag, as for a write)
        emit(ctx, bucket, "ObjectRestore:Post", row.key, size=row.size, etag=row.etag,
             version_id=row.version_id if bucket.versioning else None,
             restore={"source-storage-class": row.storage_class})
    # 202 Accepted for a new restore; 200 OK when a restored copy exists (its days renewed)
    return {STATUS_OVERRIDE: 200 if state else 202}


def check_readable(ctx: RequestContext, row: ObjectRow) -> None:
    """An archived object's bytes are readable only from a restored copy."""
    if row.storage_class in ARCHIVED_CLASSES and _state(row, ctx.cloud.clock.now()) != "ready":
        raise AwsError("InvalidObjectState",
                       "The operation is not valid for the object's storage class", 403,
                       fields={"StorageClass": row.storage_class})  # fmt: skip


def add_restore(ctx: RequestContext, row: ObjectRow, result: dict[str, Any]) -> None:
    """The `x-amz-restore` header of HeadObject/GetObject, while a restore is current."""
    if RESTORE_STATE not in row.headers:
        return
    state = _state(row, ctx.cloud.clock.now())
    if state == "ongoing":
        result["Restore"] = 'ongoing-request="true"'
    elif state == "ready":
        expiry = formatdate(float(row.headers[RESTORE_STATE]["expiry"]), usegmt=True)
        result["Restore"] = f'ongoing-request="false", expiry-date="{expiry}"'


def without_restore(headers: dict[str, Any]) -> dict[str, Any]:
    """A copy's headers: a restore belongs to the archived version, not to its copies."""
    return {name: value for name, value in headers.items() if name != RESTORE_STATE}


def _state(row: ObjectRow, now: float) -> str:
    """"" (no restored copy, or it expired), "ongoing" or "ready"."""
    restore = row.headers.get(RESTORE_STATE)
    if not restore or now >= float(restore["expiry"]):
        return ""
    return "ongoing" if now < float(restore["ready"]) else "ready"


def _days(request: dict[str, Any]) -> int:
    days = request.get("Days")
    if days is None:
        raise malformed_xml()  # an archive restore must say how long to keep the copy
    if not 1 <= int(days) <= RESTORE_DAYS_MAX:
        raise AwsError("InvalidArgument", "The Days element must be a positive integer",
                       fields={"ArgumentName": "Days", "ArgumentValue": str(days)})  # fmt: skip
    return int(days)


def _tier_time_s(storage_class: str, request: dict[str, Any]) -> int:
    tier = (request.get("GlacierJobParameters") or {}).get("Tier") or request.get("Tier")
    tier = tier or "Standard"
    times = TIER_TIMES_S[storage_class]
    if tier not in times:
        raise AwsError("InvalidArgument", f"The {tier} tier is not supported for the "
                       f"{storage_class} storage class",
                       fields={"ArgumentName": "Tier", "ArgumentValue": str(tier)})  # fmt: skip
    return times[tier]


def _expiry_s(ready_s: float, days: int) -> float:
    """S3 keeps the copy `days` after the restore completes, to the next midnight UTC."""
    return float(math.ceil((ready_s + days * DAY_S) / DAY_S) * DAY_S)
