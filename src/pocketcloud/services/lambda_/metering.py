"""Metering: requests and GB-seconds (billed duration x configured memory) per function,
account and region, for the bill to come.

Counted in memory on the invoke path and added to ``lambda_usage`` by a background job every
few seconds (and at shutdown), so an invocation does not wait for a database write.
"""

from __future__ import annotations

from typing import Any

from pocketcloud.cloud import Cloud
from pocketcloud.services.lambda_.schema import ready_store

JOB_NAME = "lambda-usage"
FLUSH_INTERVAL_S = 5.0
MAX_PENDING_KEYS = 100_000  # distinct functions counted between two flushes

_Key = tuple[str, str, str]  # account_id, region, function name
_pending: dict[int, dict[_Key, list[float]]] = {}


def record(cloud: Cloud, account_id: str, region: str, name: str, billed_ms: int,
           memory_mb: int) -> None:
    pending = _pending.setdefault(id(cloud), {})
    counts = pending.get((account_id, region, name))
    if counts is None:
        if len(pending) >= MAX_PENDING_KEYS:
            flush(cloud)
            pending = _pending.setdefault(id(cloud), {})
        counts = pending[(account_id, region, name)] = [0, 0, 0.0]
    counts[0] += 1
    counts[1] += billed_ms
    counts[2] += billed_ms / 1000.0 * memory_mb / 1024.0


def flush(cloud: Cloud) -> None:
    pending = _pending.pop(id(cloud), None)
    if not pending:
        return
    with ready_store(cloud.store).write() as tx:
        tx.executemany(
            "INSERT INTO lambda_usage (account_id, region, name, requests, billed_ms, "
            "gb_seconds) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (account_id, region, name) DO "
            "UPDATE SET requests = requests + excluded.requests, billed_ms = billed_ms + "
            "excluded.billed_ms, gb_seconds = gb_seconds + excluded.gb_seconds",
            [(*key, int(c[0]), int(c[1]), c[2]) for key, c in pending.items()])


def usage(cloud: Cloud) -> dict[str, Any]:
    """Every function's usage so far (flushed first), and the totals per account and region."""
    flush(cloud)
    with ready_store(cloud.store).read() as tx:
        rows = tx.fetchall("SELECT account_id, region, name, requests, billed_ms, gb_seconds "
                           "FROM lambda_usage ORDER BY account_id, region, name")
    functions = [{"accountId": r[0], "region": r[1], "functionName": r[2], "requests": r[3],
                  "billedDurationMs": r[4], "gbSeconds": round(r[5], 6)} for r in rows]
    totals: dict[tuple[str, str], dict[str, Any]] = {}
    for f in functions:
        total = totals.setdefault((f["accountId"], f["region"]), {
            "accountId": f["accountId"], "region": f["region"], "requests": 0,
            "gbSeconds": 0.0})
        total["requests"] += f["requests"]
        total["gbSeconds"] = round(total["gbSeconds"] + f["gbSeconds"], 6)
    return {"functions": functions, "accounts": list(totals.values())}
