"""PutLogEvents (AWS's batch limits and rejected-events info) and GetLogEvents (tokens)."""

from __future__ import annotations

from typing import Any

from pocketcloud.context import RequestContext
from pocketcloud.errors import AwsError
from pocketcloud.services.events import outbox
from pocketcloud.services.logs.groups import now_ms
from pocketcloud.services.logs.names import (
    TOKEN_DIGITS,
    check_group_name,
    check_stream_name,
    group_name_of,
    invalid,
    no_stream,
    require_group,
    validation_error,
)
from pocketcloud.services.logs.schema import store
from pocketcloud.services.logs.subscriptions import fan_out
from pocketcloud.services.logs.tokens import empty_token

MAX_BATCH_BYTES = 1_048_576
EVENT_OVERHEAD_BYTES = 26  # counted per event toward the batch size, as AWS counts it
MAX_EVENT_BYTES = 1_048_576  # 1 MB per event since April 2025 (PutLogEvents API reference)
MAX_BATCH_EVENTS = 10_000
MAX_BATCH_SPAN_MS = 24 * 3600 * 1000
TOO_NEW_MS = 2 * 3600 * 1000
TOO_OLD_MS = 14 * 24 * 3600 * 1000
MAX_GET_EVENTS = 10_000
MAX_GET_BYTES = 1_048_576


