"""Lambda: warm and cold invocations of a hello-world Python function through boto3, and 100
concurrent callers sustained; moto's server is tried on the same calls.

Latency is end to end as a user sees it: boto3's ``invoke`` (signing, HTTP, parsing) plus the
server and the worker. Server CPU is the whole process tree (the gateway and its workers).
"""

from __future__ import annotations

import base64
import io
import re
import statistics
import threading
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from bench import servers
from bench.startup import sts_probe

HELLO = "def handler(event, context):\n    return {'hello': event.get('name', 'world')}\n"
# The warm-up of the concurrency run holds each worker a moment so that every caller gets one.
HOLD = ("import time\ndef handler(event, context):\n    time.sleep(event.get('hold_s', 0))\n"
        "    return {'hello': 'world'}\n")
NODE_HELLO = "exports.handler = async (event) => ({hello: event.name || 'world'});\n"
ROLE = "arn:aws:iam::{account}:role/bench"
MOTO_ACCOUNT = "123456789012"  # moto's default account: its roles must be there
MAX_CALLERS = 200


@dataclass
class LambdaResult:
    peer: str
    warm_ms: list[float] = field(default_factory=list)
    cold_ms: list[float] = field(default_factory=list)
    init_ms: list[float] = field(default_factory=list)  # Init Duration from the REPORT line
    warm_cpu_ms: float = 0.0  # server CPU per warm invocation
    concurrent: dict[str, float] = field(default_factory=dict)
    other_load: float = 0.0
    error: str | None = None


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] if ordered else 0.0


def _zip(source: str, file_name: str = "app.py") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(file_name, source)
    return buffer.getvalue()


def _client(port: int, callers: int = 10) -> Any:
    import boto3
    from botocore.config import Config

    config = Config(retries={"max_attempts": 1}, max_pool_connections=callers,
                    read_timeout=120, connect_timeout=10)
    return boto3.client("lambda", endpoint_url=f"http://{servers.HOST}:{port}",
                        region_name="us-east-1", aws_access_key_id="test",
                        aws_secret_access_key="test", config=config)


def _create(lam: Any, name: str, source: str, account: str = "000000000000",
            runtime: str = "python3.11") -> None:
    file_name = "app.js" if runtime.startswith("nodejs") else "app.py"
    lam.create_function(FunctionName=name, Runtime=runtime,
                        Role=ROLE.format(account=account), Handler="app.handler",
                        Code={"ZipFile": _zip(source, file_name)}, Timeout=30)


def _invoke_ms(lam: Any, name: str, **options: Any) -> tuple[float, dict[str, Any]]:
    started = time.perf_counter()
    response = lam.invoke(FunctionName=name, **options)
    payload = response["Payload"].read()
    elapsed_ms = (time.perf_counter() - started) * 1000
    if response.get("FunctionError"):
        raise RuntimeError(f"function error: {payload[:200]!r}")
    return elapsed_ms, response


def measure_warm(lam: Any, pid: int, result: LambdaResult, calls: int,
                 runtime: str = "python3.11") -> None:
    _create(lam, "hello", NODE_HELLO if runtime.startswith("nodejs") else HELLO,
            runtime=runtime)
    for _ in range(20):
        _invoke_ms(lam, "hello")
    cpu_before = servers.cpu_seconds(pid)
    result.warm_ms = [_invoke_ms(lam, "hello")[0] for _ in range(calls)]
    result.warm_cpu_ms = (servers.cpu_seconds(pid) - cpu_before) / calls * 1000


def measure_cold(lam: Any, result: LambdaResult, starts: int,
                 runtime: str = "python3.11") -> None:
    """Each round changes the configuration (a new revision): the next invoke needs a new
    worker, as after an update in AWS."""
    _create(lam, "cold", NODE_HELLO if runtime.startswith("nodejs") else HELLO,
            runtime=runtime)
    for round_no in range(starts):
        lam.update_function_configuration(FunctionName="cold",
                                          Environment={"Variables": {"ROUND": str(round_no)}})
        elapsed_ms, response = _invoke_ms(lam, "cold", LogType="Tail")
        result.cold_ms.append(elapsed_ms)
        found = re.search(r"Init Duration: ([\d.]+) ms",
                          base64.b64decode(response.get("LogResult", "")).decode())
        if found:
            result.init_ms.append(float(found.group(1)))


