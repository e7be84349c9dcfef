"""FilterLogEvents: events of a group (some streams, a time range) that match a pattern.

Each call scans a bounded number of stored events; when it stops early it answers with the
events found so far and a nextToken, as AWS does (even with no events in the page).
"""

from __future__ import annotations

from typing import Any

from pocketcloud.context import RequestContext
from pocketcloud.services.logs import tokens
from pocketcloud.services.logs.events import MAX_GET_EVENTS, TOKEN_DIGITS
from pocketcloud.services.logs.names import (
    group_name_of,
    invalid,
    like_prefix,
    no_stream,
    require_group,
    validation_error,
)
from pocketcloud.services.logs.patterns import compile_pattern
from pocketcloud.services.logs.schema import store

MAX_SCANNED_PER_CALL = 20_000
MAX_SCANNED_BYTES = 64 * 1024 * 1024  # per call, so a broad search cannot hold the server
SCAN_CHUNK = 2_000
MAX_STREAM_NAMES = 100


def filter_log_events(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    group = group_name_of(ctx, params)
    names, prefix = params.get("logStreamNames"), params.get("logStreamNamePrefix")
    if names and prefix:
        raise invalid("logStreamNames and logStreamNamePrefix are mutually exclusive "
                      "parameters.")
    if names and len(names) > MAX_STREAM_NAMES:
        raise validation_error(len(names), "logStreamNames", "Member must have length less "
                               f"than or equal to {MAX_STREAM_NAMES}")
    limit = params.get("limit") or MAX_GET_EVENTS
    if not 1 <= limit <= MAX_GET_EVENTS:
        raise validation_error(limit, "limit", "Member must have value less than or equal to "
                               f"{MAX_GET_EVENTS}")
    matches = compile_pattern(params.get("filterPattern"))
    where, args = _where(ctx, group, params, names, prefix)
    after = tokens.decode(params.get("nextToken")) or [-1, 0]
    if not (isinstance(after, list) and len(after) == 2):
        raise invalid("The specified nextToken is invalid.")
    found: list[dict[str, Any]] = []
    scanned = scanned_bytes = 0
    exhausted = False
    with store(ctx).read() as tx:
        require_group(tx, ctx, group)
        if names:  # AWS refuses a named stream the group does not have
            known = tx.fetchvalue(
                f"SELECT count(*) FROM logs_streams WHERE account_id = ? AND region = ? AND "
                f"group_name = ? AND name IN ({','.join('?' * len(set(names)))})",
                (ctx.account_id, ctx.region, group, *set(names)), default=0)
            if known < len(set(names)):
                raise no_stream()
        while (len(found) < limit and scanned < MAX_SCANNED_PER_CALL
               and scanned_bytes < MAX_SCANNED_BYTES):
            rows = tx.fetchall(
                f"SELECT event_id, stream_name, timestamp_ms, message, ingestion_ms FROM "
                f"logs_events WHERE {where} AND (timestamp_ms, event_id) > (?, ?) ORDER BY "
                f"timestamp_ms, event_id LIMIT ?", (*args, after[0], after[1], SCAN_CHUNK))
            for row in rows:
                if len(found) >= limit:
                    break
                scanned += 1
                scanned_bytes += len(row[3])
                after = [row[2], row[0]]
                if matches(row[3]):
                    found.append(_event(row))
            else:
                if len(rows) < SCAN_CHUNK:
                    exhausted = True
                    break
    result: dict[str, Any] = {"events": found, "searchedLogStreams": []}
    if not exhausted:
        result["nextToken"] = tokens.encode(after)
    return result


def _where(ctx: RequestContext, group: str, params: dict[str, Any], names: list[str] | None,
           prefix: str | None) -> tuple[str, list[Any]]:
    where = "account_id = ? AND region = ? AND group_name = ?"
    args: list[Any] = [ctx.account_id, ctx.region, group]
    if names:
        where += f" AND stream_name IN ({','.join('?' * len(names))})"
        args += names
    if prefix:
        where += " AND stream_name LIKE ? ESCAPE '\\'"
        args.append(like_prefix(prefix))
    if params.get("startTime") is not None:
        where += " AND timestamp_ms >= ?"
        args.append(params["startTime"])
    if params.get("endTime") is not None:
        where += " AND timestamp_ms <= ?"
        args.append(params["endTime"])
    return where, args


def _event(row: tuple[Any, ...]) -> dict[str, Any]:
    event_id, stream, stamp, message, ingestion = row
    return {"logStreamName": stream, "timestamp": stamp, "message": message,
            "ingestionTime": ingestion, "eventId": str(event_id).zfill(TOKEN_DIGITS)}
