"""`python -m bench.dns`: queries per second and latency of Route 53's DNS server.

pocketcloud is started with its DNS server on a free port; boto3 creates a hosted zone with
simple, alias, wildcard, MX/TXT, failover (health-checked) and weighted records. Then
dnsperf (Debian's DNS load tool; `make bench` installs it) sends:

- mix, flat out: a query mix over the deterministic records (answers the server can reuse),
  as fast as dnsperf can with 100 queries outstanding;
- mix at a fixed rate (default 5,000 queries/s), every query's latency logged (`-v`): p50, p99;
- weighted, flat out: every answer is drawn anew, the server's full path per query.

Without dnsperf a bounded dnspython loop (one client, sequential queries) stands in, and the
table says so. moto has no DNS server, so there is no peer to compare with here.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from bench import report, servers

HOST = "127.0.0.1"
ZONE = "bench.example.com"
MIX = [f"www.{ZONE} A", f"alias.{ZONE} A", f"{ZONE} MX", f"{ZONE} TXT", f"nope.{ZONE} A",
       f"x.apps.{ZONE} A", f"shop.{ZONE} A", f"www.{ZONE} AAAA"]
WEIGHTED = [f"w.{ZONE} A"]
OUTSTANDING = 100  # dnsperf -q: queries in flight
FALLBACK_QUERIES_MAX = 20_000
TARGET_QPS, TARGET_P99_MS = 5000, 5.0


@dataclass
class Result:
    name: str
    qps: float
    sent: int
    lost: int
    p50_ms: float | None
    p99_ms: float | None
    cpu_ms_per_1k: float
    other_cores: float
    tool: str


def _dual_port() -> int:
    while True:
        port = servers.free_port()
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
            try:
                udp.bind((HOST, port))
            except OSError:
                continue
            return port


def _peer(dns_port: int) -> servers.Peer:
    def argv(port: int) -> list[str]:
        return [sys.executable, "-m", "pocketcloud", "start", "--port", str(port),
                "--ephemeral", "--log-level", "warning", "--dns-port", str(dns_port)]

    return servers.Peer("pocketcloud", argv)


def _health(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://{HOST}:{port}/_pocketcloud/health", timeout=1):
            return True
    except OSError:
        return False


def _set_up(port: int) -> None:
    import boto3

    route53: Any = boto3.client("route53", region_name="us-east-1",
                                endpoint_url=f"http://{HOST}:{port}",
                                aws_access_key_id="test", aws_secret_access_key="test")
    zone_id = route53.create_hosted_zone(Name=ZONE, CallerReference="bench")["HostedZone"]["Id"]
    check = route53.create_health_check(CallerReference="bench", HealthCheckConfig={
        "Type": "TCP", "IPAddress": HOST, "Port": port})["HealthCheck"]["Id"]

    def a(name: str, value: str, **extra: Any) -> dict[str, Any]:
        return {"Name": name, "Type": "A", "TTL": 60, "ResourceRecords": [{"Value": value}],
                **extra}

    records = [
        a(f"www.{ZONE}", "192.0.2.1"), a(f"*.apps.{ZONE}", "192.0.2.2"),
        {"Name": ZONE, "Type": "MX", "TTL": 60, "ResourceRecords": [{"Value": "10 mx.example."}]},
        {"Name": ZONE, "Type": "TXT", "TTL": 60, "ResourceRecords": [{"Value": '"bench"'}]},
        a(f"shop.{ZONE}", "192.0.2.3", SetIdentifier="p", Failover="PRIMARY",
          HealthCheckId=check),
        a(f"shop.{ZONE}", "192.0.2.4", SetIdentifier="s", Failover="SECONDARY"),
        *(a(f"w.{ZONE}", f"192.0.2.{10 + i}", SetIdentifier=f"w{i}", Weight=i + 1)
          for i in range(4)),
    ]
    route53.change_resource_record_sets(HostedZoneId=zone_id, ChangeBatch={"Changes": [
        {"Action": "CREATE", "ResourceRecordSet": r} for r in records]})
    route53.change_resource_record_sets(HostedZoneId=zone_id, ChangeBatch={"Changes": [
        {"Action": "CREATE", "ResourceRecordSet": {"Name": f"alias.{ZONE}", "Type": "A",
         "AliasTarget": {"HostedZoneId": zone_id.split("/")[-1], "DNSName": f"www.{ZONE}",
                         "EvaluateTargetHealth": False}}}]})


def _busy_cores_s() -> float:
    fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    ticks = [int(f) for f in fields]
    busy = sum(ticks) - ticks[3] - ticks[4]  # all but idle and iowait
    return busy / servers.CLOCK_TICKS_PER_S


def _children_cpu_s() -> float:
    usage = os.times()
    return usage.children_user + usage.children_system


def _dnsperf(dns_port: int, queries: list[str], duration_s: float, rate: int | None,
             verbose: bool) -> tuple[int, int, float, list[float]]:
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as data:
        data.write("\n".join(queries) + "\n")
    argv = ["dnsperf", "-s", HOST, "-p", str(dns_port), "-d", data.name, "-l", str(duration_s),
            "-q", str(OUTSTANDING), "-c", "1"]
    argv += ["-Q", str(rate)] if rate else []
    argv += ["-v"] if verbose else []
    try:
        out = subprocess.run(argv, capture_output=True, text=True, check=True,
                             timeout=duration_s + 30).stdout
    finally:
        os.unlink(data.name)
    sent = int(_field(out, "Queries sent:"))
    completed = int(_field(out, "Queries completed:"))
    qps = float(_field(out, "Queries per second:"))
    latencies = [float(line.split()[-1]) * 1000 for line in out.splitlines()
                 if line.startswith("> ")]
    return sent, sent - completed, qps, latencies


def _field(out: str, label: str) -> str:
    line = next(line for line in out.splitlines() if line.strip().startswith(label))
    return line.split(label, 1)[1].split()[0]


def _dnspython(dns_port: int, queries: list[str], duration_s: float
               ) -> tuple[int, int, float, list[float]]:
    import dns.message

    wires = [dns.message.make_query(*q.split()).to_wire() for q in queries]
    latencies: list[float] = []
    lost = 0
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.settimeout(1.0)
        started = time.perf_counter()
        while time.perf_counter() - started < duration_s and len(latencies) + lost < \
                FALLBACK_QUERIES_MAX:
            t0 = time.perf_counter()
            sock.sendto(wires[(len(latencies) + lost) % len(wires)], (HOST, dns_port))
            try:
                sock.recv(4096)
                latencies.append((time.perf_counter() - t0) * 1000)
            except TimeoutError:
                lost += 1
        elapsed = time.perf_counter() - started
    return len(latencies) + lost, lost, len(latencies) / elapsed, latencies


def _measure(name: str, server: servers.Running, dns_port: int, queries: list[str],
             duration_s: float, rate: int | None) -> Result:
    tool = "dnsperf" if shutil.which("dnsperf") else "dnspython loop"
    cpu0, busy0, child0 = servers.cpu_seconds(server.pid), _busy_cores_s(), _children_cpu_s()
    t0 = time.monotonic()
    if tool == "dnsperf":
        sent, lost, qps, latencies = _dnsperf(dns_port, queries, duration_s, rate, rate is not None)
    else:
        sent, lost, qps, latencies = _dnspython(dns_port, queries, duration_s)
    wall_s = time.monotonic() - t0
    server_cpu = servers.cpu_seconds(server.pid) - cpu0
    own_cpu = _children_cpu_s() - child0 if tool == "dnsperf" else 0.0
    other = max(0.0, (_busy_cores_s() - busy0 - server_cpu - own_cpu) / wall_s)
    p50 = statistics.median(latencies) if latencies else None
    p99 = statistics.quantiles(latencies, n=100)[98] if len(latencies) >= 100 else None
    cpu_ms_per_1k = 1e6 * server_cpu / max(sent - lost, 1)
    return Result(name, qps, sent, lost, p50, p99, cpu_ms_per_1k, other, tool)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.dns", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration-s", type=float, default=10.0)
    parser.add_argument("--rate", type=int, default=TARGET_QPS,
                        help="queries per second of the latency run (default: %(default)s)")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args(argv)
    if not 1 <= args.duration_s <= 120 or not 1 <= args.rate <= 200_000:
        parser.error("--duration-s must be within 1..120 and --rate within 1..200000")
    console = Console(width=160)
    dns_port = _dual_port()
    with servers.running(_peer(dns_port), _health) as server:
        _set_up(server.port)
        time.sleep(1.0)  # the first health check probe
        plan = [("mix, flat out", MIX, None), (f"mix at {args.rate:,}/s", MIX, args.rate),
                ("weighted, flat out", WEIGHTED, None)]
        results = []
        for name, queries, rate in plan:
            console.print(f"[dim]measuring {name} ...[/]")
            results.append(_measure(name, server, dns_port, queries, args.duration_s, rate))
    markdown = _markdown(results, args)
    table = Table(title="Route 53 DNS server (UDP)")
    for column in COLUMNS:
        table.add_column(column)
    for row in _rows(results):
        table.add_row(*row)
    console.print(table)
    if not args.no_write:
        report.update_results_file("dns", report.with_header(markdown))
    return 1 if any(r.lost for r in results) else 0


COLUMNS = ("workload", "queries/s", "sent", "lost", "p50 / p99 ms", "server CPU ms / 1k",
           "other load (cores)", "tool")


def _rows(results: list[Result]) -> list[tuple[str, ...]]:
    def ms(value: float | None) -> str:
        return f"{value:.2f}" if value is not None else "-"

    return [(r.name, f"{r.qps:,.0f}", f"{r.sent:,}", str(r.lost), f"{ms(r.p50_ms)} / "
             f"{ms(r.p99_ms)}", f"{r.cpu_ms_per_1k:.0f}", f"{r.other_cores:.2f}", r.tool)
            for r in results]


def _markdown(results: list[Result], args: argparse.Namespace) -> str:
    lines = [f"Route 53's DNS server on 127.0.0.1 (UDP), {args.duration_s:.0f} s per workload, "
             f"dnsperf with {OUTSTANDING} queries outstanding. Targets: >= {TARGET_QPS:,} "
             f"queries/s, p99 < {TARGET_P99_MS:g} ms.", "",
             "| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    lines += ["| " + " | ".join(row) + " |" for row in _rows(results)]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
