"""What the infrastructure hook costs each request: `infra.gate.admit`, timed in-process.

    .venv/bin/python -m bench.infra_gate

Cases: no faults (every request pays this); 20 faults on other Regions; a matching degrade
fault with error rate 0 (a seeded draw per request); latency simulation on with a zero
sleep budget excluded (the RTT computation only). Prints microseconds per call, best of
five rounds, to compare with the ~156 us of CPU a whole STS request costs (bench/RESULTS.md).
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from pocketcloud.cloud import Cloud
from pocketcloud.config import Settings
from pocketcloud.infra import gate
from pocketcloud.infra.faults import fault_book, new_fault
from pocketcloud.infra.latency import rtt_ms
from pocketcloud.infra.locations import parse_location
from pocketcloud.protocol.http import HttpRequest

CALLS = 20_000
ROUNDS = 5


def _request() -> HttpRequest:
    return HttpRequest(method="POST", path="/", wire_path="/", query_string="",
                       headers={}, body=b"", host="127.0.0.1")


def _time_us(loop: asyncio.AbstractEventLoop, cloud: Cloud, service: str, region: str) -> float:
    request = _request()

    async def many() -> None:
        for _ in range(CALLS):
            await gate.admit(cloud, service, "GetCallerIdentity", region, "query", request, "r")

    best = float("inf")
    for _ in range(ROUNDS):
        started = time.perf_counter()
        loop.run_until_complete(many())
        best = min(best, (time.perf_counter() - started) / CALLS * 1e6)
    return best


def _time_plain_us(function: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(ROUNDS):
        started = time.perf_counter()
        for _ in range(CALLS):
            function()
        best = min(best, (time.perf_counter() - started) / CALLS * 1e6)
    return best


def main() -> None:
    with tempfile.TemporaryDirectory() as data_dir:
        cloud = Cloud(Settings(data_dir=Path(data_dir), seed=1))
        loop = asyncio.new_event_loop()
        try:
            rows = [("no faults", _time_us(loop, cloud, "sts", "us-east-1"))]
            book = fault_book(cloud)
            for i in range(20):
                book.add(cloud, new_fault(cloud, "region-down", fault_id=f"f{i}", seed=i,
                                          region="sa-east-1"))
            rows.append(("20 faults elsewhere", _time_us(loop, cloud, "sts", "us-east-1")))
            book.add(cloud, new_fault(cloud, "degrade", fault_id="d", seed=1, region="us-east-1",
                                      service="sts", error_rate=0.0))
            rows.append(("+ matching degrade (rate 0)", _time_us(loop, cloud, "sts", "us-east-1")))
            tokyo = parse_location("Tokyo")
            rows.append(("rtt_ms(place, region) alone",
                         _time_plain_us(lambda: rtt_ms(tokyo, "us-east-1"))))
        finally:
            loop.close()
            cloud.close()
    for name, us in rows:
        print(f"| {name} | {us:.2f} |")


if __name__ == "__main__":
    main()
