"""Applying lifecycle rules on the cloud clock: Expiration (Days, Date), expired delete
markers, NoncurrentVersionExpiration and AbortIncompleteMultipartUpload.

As S3 does, an object expires at the first midnight UTC after its creation plus the rule's
days. Each pass handles at most EXPIRED_PER_PASS items, so a huge bucket never stalls the
event loop; the next pass carries on. Every delete re-checks, in its own transaction, that
the version it read is still the one there (a PUT meanwhile wins)."""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING, Any

from pocketcloud.context import RequestContext
from pocketcloud.services.s3.buckets import Bucket, find_bucket
from pocketcloud.services.s3.lifecycle_config import DAY_S, LIFECYCLE
from pocketcloud.services.s3.lifecycle_transitions import transition_rule
from pocketcloud.services.s3.notifications import notify_expired
from pocketcloud.services.s3.object_lock import is_locked
from pocketcloud.services.s3.objects import delete_blobs
from pocketcloud.services.s3.rows import (
    ObjectRow,
    current_row,
    new_version_id,
    row_from,
    write_version,
)
from pocketcloud.services.s3.rule_filters import matches, rule_prefix
from pocketcloud.services.s3.schema import OBJECT_COLUMNS, key_bytes, s3_store
from pocketcloud.services.s3.seqs import next_seq

if TYPE_CHECKING:
    from pocketcloud.cloud import Cloud

log = logging.getLogger("pocketcloud.s3.lifecycle")
EXPIRED_PER_PASS = 10_000
_SCAN_BATCH = 1000


def run_lifecycle(cloud: Cloud) -> int:
    """One pass over every bucket with a lifecycle configuration; returns items removed."""
    ctx = RequestContext(cloud=cloud, request_id="lifecycle", account_id="", region="",
                         service="s3", operation="Lifecycle")  # fmt: skip
    with s3_store(ctx).read() as tx:
        configs = tx.fetchall(
            "SELECT bucket, document FROM s3_bucket_configs WHERE kind = ?", (LIFECYCLE,)
        )
    budget = EXPIRED_PER_PASS
    for name, document in configs:
        bucket = find_bucket(ctx, name)
        if bucket is None:
            continue
        ctx.account_id, ctx.region = bucket.account_id, bucket.region
        config = json.loads(document)
        for rule in config["Rules"]:
            if rule["Status"] == "Enabled" and budget > 0:
                budget -= _apply_rule(ctx, bucket, rule, budget)
                budget -= transition_rule(ctx, bucket, rule, config.get("MinimumSize", ""),
                                          rule_prefix(rule), matches, budget)  # fmt: skip
    return EXPIRED_PER_PASS - budget


