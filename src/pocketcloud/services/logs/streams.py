"""Log streams: create, delete, describe (prefix, order by name or last event time, paging)."""

from __future__ import annotations

from typing import Any

from pocketcloud.context import RequestContext
from pocketcloud.errors import AwsError
from pocketcloud.services.logs import tokens
from pocketcloud.services.logs.groups import now_ms
from pocketcloud.services.logs.names import (
    check_group_name,
    check_stream_name,
    group_arn,
    group_name_of,
    invalid,
    like_prefix,
    no_stream,
    page_limit,
    require_group,
)
from pocketcloud.services.logs.schema import store

ORDER_COLUMNS = {"LogStreamName": "name", "LastEventTime": "coalesce(last_event_ms, 0)"}


def create_log_stream(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    group = check_group_name(params["logGroupName"])
    stream = check_stream_name(params["logStreamName"])
    with store(ctx).write() as tx:
        require_group(tx, ctx, group)
        if tx.fetchone("SELECT 1 FROM logs_streams WHERE account_id = ? AND region = ? AND "
                       "group_name = ? AND name = ?", (ctx.account_id, ctx.region, group, stream)):
            raise AwsError("ResourceAlreadyExistsException",
                           "The specified log stream already exists")
        tx.execute("INSERT INTO logs_streams (account_id, region, group_name, name, created_ms) "
                   "VALUES (?, ?, ?, ?, ?)", (ctx.account_id, ctx.region, group, stream,
                                              now_ms(ctx)))
    return {}


def delete_log_stream(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    group = check_group_name(params["logGroupName"])
    key = (ctx.account_id, ctx.region, group, check_stream_name(params["logStreamName"]))
    with store(ctx).write() as tx:
        require_group(tx, ctx, group)
        if not tx.execute("DELETE FROM logs_streams WHERE account_id = ? AND region = ? AND "
                          "group_name = ? AND name = ?", key):
            raise no_stream()
        tx.execute("DELETE FROM logs_events WHERE account_id = ? AND region = ? AND "
                   "group_name = ? AND stream_name = ?", key)
    return {}


def describe_log_streams(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    group = group_name_of(ctx, params)
    order_by = params.get("orderBy") or "LogStreamName"
    prefix = params.get("logStreamNamePrefix")
    if order_by == "LastEventTime" and prefix:
        raise invalid("Cannot order by LastEventTime with a logStreamNamePrefix.")
    limit = page_limit(params)
    offset = tokens.decode(params.get("nextToken")) or 0
    if not isinstance(offset, int) or offset < 0:
        raise invalid("The specified nextToken is invalid.")
    direction = "DESC" if params.get("descending") else "ASC"
    sql = ("SELECT name, created_ms, first_event_ms, last_event_ms, last_ingestion_ms, "
           "stored_bytes FROM logs_streams WHERE account_id = ? AND region = ? AND "
           "group_name = ?")
    args: list[Any] = [ctx.account_id, ctx.region, group]
    if prefix:
        sql += " AND name LIKE ? ESCAPE '\\'"
        args.append(like_prefix(prefix))
    sql += f" ORDER BY {ORDER_COLUMNS.get(order_by, 'name')} {direction}, name {direction}"
    with store(ctx).read() as tx:
        require_group(tx, ctx, group)
        rows = tx.fetchall(sql + " LIMIT ? OFFSET ?", (*args, limit + 1, offset))
    result: dict[str, Any] = {"logStreams": [_stream(ctx, group, row) for row in rows[:limit]]}
    if len(rows) > limit:
        result["nextToken"] = tokens.encode(offset + limit)
    return result


def _stream(ctx: RequestContext, group: str, row: tuple[Any, ...]) -> dict[str, Any]:
    name, created_ms, first_ms, last_ms, ingestion_ms, stored_bytes = row
    stream: dict[str, Any] = {
        "logStreamName": name, "creationTime": created_ms,
        "arn": f"{group_arn(ctx, group)}:log-stream:{name}", "storedBytes": stored_bytes,
    }
    if first_ms is not None:
        stream.update(firstEventTimestamp=first_ms, lastEventTimestamp=last_ms,
                      lastIngestionTime=ingestion_ms)
    return stream
