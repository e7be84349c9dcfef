"""`python -m bench.iam_overhead`: what IAM enforcement costs on S3 4 KiB GETs.

pocketcloud is started with ``--iam off`` and with ``--iam enforce``, one after the other,
in interleaved rounds. In each, an IAM user whose inline policy allows s3:GetObject on the
bucket fetches one 4 KiB object; wrk replays that user's botocore-signed GET. Enforce mode
verifies the SigV4 signature and evaluates the user's policy on every request; off does
neither. The overhead is the extra server CPU per request and the lost requests per second.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import statistics
import sys
import urllib.request
from dataclasses import dataclass, field
from typing import Any

from rich.console import Console
from rich.table import Table

from bench import report, servers
from bench.wrk import HOST, SignedRequest, run_load, wrk_binary

SECRET = "bench-root-secret"
BUCKET, KEY = "bench-iam", "object-4k"
OBJECT_BYTES = 4096


@dataclass
class ModeResult:
    mode: str
    requests_per_s: list[float] = field(default_factory=list)
    cpu_ms_per_request: list[float] = field(default_factory=list)
    p99_ms: list[float] = field(default_factory=list)
    failures: int = 0


def _peer(mode: str) -> servers.Peer:
    def argv(port: int) -> list[str]:
        return [sys.executable, "-m", "pocketcloud", "start", "--port", str(port),
                "--ephemeral", "--log-level", "warning", "--iam", mode,
                "--root-secret-key", SECRET, "--dns-port", "0"]

    return servers.Peer(f"pocketcloud --iam {mode}", argv)


def _health(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://{HOST}:{port}/_pocketcloud/health", timeout=1):
            return True
    except OSError:
        return False


def _client(port: int, service: str, key: str, secret: str) -> Any:
    import boto3

    return boto3.client(service, region_name="us-east-1", endpoint_url=f"http://{HOST}:{port}",
                        aws_access_key_id=key, aws_secret_access_key=secret)


def _signed_get(port: int) -> SignedRequest:
    """Set up bucket, object and user; return the user's signed GET, as botocore sends it."""
    s3 = _client(port, "s3", "test", SECRET)
    s3.create_bucket(Bucket=BUCKET)
    s3.put_object(Bucket=BUCKET, Key=KEY, Body=b"x" * OBJECT_BYTES)
    iam = _client(port, "iam", "test", SECRET)
    iam.create_user(UserName="reader")
    iam.put_user_policy(UserName="reader", PolicyName="read", PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Action": "s3:GetObject",
            "Resource": f"arn:aws:s3:::{BUCKET}/*"}]}))
    key = iam.create_access_key(UserName="reader")["AccessKey"]
    reader = _client(port, "s3", key["AccessKeyId"], key["SecretAccessKey"])
    captured: dict[str, Any] = {}

    def capture(request: Any, **_: object) -> None:
        captured["request"] = request
        raise _Stop

    reader.meta.events.register("before-send", capture)
    with contextlib.suppress(_Stop):
        reader.get_object(Bucket=BUCKET, Key=KEY)
    prepared = captured["request"]
    headers = {name: value.decode() if isinstance(value, bytes) else value
               for name, value in prepared.headers.items()}
    headers["Host"] = f"{HOST}:{port}"
    return SignedRequest("GET", headers, b"", path=prepared.url.split(str(port), 1)[1])


class _Stop(Exception):
    pass


def _measure(mode: str, result: ModeResult, duration_s: float, warmup_s: float,
             connections: int) -> None:
    with servers.running(_peer(mode), _health) as server:
        request = _signed_get(server.port)
        run_load(server.port, request, warmup_s, connections, 2)
        cpu_before_s = servers.cpu_seconds(server.pid)
        load = run_load(server.port, request, duration_s, connections, 2)
        cpu_s = servers.cpu_seconds(server.pid) - cpu_before_s
    result.requests_per_s.append(load.requests_per_s)
    result.cpu_ms_per_request.append(1000 * cpu_s / max(load.requests, 1))
    result.p99_ms.append(load.latency_p99_ms)
    result.failures += load.non_2xx + load.socket_errors


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.iam_overhead", description=__doc__)
    parser.add_argument("--duration-s", type=float, default=6.0)
    parser.add_argument("--warmup-s", type=float, default=2.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args(argv)
    wrk_binary()
    console = Console(width=160)
    results = {mode: ModeResult(mode) for mode in ("off", "enforce")}
    for round_index in range(args.rounds):
        for mode, result in results.items():
            console.print(f"[dim]round {round_index + 1}/{args.rounds}: --iam {mode}[/]")
            _measure(mode, result, args.duration_s, args.warmup_s, args.connections)
    markdown = _markdown(results, args)
    table = Table(title="S3 4 KiB GET: --iam off vs enforce (medians)")
    for column in ("mode", "req/s", "server CPU ms/req", "p99 ms", "failures"):
        table.add_column(column)
    for result in results.values():
        table.add_row(result.mode, f"{statistics.median(result.requests_per_s):,.0f}",
                      f"{statistics.median(result.cpu_ms_per_request):.3f}",
                      f"{statistics.median(result.p99_ms):.2f}", str(result.failures))
    console.print(table)
    console.print(markdown.splitlines()[-1])
    if not args.no_write:
        report.update_results_file("iam-overhead", report.with_header(markdown))
    return 1 if any(r.failures for r in results.values()) else 0


def _markdown(results: dict[str, ModeResult], args: argparse.Namespace) -> str:
    off, enforce = results["off"], results["enforce"]
    rps_off, rps_on = (statistics.median(r.requests_per_s) for r in (off, enforce))
    cpu_off, cpu_on = (statistics.median(r.cpu_ms_per_request) for r in (off, enforce))
    lines = [f"S3 4 KiB GET by an IAM user with an inline policy, wrk {args.connections} "
             f"connections, {args.rounds} interleaved rounds of {args.duration_s:.0f} s, medians.",
             "", "| mode | req/s | server CPU ms/request | p99 ms | failed |",
             "|---|---|---|---|---|"]
    for r in (off, enforce):
        lines.append(f"| --iam {r.mode} | {statistics.median(r.requests_per_s):,.0f} | "
                     f"{statistics.median(r.cpu_ms_per_request):.3f} | "
                     f"{statistics.median(r.p99_ms):.2f} | {r.failures} |")
    lines += ["", f"Enforcement costs {100 * (cpu_on / cpu_off - 1):.1f}% more server CPU per "
              f"request and {100 * (1 - rps_on / rps_off):.1f}% of requests per second."]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
