"""The peers under test: how to start each one, wait for it, read its CPU and memory, stop it."""

from __future__ import annotations

import contextlib
import http.client
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

HOST = "127.0.0.1"
READY_TIMEOUT_S = 30.0
STOP_TIMEOUT_S = 5.0  # per signal
POLL_INTERVAL_S = 0.002
QUIET_CORES_MAX = 0.15  # "quiet" machine: an idle 2-core VM reads ~0.02 cores busy
CLOCK_TICKS_PER_S = os.sysconf("SC_CLK_TCK")
BIN = Path(sys.executable).parent
BENCH_ROOT = Path(__file__).resolve().parent.parent  # so `bench.baseline_app` imports


@dataclass(frozen=True)
class Peer:
    """One server under test: a name for the table and the command that starts it on a port."""

    name: str
    argv: Callable[[int], list[str]]


def pocketcloud(server: str) -> Peer:
    def argv(port: int) -> list[str]:
        return [sys.executable, "-m", "pocketcloud", "start", "--port", str(port),
                "--ephemeral", "--log-level", "warning", "--server", server, "--dns-port", "0"]

    return Peer(f"pocketcloud ({server})", argv)


def moto() -> Peer:
    def argv(port: int) -> list[str]:
        return [sys.executable, "-m", "moto.server", "-H", HOST, "-p", str(port)]

    return Peer("moto_server", argv)


def baseline_uvicorn() -> Peer:
    def argv(port: int) -> list[str]:
        return [str(BIN / "uvicorn"), "bench.baseline_app:app", "--host", HOST,
                "--port", str(port), "--http", "httptools", "--loop", "uvloop",
                "--no-access-log", "--log-level", "warning"]

    return Peer("raw ASGI (uvicorn)", argv)


def baseline_granian() -> Peer:
    def argv(port: int) -> list[str]:
        return [str(BIN / "granian"), "--interface", "asgi", "--host", HOST,
                "--port", str(port), "--workers", "1", "--loop", "uvloop", "--no-ws",
                "--log-level", "warning", "bench.baseline_app:app"]

    return Peer("raw ASGI (granian)", argv)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


class Running:
    """A started peer. Its process group holds the server and any workers it forks."""

    def __init__(self, peer: Peer, port: int) -> None:
        self.peer = peer
        self.port = port
        self._log = tempfile.TemporaryFile()  # noqa: SIM115 (closed in stop())
        self.spawned_at = time.monotonic()
        self.process = subprocess.Popen(
            peer.argv(port), cwd=BENCH_ROOT, stdin=subprocess.DEVNULL,
            stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True,
        )

    @property
    def pid(self) -> int:
        return self.process.pid

    def alive(self) -> bool:
        return self.process.poll() is None

    def log_tail(self, size_bytes: int = 4000) -> str:
        self._log.seek(0, os.SEEK_END)
        self._log.seek(max(0, self._log.tell() - size_bytes))
        return self._log.read().decode(errors="replace")

    def last_log_line(self) -> str:
        lines = [line for line in self.log_tail().splitlines() if line.strip()]
        return lines[-1].strip() if lines else "(no output)"

    def stop(self) -> None:
        """Ctrl-C first (every peer shuts down cleanly on it), then SIGTERM, then SIGKILL."""
        for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGKILL):
            _signal_group(self.pid, signum)
            try:
                self.process.wait(timeout=STOP_TIMEOUT_S)
                break
            except subprocess.TimeoutExpired:
                continue
        _signal_group(self.pid, signal.SIGKILL)  # no worker outlives its leader
        self._log.close()


@contextlib.contextmanager
def running(peer: Peer, probe: Callable[[int], bool]) -> Iterator[Running]:
    """Start `peer`, wait until `probe(port)` answers, yield it, and always stop it."""
    server = Running(peer, free_port())
    try:
        wait_ready(server, probe, READY_TIMEOUT_S)
        yield server
    finally:
        server.stop()


def wait_ready(server: Running, probe: Callable[[int], bool], timeout_s: float) -> float:
    """Poll until the server answers; return seconds since it was spawned."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if not server.alive():
            raise RuntimeError(f"{server.peer.name} exited with {server.process.returncode}: "
                               f"{server.last_log_line()}\n{server.log_tail()}")
        if probe(server.port):
            return time.monotonic() - server.spawned_at
        time.sleep(POLL_INTERVAL_S)
    raise TimeoutError(f"{server.peer.name} not ready after {timeout_s} s: "
                       f"{server.last_log_line()}\n{server.log_tail()}")


def answers(port: int, method: str, body: bytes, headers: dict[str, str],
            expect: bytes, timeout_s: float = 2.0) -> bool:
    """One request; True when it got a 200 whose body contains `expect`."""
    connection = http.client.HTTPConnection(HOST, port, timeout=timeout_s)
    try:
        connection.request(method, "/", body=body, headers=headers)
        response = connection.getresponse()
        return response.status == 200 and expect in response.read()
    except OSError:
        return False
    finally:
        connection.close()


def _signal_group(pid: int, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signum)


# --- what the kernel says about a process tree -------------------------------------------


def process_tree(root_pid: int) -> list[int]:
    """`root_pid` and every live descendant (workers forked by granian, say)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            stat = _read_stat(int(entry))
            if stat is not None:
                children.setdefault(int(stat[1]), []).append(int(entry))
    tree, frontier = [root_pid], [root_pid]
    while frontier:  # bounded: each pid is visited once
        frontier = [child for pid in frontier for child in children.get(pid, [])]
        tree.extend(frontier)
    return tree


def cpu_seconds(root_pid: int) -> float:
    """User+system CPU of the live tree, plus children the root has already reaped."""
    ticks = 0
    for pid in process_tree(root_pid):
        stat = _read_stat(pid)
        if stat is None:
            continue
        ticks += int(stat[11]) + int(stat[12])  # utime, stime
        if pid == root_pid:
            ticks += int(stat[13]) + int(stat[14])  # cutime, cstime
    return ticks / CLOCK_TICKS_PER_S


def peak_rss_mb(root_pid: int) -> float:
    """Sum of VmHWM over the tree (an upper bound when workers share pages)."""
    total_kb = 0
    for pid in process_tree(root_pid):
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    total_kb += int(line.split()[1])
    return total_kb / 1024


def machine_busy_s() -> float:
    """CPU seconds all cores spent busy since boot (user, nice, system, irq, softirq, steal)."""
    fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    return sum(int(fields[i]) for i in (0, 1, 2, 5, 6, 7)) / CLOCK_TICKS_PER_S


def wait_until_quiet(timeout_s: float, max_busy_cores: float = QUIET_CORES_MAX,
                     sample_s: float = 1.0) -> float:
    """Wait (bounded) until the rest of the machine is nearly idle; return the last busy reading."""
    deadline = time.monotonic() + timeout_s
    while True:
        before = machine_busy_s()
        time.sleep(sample_s)
        busy_cores = (machine_busy_s() - before) / sample_s
        if busy_cores <= max_busy_cores or time.monotonic() >= deadline:
            return busy_cores


def _read_stat(pid: int) -> list[str] | None:
    """Fields of /proc/<pid>/stat after the command name (index 0 is `state`)."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return raw[raw.rindex(")") + 2:].split()
