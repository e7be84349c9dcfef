"""DynamoDB workloads: PutItem and GetItem of a 1 KB item, Query of a 1,000-item partition.

pocketcloud, dynalite (Node + LevelDB's in-memory backend, its default) and moto's server are
each started alone, given the same table and items through boto3, then loaded by wrk
replaying one botocore-signed request per workload. A PutItem replay overwrites the same item,
which is the same work for every peer. A second GetItem run at one connection shows the
server's own latency (no queueing behind other connections).
"""

from __future__ import annotations

import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench import report, servers
from bench.throughput import LoadOptions, Measurement, Run
from bench.wrk import HOST, SignedRequest, _bytes, _Captured, _text, run_load

DYNALITE = Path(__file__).resolve().parent / "node_modules" / ".bin" / "dynalite"
TABLE = "bench"
ITEM_BYTES = 1024
QUERY_ITEMS = 1000
QUERY_ITEM_BYTES = 100  # so the whole partition fits in one 1 MB page on every peer
WORKLOADS = ("ddb-put", "ddb-get", "ddb-get-1conn", "ddb-query")
ANSWERS = {"ddb-put": b"{}", "ddb-get": b'"Item"', "ddb-get-1conn": b'"Item"',
           "ddb-query": b'"Count"'}
DYNALITE_ON_DISK = "dynalite (LevelDB on disk)"
_SCRATCH = tempfile.TemporaryDirectory(prefix="bench-dynalite-")  # removed when the run exits
REFERENCES = ("moto_server", "dynalite", DYNALITE_ON_DISK)
COLUMNS = ("workload", "server", "req/s", "req/s range", "CPU s / 1k req", "p50 / p99 ms",
           "vs moto", "vs dynalite", "vs dynalite on disk", "other load")


def dynalite(on_disk: bool = False) -> servers.Peer:
    """dynalite in memory (its default), or on LevelDB in a fresh directory (`--path`).

    The on-disk form is the like-for-like peer: pocketcloud keeps every write in SQLite on disk.
    """

    def argv(port: int) -> list[str]:
        path = ["--path", tempfile.mkdtemp(dir=_SCRATCH.name)] if on_disk else []
        return [str(DYNALITE), "--host", HOST, "--port", str(port), "--createTableMs", "0",
                "--deleteTableMs", "0", "--updateTableMs", "0", *path]

    return servers.Peer(DYNALITE_ON_DISK if on_disk else "dynalite", argv)


def peers() -> list[servers.Peer]:
    if not DYNALITE.exists():
        raise SystemExit("dynalite is not installed: run `npm install --prefix bench dynalite` "
                         "(make bench does it)")
    return [servers.pocketcloud("uvicorn"), dynalite(), dynalite(on_disk=True), servers.moto()]


def _client(port: int) -> Any:
    import boto3

    return boto3.client("dynamodb", region_name="us-east-1", endpoint_url=f"http://{HOST}:{port}",
                        aws_access_key_id="AKIAIOSFODNN7EXAMPLE",
                        aws_secret_access_key="bench-secret")


def _item(pk: str, sk: str, size_bytes: int) -> dict[str, Any]:
    pad = max(0, size_bytes - len(pk) - len(sk) - 8)
    return {"pk": {"S": pk}, "sk": {"S": sk}, "data": {"S": "x" * pad}}


def probe(port: int) -> bool:
    try:
        _client(port).list_tables()
    except Exception:  # noqa: BLE001 (not up yet: connection refused, reset...)
        return False
    return True


def populate(port: int) -> None:
    """The table, the 1 KB item, and the 1,000-item partition."""
    client = _client(port)
    client.create_table(
        TableName=TABLE, BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"},
                   {"AttributeName": "sk", "KeyType": "RANGE"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                              {"AttributeName": "sk", "AttributeType": "S"}])
    deadline = time.monotonic() + servers.READY_TIMEOUT_S
    while client.describe_table(TableName=TABLE)["Table"]["TableStatus"] != "ACTIVE":
        if time.monotonic() > deadline:
            raise TimeoutError("table did not become ACTIVE")
        time.sleep(0.05)
    client.put_item(TableName=TABLE, Item=_item("item", "1", ITEM_BYTES))
    for start in range(0, QUERY_ITEMS, 25):
        writes = [{"PutRequest": {"Item": _item("partition", f"{n:05d}", QUERY_ITEM_BYTES)}}
                  for n in range(start, start + 25)]
        client.batch_write_item(RequestItems={TABLE: writes})


def signed(port: int, workload: str) -> SignedRequest:
    client = _client(port)

    def capture(request: object, **_: object) -> None:
        raise _Captured(request)

    client.meta.events.register("before-send", capture)
    calls: dict[str, Callable[[], object]] = {
        "ddb-put": lambda: client.put_item(TableName=TABLE, Item=_item("item", "1", ITEM_BYTES)),
        "ddb-get": lambda: client.get_item(TableName=TABLE,
                                           Key={"pk": {"S": "item"}, "sk": {"S": "1"}}),
        "ddb-query": lambda: client.query(
            TableName=TABLE, KeyConditionExpression="pk = :p",
            ExpressionAttributeValues={":p": {"S": "partition"}}),
    }
    calls["ddb-get-1conn"] = calls["ddb-get"]
    try:
        calls[workload]()
    except _Captured as captured:
        prepared: Any = captured.request
    else:
        raise RuntimeError("botocore sent the request instead of handing it to the hook")
    headers = {name: _text(value) for name, value in prepared.headers.items()}
    headers["Host"] = f"{HOST}:{port}"
    return SignedRequest(prepared.method, headers, _bytes(prepared.body or b""))


