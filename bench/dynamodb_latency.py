"""`python -m bench.dynamodb_latency`: GetItem's server-side latency, in process.

Drives pocketcloud's ASGI app directly (no sockets, no HTTP parsing by uvicorn) with the
request boto3 sends for a GetItem of a 1 KB item, timing each call from the app receiving the
request to its last response message: the server's own share of a request's latency. Prints
p50, p99 and p99.9 over the calls, and the machine's load while they ran.

`--query`: instead, the CPU time of bench.dynamodb's Query (a whole 1,000-item partition of
100-byte items in one page), best of 5 rounds: the number to watch when making Query cheaper.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import time
from typing import Any

from bench.in_process import drive
from pocketcloud.cloud import Cloud
from pocketcloud.config import Settings
from pocketcloud.gateway.app import Gateway

HEADERS = [
    (b"host", b"127.0.0.1:8000"),
    (b"content-type", b"application/x-amz-json-1.0"),
    (b"authorization", b"AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20260101/us-east-1/"
                       b"dynamodb/aws4_request, SignedHeaders=host;x-amz-date;x-amz-target, "
                       b"Signature=00"),
    (b"x-amz-date", b"20260101T000000Z"),
]
TABLE = "bench"
ITEM = {"pk": {"S": "item"}, "sk": {"S": "1"}, "data": {"S": "x" * 1000}}


async def call(app: Gateway, operation: str, body: dict[str, Any] | bytes,
               answer: list[bytes] | None = None) -> int:
    """The response's status; its body appended to `answer` when given. (Pass the body as
    bytes to keep the client's JSON encoding out of a measurement.)"""
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    headers = [*HEADERS, (b"x-amz-target", f"DynamoDB_20120810.{operation}".encode())]
    return await drive(app, "POST", "/", headers, raw, answer)


async def measure(calls: int) -> tuple[list[float], list[float]]:
    app = Gateway(Cloud(Settings(ephemeral=True)))
    await _table(app)
    await call(app, "PutItem", {"TableName": TABLE, "Item": ITEM})
    get = {"TableName": TABLE, "Key": {"pk": {"S": "item"}, "sk": {"S": "1"}}}
    for _ in range(min(1000, calls)):  # warm caches
        await call(app, "GetItem", get)
    timings, cpu = [], []
    for _ in range(calls):
        started, cpu_started = time.perf_counter(), time.thread_time()
        status = await call(app, "GetItem", get)
        timings.append(time.perf_counter() - started)
        cpu.append(time.thread_time() - cpu_started)
        if status != 200:
            raise SystemExit(f"GetItem answered {status}")
    return timings, cpu


async def _table(app: Gateway) -> None:
    keys = [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}]
    definitions = [{"AttributeName": n, "AttributeType": "S"} for n in ("pk", "sk")]
    await call(app, "CreateTable", {"TableName": TABLE, "BillingMode": "PAY_PER_REQUEST",
                                    "KeySchema": keys, "AttributeDefinitions": definitions})


async def measure_query(calls: int, rounds: int) -> list[float]:
    """CPU seconds per Query of bench.dynamodb's 1,000-item partition, one figure per round."""
    from bench.dynamodb import QUERY_ITEM_BYTES, QUERY_ITEMS, _item

    app = Gateway(Cloud(Settings(ephemeral=True)))
    await _table(app)
    for start in range(0, QUERY_ITEMS, 25):
        writes = [{"PutRequest": {"Item": _item("partition", f"{n:05d}", QUERY_ITEM_BYTES)}}
                  for n in range(start, start + 25)]
        await call(app, "BatchWriteItem", {"RequestItems": {TABLE: writes}})
    query = {"TableName": TABLE, "KeyConditionExpression": "pk = :p",
             "ExpressionAttributeValues": {":p": {"S": "partition"}}}
    answer: list[bytes] = []
    if await call(app, "Query", query, answer) != 200:
        raise SystemExit(f"Query failed: {b''.join(answer)[:300]!r}")
    if json.loads(b"".join(answer))["Count"] != QUERY_ITEMS:
        raise SystemExit("Query did not return the whole partition")
    for _ in range(min(100, calls)):  # warm caches
        await call(app, "Query", query)
    per_round = []
    for _ in range(rounds):
        started = time.process_time()
        for _ in range(calls):
            await call(app, "Query", query)
        per_round.append((time.process_time() - started) / calls)
    return per_round


