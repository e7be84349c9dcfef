"""Dead-letter queue redrive: StartMessageMoveTask, ListMessageMoveTasks,
CancelMessageMoveTask. A task runs on the event loop in chunks, each chunk one committed
transaction; its progress lives in sqs_move_tasks so ListMessageMoveTasks survives restarts
(a task that was running when the server stopped is reported FAILED)."""

from __future__ import annotations

import asyncio
import base64
import json
from typing import Any

from pocketcloud.context import RequestContext
from pocketcloud.errors import AwsError
from pocketcloud.services.sqs.queues import Queue
from pocketcloud.services.sqs.receiving import MESSAGE_COLUMNS, StoredMessage, move_to_queue
from pocketcloud.services.sqs.state import SqsState, sqs_state

MAX_RATE_PER_S = 500
UNLIMITED_CHUNK = 500
MAX_LISTED_TASKS = 10
_running: dict[str, asyncio.Task[None]] = {}
_recovered: set[int] = set()


NON_EXISTENT_QUEUE = "AWS.SimpleQueueService.NonExistentQueue"  # FailureReason AWS reports


def _not_found(what: str) -> AwsError:
    return AwsError("ResourceNotFoundException", f"The resource that you specified for the "
                    f"{what} parameter doesn't exist.", 404)


def _queue_in_scope(state: SqsState, ctx: RequestContext, queue_arn: str, what: str) -> Queue:
    queue = state.queues.by_arn(queue_arn)
    if queue is None or queue.account_id != ctx.account_id or queue.region != ctx.region:
        raise _not_found(what)
    return queue


def _recover(state: SqsState) -> None:
    if id(state) in _recovered:
        return
    _recovered.add(id(state))
    with state.store.write() as tx:
        tx.execute(
            "UPDATE sqs_move_tasks SET status = 'FAILED', failure_reason = ? "
            "WHERE status IN ('RUNNING', 'CANCELLING')",
            ("The server stopped while the task was running.",),
        )


