"""Start-up time: from process spawn to the first answered STS GetCallerIdentity."""

from __future__ import annotations

import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bench import servers
from bench.wrk import SignedRequest, signed_get_caller_identity

STARTUP_TIMEOUT_S = 20.0
STS_ANSWER = b"GetCallerIdentityResponse"


@dataclass(frozen=True)
class StartupResult:
    peer: str
    seconds: tuple[float, ...]
    error: str | None = None

    @property
    def median_s(self) -> float:
        return statistics.median(self.seconds)


def sts_probe(expect: bytes = STS_ANSWER) -> Callable[[int], bool]:
    """A readiness probe that replays one signed request, signed once per port."""
    signed: dict[int, SignedRequest] = {}

    def probe(port: int) -> bool:
        if port not in signed:
            signed[port] = signed_get_caller_identity(port)
        request = signed[port]
        return servers.answers(port, request.method, request.body, request.headers, expect)

    return probe


def time_to_first_answer(peer: servers.Peer) -> float:
    probe = sts_probe()
    port = servers.free_port()
    probe(port)  # sign before the clock starts; the port is closed so this fails fast
    server = servers.Running(peer, port)
    try:
        return servers.wait_ready(server, probe, STARTUP_TIMEOUT_S)
    finally:
        server.stop()


def measure_startup(peers: Sequence[servers.Peer], runs: int,
                    quiet_wait_s: float = 0.0) -> list[StartupResult]:
    """Round-robin over the peers so slow drift of the machine hits them all alike."""
    seconds: dict[str, list[float]] = {peer.name: [] for peer in peers}
    errors: dict[str, str] = {}
    for _ in range(runs):
        if quiet_wait_s:
            servers.wait_until_quiet(quiet_wait_s)
        for peer in peers:
            if peer.name in errors:
                continue
            try:
                seconds[peer.name].append(time_to_first_answer(peer))
            except (RuntimeError, TimeoutError) as error:
                errors[peer.name] = str(error).splitlines()[0]
    return [StartupResult(peer.name, tuple(seconds[peer.name]), errors.get(peer.name))
            for peer in peers]
