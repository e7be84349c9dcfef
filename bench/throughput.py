"""Throughput: one peer at a time under the same wrk load; server CPU and peak memory from /proc."""

from __future__ import annotations

import statistics
import subprocess
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from bench import servers
from bench.startup import sts_probe
from bench.wrk import LoadResult, run_load, signed_get_caller_identity


@dataclass(frozen=True)
class LoadOptions:
    duration_s: float
    warmup_s: float
    connections: int
    threads: int
    repeat: int = 1
    quiet_wait_s: float = 0.0  # wait up to this long for other load to settle before each run


@dataclass(frozen=True)
class Run:
    """One measured wrk run against a freshly started peer."""

    load: LoadResult
    server_cpu_s: float
    peak_rss_mb: float
    other_cores_busy: float  # CPU used by neither the server nor wrk: the noise in this run

    @property
    def requests_per_cpu_s(self) -> float:
        return self.load.requests / self.server_cpu_s if self.server_cpu_s else 0.0


@dataclass
class Measurement:
    """All runs of one peer on one workload; the table shows medians."""

    workload: str
    peer: str
    runs: list[Run] = field(default_factory=list)
    error: str | None = None

    def _median(self, value: Callable[[Run], float]) -> float:
        return statistics.median(value(run) for run in self.runs) if self.runs else 0.0

    @property
    def requests_per_s(self) -> float:
        return self._median(lambda run: run.load.requests_per_s)

    @property
    def requests_per_cpu_s(self) -> float:
        return self._median(lambda run: run.requests_per_cpu_s)

    @property
    def cpu_s_per_1k(self) -> float:
        return 1000 / self.requests_per_cpu_s if self.requests_per_cpu_s else 0.0

    @property
    def cores_busy(self) -> float:
        return self._median(lambda run: run.server_cpu_s / run.load.duration_s)

    @property
    def peak_rss_mb(self) -> float:
        return max((run.peak_rss_mb for run in self.runs), default=0.0)

    @property
    def latency_ms(self) -> tuple[float, float]:
        return (self._median(lambda run: run.load.latency_p50_ms),
                self._median(lambda run: run.load.latency_p99_ms))

    @property
    def failed_requests(self) -> int:
        return sum(run.load.non_2xx + run.load.socket_errors for run in self.runs)

    @property
    def other_cores_busy(self) -> float:
        return max((run.other_cores_busy for run in self.runs), default=0.0)

    @property
    def spread(self) -> str:
        """Range of req/s over the runs, to show how noisy the machine was."""
        rates = [run.load.requests_per_s for run in self.runs]
        return f"{min(rates):,.0f}-{max(rates):,.0f}" if len(rates) > 1 else ""


Plan = Sequence[tuple[str, servers.Peer, bytes]]


def measure_all(plan: Plan, options: LoadOptions,
                progress: Callable[[str], None] = lambda _: None) -> list[Measurement]:
    """Rounds over the whole plan (not one peer's repeats back to back): drift hits all alike."""
    results = [Measurement(workload, peer.name) for workload, peer, _ in plan]
    for round_index in range(options.repeat):
        for result, (workload, peer, expect) in zip(results, plan, strict=True):
            if result.error:
                continue
            progress(f"round {round_index + 1}/{options.repeat}: {workload}, {peer.name}")
            try:
                result.runs.append(measure_once(peer, expect, options))
            except (RuntimeError, TimeoutError, subprocess.TimeoutExpired) as error:
                result.error = str(error).splitlines()[0]
                progress(f"failed: {error}")
    return results


def measure_once(peer: servers.Peer, expect: bytes, options: LoadOptions) -> Run:
    """Start the peer alone, warm it up, then measure one wrk run; the peer is always stopped."""
    with servers.running(peer, sts_probe(expect)) as server:
        request = signed_get_caller_identity(server.port)
        load_args = (options.connections, options.threads)
        if options.quiet_wait_s:
            servers.wait_until_quiet(options.quiet_wait_s)
        run_load(server.port, request, options.warmup_s, *load_args)
        cpu_before_s, machine_before_s = servers.cpu_seconds(server.pid), servers.machine_busy_s()
        load = run_load(server.port, request, options.duration_s, *load_args)
        server_cpu_s = servers.cpu_seconds(server.pid) - cpu_before_s
        machine_s = servers.machine_busy_s() - machine_before_s
        if not server.alive():
            raise RuntimeError(f"{peer.name} died under load: {server.last_log_line()}\n"
                               f"{server.log_tail()}")
        other_cores = max(0.0, machine_s - server_cpu_s - load.wrk_cpu_s) / load.duration_s
        return Run(load, server_cpu_s, servers.peak_rss_mb(server.pid), other_cores)
