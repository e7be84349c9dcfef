"""Export tasks: CreateExportTask writes a log group's events to an S3 bucket in pocketcloud,
DescribeExportTasks, CancelExportTask.

As in AWS, an account has one active (PENDING or RUNNING) task at a time, the bucket gets an
``aws-logs-write-test`` object when the task is created, and each stream's events land in
gzip'd files ``<prefix>/<taskId>/<stream>/000000.gz`` (then 000001.gz...), one
``<ISO time> <message>`` line per event. The work runs in the background through S3's own
PutObject (services/internal.py); a restart resumes tasks that were not finished.
"""

from __future__ import annotations

import asyncio
import gzip
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

from pocketcloud.context import RequestContext
from pocketcloud.errors import AwsError
from pocketcloud.services import internal
from pocketcloud.services.logs import tokens
from pocketcloud.services.logs.groups import now_ms
from pocketcloud.services.logs.names import (
    check_group_name,
    invalid,
    like_prefix,
    page_limit,
    require_group,
)
from pocketcloud.services.logs.schema import ready_store, store

ACTIVE = ("PENDING", "RUNNING")
STATUS_CODES = ("CANCELLED", "COMPLETED", "FAILED", "PENDING", "PENDING_CANCEL", "RUNNING")
FILE_BYTES_MAX = 16 * 1024 * 1024  # uncompressed bytes per exported file, then the next file
EXPORT_EVENTS_MAX = 5_000_000  # per task, so one task cannot run for ever
READ_CHUNK = 5_000
DEFAULT_PREFIX = "exportedlogs"