def measure_peer(peer: servers.Peer, workloads: list[str], options: LoadOptions,
                 results: dict[tuple[str, str], Measurement]) -> None:
    """One fresh server per round; every workload measured on it, in order."""
    with servers.running(peer, probe) as server:
        populate(server.port)
        for workload in workloads:
            request = signed(server.port, workload)
            if not servers.answers(server.port, request.method, request.body, request.headers,
                                   ANSWERS[workload], timeout_s=10):
                raise RuntimeError(f"{peer.name} gave a wrong answer to {workload}")
            connections = 1 if workload.endswith("1conn") else options.connections
            threads = 1 if connections == 1 else options.threads
            if options.quiet_wait_s:
                servers.wait_until_quiet(options.quiet_wait_s)
            run_load(server.port, request, options.warmup_s, connections, threads)
            cpu_before_s, machine_before_s = (servers.cpu_seconds(server.pid),
                                              servers.machine_busy_s())
            load = run_load(server.port, request, options.duration_s, connections, threads)
            server_cpu_s = servers.cpu_seconds(server.pid) - cpu_before_s
            machine_s = servers.machine_busy_s() - machine_before_s
            if not server.alive():
                raise RuntimeError(f"{peer.name} died under load: {server.last_log_line()}")
            other = max(0.0, machine_s - server_cpu_s - load.wrk_cpu_s) / load.duration_s
            results[(workload, peer.name)].runs.append(
                Run(load, server_cpu_s, servers.peak_rss_mb(server.pid), other))


def measure(workloads: list[str], options: LoadOptions,
            progress: Callable[[str], None]) -> list[Measurement]:
    plan = peers()
    results = {(w, p.name): Measurement(w, p.name) for w in workloads for p in plan}
    failed: set[str] = set()
    for round_index in range(options.repeat):
        for peer in plan:
            if peer.name in failed:
                continue
            progress(f"round {round_index + 1}/{options.repeat}: dynamodb, {peer.name}")
            try:
                measure_peer(peer, workloads, options, results)
            except (RuntimeError, TimeoutError, subprocess.TimeoutExpired) as error:
                failed.add(peer.name)
                for workload in workloads:
                    results[(workload, peer.name)].error = str(error).splitlines()[0]
                progress(f"failed: {error}")
    return list(results.values())


def rows(results: list[Measurement]) -> list[tuple[str, ...]]:
    by_key = {(m.workload, m.peer): m for m in results}
    out: list[tuple[str, ...]] = []
    for m in results:
        if not m.runs:
            out.append((m.workload, m.peer, f"failed: {m.error}") + ("",) * 7)
            continue
        ratios = []
        for reference in REFERENCES:
            other = by_key.get((m.workload, reference))
            rate = other.requests_per_s if other and other.runs else 0.0
            ratios.append(f"{m.requests_per_s / rate:.2f}x" if rate else "n/a")
        failed = m.failed_requests
        rps = f"{m.requests_per_s:,.0f}" + (f" ({failed} failed!)" if failed else "")
        p50_ms, p99_ms = m.latency_ms
        out.append((m.workload, m.peer, rps, m.spread, f"{m.cpu_s_per_1k:.3f}",
                    f"{p50_ms:.2f} / {p99_ms:.2f}", *ratios, f"{m.other_cores_busy:.2f}"))
    return out


def markdown(results: list[Measurement], options: LoadOptions) -> str:
    load = (f"wrk, {options.threads} threads, {options.connections} connections "
            f"(ddb-get-1conn: 1 thread, 1 connection), {options.duration_s:g} s per measurement "
            f"after {options.warmup_s:g} s warm-up, {options.repeat} round(s); each round starts "
            "each server fresh, creates the table, a 1 KB item and a 1,000-item partition of "
            f"{QUERY_ITEM_BYTES}-byte items, then measures every workload on it. dynalite "
            f"{_dynalite_version()} runs in memory (its default) and, as a second peer, on "
            "LevelDB in a fresh directory (`--path`); pocketcloud with --ephemeral "
            "(SQLite in WAL mode in a temporary directory).")
    table = report.markdown_table(COLUMNS, rows(results))
    median_other = statistics.median(m.other_cores_busy for m in results if m.runs) if any(
        m.runs for m in results) else 0.0
    return report.with_header(
        f"{load}\n\n{table}\n\nMedian other load over the rows: {median_other:.2f} cores.")


def _dynalite_version() -> str:
    package = DYNALITE.resolve().parent / "package.json"
    if not package.exists():
        return "(version unknown)"
    import json

    return str(json.loads(package.read_text()).get("version", "?"))
