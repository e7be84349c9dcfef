"""SQS operations on messages: send, receive (with long polling), delete, visibility."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from typing import Any

from pocketcloud.context import RequestContext
from pocketcloud.errors import AwsError
from pocketcloud.services.sqs import receiving
from pocketcloud.services.sqs.message_view import Selection, as_received
from pocketcloud.services.sqs.queue_operations import find_queue
from pocketcloud.services.sqs.queues import Queue
from pocketcloud.services.sqs.sending import OutgoingMessage, Sent, enqueue, prepare
from pocketcloud.services.sqs.state import (
    MAX_LONG_POLL_WAITERS,
    RECEIVE_ATTEMPT_WINDOW_S,
    ReceiveAttempt,
    SqsState,
)

MAX_BATCH_ENTRIES = 10
MAX_BATCH_PAYLOAD_BYTES = 1_048_576
MAX_RECEIVE_MESSAGES = 10
MAX_WAIT_TIME_S = 20
MAX_VISIBILITY_TIMEOUT_S = 43_200
_BATCH_ENTRY_ID = re.compile(r"[A-Za-z0-9_-]{1,80}")


def _sender_id(ctx: RequestContext) -> str:
    return ctx.access_key_id or ctx.account_id


def _send_result(message: OutgoingMessage, sent: Sent) -> dict[str, Any]:
    result: dict[str, Any] = {"MessageId": sent.message_id, "MD5OfMessageBody": message.md5_body}
    if message.md5_attributes:
        result["MD5OfMessageAttributes"] = message.md5_attributes
    if message.md5_system_attributes:
        result["MD5OfMessageSystemAttributes"] = message.md5_system_attributes
    if sent.sequence_number:
        result["SequenceNumber"] = sent.sequence_number
    return result


def send_message(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    state, queue = find_queue(ctx, params)
    message = prepare(queue, params)
    sent = enqueue(state, queue, [message], [ctx.cloud.ids.uuid4()], _sender_id(ctx),
                   ctx.cloud.clock.now())
    return _send_result(message, sent[0])


def send_message_batch(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    state, queue = find_queue(ctx, params)
    entries = _checked_batch(params.get("Entries") or [], "SendMessageBatchRequestEntry")
    if queue.fifo:
        _check_fifo_batch(queue, entries)
    prepared: list[tuple[str, OutgoingMessage]] = []
    failed: list[dict[str, Any]] = []
    for entry in entries:
        try:
            prepared.append((entry["Id"], prepare(queue, entry)))
        except AwsError as error:
            failed.append(_failure(entry["Id"], error))
    total_bytes = sum(message.size_bytes for _, message in prepared)
    if total_bytes > MAX_BATCH_PAYLOAD_BYTES:
        raise AwsError(
            "BatchRequestTooLong",
            f"Batch requests cannot be longer than {MAX_BATCH_PAYLOAD_BYTES} bytes. "
            f"You have sent {total_bytes} bytes.",
        )
    successful: list[dict[str, Any]] = []
    if prepared:
        messages = [message for _, message in prepared]
        ids = [ctx.cloud.ids.uuid4() for _ in prepared]
        sent = enqueue(state, queue, messages, ids, _sender_id(ctx), ctx.cloud.clock.now())
        for (entry_id, message), result in zip(prepared, sent, strict=True):
            successful.append({"Id": entry_id, **_send_result(message, result)})
    return {"Successful": successful, "Failed": failed}


def _check_fifo_batch(queue: Queue, entries: list[dict[str, Any]]) -> None:
    """A FIFO batch missing a group or deduplication id fails as a whole, unlike other
    per-entry faults (AWS answers InvalidParameterValue for both)."""
    for entry in entries:
        if entry.get("MessageGroupId") is None:
            raise AwsError("InvalidParameterValue",
                           "The request must contain the parameter MessageGroupId.")
        if entry.get("MessageDeduplicationId") is None and not queue.content_based_deduplication:
            raise AwsError(
                "InvalidParameterValue",
                "The queue should either have ContentBasedDeduplication enabled or "
                "MessageDeduplicationId provided explicitly",
            )


def _checked_batch(entries: list[dict[str, Any]], entry_name: str) -> list[dict[str, Any]]:
    if not entries:
        raise AwsError("EmptyBatchRequest",
                       f"There should be at least one {entry_name} in the request.")
    if len(entries) > MAX_BATCH_ENTRIES:
        raise AwsError(
            "TooManyEntriesInBatchRequest",
            f"Maximum number of entries per request are {MAX_BATCH_ENTRIES}. "
            f"You have sent {len(entries)}.",
        )
    seen: set[str] = set()
    for entry in entries:
        entry_id = entry.get("Id") or ""
        if not _BATCH_ENTRY_ID.fullmatch(entry_id):
            raise AwsError(
                "InvalidBatchEntryId",
                "A batch entry id can only contain alphanumeric characters, hyphens and "
                "underscores. It can be at most 80 letters long.",
            )
        if entry_id in seen:
            raise AwsError("BatchEntryIdsNotDistinct", f"Id {entry_id} repeated.")
        seen.add(entry_id)
    return entries


def _failure(entry_id: str, error: AwsError) -> dict[str, Any]:
    return {"Id": entry_id, "SenderFault": error.sender_fault, "Code": error.code,
            "Message": error.message}


def _bounded(params: dict[str, Any], name: str, low: int, high: int, default: int) -> int:
    value = params.get(name)
    if value is None:
        return default
    if not low <= value <= high:
        reason = (f"Must be between {low} and {high}, if provided." if name == "MaxNumberOfMessages"
                  else f"Must be >= {low} and <= {high}, if provided.")
        raise AwsError("InvalidParameterValue",
                       f"Value {value} for parameter {name} is invalid. Reason: {reason}")
    return int(value)


async def receive_message(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    state, queue = find_queue(ctx, params)
    count = _bounded(params, "MaxNumberOfMessages", 1, MAX_RECEIVE_MESSAGES, 1)
    timeout_s = _bounded(params, "VisibilityTimeout", 0, MAX_VISIBILITY_TIMEOUT_S,
                         queue.visibility_timeout_s)
    wait_s = _bounded(params, "WaitTimeSeconds", 0, MAX_WAIT_TIME_S, queue.wait_time_s)
    selection = Selection.from_params(params)
    attempt_id = params.get("ReceiveRequestAttemptId") if queue.fifo else None
    explicit_timeout = params.get("VisibilityTimeout") is not None

    def attempt() -> list[receiving.StoredMessage]:
        # Queue settings may change while a receive waits: use the current ones.
        vt = timeout_s if explicit_timeout else queue.visibility_timeout_s
        return _receive_once(state, queue, count, vt, ctx.cloud.clock.now, attempt_id)

    messages = await _long_poll(state, queue, wait_s, ctx.cloud.clock.now, attempt)
    if not messages:
        return {}
    return {"Messages": [as_received(queue, m, selection) for m in messages]}


async def _long_poll(
    state: SqsState, queue: Queue, wait_s: int, now: Callable[[], float],
    attempt: Callable[[], list[receiving.StoredMessage]],
) -> list[receiving.StoredMessage]:
    """Receive now; if nothing is there, wait for a send (or a hidden message's timer)
    until `wait_s` runs out. Wakes on the queue's signal, never by polling."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + wait_s
    while True:
        woken = state.signal(queue.key).current()
        messages = attempt()
        remaining_s = deadline - loop.time()
        if messages or remaining_s <= 0 or state.waiters >= MAX_LONG_POLL_WAITERS:
            return messages
        due_s = receiving.next_visible_in_s(state, queue, now())
        timeout_s = remaining_s if due_s is None else min(remaining_s, due_s + 0.001)
        state.waiters += 1
        try:
            await asyncio.wait_for(woken.wait(), timeout_s)
        except TimeoutError:
            pass
        finally:
            state.waiters -= 1
        if state.queues.get(queue.account_id, queue.region, queue.name) is not queue:
            return []  # deleted while we waited


def _receive_once(
    state: SqsState, queue: Queue, count: int, visibility_timeout_s: int,
    now: Callable[[], float], attempt_id: str | None,
) -> list[receiving.StoredMessage]:
    now_s = now()
    receiving.expire_old_messages(state, queue, now_s)
    if attempt_id is not None:
        repeated = _repeat_attempt(state, queue, attempt_id, visibility_timeout_s, now_s)
        if repeated is not None:
            return repeated
    dead_letter_queue = (state.queues.by_arn(queue.dead_letter_target_arn)
                         if queue.dead_letter_target_arn else None)
    taken = receiving.take_messages(state, queue, count, visibility_timeout_s, now_s,
                                    dead_letter_queue)
    if attempt_id is not None and taken:
        state.remember_attempt(
            (queue.key, attempt_id),
            ReceiveAttempt(now_s + RECEIVE_ATTEMPT_WINDOW_S,
                           [(m.seq, m.receive_count) for m in taken]),
        )
    return taken


def _repeat_attempt(
    state: SqsState, queue: Queue, attempt_id: str, visibility_timeout_s: int, now_s: float
) -> list[receiving.StoredMessage] | None:
    """A retried FIFO receive gets the same messages and handles while they are untouched."""
    earlier = state.receive_attempts.get((queue.key, attempt_id))
    if earlier is None or earlier.expires_s <= now_s:
        return None
    found = receiving.messages_in_flight(state, queue, earlier.messages, now_s)
    if found is None:
        return None
    receiving.hide_until(state, queue, [m.seq for m in found], now_s + visibility_timeout_s)
    return found


def delete_message(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    state, queue = find_queue(ctx, params)
    receiving.delete_message(state, queue, params.get("ReceiptHandle") or "",
                             ctx.cloud.clock.now())
    return {}


def delete_message_batch(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    state, queue = find_queue(ctx, params)
    entries = _checked_batch(params.get("Entries") or [], "DeleteMessageBatchRequestEntry")
    now_s = ctx.cloud.clock.now()
    return _each_entry(entries, lambda entry: receiving.delete_message(
        state, queue, entry.get("ReceiptHandle") or "", now_s))


def change_message_visibility(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    state, queue = find_queue(ctx, params)
    timeout_s = _bounded(params, "VisibilityTimeout", 0, MAX_VISIBILITY_TIMEOUT_S, 0)
    receiving.change_visibility(state, queue, params.get("ReceiptHandle") or "", timeout_s,
                                ctx.cloud.clock.now())
    return {}


def change_message_visibility_batch(
    ctx: RequestContext, params: dict[str, Any]
) -> dict[str, Any]:
    state, queue = find_queue(ctx, params)
    entries = _checked_batch(params.get("Entries") or [],
                             "ChangeMessageVisibilityBatchRequestEntry")
    now_s = ctx.cloud.clock.now()

    def change(entry: dict[str, Any]) -> None:
        timeout_s = _bounded(entry, "VisibilityTimeout", 0, MAX_VISIBILITY_TIMEOUT_S, 0)
        receiving.change_visibility(state, queue, entry.get("ReceiptHandle") or "", timeout_s,
                                    now_s)

    return _each_entry(entries, change)


def _each_entry(
    entries: list[dict[str, Any]], action: Callable[[dict[str, Any]], None]
) -> dict[str, Any]:
    successful: list[dict[str, Any]] = []
    failed: list[dict[str, Any]] = []
    for entry in entries:
        try:
            action(entry)
            successful.append({"Id": entry["Id"]})
        except AwsError as error:
            failed.append(_failure(entry["Id"], error))
    return {"Successful": successful, "Failed": failed}
