"""S3 workloads: pocketcloud against moto's server and s3rver (npm), each started alone.

- s3-get-4k / s3-put-4k: wrk replays one presigned GET of one key (PUTs of 4 KiB cycle
  through 256 presigned keys: moto answers 500 to concurrent PUTs of the same key).
- s3-list: wrk replays one presigned ListObjectsV2 (a page of 1,000 keys) of a 10,000-key bucket.
- s3-1gib: one 1 GiB PUT then GET through a presigned URL from a streaming Python client;
  MB/s each way and the server's peak RSS (VmHWM) over the whole run.

Presigned URLs are made by botocore with s3rver's fixed keys (S3RVER/S3RVER), which s3rver
verifies and the other two accept, so every peer answers the very same requests.
"""

from __future__ import annotations

import http.client
import shutil
import subprocess
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from bench import servers
from bench.throughput import LoadOptions, Measurement, Run
from bench.wrk import SignedRequest, run_load

WORKLOADS = ("s3-get-4k", "s3-put-4k", "s3-list", "s3-1gib")
ACCESS_KEY = SECRET_KEY = "S3RVER"  # s3rver's built-in credentials
BUCKET = "bench-bucket"
SMALL_BYTES = 4096
PUT_KEYS = 256  # the 4 KiB PUTs cycle through these keys, split among wrk's threads
LIST_KEYS = 10_000
SETUP_THREADS = 8
BIG_BYTES = 1024**3
BIG_CHUNK_BYTES = 1024 * 1024
URL_EXPIRES_S = 3600
S3RVER_JS = servers.BENCH_ROOT / "bench" / "node_modules" / "s3rver" / "bin" / "s3rver.js"
OUT_DIR = servers.BENCH_ROOT / "bench" / "out"


def s3rver() -> servers.Peer:
    def argv(port: int) -> list[str]:
        data = OUT_DIR / f"s3rver-{port}"
        shutil.rmtree(data, ignore_errors=True)
        data.mkdir(parents=True)
        return ["node", str(S3RVER_JS), "-d", str(data), "-a", servers.HOST, "-p", str(port),
                "--silent"]

    return servers.Peer("s3rver", argv)


def peers() -> list[servers.Peer]:
    found = [servers.moto(), servers.pocketcloud("uvicorn")]
    if S3RVER_JS.exists():
        found.append(s3rver())
    return found


def client(port: int) -> Any:
    import boto3
    from botocore.config import Config

    config = Config(retries={"max_attempts": 2}, connect_timeout=2, read_timeout=600,
                    s3={"addressing_style": "path"}, max_pool_connections=SETUP_THREADS,
                    signature_version="s3v4")  # SigV4 presigning: s3rver checks it right
    return boto3.client("s3", endpoint_url=f"http://{servers.HOST}:{port}",
                        region_name="us-east-1", aws_access_key_id=ACCESS_KEY,
                        aws_secret_access_key=SECRET_KEY, config=config)


def probe(port: int) -> bool:
    try:
        client(port).list_buckets()
    except Exception:  # noqa: BLE001 - not up yet, whatever the reason
        return False
    return True


def presigned(s3: Any, port: int, operation: str, params: dict[str, Any],
              method: str, body: bytes = b"") -> SignedRequest:
    url = s3.generate_presigned_url(operation, Params=params, ExpiresIn=URL_EXPIRES_S)
    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    return SignedRequest(method, {"Host": f"{servers.HOST}:{port}"}, body, path)


