"""Running a Logs Insights query: read the groups' events in the time range (newest first,
bounded), make records of them, send them through the commands, keep the results.

A query runs once, by whichever comes first: the background task StartQuery spawns, or a
GetQueryResults that finds it still Scheduled (a restart or a refused task leaves it so).
"""

from __future__ import annotations

import base64
import json
import logging
from typing import Any

from pocketcloud.services.logs.insights_eval import (
    Row,
    Stamp,
    compile_expr,
    run_stats,
    show,
    to_number,
)
from pocketcloud.services.logs.insights_parser import Command, parse_query
from pocketcloud.services.logs.names import TOKEN_DIGITS
from pocketcloud.services.logs.schema import ready_store

log = logging.getLogger("pocketcloud.logs.insights")

MAX_SCANNED_EVENTS = 100_000  # per query: a broad query answers from the newest this many
MAX_SCANNED_BYTES = 64 * 1024 * 1024
MAX_RESULTS = 10_000
MAX_JSON_FIELDS = 200  # fields discovered in one JSON message
SCAN_CHUNK = 2_000


class Outcome:
    def __init__(self) -> None:
        self.rows: list[Row] = []
        self.columns: list[str] | None = None  # None: every field of each row
        self.stats = False
        self.matched: int | None = None


def run_pipeline(commands: list[Command], rows: list[Row], limit: int) -> Outcome:
    outcome = Outcome()
    for command in commands:
        if command.name in ("stats", "limit") and outcome.matched is None:
            outcome.matched = len(rows)
        rows = _step(command, rows, outcome)
    if outcome.matched is None:
        outcome.matched = len(rows)
    outcome.rows = rows[:min(limit, MAX_RESULTS)]
    return outcome


def _step(command: Command, rows: list[Row], outcome: Outcome) -> list[Row]:
    name = command.name
    if name == "filter":
        assert command.condition is not None
        test = compile_expr(command.condition)
        return [row for row in rows if test(row) not in (None, False, "")]
    if name == "fields":
        _compute(command, rows)
        columns = outcome.columns if outcome.columns is not None else []
        outcome.columns = columns + [c for _, c in command.items if c not in columns]
        return rows
    if name == "display":
        _compute(command, rows)
        outcome.columns = [column for _, column in command.items]
        return rows
    if name == "parse":
        _parse(command, rows)
        return rows
    if name == "stats":
        outcome.stats = True
        outcome.columns = [c for _, c in command.by] + [c for _, c in command.items]
        return run_stats(command, rows)
    if name == "sort":
        return _sorted(command, rows)
    if name == "limit":
        return rows[:command.count]
    return _dedup(command, rows)


def _compute(command: Command, rows: list[Row]) -> None:
    for expr, column in command.items:
        if expr.kind == "field" and expr.value == column:
            continue
        value = _column_or(expr.source, compile_expr(expr))
        for row in rows:
            found = value(row)
            if found is not None:
                row[column] = found


def _column_or(source: str, compiled: Any) -> Any:
    """After stats, `sort count(*)` names the column stats made, not a new computation."""
    return lambda row: row[source] if source in row else compiled(row)


def _parse(command: Command, rows: list[Row]) -> None:
    subject = compile_expr(command.items[0][0])
    pattern = command.pattern
    for row in rows:
        text = subject(row)
        match = pattern.search(show(text)) if text is not None else None
        if match is None:
            continue
        if command.names:
            row.update({n: v for n, v in zip(command.names, match.groups(), strict=False)
                        if v is not None})
        else:
            row.update({n: v for n, v in match.groupdict().items() if v is not None})


def _sorted(command: Command, rows: list[Row]) -> list[Row]:
    for key_expr, descending in reversed(command.order):
        key = _column_or(key_expr.source or "", compile_expr(key_expr))

        def order(row: Row, key: Any = key) -> tuple[int, float, str]:
            value = key(row)
            number = to_number(value)
            if value is None:
                return (2, 0.0, "")
            return (0, number, "") if number is not None else (1, 0.0, show(value))

        present = [r for r in rows if key(r) is not None]
        missing = [r for r in rows if key(r) is None]  # missing values last, either way
        rows = sorted(present, key=order, reverse=descending) + missing
    return rows


def _dedup(command: Command, rows: list[Row]) -> list[Row]:
    keys = [compile_expr(expr) for expr, _ in command.items]
    seen: set[tuple[str, ...]] = set()
    kept = []
    for row in rows:
        values = [key(row) for key in keys]
        if any(v is None for v in values):  # AWS: a missing value is never a duplicate
            kept.append(row)
            continue
        marker = tuple(show(v) for v in values)
        if marker not in seen:
            seen.add(marker)
            kept.append(row)
    return kept


