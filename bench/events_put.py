"""`python -m bench.events_put`: EventBridge PutEvents throughput, pocketcloud against moto.

Each server is started alone with one rule whose pattern matches the events and whose target
is an SQS queue (so every event is matched and delivered, not only accepted). Client
processes call PutEvents (1 entry, or 10 with --entries 10) through boto3 for a fixed time;
the table shows accepted events per second and median latency, and the ratio against moto.
boto3 itself costs ~0.3-0.5 ms per call, so this measures the server with a client that is
part of the load: compare ratios in one run, not absolute numbers across machines.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import statistics
import sys
import time
from typing import Any

from bench import report, servers
from bench.startup import STS_ANSWER, sts_probe

PATTERN = json.dumps({"source": ["bench.shop"], "detail": {"total": [{"numeric": [">", 0]}]}})


def _client(port: int, service: str) -> Any:
    import boto3
    from botocore.config import Config

    return boto3.client(service, region_name="us-east-1", endpoint_url=f"http://{servers.HOST}:"
                        f"{port}", aws_access_key_id="test", aws_secret_access_key="test",
                        config=Config(retries={"max_attempts": 1}, max_pool_connections=4))


def _setup(port: int) -> None:
    sqs, events = _client(port, "sqs"), _client(port, "events")
    url = sqs.create_queue(QueueName="bench-events")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])[
        "Attributes"]["QueueArn"]
    events.put_rule(Name="bench", EventPattern=PATTERN)
    events.put_targets(Rule="bench", Targets=[{"Id": "q", "Arn": arn}])


def _worker(args: tuple[int, float, int]) -> tuple[int, int, list[float]]:
    port, duration_s, entries = args
    events = _client(port, "events")
    batch = [{"Source": "bench.shop", "DetailType": "Order", "Detail": '{"total": 42}'}] * entries
    accepted = failed = 0
    latencies: list[float] = []
    deadline = time.monotonic() + duration_s
    while time.monotonic() < deadline:
        start = time.perf_counter()
        try:
            result = events.put_events(Entries=batch)
            failed += result["FailedEntryCount"]
            accepted += entries - result["FailedEntryCount"]
        except Exception:  # a refused call counts as failed entries, the run goes on
            failed += entries
        latencies.append((time.perf_counter() - start) * 1000)
    return accepted, failed, latencies


def measure(peer: servers.Peer, clients: int, duration_s: float,
            entries: int) -> dict[str, Any]:
    with servers.running(peer, sts_probe(STS_ANSWER)) as server:
        _setup(server.port)
        _worker((server.port, 1.0, entries))  # warm up
        cpu_before = servers.cpu_seconds(server.pid)
        with multiprocessing.Pool(clients) as pool:
            results = pool.map(_worker, [(server.port, duration_s, entries)] * clients)
        cpu_s = servers.cpu_seconds(server.pid) - cpu_before
    accepted = sum(r[0] for r in results)
    latencies = [x for r in results for x in r[2]]
    return {"peer": peer.name, "events_per_s": accepted / duration_s,
            "failed": sum(r[1] for r in results),
            "p50_ms": statistics.median(latencies) if latencies else 0.0,
            "cpu_s_per_1k": 1000 * cpu_s / accepted if accepted else 0.0}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.events_put", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=4, help="client processes (1..32)")
    parser.add_argument("--duration-s", type=float, default=8.0, help="seconds (1..120)")
    parser.add_argument("--entries", type=int, default=1, choices=(1, 10))
    parser.add_argument("--no-write", action="store_true", help="leave bench/RESULTS.md alone")
    args = parser.parse_args(argv)
    if not 1 <= args.clients <= 32 or not 1 <= args.duration_s <= 120:
        parser.error("--clients must be within 1..32 and --duration-s within 1..120")
    load_before = os.getloadavg()[0]
    rows = [measure(peer, args.clients, args.duration_s, args.entries)
            for peer in (servers.moto(), servers.pocketcloud("uvicorn"))]
    load_after = os.getloadavg()[0]
    moto_rate = rows[0]["events_per_s"]
    lines = ["| server | events/s | vs moto | p50 ms | server CPU s / 1k events | failed |",
             "|---|---|---|---|---|---|"]
    for row in rows:
        ratio = f"{row['events_per_s'] / moto_rate:.1f}x" if moto_rate else "n/a"
        lines.append(f"| {row['peer']} | {row['events_per_s']:,.0f} | {ratio} | "
                     f"{row['p50_ms']:.2f} | {row['cpu_s_per_1k']:.2f} | {row['failed']} |")
    body = (f"PutEvents, {args.entries} entr{'y' if args.entries == 1 else 'ies'} per call, "
            f"every event matched by a rule with an SQS target; {args.clients} boto3 client "
            f"processes for {args.duration_s:.0f} s per server. Other load: 1-minute load "
            f"average {load_before:.1f} before, {load_after:.1f} after, on "
            f"{os.cpu_count()} cores (other sessions share this machine: compare the CPU "
            "column and the ratio, not absolute rates).\n\n" + "\n".join(lines))
    print(body)
    if not args.no_write:
        report.update_results_file("events-put", body)
    return 1 if any(row["failed"] for row in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