def small_body() -> bytes:
    return (b"pocketcloud-4k." * (SMALL_BYTES // 15 + 1))[:SMALL_BYTES]


def prepare(workload: str, port: int) -> SignedRequest:
    """Create the bucket (and objects) the workload reads; return the request to replay."""
    s3 = client(port)
    s3.create_bucket(Bucket=BUCKET)
    if workload == "s3-get-4k":
        s3.put_object(Bucket=BUCKET, Key="small", Body=small_body())
        return presigned(s3, port, "get_object", {"Bucket": BUCKET, "Key": "small"}, "GET")
    if workload == "s3-put-4k":  # distinct keys: moto answers 500 to concurrent PUTs of one
        first = presigned(s3, port, "put_object", {"Bucket": BUCKET, "Key": "small-0"}, "PUT",
                          small_body())
        paths = tuple(presigned(s3, port, "put_object", {"Bucket": BUCKET, "Key": f"small-{n}"},
                                "PUT").path for n in range(PUT_KEYS))
        return SignedRequest(first.method, first.headers, first.body, first.path, paths)
    with ThreadPoolExecutor(SETUP_THREADS) as pool:
        list(pool.map(lambda i: s3.put_object(Bucket=BUCKET, Key=f"key-{i:05d}", Body=b"x"),
                      range(LIST_KEYS)))
    return presigned(s3, port, "list_objects_v2", {"Bucket": BUCKET}, "GET")


def measure_once(peer: servers.Peer, workload: str, options: LoadOptions) -> Run:
    with servers.running(peer, probe) as server:
        request = prepare(workload, server.port)
        load_args = (options.connections, options.threads)
        if options.quiet_wait_s:
            servers.wait_until_quiet(options.quiet_wait_s)
        run_load(server.port, request, options.warmup_s, *load_args)
        cpu_before_s, machine_before_s = servers.cpu_seconds(server.pid), servers.machine_busy_s()
        load = run_load(server.port, request, options.duration_s, *load_args)
        server_cpu_s = servers.cpu_seconds(server.pid) - cpu_before_s
        machine_s = servers.machine_busy_s() - machine_before_s
        if not server.alive():
            raise RuntimeError(f"{peer.name} died under load: {server.last_log_line()}")
        other_cores = max(0.0, machine_s - server_cpu_s - load.wrk_cpu_s) / load.duration_s
        return Run(load, server_cpu_s, servers.peak_rss_mb(server.pid), other_cores)


# -- the 1 GiB transfer ---------------------------------------------------------------------


@dataclass
class Transfer:
    peer: str
    put_mb_s: list[float]
    get_mb_s: list[float]
    peak_rss_mb: float = 0.0
    other_cores_busy: float = 0.0
    error: str | None = None


def _put_big(port: int, request: SignedRequest) -> float:
    chunk = b"\x5a" * BIG_CHUNK_BYTES
    connection = http.client.HTTPConnection(servers.HOST, port, timeout=600)
    started = time.perf_counter()
    connection.putrequest("PUT", request.path, skip_host=True, skip_accept_encoding=True)
    connection.putheader("Host", request.headers["Host"])
    connection.putheader("Content-Length", str(BIG_BYTES))
    connection.endheaders()
    for _ in range(BIG_BYTES // BIG_CHUNK_BYTES):
        connection.send(chunk)
    response = connection.getresponse()
    response.read()
    elapsed_s = time.perf_counter() - started
    connection.close()
    if response.status != 200:
        raise RuntimeError(f"1 GiB PUT answered {response.status}")
    return BIG_BYTES / 1e6 / elapsed_s


def _get_big(port: int, request: SignedRequest) -> float:
    buffer = bytearray(BIG_CHUNK_BYTES)
    connection = http.client.HTTPConnection(servers.HOST, port, timeout=600)
    started = time.perf_counter()
    connection.request("GET", request.path, headers={"Host": request.headers["Host"]})
    response = connection.getresponse()
    received = 0
    while count := response.readinto(buffer):
        received += count
    elapsed_s = time.perf_counter() - started
    connection.close()
    if response.status != 200 or received != BIG_BYTES:
        raise RuntimeError(f"1 GiB GET answered {response.status} with {received} bytes")
    return BIG_BYTES / 1e6 / elapsed_s


def measure_transfer(peer: servers.Peer, result: Transfer, quiet_wait_s: float) -> None:
    with servers.running(peer, probe) as server:
        s3 = client(server.port)
        s3.create_bucket(Bucket=BUCKET)
        params = {"Bucket": BUCKET, "Key": "big"}
        if quiet_wait_s:
            servers.wait_until_quiet(quiet_wait_s)
        machine_before_s, cpu_before_s = servers.machine_busy_s(), servers.cpu_seconds(server.pid)
        client_before_s, started = time.process_time(), time.perf_counter()
        result.put_mb_s.append(_put_big(server.port, presigned(s3, server.port, "put_object",
                                                               params, "PUT")))
        result.get_mb_s.append(_get_big(server.port, presigned(s3, server.port, "get_object",
                                                               params, "GET")))
        elapsed_s = time.perf_counter() - started
        server_cpu_s = servers.cpu_seconds(server.pid) - cpu_before_s
        client_cpu_s = time.process_time() - client_before_s
        other_s = servers.machine_busy_s() - machine_before_s - server_cpu_s - client_cpu_s
        result.other_cores_busy = max(result.other_cores_busy, max(0.0, other_s) / elapsed_s)
        result.peak_rss_mb = max(result.peak_rss_mb, servers.peak_rss_mb(server.pid))


# -- the whole S3 run -----------------------------------------------------------------------


def run(selected: set[str], options: LoadOptions,
        progress: Callable[[str], None]) -> tuple[list[Measurement], list[Transfer]]:
    plan = [(w, p) for w in WORKLOADS if w in selected and w != "s3-1gib" for p in peers()]
    results = [Measurement(workload, peer.name) for workload, peer in plan]
    transfers = [Transfer(p.name, [], []) for p in peers()] if "s3-1gib" in selected else []
    for round_index in range(options.repeat):
        for result, (workload, peer) in zip(results, plan, strict=True):
            if result.error:
                continue
            progress(f"round {round_index + 1}/{options.repeat}: {workload}, {peer.name}")
            try:
                result.runs.append(measure_once(peer, workload, options))
            except (RuntimeError, TimeoutError, OSError, subprocess.TimeoutExpired) as error:
                result.error = str(error).splitlines()[0]
                progress(f"failed: {error}")
        for transfer, peer in zip(transfers, peers() if transfers else [], strict=True):
            if transfer.error:
                continue
            progress(f"round {round_index + 1}/{options.repeat}: s3-1gib, {peer.name}")
            try:
                measure_transfer(peer, transfer, options.quiet_wait_s)
            except (RuntimeError, TimeoutError, OSError) as error:
                transfer.error = str(error).splitlines()[0]
                progress(f"failed: {error}")
    shutil.rmtree(OUT_DIR, ignore_errors=True)
    return results, transfers
