"""Lifecycle Transitions: a current object moves to the storage class of the latest
transition that is due (Days rounded to midnight UTC, or a Date), as S3 reports it in
HeadObject/ListObjects. By default (TransitionDefaultMinimumObjectSize
all_storage_classes_128K) objects under 128 KiB are not transitioned, as on AWS."""

from __future__ import annotations

from typing import Any

from pocketcloud.context import RequestContext
from pocketcloud.services.s3.buckets import Bucket
from pocketcloud.services.s3.lifecycle_config import DAY_S, DEFAULT_MINIMUM_SIZE
from pocketcloud.services.s3.notifications import notify_transitioned
from pocketcloud.services.s3.rows import row_from
from pocketcloud.services.s3.schema import OBJECT_COLUMNS, key_bytes, s3_store

SMALL_OBJECT_BYTES = 128 * 1024
_SCAN_BATCH = 1000


def _due_at(transition: dict[str, Any]) -> tuple[str, float]:
    """("days", n) or ("date", epoch): how to tell whether the transition is due."""
    if transition.get("Date") is not None:
        return "date", float(transition["Date"])
    return "days", float(transition.get("Days") or 0)


def _target_class(
    transitions: list[dict[str, Any]], last_modified: float, now: float
) -> str | None:
    due: list[tuple[float, str]] = []
    for transition in transitions:
        kind, value = _due_at(transition)
        at = value if kind == "date" else ((last_modified + value * DAY_S) // DAY_S + 1) * DAY_S
        if at <= now:
            due.append((at, str(transition["StorageClass"])))
    return max(due)[1] if due else None


def transition_rule(
    ctx: RequestContext, bucket: Bucket, rule: dict[str, Any], minimum: str, prefix: str,
    matches: Any, budget: int,
) -> int:  # fmt: skip
    transitions = rule.get("Transitions") or []
    if not transitions or budget <= 0:
        return 0
    now = ctx.cloud.clock.now()
    start = key_bytes(prefix)
    end, after, done = start + b"\xff", start, 0
    while done < budget:
        with s3_store(ctx).read() as tx:
            rows = [row_from(r) for r in tx.fetchall(
                f"SELECT {OBJECT_COLUMNS} FROM s3_objects WHERE bucket = ? AND key >= ? "
                "AND key < ? AND delete_marker = 0 ORDER BY key LIMIT ?",
                (bucket.name, after, end, _SCAN_BATCH))]  # fmt: skip
        if not rows:
            break
        for row in rows:
            if minimum == DEFAULT_MINIMUM_SIZE and row.size < SMALL_OBJECT_BYTES:
                continue
            target = _target_class(transitions, row.last_modified, now)
            if target is None or target == row.storage_class or not matches(rule, row):
                continue
            with s3_store(ctx).write() as tx:
                moved = tx.execute(
                    "UPDATE s3_objects SET storage_class = ? WHERE bucket = ? AND key = ? "
                    "AND seq = ?", (target, bucket.name, key_bytes(row.key), row.seq))  # fmt: skip
            if moved:
                notify_transitioned(ctx, bucket, row, target)
            done += moved
        after = key_bytes(rows[-1].key) + b"\x00"
    return done