def put_log_events(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    group = check_group_name(params["logGroupName"])
    stream = check_stream_name(params["logStreamName"])
    events = params.get("logEvents") or []
    _check_batch(events)
    now = now_ms(ctx)
    outbox.store(ctx.cloud)  # subscription deliveries commit with the events, in one transaction
    queued = False
    with store(ctx).write() as tx:
        _, retention_days = require_group(tx, ctx, group)
        key = (ctx.account_id, ctx.region, group, stream)
        if not tx.fetchone("SELECT 1 FROM logs_streams WHERE account_id = ? AND region = ? AND "
                           "group_name = ? AND name = ?", key):
            raise no_stream()
        rejected, accepted = _sort_out(events, now, retention_days)
        if accepted:
            _append(tx, key, accepted, now)
        last_id = int(tx.fetchvalue("SELECT max(event_id) FROM logs_events", default=0) or 0)
        if accepted:  # one writer at a time: the batch's ids are the last len(accepted) ones
            first_id = last_id - len(accepted) + 1
            queued = fan_out(tx, ctx, group, stream, [
                (first_id + i, int(e["timestamp"]), e["message"]) for i, e in enumerate(accepted)])
        token = str(last_id)
    if queued:
        outbox.wake(ctx.cloud)
    result: dict[str, Any] = {"nextSequenceToken": token.zfill(TOKEN_DIGITS)}
    if rejected:
        result["rejectedLogEventsInfo"] = rejected
    return result


def _check_batch(events: list[dict[str, Any]]) -> None:
    if not events:
        raise validation_error("[]", "logEvents", "Member must have length greater than or "
                               "equal to 1")
    if len(events) > MAX_BATCH_EVENTS:
        raise validation_error(len(events), "logEvents", "Member must have length less than "
                               f"or equal to {MAX_BATCH_EVENTS}")
    size = 0
    largest = MAX_EVENT_BYTES - EVENT_OVERHEAD_BYTES
    for event in events:
        event_bytes = len(event["message"].encode("utf-8"))
        if not 0 < event_bytes <= largest:  # one comparison either way: the rare cases' cost
            raise _bad_event(events, event_bytes)  # is paid only when they happen
        size += event_bytes + EVENT_OVERHEAD_BYTES
    if size > MAX_BATCH_BYTES:
        raise invalid(f"Upload too large: {size} bytes exceeds limit of {MAX_BATCH_BYTES}")
    stamps = [int(event["timestamp"]) for event in events]
    if any(later < earlier for earlier, later in zip(stamps, stamps[1:], strict=False)):
        raise invalid("Log events in a single PutLogEvents request must be in chronological "
                      "order.")
    if stamps[-1] - stamps[0] > MAX_BATCH_SPAN_MS:
        raise invalid("The batch of log events in a single PutLogEvents request cannot span "
                      "more than 24 hours.")


def _bad_event(events: list[dict[str, Any]], event_bytes: int) -> AwsError:
    """An empty message is a model constraint, checked (for the whole batch) before sizes."""
    empty = [index for index, event in enumerate(events, 1) if not event["message"]]
    if not empty:
        return invalid(f"Log event too large: {event_bytes + EVENT_OVERHEAD_BYTES} bytes "
                       f"exceeds limit of {MAX_EVENT_BYTES}")
    count = f"{len(empty)} validation error{'s' if len(empty) > 1 else ''} detected: "
    return AwsError("InvalidParameterException", count + "; ".join(
        f"Value '' at 'logEvents.{index}.member.message' failed to satisfy constraint: "
        "Member must have length greater than or equal to 1" for index in empty))


def _sort_out(events: list[dict[str, Any]], now: int,
              retention_days: int | None) -> tuple[dict[str, int], list[dict[str, Any]]]:
    """AWS keeps the acceptable events and reports the rest by index (the batch is ordered)."""
    rejected: dict[str, int] = {}
    accepted = []
    expired_before = now - retention_days * 86_400_000 if retention_days else None
    for index, event in enumerate(events):
        stamp = int(event["timestamp"])
        if stamp > now + TOO_NEW_MS:
            rejected.setdefault("tooNewLogEventStartIndex", index)
        elif stamp < now - TOO_OLD_MS:
            rejected["tooOldLogEventEndIndex"] = index
        elif expired_before is not None and stamp < expired_before:
            rejected["expiredLogEventEndIndex"] = index
        else:
            accepted.append(event)
    return rejected, accepted


def _append(tx: Any, key: tuple[str, str, str, str], events: list[dict[str, Any]],
            now: int) -> None:
    tx.executemany("INSERT INTO logs_events (account_id, region, group_name, stream_name, "
                   "timestamp_ms, ingestion_ms, message) VALUES (?, ?, ?, ?, ?, ?, ?)",
                   [(*key, int(e["timestamp"]), now, e["message"]) for e in events])
    stamps = [int(e["timestamp"]) for e in events]
    size = sum(len(e["message"].encode("utf-8")) for e in events)
    tx.execute("UPDATE logs_streams SET first_event_ms = min(coalesce(first_event_ms, ?), ?), "
               "last_event_ms = max(coalesce(last_event_ms, ?), ?), last_ingestion_ms = ?, "
               "stored_bytes = stored_bytes + ? WHERE account_id = ? AND region = ? AND "
               "group_name = ? AND name = ?",
               (stamps[0], stamps[0], stamps[-1], stamps[-1], now, size, *key))


def get_log_events(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    group = group_name_of(ctx, params)
    stream = check_stream_name(params["logStreamName"])
    limit = params.get("limit") or MAX_GET_EVENTS
    if not 1 <= limit <= MAX_GET_EVENTS:
        raise validation_error(limit, "limit", f"Member must have value less than or equal to "
                               f"{MAX_GET_EVENTS}")
    forward, position = _position(params)
    key = (ctx.account_id, ctx.region, group, stream)
    where = "account_id = ? AND region = ? AND group_name = ? AND stream_name = ?"
    args: list[Any] = list(key)
    if params.get("startTime") is not None:
        where += " AND timestamp_ms >= ?"
        args.append(params["startTime"])
    if params.get("endTime") is not None:
        where += " AND timestamp_ms < ?"
        args.append(params["endTime"])
    with store(ctx).read() as tx:
        require_group(tx, ctx, group)
        if not tx.fetchone("SELECT 1 FROM logs_streams WHERE account_id = ? AND region = ? AND "
                           "group_name = ? AND name = ?", key):
            raise no_stream()
        if position is None:
            position = 0 if forward else int(tx.fetchvalue(
                "SELECT coalesce(max(event_id), 0) FROM logs_events", default=0)) + 1
        sql = (f"SELECT event_id, timestamp_ms, message, ingestion_ms FROM logs_events WHERE "
               f"{where} AND event_id {'>' if forward else '<'} ? ORDER BY event_id "
               f"{'ASC' if forward else 'DESC'} LIMIT ?")
        rows = tx.fetchall(sql, (*args, position, limit))
    rows = _within_bytes(rows)
    if not forward:
        rows.reverse()
    return _page(rows, forward, position)


def _position(params: dict[str, Any]) -> tuple[bool, int | None]:
    token = params.get("nextToken")
    if token is None:
        return bool(params.get("startFromHead")), None
    if not token:
        raise empty_token()
    direction, _, number = token.partition("/")
    if direction not in ("f", "b") or not number.isdigit():
        raise invalid("The specified nextToken is invalid.")
    return direction == "f", int(number)


def _within_bytes(rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    kept: list[tuple[Any, ...]] = []
    size = 0
    for row in rows:
        size += len(row[2].encode("utf-8")) + EVENT_OVERHEAD_BYTES
        if size > MAX_GET_BYTES and kept:
            break
        kept.append(row)
    return kept


def _page(rows: list[tuple[Any, ...]], forward: bool, position: int) -> dict[str, Any]:
    events = [{"timestamp": r[1], "message": r[2], "ingestionTime": r[3]} for r in rows]
    if rows:
        after, before = rows[-1][0], rows[0][0]
    elif forward:
        after, before = position, position + 1
    else:
        after, before = max(position - 1, 0), position
    return {"events": events, "nextForwardToken": "f/" + str(after).zfill(TOKEN_DIGITS),
            "nextBackwardToken": "b/" + str(before).zfill(TOKEN_DIGITS)}
