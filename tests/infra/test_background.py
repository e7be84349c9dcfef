"""Background jobs: periodic ticks, on-demand runs after a clock change, failures contained."""

from __future__ import annotations

import asyncio
from pathlib import Path

from tests.support import advance_clock

from pocketcloud.cloud import Cloud
from pocketcloud.config import Settings


def _cloud(tmp_path: Path) -> Cloud:
    return Cloud(Settings(data_dir=tmp_path))


def test_jobs_tick_and_run_now_after_clock_moves(tmp_path: Path) -> None:
    cloud = _cloud(tmp_path)
    seen: list[float] = []

    async def scenario() -> None:
        cloud.background.every("record", 3600, lambda c: seen.append(c.clock.now()))
        cloud.background.start()
        cloud.clock.advance(86400)
        await cloud.background.run_all_now()
        await cloud.background.stop()

    asyncio.run(scenario())
    cloud.close()
    assert len(seen) == 1 and seen[0] > 86400


def test_a_failing_job_keeps_running(tmp_path: Path) -> None:
    cloud = _cloud(tmp_path)
    runs: list[int] = []

    async def flaky(_: Cloud) -> None:
        runs.append(1)
        raise RuntimeError("boom")

    async def scenario() -> None:
        cloud.background.every("flaky", 0.01, flaky)
        cloud.background.start()
        await asyncio.sleep(0.2)
        await cloud.background.stop()

    asyncio.run(scenario())
    cloud.close()
    assert len(runs) >= 3


def test_clock_endpoint_moves_the_cloud_clock(own_endpoint: str) -> None:
    import json
    import urllib.request

    with urllib.request.urlopen(own_endpoint + "/_pocketcloud/clock") as r:
        before = json.load(r)["now"]
    after = advance_clock(own_endpoint, 3600)
    assert after["now"] - before >= 3600


def test_clock_endpoint_refuses_going_back(own_endpoint: str) -> None:
    import urllib.error
    import urllib.request

    request = urllib.request.Request(own_endpoint + "/_pocketcloud/clock", method="POST",
                                     data=b'{"advance_s": -5}')
    try:
        urllib.request.urlopen(request)
        raise AssertionError("a negative advance was accepted")
    except urllib.error.HTTPError as error:
        assert error.code == 400