async def measure_item(operation: str, calls: int, rounds: int) -> list[float]:
    """CPU seconds per PutItem (or GetItem) of the 1 KB item, one figure per round."""
    from bench.dynamodb import ITEM_BYTES, _item

    app = Gateway(Cloud(Settings(ephemeral=True)))
    await _table(app)
    item = _item("item", "1", ITEM_BYTES)
    bodies = {"PutItem": {"TableName": TABLE, "Item": item},
              "GetItem": {"TableName": TABLE, "Key": {"pk": item["pk"], "sk": item["sk"]}}}
    await call(app, "PutItem", bodies["PutItem"])
    body = json.dumps(bodies[operation]).encode()  # encoded once: the client's work, not ours
    answer: list[bytes] = []
    if await call(app, operation, body, answer) != 200:
        raise SystemExit(f"{operation} failed: {b''.join(answer)[:300]!r}")
    for _ in range(min(1000, calls)):  # warm caches
        await call(app, operation, body)
    per_round = []
    for _ in range(rounds):
        started = time.process_time()
        for _ in range(calls):
            await call(app, operation, body)
            # A server's event loop turns between requests (dropping cancelled timers, among
            # others); without this, timers pile up and each costs more than it would there.
            await asyncio.sleep(0)
        per_round.append((time.process_time() - started) / calls)
    return per_round


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.dynamodb_latency", description=__doc__)
    parser.add_argument("--calls", type=int, default=None,
                        help="calls (per round with --query); default 20000, 300 with --query")
    parser.add_argument("--query", action="store_true",
                        help="CPU per Query of a 1,000-item partition instead of GetItem latency")
    parser.add_argument("--put", action="store_true",
                        help="CPU per PutItem of a 1 KB item (an overwrite) instead")
    parser.add_argument("--get", action="store_true",
                        help="CPU per GetItem of a 1 KB item, best of 5 rounds, instead")
    args = parser.parse_args()
    calls = args.calls or (300 if args.query else 20000)
    if not 100 <= calls <= 1_000_000:
        parser.error("--calls must be within 100..1000000")
    load_before = os.getloadavg()[0]
    if args.query:
        rounds = asyncio.run(measure_query(calls, 5))
        print(f"Query of a 1,000-item partition (100-byte items), {calls} calls x 5 rounds in "
              f"process, CPU ms per Query: best {min(rounds) * 1000:.3f}, "
              f"rounds {' '.join(f'{r * 1000:.3f}' for r in rounds)}")
        print(f"load average {load_before:.1f} -> {os.getloadavg()[0]:.1f}")
        return
    if args.put or args.get:
        operation = "PutItem" if args.put else "GetItem"
        rounds = asyncio.run(measure_item(operation, calls, 5))
        print(f"{operation} of a 1 KB item, {calls} calls x 5 rounds in process, CPU ms per "
              f"call: best {min(rounds) * 1000:.4f}, "
              f"rounds {' '.join(f'{r * 1000:.4f}' for r in rounds)}")
        print(f"load average {load_before:.1f} -> {os.getloadavg()[0]:.1f}")
        return
    wall, cpu = (sorted(values) for values in asyncio.run(measure(calls)))

    def at(values: list[float], fraction: float) -> str:
        return f"{values[min(len(values) - 1, int(fraction * len(values)))] * 1000:.3f}"

    for name, values in (("wall clock", wall), ("CPU time (this thread)", cpu)):
        print(f"GetItem, 1 KB item, {len(values)} calls in process, {name}: "
              f"p50 {at(values, 0.50)} ms, p99 {at(values, 0.99)} ms, "
              f"p99.9 {at(values, 0.999)} ms, mean {statistics.fmean(values) * 1000:.3f} ms")
    print(f"load average {load_before:.1f} -> {os.getloadavg()[0]:.1f} on {os.cpu_count()} "
          "cores (wall-clock tails grow with other load: the thread waits for a core)")


if __name__ == "__main__":
    main()