def _midnight_cutoff(now: float, days: int) -> float:
    """Objects created at or before this instant have passed `days` (rounded to midnight)."""
    return (now // DAY_S) * DAY_S - days * DAY_S


def _apply_rule(ctx: RequestContext, bucket: Bucket, rule: dict[str, Any], budget: int) -> int:
    now = ctx.cloud.clock.now()
    done = 0
    expiration = rule.get("Expiration") or {}
    cutoff = None
    if expiration.get("Days"):
        cutoff = _midnight_cutoff(now, int(expiration["Days"]))
    elif expiration.get("Date") is not None and now >= float(expiration["Date"]):
        cutoff = now
    if cutoff is not None:
        done += _expire_current(ctx, bucket, rule, cutoff, budget)
    if expiration.get("ExpiredObjectDeleteMarker") and bucket.versioning:
        done += _expire_lone_markers(ctx, bucket, rule, budget - done)
    noncurrent = rule.get("NoncurrentVersionExpiration") or {}
    if noncurrent.get("NoncurrentDays") and budget > done:
        cutoff = _midnight_cutoff(now, int(noncurrent["NoncurrentDays"]))
        done += _expire_noncurrent(ctx, bucket, rule, cutoff, budget - done)
    abort = rule.get("AbortIncompleteMultipartUpload") or {}
    if abort.get("DaysAfterInitiation") and budget > done:
        cutoff = _midnight_cutoff(now, int(abort["DaysAfterInitiation"]))
        done += _abort_uploads(ctx, bucket, rule_prefix(rule), cutoff, budget - done)
    return done


def _key_range(prefix: str) -> tuple[bytes, bytes]:
    start = key_bytes(prefix)
    return start, start + b"\xff"


def _expire_current(
    ctx: RequestContext, bucket: Bucket, rule: dict[str, Any], cutoff: float, budget: int
) -> int:
    start, end = _key_range(rule_prefix(rule))
    done = 0
    after = start
    while done < budget:
        with s3_store(ctx).read() as tx:
            rows = [row_from(r) for r in tx.fetchall(
                f"SELECT {OBJECT_COLUMNS} FROM s3_objects WHERE bucket = ? AND key >= ? "
                "AND key < ? AND delete_marker = 0 AND last_modified <= ? ORDER BY key LIMIT ?",
                (bucket.name, after, end, cutoff, _SCAN_BATCH))]  # fmt: skip
        if not rows:
            break
        for row in rows:
            if done < budget and matches(rule, row) and _expire_object(ctx, bucket, row):
                done += 1
        after = key_bytes(rows[-1].key) + b"\x00"
    return done


def _expire_object(ctx: RequestContext, bucket: Bucket, row: ObjectRow) -> bool:
    store = s3_store(ctx)
    with store.write() as tx:
        current = current_row(tx, bucket.name, row.key)
        if current is None or current.seq != row.seq:
            return False  # replaced or deleted meanwhile
        if bucket.versioning:
            marker = ObjectRow(
                key=row.key, seq=next_seq(store, tx), delete_marker=True,
                last_modified=ctx.cloud.clock.now(),
                version_id=new_version_id(bucket.versioning, ctx.cloud.ids.hex(32)),
                owner=bucket.account_id,
            )  # fmt: skip
            garbage = write_version(tx, bucket.name, bucket.versioning, marker)
        else:
            tx.execute("DELETE FROM s3_objects WHERE bucket = ? AND key = ? AND seq = ?",
                       (bucket.name, key_bytes(row.key), row.seq))  # fmt: skip
            garbage = row.blob_ids
    delete_blobs(ctx, garbage)
    notify_expired(ctx, bucket, row.key, marker.version_id if bucket.versioning else None)
    return True


def _expire_noncurrent(
    ctx: RequestContext, bucket: Bucket, rule: dict[str, Any], cutoff: float, budget: int
) -> int:
    """Noncurrent versions whose successor was written before the cutoff."""
    start, end = _key_range(rule_prefix(rule))
    with s3_store(ctx).read() as tx:
        found = tx.fetchall(
            f"SELECT {', '.join('v.' + c.strip() for c in OBJECT_COLUMNS.split(','))} "
            "FROM s3_versions v WHERE v.bucket = ? AND v.key >= ? AND v.key < ? AND COALESCE("
            "(SELECT n.last_modified FROM s3_versions n WHERE n.bucket = v.bucket AND "
            "n.key = v.key AND n.seq > v.seq ORDER BY n.seq LIMIT 1), "
            "(SELECT o.last_modified FROM s3_objects o WHERE o.bucket = v.bucket AND "
            "o.key = v.key)) <= ? LIMIT ?",
            (bucket.name, start, end, cutoff, budget),
        )
    done = 0
    for values in found:
        row = row_from(values, is_latest=False)
        if not matches(rule, row):
            continue
        if bucket.object_lock and is_locked(row, ctx.cloud.clock.now()):
            continue  # Object Lock outranks lifecycle: the version stays until it is free
        with s3_store(ctx).write() as tx:
            removed = tx.fetchall(
                "DELETE FROM s3_versions WHERE bucket = ? AND key = ? AND seq = ? "
                "RETURNING blob_ids", (bucket.name, key_bytes(row.key), row.seq))  # fmt: skip
        delete_blobs(ctx, [b for (ids,) in removed for b in ids.split()])
        done += len(removed)
    return done


def _expire_lone_markers(
    ctx: RequestContext, bucket: Bucket, rule: dict[str, Any], budget: int
) -> int:
    """Delete markers that are current and have no older versions left."""
    start, end = _key_range(rule_prefix(rule))
    with s3_store(ctx).write() as tx:
        lone = tx.fetchall(
            "SELECT key, seq FROM s3_objects o WHERE bucket = ? AND key >= ? AND key < ? AND "
            "delete_marker = 1 AND NOT EXISTS (SELECT 1 FROM s3_versions v WHERE "
            "v.bucket = o.bucket AND v.key = o.key) LIMIT ?",
            (bucket.name, start, end, budget),
        )
        for key, seq in lone:
            tx.execute("DELETE FROM s3_objects WHERE bucket = ? AND key = ? AND seq = ?",
                       (bucket.name, key, seq))  # fmt: skip
    return len(lone)


def _abort_uploads(
    ctx: RequestContext, bucket: Bucket, prefix: str, cutoff: float, budget: int
) -> int:
    start, end = _key_range(prefix)
    with s3_store(ctx).write() as tx:
        uploads = tx.fetchall(
            "SELECT upload_id FROM s3_uploads WHERE bucket = ? AND key >= ? AND key < ? "
            "AND initiated <= ? LIMIT ?", (bucket.name, start, end, cutoff, budget))  # fmt: skip
        parts: list[str] = []
        for (upload_id,) in uploads:
            parts += [
                b
                for (b,) in tx.fetchall(
                    "DELETE FROM s3_parts WHERE upload_id = ? RETURNING blob_id", (upload_id,)
                )
            ]
            tx.execute("DELETE FROM s3_uploads WHERE upload_id = ?", (upload_id,))
    delete_blobs(ctx, parts)
    if uploads:
        log.info("lifecycle aborted %d uploads in %s", len(uploads), bucket.name)
    return len(uploads)
