"""Load from wrk: one SigV4-signed request, made once by botocore, replayed by a Lua script."""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HOST = "127.0.0.1"
RESULT_PREFIX = "BENCH_JSON "
WRK_SLACK_S = 15.0  # wrk's own start-up and shutdown, on top of the run's duration
# wrk computes Content-Length from the body itself; sending it twice would be wrong.
HEADERS_WRK_SETS = {"content-length"}


@dataclass(frozen=True)
class SignedRequest:
    method: str
    headers: dict[str, str]
    body: bytes
    path: str = "/"  # with the query string, as signed (a presigned URL's)
    paths: tuple[str, ...] = ()  # if given, requests cycle through these paths instead


@dataclass(frozen=True)
class LoadResult:
    requests: int
    duration_s: float
    non_2xx: int
    socket_errors: int
    latency_p50_ms: float
    latency_p99_ms: float
    wrk_cpu_s: float

    @property
    def requests_per_s(self) -> float:
        return self.requests / self.duration_s


class _Captured(Exception):
    """Raised from botocore's before-send hook: we want the request, not a response."""

    def __init__(self, request: object) -> None:
        super().__init__("captured")
        self.request = request


def signed_get_caller_identity(port: int) -> SignedRequest:
    """STS GetCallerIdentity exactly as boto3 sends it to http://127.0.0.1:<port>."""
    return signed_call(port, "sts", "get_caller_identity", {})


def signed_call(port: int, service: str, method: str, params: dict[str, Any]) -> SignedRequest:
    """Any client call (`method` is boto3's snake_case name) exactly as boto3 sends it."""
    import botocore.session

    session = botocore.session.get_session()
    client = session.create_client(
        service, region_name="us-east-1", endpoint_url=f"http://{HOST}:{port}",
        aws_access_key_id="AKIAIOSFODNN7EXAMPLE", aws_secret_access_key="bench-secret",
    )

    def capture(request: object, **_: object) -> None:
        raise _Captured(request)

    client.meta.events.register("before-send", capture)
    try:
        getattr(client, method)(**params)
    except _Captured as captured:
        prepared: Any = captured.request
    else:
        raise RuntimeError("botocore sent the request instead of handing it to the hook")
    body = prepared.body or b""
    headers = {name: _text(value) for name, value in prepared.headers.items()}
    headers["Host"] = f"{HOST}:{port}"  # signed over, and added by the HTTP client after the hook
    return SignedRequest(prepared.method, headers, _bytes(body))


def lua_script(request: SignedRequest, threads: int = 1) -> str:
    lines = [f"wrk.method = {_lua_string(request.method)}",
             f"wrk.path = {_lua_string(request.path)}",
             f"wrk.body = {_lua_string(request.body.decode())}"]
    # one value per header name, whatever its case: botocore with the CRT installed puts a
    # lower-case `host` among the signed headers, and callers add `Host` for plain botocore
    last = {name.lower(): (name, value) for name, value in request.headers.items()}
    for lower, (name, value) in last.items():
        if lower not in HEADERS_WRK_SETS:
            lines.append(f"wrk.headers[{_lua_string(name)}] = {_lua_string(value)}")
    if request.paths:
        lines.append(_rotation(request.paths, threads))
    lines.append(_DONE_FUNCTION)
    return "\n".join(lines) + "\n"


def _rotation(paths: tuple[str, ...], threads: int) -> str:
    """Each wrk thread cycles through its own slice of `paths` (one request per path in
    flight at a time: e.g. PUTs of distinct keys, which no peer has to serialize)."""
    per_thread = max(1, len(paths) // max(1, threads))
    table = ",\n".join(_lua_string(path) for path in paths)
    return f"""
paths = {{
{table}
}}
next_base = 0
setup = function(thread)
  thread:set("base", next_base)
  next_base = (next_base + {per_thread}) % #paths
end
counter = 0
request = function()
  counter = counter + 1
  return wrk.format(nil, paths[((base or 0) + counter % {per_thread}) % #paths + 1])
end
"""


# Runs once, after the load, in wrk's main Lua state: print the summary as one JSON line.
_DONE_FUNCTION = f"""
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{RESULT_PREFIX}{{"requests":%d,"duration_us":%d,"status":%d,'
    .. '"connect":%d,"read":%d,"write":%d,"timeout":%d,"p50_us":%d,"p99_us":%d}}\\n',
    summary.requests, summary.duration, e.status, e.connect, e.read, e.write, e.timeout,
    latency:percentile(50), latency:percentile(99)))
end
"""


def wrk_binary() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() == 0:
        subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=False,
                       capture_output=True, timeout=300)
        found = shutil.which("wrk")
        if found:
            return found
    raise SystemExit("wrk is not installed: run `sudo apt-get install -y wrk` (Debian/Ubuntu).")


def run_load(port: int, request: SignedRequest, duration_s: float,
             connections: int, threads: int) -> LoadResult:
    """Run wrk against 127.0.0.1:<port> for `duration_s` and parse its summary."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(lua_script(request, threads))
    try:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        completed = subprocess.run(
            [wrk_binary(), f"-t{threads}", f"-c{connections}", f"-d{max(1, round(duration_s))}s",
             "--timeout", "5s", "-s", script.name, f"http://{HOST}:{port}/"],
            capture_output=True, text=True, timeout=duration_s + WRK_SLACK_S, check=False,
        )
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    finally:
        Path(script.name).unlink(missing_ok=True)
    wrk_cpu_s = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return _parse(completed, wrk_cpu_s)


def _parse(completed: subprocess.CompletedProcess[str], wrk_cpu_s: float) -> LoadResult:
    for line in completed.stdout.splitlines():
        if line.startswith(RESULT_PREFIX):
            data = json.loads(line[len(RESULT_PREFIX):])
            return LoadResult(
                requests=data["requests"], duration_s=data["duration_us"] / 1e6,
                non_2xx=data["status"],
                socket_errors=data["connect"] + data["read"] + data["write"] + data["timeout"],
                latency_p50_ms=data["p50_us"] / 1000, latency_p99_ms=data["p99_us"] / 1000,
                wrk_cpu_s=wrk_cpu_s,
            )
    raise RuntimeError(f"wrk gave no summary (exit {completed.returncode}):\n"
                       f"{completed.stdout}\n{completed.stderr}")


def _lua_string(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return '"' + escaped.replace("\r", "\\r") + '"'


def _bytes(value: str | bytes) -> bytes:
    return value if isinstance(value, bytes) else value.encode()


def _text(value: str | bytes) -> str:
    return value.decode() if isinstance(value, bytes) else value