async def create_export_task(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    group = check_group_name(params["logGroupName"])
    start, end = int(params["from"]), int(params["to"])
    if start > end or start < 0:
        raise invalid(f"Specified time range of '{start}' and '{end}' is not valid. Please "
                      "make sure the values are within the retention period of the log group "
                      "and from value is lesser than the to values")
    bucket = params["destination"]
    prefix = (params.get("destinationPrefix") or DEFAULT_PREFIX).strip("/")
    with store(ctx).read() as tx:
        require_group(tx, ctx, group)
    try:
        await _put(ctx.cloud, ctx.account_id, ctx.region, bucket,
                   f"{prefix}/aws-logs-write-test", b"Permission Check Successful")
    except AwsError:
        raise invalid("The given bucket does not exist. Please make sure the bucket is "
                      "valid.") from None
    task_id = ctx.cloud.ids.uuid4()
    with store(ctx).write() as tx:
        if tx.fetchone("SELECT 1 FROM logs_export_tasks WHERE account_id = ? AND region = ? "
                       "AND status IN ('PENDING', 'RUNNING')", (ctx.account_id, ctx.region)):
            raise AwsError("LimitExceededException", "Resource limit exceeded.")
        tx.execute("INSERT INTO logs_export_tasks (task_id, account_id, region, name, "
                   "group_name, stream_prefix, from_ms, to_ms, bucket, prefix, status, "
                   "created_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'PENDING', ?)",
                   (task_id, ctx.account_id, ctx.region, params.get("taskName"), group,
                    params.get("logStreamNamePrefix"), start, end, bucket, prefix,
                    now_ms(ctx)))
    ctx.cloud.background.spawn(f"logs-export-{task_id}", run_export(ctx.cloud, task_id))
    return {"taskId": task_id}


def describe_export_tasks(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    limit = page_limit(params)
    offset = tokens.decode(params.get("nextToken")) or 0
    if not isinstance(offset, int) or offset < 0:
        raise invalid("The specified nextToken is invalid.")
    sql = ("SELECT task_id, name, group_name, from_ms, to_ms, bucket, prefix, status, message, "
           "created_ms, completed_ms FROM logs_export_tasks WHERE account_id = ? AND "
           "region = ?")
    args: list[Any] = [ctx.account_id, ctx.region]
    if params.get("taskId"):
        sql += " AND task_id = ?"
        args.append(params["taskId"])
    if params.get("statusCode"):
        if params["statusCode"] not in STATUS_CODES:
            raise invalid(f"Invalid status code: {params['statusCode']}")
        sql += " AND status = ?"
        args.append(params["statusCode"])
    with store(ctx).read() as tx:
        rows = tx.fetchall(sql + " ORDER BY created_ms DESC, task_id LIMIT ? OFFSET ?",
                           (*args, limit + 1, offset))
    result: dict[str, Any] = {"exportTasks": [_described(row) for row in rows[:limit]]}
    if len(rows) > limit:
        result["nextToken"] = tokens.encode(offset + limit)
    return result


def _described(row: tuple[Any, ...]) -> dict[str, Any]:
    task_id, name, group, start, end, bucket, prefix, status, message, created, done = row
    task: dict[str, Any] = {"taskId": task_id, "logGroupName": group, "from": start, "to": end,
                            "destination": bucket, "destinationPrefix": prefix,
                            "status": {"code": status}, "executionInfo": {
                                "creationTime": created}}
    if name:
        task["taskName"] = name
    if message:
        task["status"]["message"] = message
    if done is not None:
        task["executionInfo"]["completionTime"] = done
    return task


def cancel_export_task(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    with store(ctx).write() as tx:
        status = tx.fetchvalue("SELECT status FROM logs_export_tasks WHERE task_id = ? AND "
                               "account_id = ? AND region = ?",
                               (params["taskId"], ctx.account_id, ctx.region))
        if status is None:
            raise AwsError("ResourceNotFoundException",
                           "The specified export task does not exist.")
        if status not in ACTIVE:
            raise AwsError("InvalidOperationException",
                           "The operation is not valid on the specified resource.")
        tx.execute("UPDATE logs_export_tasks SET status = 'CANCELLED', message = ?, "
                   "completed_ms = ? WHERE task_id = ?",
                   ("Cancelled by user", now_ms(ctx), params["taskId"]))
    return {}


# --- the work -----------------------------------------------------------------------------

async def run_export(cloud: Any, task_id: str) -> None:
    db = ready_store(cloud.store)
    with db.write() as tx:
        tx.execute("UPDATE logs_export_tasks SET status = 'RUNNING' WHERE task_id = ? AND "
                   "status IN ('PENDING', 'RUNNING')", (task_id,))
        row = tx.fetchone("SELECT account_id, region, group_name, stream_prefix, from_ms, "
                          "to_ms, bucket, prefix, status FROM logs_export_tasks WHERE "
                          "task_id = ?", (task_id,))
    if row is None or row[8] != "RUNNING":
        return
    try:
        await _export(cloud, task_id, row)
        status, message = "COMPLETED", "Completed successfully"
    except AwsError as error:
        status, message = "FAILED", error.message or error.code
    with db.write() as tx:
        tx.execute("UPDATE logs_export_tasks SET status = ?, message = ?, completed_ms = ? "
                   "WHERE task_id = ? AND status = 'RUNNING'",
                   (status, message, int(cloud.clock.now() * 1000), task_id))


async def _export(cloud: Any, task_id: str, row: tuple[Any, ...]) -> None:
    account_id, region, group, stream_prefix, start, end, bucket, prefix, _ = row
    streams = await asyncio.to_thread(_streams, cloud, account_id, region, group,
                                      stream_prefix)
    exported = 0
    for stream in streams:
        if exported >= EXPORT_EVENTS_MAX or not _still_running(cloud, task_id):
            return
        file_number, size = 0, 0
        lines: list[bytes] = []
        after = (start - 1, 0)
        while exported < EXPORT_EVENTS_MAX:
            events = await asyncio.to_thread(_events, cloud, (account_id, region, group, stream),
                                             after, end)
            for event_id, stamp, message in events:
                line = f"{_iso(stamp)} {message}\n".encode()
                if lines and size + len(line) > FILE_BYTES_MAX:
                    await _write(cloud, account_id, region, bucket,
                                 f"{prefix}/{task_id}/{stream}/{file_number:06d}.gz", lines)
                    file_number, lines, size = file_number + 1, [], 0
                lines.append(line)
                size += len(line)
                after = (stamp, event_id)
            exported += len(events)
            if len(events) < READ_CHUNK:
                break
        if lines:
            await _write(cloud, account_id, region, bucket,
                         f"{prefix}/{task_id}/{stream}/{file_number:06d}.gz", lines)


def _still_running(cloud: Any, task_id: str) -> bool:
    with ready_store(cloud.store).read() as tx:
        return bool(tx.fetchvalue("SELECT status FROM logs_export_tasks WHERE task_id = ?",
                                  (task_id,)) == "RUNNING")


def _streams(cloud: Any, account_id: str, region: str, group: str,
             prefix: str | None) -> list[str]:
    sql = ("SELECT name FROM logs_streams WHERE account_id = ? AND region = ? AND "
           "group_name = ?")
    args: list[Any] = [account_id, region, group]
    if prefix:
        sql += " AND name LIKE ? ESCAPE '\\'"
        args.append(like_prefix(prefix))
    with ready_store(cloud.store).read() as tx:
        return [r[0] for r in tx.fetchall(sql + " ORDER BY name", args)]


def _events(cloud: Any, key: tuple[str, str, str, str], after: tuple[int, int],
            end: int) -> list[tuple[Any, ...]]:
    with ready_store(cloud.store).read() as tx:
        return list(tx.fetchall(
            "SELECT event_id, timestamp_ms, message FROM logs_events WHERE account_id = ? AND "
            "region = ? AND group_name = ? AND stream_name = ? AND (timestamp_ms, event_id) > "
            "(?, ?) AND timestamp_ms <= ? ORDER BY timestamp_ms, event_id LIMIT ?",
            (*key, after[0], after[1], end, READ_CHUNK)))


def _iso(stamp_ms: int) -> str:
    moment = datetime.fromtimestamp(stamp_ms / 1000, UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{stamp_ms % 1000:03d}Z"


async def _write(cloud: Any, account_id: str, region: str, bucket: str, key: str,
                 lines: list[bytes]) -> None:
    data = await asyncio.to_thread(gzip.compress, b"".join(lines))
    await _put(cloud, account_id, region, bucket, key, data)


async def _put(cloud: Any, account_id: str, region: str, bucket: str, key: str,
               data: bytes) -> None:
    async def body() -> AsyncIterator[bytes]:
        yield data

    await internal.acall(cloud, "s3", "PutObject", {"Bucket": bucket, "Key": key,
                                                     "Body": body()},
                         account_id=account_id, region=region)


def resume(cloud: Any) -> None:
    """At start-up: tasks a restart interrupted run again (their files are overwritten)."""
    with ready_store(cloud.store).read() as tx:
        pending = [r[0] for r in tx.fetchall("SELECT task_id FROM logs_export_tasks WHERE "
                                             "status IN ('PENDING', 'RUNNING')")]
    for task_id in pending:
        cloud.background.spawn(f"logs-export-{task_id}", run_export(cloud, task_id))