def measure_concurrent(port: int, pid: int, result: LambdaResult, callers: int,
                       duration_s: float) -> None:
    lam = _client(port, callers)
    _create(lam, "many", HOLD)
    with ThreadPoolExecutor(callers) as pool:  # one worker per caller: all warm afterwards
        list(pool.map(lambda _: _invoke_ms(lam, "many", Payload=b'{"hold_s": 1.0}'),
                      range(callers)))
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    stop_at = time.monotonic() + duration_s

    def caller() -> None:
        while time.monotonic() < stop_at:
            try:
                elapsed_ms, _ = _invoke_ms(lam, "many")
            except Exception as error:  # counted and reported, never hidden
                with lock:
                    errors.append(type(error).__name__)
                continue
            with lock:
                latencies.append(elapsed_ms)

    cpu_before, started = servers.cpu_seconds(pid), time.monotonic()
    machine_before, own_before = servers.machine_busy_s(), time.process_time()
    threads = [threading.Thread(target=caller) for _ in range(callers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed_s = time.monotonic() - started
    server_s = servers.cpu_seconds(pid) - cpu_before
    client_s = time.process_time() - own_before
    machine_s = servers.machine_busy_s() - machine_before
    result.other_load = max(0.0, (machine_s - server_s - client_s) / elapsed_s)
    result.concurrent = {
        "callers": callers, "seconds": round(elapsed_s, 1), "invocations": len(latencies),
        "errors": len(errors), "per_s": len(latencies) / elapsed_s,
        "p50_ms": percentile(latencies, 0.5), "p99_ms": percentile(latencies, 0.99),
        "server_cores": server_s / elapsed_s, "client_cores": client_s / elapsed_s,
        "workers": len(servers.process_tree(pid)) - 1,
        "rss_mb": servers.peak_rss_mb(pid),
    }


def measure_pocketcloud(calls: int, starts: int, callers: int, duration_s: float,
                        quiet_wait_s: float) -> LambdaResult:
    peer = servers.pocketcloud("uvicorn")
    result = LambdaResult(peer.name)
    if quiet_wait_s:
        result.other_load = servers.wait_until_quiet(quiet_wait_s)
    try:
        with servers.running(peer, sts_probe()) as server:
            lam = _client(server.port)
            measure_warm(lam, server.pid, result, calls)
            measure_cold(lam, result, starts)
            measure_concurrent(server.port, server.pid, result, min(callers, MAX_CALLERS),
                               duration_s)
    except Exception as error:
        result.error = f"{type(error).__name__}: {error}"
    return result


def measure_pocketcloud_node(calls: int, starts: int, quiet_wait_s: float) -> LambdaResult:
    """The same hello-world as a nodejs<major>.x function on the local node (warm, cold)."""
    from pocketcloud.runtime.lambda_ import interpreters

    installed = interpreters.node_executables()
    major = next((m for m in interpreters.NODE_MAJORS if m in installed), None)
    result = LambdaResult(f"pocketcloud nodejs{major}.x")
    if major is None:
        result.error = "no local Node.js of a major AWS offers (18, 20, 22, 24)"
        return result
    if quiet_wait_s:
        result.other_load = servers.wait_until_quiet(quiet_wait_s)
    try:
        with servers.running(servers.pocketcloud("uvicorn"), sts_probe()) as server:
            lam = _client(server.port)
            started, cpu_before = time.monotonic(), servers.cpu_seconds(server.pid)
            machine_before, own_before = servers.machine_busy_s(), time.process_time()
            measure_warm(lam, server.pid, result, calls, f"nodejs{major}.x")
            measure_cold(lam, result, starts, f"nodejs{major}.x")
            # Other load: machine CPU besides this server's tree and this client, per second.
            busy_s = (servers.machine_busy_s() - machine_before
                      - (servers.cpu_seconds(server.pid) - cpu_before)
                      - (time.process_time() - own_before))
            result.other_load = max(result.other_load,
                                    busy_s / max(time.monotonic() - started, 1e-3))
    except Exception as error:
        result.error = f"{type(error).__name__}: {error}"
    return result


def try_moto() -> LambdaResult:
    """moto's Lambda runs functions in Docker containers: say what happens here."""
    result = LambdaResult("moto_server")
    try:
        with servers.running(servers.moto(), sts_probe()) as server:
            lam = _client(server.port)
            _moto_role(server.port)
            _create(lam, "hello", HELLO, MOTO_ACCOUNT)
            result.warm_ms = [_invoke_ms(lam, "hello")[0] for _ in range(5)]
    except Exception as error:
        result.error = f"{type(error).__name__}: {str(error)[:300]}"
    return result


def _moto_role(port: int) -> None:
    import json

    import boto3

    iam = boto3.client("iam", endpoint_url=f"http://{servers.HOST}:{port}",
                       region_name="us-east-1", aws_access_key_id="test",
                       aws_secret_access_key="test")
    trust = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
        "Action": "sts:AssumeRole"}]}
    iam.create_role(RoleName="bench", AssumeRolePolicyDocument=json.dumps(trust))


def rows(results: list[LambdaResult]) -> list[tuple[str, ...]]:
    table = []
    for r in results:
        if r.error and not r.warm_ms:
            table.append((r.peer, "-", "-", "-", "-", "-", f"failed: {r.error}"))
            continue
        c = r.concurrent
        concurrent = (f"{c['callers']:.0f} callers: {c['per_s']:.0f} inv/s, p50 "
                      f"{c['p50_ms']:.1f} / p99 {c['p99_ms']:.1f} ms, {c['errors']:.0f} errors, "
                      f"{c['workers']:.0f} worker processes, server {c['server_cores']:.2f} "
                      f"cores, boto3 client {c['client_cores']:.2f} cores, peak RSS "
                      f"{c['rss_mb']:.0f} MB"
                      if c else "-")
        table.append((
            r.peer,
            f"{percentile(r.warm_ms, 0.5):.2f} / {percentile(r.warm_ms, 0.99):.2f}",
            f"{r.warm_cpu_ms:.2f}" if r.warm_cpu_ms else "-",
            f"{statistics.median(r.cold_ms):.0f}" if r.cold_ms else "-",
            f"{statistics.median(r.init_ms):.0f}" if r.init_ms else "-",
            concurrent,
            f"{r.other_load:.2f}" + (f"; error: {r.error}" if r.error else ""),
        ))
    return table


COLUMNS = ("server", "warm p50 / p99 ms", "server CPU ms / warm invoke", "cold median ms",
           "Init Duration median ms", "sustained concurrency", "other load")