def answer(outcome: Outcome) -> list[list[dict[str, str]]]:
    results = []
    for row in outcome.rows:
        columns = outcome.columns if outcome.columns is not None else [
            c for c in row if c not in ("@ptr", "@ingestionTime")]
        line = [{"field": c, "value": show(row[c])} for c in columns
                if row.get(c) is not None]
        if not outcome.stats and "@ptr" in row and "@ptr" not in columns:
            line.append({"field": "@ptr", "value": row["@ptr"]})
        results.append(line)
    return results


# --- records ------------------------------------------------------------------------------

def record(account_id: str, row: tuple[Any, ...]) -> Row:
    event_id, group, stream, stamp, ingestion, message = row
    found: Row = {"@timestamp": Stamp(stamp), "@message": message, "@logStream": stream,
                  "@log": f"{account_id}:{group}", "@ingestionTime": Stamp(ingestion)}
    if message.startswith("{"):
        _discover(message, found)
    found["@ptr"] = base64.b64encode(json.dumps(
        [group, stream, str(event_id).zfill(TOKEN_DIGITS)]).encode()).decode()
    return found


def _discover(message: str, into: Row) -> None:
    try:
        document = json.loads(message)
    except ValueError:
        return
    if not isinstance(document, dict):
        return
    pending: list[tuple[str, Any]] = list(document.items())
    discovered = 0
    while pending and discovered < MAX_JSON_FIELDS:
        key, value = pending.pop(0)
        if isinstance(value, dict):
            pending.extend((f"{key}.{k}", v) for k, v in value.items())
        elif isinstance(value, list):
            pending.extend((f"{key}.{i}", v) for i, v in enumerate(value))
        elif value is not None and not key.startswith("@"):
            into[key] = value
            discovered += 1


def scan(tx: Any, account_id: str, region: str, groups: list[str], start_ms: int,
         end_ms: int) -> tuple[list[Row], int, int]:
    """The records of the range, newest first; with how many events and bytes were read."""
    marks = ",".join("?" * len(groups))
    rows: list[Row] = []
    scanned_bytes = 0
    after = (end_ms + 1, 0)
    while len(rows) < MAX_SCANNED_EVENTS and scanned_bytes < MAX_SCANNED_BYTES:
        chunk = tx.fetchall(
            f"SELECT event_id, group_name, stream_name, timestamp_ms, ingestion_ms, message "
            f"FROM logs_events WHERE account_id = ? AND region = ? AND group_name IN ({marks}) "
            f"AND timestamp_ms >= ? AND (timestamp_ms, event_id) < (?, ?) ORDER BY "
            f"timestamp_ms DESC, event_id DESC LIMIT ?",
            (account_id, region, *groups, start_ms, after[0], after[1] or 2 ** 62, SCAN_CHUNK))
        for event in chunk:
            rows.append(record(account_id, event))
            scanned_bytes += len(event[5].encode("utf-8"))
        if len(chunk) < SCAN_CHUNK:
            break
        after = (chunk[-1][3], chunk[-1][0])
    return rows, len(rows), scanned_bytes


def run_query(cloud: Any, query_id: str) -> None:
    """Claim a Scheduled query, run it, keep its results (unless it was stopped meanwhile)."""
    db = ready_store(cloud.store)
    with db.write() as tx:
        claimed = tx.execute("UPDATE logs_queries SET status = 'Running' WHERE query_id = ? "
                             "AND status = 'Scheduled'", (query_id,))
        row = tx.fetchone("SELECT account_id, region, query_string, group_names, start_s, "
                          "end_s, row_limit FROM logs_queries WHERE query_id = ?", (query_id,))
    if not claimed or row is None:
        return
    account_id, region, query, groups, start_s, end_s, limit = row
    try:
        with db.read() as tx:
            records, scanned, scanned_bytes = scan(tx, account_id, region, json.loads(groups),
                                                   start_s * 1000, end_s * 1000 + 999)
        outcome = run_pipeline(parse_query(query), records, limit or MAX_RESULTS)
        status, results = "Complete", answer(outcome)
        statistics = {"recordsMatched": float(outcome.matched or 0),
                      "recordsScanned": float(scanned), "bytesScanned": float(scanned_bytes)}
    except Exception:  # a query that cannot run fails alone, as in AWS
        log.exception("Logs Insights query %s failed", query_id)
        status, results, statistics = "Failed", [], {}
    with db.write() as tx:
        tx.execute("UPDATE logs_queries SET status = ?, results = ?, statistics = ? WHERE "
                   "query_id = ? AND status = 'Running'",
                   (status, json.dumps(results), json.dumps(statistics), query_id))