def start_message_move_task(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    state = sqs_state(ctx)
    _recover(state)
    source = _queue_in_scope(state, ctx, params.get("SourceArn") or "", "SourceArn")
    destination_arn = params.get("DestinationArn")
    destination = (_queue_in_scope(state, ctx, destination_arn, "DestinationArn")
                   if destination_arn else None)
    if not any(q.dead_letter_target_arn == source.arn
               for q in state.queues.all_in(ctx.account_id, ctx.region)):
        raise AwsError("InvalidParameterValue",
                       "Source queue must be configured as a Dead Letter Queue.")
    rate = params.get("MaxNumberOfMessagesPerSecond")
    if rate is not None and not 1 <= rate <= MAX_RATE_PER_S:
        raise AwsError("InvalidParameterValue", "MaxNumberOfMessagesPerSecond must be between "
                       f"1 and {MAX_RATE_PER_S}.")
    now_s = ctx.cloud.clock.now()
    with state.store.write() as tx:
        if tx.fetchvalue("SELECT COUNT(*) FROM sqs_move_tasks WHERE source_arn = ? "
                         "AND status = 'RUNNING'", (source.arn,)):
            raise AwsError("InvalidParameterValue", "There is already a task running. Only one "
                           "active task is allowed for a source queue arn at a given time.")
        to_move = tx.fetchvalue("SELECT COUNT(*) FROM sqs_messages WHERE queue_key = ? "
                                "AND visible_at_s <= ?", (source.key, now_s), 0)
        handle = _task_handle(ctx.cloud.ids.uuid4(), source.arn)
        tx.execute(
            "INSERT INTO sqs_move_tasks (task_handle, account_id, region, source_arn,"
            " destination_arn, max_per_second, status, moved, to_move, started_s)"
            " VALUES (?, ?, ?, ?, ?, ?, 'RUNNING', 0, ?, ?)",
            (handle, ctx.account_id, ctx.region, source.arn, destination_arn, rate,
             int(to_move), now_s),
        )
    task = asyncio.get_running_loop().create_task(
        _run(state, ctx, handle, source, destination, rate, int(to_move)))
    _running[handle] = task
    task.add_done_callback(lambda _: _running.pop(handle, None))
    return {"TaskHandle": handle}


def _task_handle(task_id: str, source_arn: str) -> str:
    document = json.dumps({"taskId": task_id, "sourceArn": source_arn})
    return base64.b64encode(document.encode()).decode()


def _handle_source_arn(handle: str) -> str:
    """The source queue ARN a task handle names; AWS's error if it is not a task handle."""
    try:
        document = json.loads(base64.b64decode(handle.encode(), validate=True))
        source_arn = document["sourceArn"]
        if not isinstance(source_arn, str) or not isinstance(document["taskId"], str):
            raise TypeError(handle)
        return source_arn
    except (ValueError, KeyError, TypeError, UnicodeError):
        raise AwsError("InvalidParameterValue",
                       "Value for parameter TaskHandle is invalid.") from None


async def _run(
    state: SqsState, ctx: RequestContext, handle: str, source: Queue,
    destination: Queue | None, rate: int | None, to_move: int,
) -> None:
    moved = 0
    chunk = rate or UNLIMITED_CHUNK
    while moved < to_move:
        if _status(state, handle) != "RUNNING":
            return
        try:
            count = _move_chunk(state, ctx, source, destination, min(chunk, to_move - moved))
        except AwsError as error:
            _finish(state, handle, moved, "FAILED", error.message)
            return
        moved += count
        _finish(state, handle, moved, "RUNNING", None)
        if count == 0:
            break
        await asyncio.sleep(1.0 if rate else 0)
    _finish(state, handle, moved, "COMPLETED", None)


def _move_chunk(
    state: SqsState, ctx: RequestContext, source: Queue, destination: Queue | None, limit: int
) -> int:
    now_s = ctx.cloud.clock.now()
    targets: set[int] = set()
    with state.store.write() as tx:
        rows = tx.fetchall(
            f"SELECT {MESSAGE_COLUMNS} FROM sqs_messages WHERE queue_key = ? "
            "AND visible_at_s <= ? ORDER BY seq LIMIT ?",
            (source.key, now_s, limit),
        )
        for row in rows:
            message = StoredMessage.from_row(row)
            target = _live(state, destination) if destination else state.queues.by_arn(
                message.dead_letter_source_arn or "")
            if target is None:  # deleted while the task runs: the task fails as AWS's does
                raise AwsError("QueueDoesNotExist", NON_EXISTENT_QUEUE)
            move_to_queue(state, tx, source, message, target, now_s, source_arn="",
                          reset_receives=True)
            targets.add(target.key)
    for key in targets:
        state.notify(key)
    return len(rows)


def _live(state: SqsState, queue: Queue) -> Queue | None:
    found = state.queues.get(queue.account_id, queue.region, queue.name)
    return found if found is not None and found.key == queue.key else None


def _status(state: SqsState, handle: str) -> str | None:
    with state.store.read() as tx:
        value = tx.fetchvalue("SELECT status FROM sqs_move_tasks WHERE task_handle = ?",
                              (handle,))
    return None if value is None else str(value)


def _finish(state: SqsState, handle: str, moved: int, status: str, reason: str | None) -> None:
    with state.store.write() as tx:
        tx.execute(
            "UPDATE sqs_move_tasks SET moved = ?, status = ?, failure_reason = ? "
            "WHERE task_handle = ? AND status = 'RUNNING'",
            (moved, status, reason, handle),
        )


def cancel_message_move_task(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    state = sqs_state(ctx)
    _recover(state)
    handle = params.get("TaskHandle") or ""
    _queue_in_scope(state, ctx, _handle_source_arn(handle), "SourceArn")
    with state.store.write() as tx:
        row = tx.fetchone("SELECT status, moved, account_id FROM sqs_move_tasks "
                          "WHERE task_handle = ?", (handle,))
        if row is None or row[2] != ctx.account_id:
            raise AwsError("ResourceNotFoundException", "Task does not exist.", 404)
        if row[0] != "RUNNING":
            raise AwsError("UnsupportedOperation",
                           "Only tasks with status RUNNING can be cancelled.")
        tx.execute("UPDATE sqs_move_tasks SET status = 'CANCELLED' WHERE task_handle = ?",
                   (handle,))
    return {"ApproximateNumberOfMessagesMoved": int(row[1])}


def list_message_move_tasks(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    state = sqs_state(ctx)
    _recover(state)
    source = _queue_in_scope(state, ctx, params.get("SourceArn") or "", "SourceArn")
    limit = params.get("MaxResults") or 1
    if not 1 <= limit <= MAX_LISTED_TASKS:
        raise AwsError("InvalidParameterValue",
                       f"MaxResults must be between 1 and {MAX_LISTED_TASKS}.")
    with state.store.read() as tx:
        rows = tx.fetchall(
            "SELECT task_handle, status, destination_arn, max_per_second, moved, to_move,"
            " failure_reason, started_s FROM sqs_move_tasks WHERE source_arn = ?"
            " ORDER BY started_s DESC LIMIT ?",
            (source.arn, limit),
        )
    return {"Results": [_task_entry(source, row) for row in rows]}


def _task_entry(source: Queue, row: tuple[Any, ...]) -> dict[str, Any]:
    handle, status, destination, rate, moved, to_move, reason, started_s = row
    entry: dict[str, Any] = {
        "Status": status,
        "SourceArn": source.arn,
        "ApproximateNumberOfMessagesMoved": int(moved),
        "ApproximateNumberOfMessagesToMove": int(to_move),
        "StartedTimestamp": int(float(started_s) * 1000),
    }
    if status == "RUNNING":
        entry["TaskHandle"] = handle
    if destination:
        entry["DestinationArn"] = destination
    if rate:
        entry["MaxNumberOfMessagesPerSecond"] = int(rate)
    if reason:
        entry["FailureReason"] = reason
    return entry
