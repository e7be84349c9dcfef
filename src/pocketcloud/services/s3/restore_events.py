"""A restore's later notifications: s3:ObjectRestore:Completed when the restored copy is
ready and s3:ObjectRestore:Delete when it expires, both on the cloud clock.

RestoreObject works a restore's state out against the clock whenever asked (restore.py), so
nothing has to happen when it completes, except telling the bucket's subscribers. It writes
one `s3_restore_events` row per event still to send, in the transaction that starts (or
renews) the restore; each background pass sends the rows that have come due, after checking
the version still has that restore (a version deleted meanwhile sends nothing)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from pocketcloud.context import RequestContext
from pocketcloud.services.s3.buckets import find_bucket
from pocketcloud.services.s3.notifications import emit
from pocketcloud.services.s3.rows import version_row
from pocketcloud.services.s3.schema import key_bytes, key_text, s3_store
from pocketcloud.store import Tx

if TYPE_CHECKING:
    from pocketcloud.cloud import Cloud

RESTORE_EVENTS_PER_PASS = 10_000
COMPLETED, EXPIRED = "ObjectRestore:Completed", "ObjectRestore:Delete"
_SCHEDULE_SQL = (
    "INSERT INTO s3_restore_events (bucket, key, version_id, event, due) VALUES (?, ?, ?, ?, ?) "
    "ON CONFLICT (bucket, key, version_id, event) DO UPDATE SET due = excluded.due"
)


def schedule(tx: Tx, bucket: str, key: str, version_id: str, ready_s: float | None,
             expiry_s: float) -> None:
    """Send Completed at `ready_s` (None: the copy is ready already) and Delete at expiry."""
    if ready_s is not None:
        tx.execute(_SCHEDULE_SQL, (bucket, key_bytes(key), version_id, COMPLETED, ready_s))
    tx.execute(_SCHEDULE_SQL, (bucket, key_bytes(key), version_id, EXPIRED, expiry_s))


def run_restore_events(cloud: Cloud) -> int:
    """Send the restore notifications that have come due; returns how many rows it settled."""
    from pocketcloud.services.s3.restore import RESTORE_STATE  # restore imports this module

    ctx = RequestContext(cloud=cloud, request_id="restore", account_id="", region="",
                         service="s3", operation="RestoreObject")  # fmt: skip
    store = s3_store(ctx)
    now = cloud.clock.now()
    with store.read() as tx:
        due = tx.fetchall(
            "SELECT bucket, key, version_id, event, due FROM s3_restore_events WHERE due <= ? "
            "ORDER BY due LIMIT ?", (now, RESTORE_EVENTS_PER_PASS))  # fmt: skip
    for name, key, version_id, event, due_s in due:
        with store.write() as tx:
            settled = tx.execute(
                "DELETE FROM s3_restore_events WHERE bucket = ? AND key = ? AND version_id = ? "
                "AND event = ? AND due = ?", (name, key, version_id, event, due_s))  # fmt: skip
            row = version_row(tx, name, key_text(key), version_id) if settled else None
        bucket = find_bucket(ctx, name)
        restore = (row.headers.get(RESTORE_STATE) if row is not None else None) or {}
        if bucket is None or row is None or not restore:
            continue
        if float(restore["ready" if event == COMPLETED else "expiry"]) != due_s:
            continue  # another restore's moment (the row was written again since)
        ctx.account_id, ctx.region = bucket.account_id, bucket.region
        emit(ctx, bucket, event, row.key, size=row.size, etag=row.etag,
             version_id=row.version_id if bucket.versioning else None,
             restore=_restore_data(event, row.storage_class, float(restore["expiry"])))
    return len(due)


def _restore_data(event: str, storage_class: str, expiry_s: float) -> dict[str, Any]:
    if event != COMPLETED:
        return {"source-storage-class": storage_class}
    expiry = datetime.fromtimestamp(expiry_s, UTC).isoformat(timespec="milliseconds")
    return {"lifecycleRestorationExpiryTime": expiry.replace("+00:00", "Z"),
            "lifecycleRestoreStorageClass": storage_class}
