"""Logs Insights' operations: StartQuery, GetQueryResults, StopQuery, DescribeQueries, and
saved query definitions (Put/Describe/DeleteQueryDefinition).

A query is parsed when it starts (a syntax error is MalformedQueryException then), stored as
Scheduled and run in the background (insights_run.py); its results are kept for 7 days, as in
AWS. At most 30 queries of an account run at once, AWS's quota.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from pocketcloud.context import RequestContext
from pocketcloud.errors import AwsError
from pocketcloud.services.logs import tokens
from pocketcloud.services.logs.groups import now_ms
from pocketcloud.services.logs.insights_parser import parse_query
from pocketcloud.services.logs.insights_run import MAX_RESULTS, run_pipeline, run_query
from pocketcloud.services.logs.names import (
    invalid,
    name_from_identifier,
    validation_error,
)
from pocketcloud.services.logs.schema import store

CONCURRENT_QUERIES_MAX = 30
GROUPS_PER_QUERY_MAX = 50
RESULTS_KEPT_MS = 7 * 86_400_000
PRUNED_PER_START = 100
DESCRIBE_MAX = 1000
DEFINITIONS_MAX = 1000
QUERY_STATUSES = ("Scheduled", "Running", "Complete", "Failed", "Cancelled", "Timeout",
                  "Unknown")


def _query_groups(ctx: RequestContext, params: dict[str, Any]) -> list[str]:
    given = [m for m in ("logGroupName", "logGroupNames", "logGroupIdentifiers")
             if params.get(m)]
    if len(given) > 1:
        raise invalid("LogGroupName, LogGroupNames and LogGroupIdentifiers are mutually "
                      "exclusive parameters.")
    if not given:
        raise invalid("Either LogGroupName, LogGroupNames or LogGroupIdentifiers must be "
                      "specified.")
    value = params[given[0]]
    names = [value] if isinstance(value, str) else list(value)
    if len(names) > GROUPS_PER_QUERY_MAX:
        raise validation_error(len(names), given[0], "Member must have length less than or "
                               f"equal to {GROUPS_PER_QUERY_MAX}")
    return list(dict.fromkeys(name_from_identifier(ctx, n) for n in names))


async def start_query(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    groups = _query_groups(ctx, params)
    start_s, end_s = int(params["startTime"]), int(params["endTime"])
    if end_s < start_s:
        raise invalid("End time should not be before the start time")
    limit = params.get("limit")
    if limit is not None and not 1 <= limit <= MAX_RESULTS:
        raise validation_error(limit, "limit", "Member must have value less than or equal to "
                               f"{MAX_RESULTS}" if limit > 1 else "Member must have value "
                               "greater than or equal to 1")
    query = params["queryString"]
    run_pipeline(parse_query(query), [], 1)  # compiles every expression: errors come now
    query_id = ctx.cloud.ids.uuid4()
    now = now_ms(ctx)
    with store(ctx).write() as tx:
        for group in groups:
            if not tx.fetchone("SELECT 1 FROM logs_groups WHERE account_id = ? AND region = ? "
                               "AND name = ?", (ctx.account_id, ctx.region, group)):
                raise AwsError("ResourceNotFoundException", (
                    f"Log group '{group}' does not exist for account ID '{ctx.account_id}' "
                    "(Service: AWSLogs; Status Code: 400; Error Code: "
                    f"ResourceNotFoundException; Request ID: {ctx.request_id}; Proxy: null)"))
        _prune(tx, now)
        running = tx.fetchvalue("SELECT count(*) FROM logs_queries WHERE account_id = ? AND "
                                "region = ? AND status IN ('Scheduled', 'Running')",
                                (ctx.account_id, ctx.region))
        if running >= CONCURRENT_QUERIES_MAX:
            raise AwsError("LimitExceededException", "Account maximum query concurrency limit "
                           f"of [{CONCURRENT_QUERIES_MAX}] reached.")
        tx.execute("INSERT INTO logs_queries (query_id, account_id, region, query_string, "
                   "group_names, start_s, end_s, row_limit, status, created_ms) VALUES "
                   "(?, ?, ?, ?, ?, ?, ?, ?, 'Scheduled', ?)",
                   (query_id, ctx.account_id, ctx.region, query, json.dumps(groups), start_s,
                    end_s, limit, now))
    ctx.cloud.background.spawn(f"logs-query-{query_id}",
                               asyncio.to_thread(run_query, ctx.cloud, query_id))
    return {"queryId": query_id}


def _prune(tx: Any, now: int) -> None:
    tx.execute("DELETE FROM logs_queries WHERE query_id IN (SELECT query_id FROM logs_queries "
               "WHERE created_ms < ? LIMIT ?)", (now - RESULTS_KEPT_MS, PRUNED_PER_START))


def _query_row(ctx: RequestContext, query_id: str) -> tuple[Any, ...]:
    with store(ctx).read() as tx:
        row = tx.fetchone("SELECT status, results, statistics FROM logs_queries WHERE "
                          "query_id = ? AND account_id = ? AND region = ?",
                          (query_id, ctx.account_id, ctx.region))
    if row is None:
        raise AwsError("ResourceNotFoundException", "Query does not exist.")
    return tuple(row)


def get_query_results(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    query_id = params["queryId"]
    status, _, _ = _query_row(ctx, query_id)
    if status == "Scheduled":  # its task has not started (or a restart lost it): run it now
        run_query(ctx.cloud, query_id)
    status, results, statistics = _query_row(ctx, query_id)
    answer: dict[str, Any] = {"queryLanguage": "CWLI", "status": status,
                              "results": json.loads(results) if results else [],
                              "statistics": json.loads(statistics) if statistics else {
                                  "recordsMatched": 0.0, "recordsScanned": 0.0,
                                  "bytesScanned": 0.0}}
    return answer


def stop_query(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    query_id = params["queryId"]
    _query_row(ctx, query_id)
    with store(ctx).write() as tx:
        stopped = tx.execute("UPDATE logs_queries SET status = 'Cancelled' WHERE query_id = ? "
                             "AND status IN ('Scheduled', 'Running')", (query_id,))
    return {"success": bool(stopped)}


def describe_queries(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    limit = params.get("maxResults") or DESCRIBE_MAX
    if not 1 <= limit <= DESCRIBE_MAX:
        raise validation_error(limit, "maxResults", "Member must have value less than or "
                               f"equal to {DESCRIBE_MAX}")
    status = params.get("status")
    if status is not None and status not in QUERY_STATUSES:
        raise validation_error(status, "status", "Member must satisfy enum value set: "
                               f"[{', '.join(QUERY_STATUSES)}]")
    after = tokens.decode(params.get("nextToken")) or [2 ** 62, ""]
    if not (isinstance(after, list) and len(after) == 2):
        raise invalid("The specified nextToken is invalid.")
    sql = ("SELECT query_id, query_string, status, created_ms, group_names, start_s, end_s "
           "FROM logs_queries WHERE account_id = ? AND region = ? AND (created_ms, query_id) "
           "< (?, ?)")
    args: list[Any] = [ctx.account_id, ctx.region, after[0], after[1]]
    if status:
        sql += " AND status = ?"
        args.append(status)
    if params.get("logGroupName"):
        sql += " AND EXISTS (SELECT 1 FROM json_each(group_names) WHERE value = ?)"
        args.append(params["logGroupName"])
    with store(ctx).read() as tx:
        rows = tx.fetchall(sql + " ORDER BY created_ms DESC, query_id DESC LIMIT ?",
                           (*args, limit + 1))
    result: dict[str, Any] = {"queries": [_described(r) for r in rows[:limit]]}
    if len(rows) > limit:
        result["nextToken"] = tokens.encode([rows[limit - 1][3], rows[limit - 1][0]])
    return result


def _described(row: tuple[Any, ...]) -> dict[str, Any]:
    query_id, query, status, created_ms, groups, start_s, end_s = row
    names = json.loads(groups)
    sources = " ".join(f'"{name}"' for name in names)
    # AWS shows the query as it ran it: its sources and time range (in milliseconds) first
    shown = f"SOURCE {sources} START={start_s}000 END={end_s}999 | {query}"
    return {"queryId": query_id, "queryString": shown, "status": status,
            "createTime": created_ms, "logGroupName": names[0], "queryLanguage": "CWLI"}


# --- query definitions ---------------------------------------------------------------------

def put_query_definition(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name, query = params["name"], params["queryString"]
    if not 1 <= len(name) <= 255:
        raise validation_error(name, "name", "Member must have length less than or equal to "
                               "255")
    if not 1 <= len(query) <= 10_000:
        raise validation_error(query, "queryString", "Member must have length less than or "
                               "equal to 10000")
    groups = json.dumps(params.get("logGroupNames") or [])
    definition_id = params.get("queryDefinitionId")
    key = (ctx.account_id, ctx.region)
    with store(ctx).write() as tx:
        if definition_id:
            if not tx.execute("UPDATE logs_query_definitions SET name = ?, query_string = ?, "
                              "group_names = ?, modified_ms = ? WHERE account_id = ? AND "
                              "region = ? AND definition_id = ?",
                              (name, query, groups, now_ms(ctx), *key, definition_id)):
                raise AwsError("ResourceNotFoundException",
                               "The specified query definition does not exist.")
            return {"queryDefinitionId": definition_id}
        if tx.fetchvalue("SELECT count(*) FROM logs_query_definitions WHERE account_id = ? "
                         "AND region = ?", key) >= DEFINITIONS_MAX:
            raise AwsError("LimitExceededException", "Resource limit exceeded.")
        definition_id = ctx.cloud.ids.uuid4()
        tx.execute("INSERT INTO logs_query_definitions (account_id, region, definition_id, "
                   "name, query_string, group_names, modified_ms) VALUES (?, ?, ?, ?, ?, ?, ?)",
                   (*key, definition_id, name, query, groups, now_ms(ctx)))
    return {"queryDefinitionId": definition_id}


def describe_query_definitions(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    limit = params.get("maxResults") or DESCRIBE_MAX
    if not 1 <= limit <= DESCRIBE_MAX:
        raise validation_error(limit, "maxResults", "Member must have value less than or "
                               f"equal to {DESCRIBE_MAX}")
    after = tokens.decode(params.get("nextToken")) or ["", ""]
    if not (isinstance(after, list) and len(after) == 2):
        raise invalid("The specified nextToken is invalid.")
    sql = ("SELECT definition_id, name, query_string, group_names, modified_ms FROM "
           "logs_query_definitions WHERE account_id = ? AND region = ? AND (name, "
           "definition_id) > (?, ?)")
    args: list[Any] = [ctx.account_id, ctx.region, after[0], after[1]]
    prefix = params.get("queryDefinitionNamePrefix")
    if prefix:
        sql += " AND substr(name, 1, ?) = ?"
        args += [len(prefix), prefix]
    with store(ctx).read() as tx:
        rows = tx.fetchall(sql + " ORDER BY name, definition_id LIMIT ?", (*args, limit + 1))
    definitions = [{"queryDefinitionId": r[0], "name": r[1], "queryString": r[2],
                    "logGroupNames": json.loads(r[3]), "lastModified": r[4],
                    "queryLanguage": "CWLI"} for r in rows[:limit]]
    result: dict[str, Any] = {"queryDefinitions": definitions}
    if len(rows) > limit:
        result["nextToken"] = tokens.encode([rows[limit - 1][1], rows[limit - 1][0]])
    return result


def delete_query_definition(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    with store(ctx).write() as tx:
        if not tx.execute("DELETE FROM logs_query_definitions WHERE account_id = ? AND "
                          "region = ? AND definition_id = ?",
                          (ctx.account_id, ctx.region, params["queryDefinitionId"])):
            raise AwsError("ResourceNotFoundException",
                           "The specified query definition does not exist.")
    return {"success": True}
