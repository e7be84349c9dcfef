"""Background work on the server's event loop: periodic jobs and one-off tasks, bounded.

Services register jobs from their ``lifecycle.start(cloud)``. A job's tick decides what is due
by ``cloud.clock.now()`` (AWS's semantics on the injectable clock), so advancing the clock and
running every job once (``run_all_now``) is how a test sees a lifecycle rule or a TTL fire.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import logging
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pocketcloud.cloud import Cloud

log = logging.getLogger("pocketcloud.background")

Tick = Callable[["Cloud"], Awaitable[None] | None]
MAX_JOBS = 256
MAX_TASKS = 1024
MIN_INTERVAL_S = 0.01


@dataclass
class _Job:
    name: str
    interval_s: float
    tick: Tick
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    wake: asyncio.Event = field(default_factory=asyncio.Event)
    task: asyncio.Task[None] | None = None


class Background:
    def __init__(self, cloud: Cloud) -> None:
        self.cloud = cloud
        self._jobs: dict[str, _Job] = {}
        self._tasks: set[asyncio.Task[Any]] = set()
        self._running = False

    def every(self, name: str, interval_s: float, tick: Tick) -> None:
        """Run ``tick(cloud)`` every ``interval_s`` seconds (one run at a time per job)."""
        if name in self._jobs:
            raise ValueError(f"background job {name!r} is already registered")
        if len(self._jobs) >= MAX_JOBS:
            raise RuntimeError(f"more than {MAX_JOBS} background jobs")
        job = _Job(name, max(interval_s, MIN_INTERVAL_S), tick)
        self._jobs[name] = job
        if self._running:
            job.task = asyncio.get_running_loop().create_task(self._loop(job))

    def spawn(self, name: str, work: Coroutine[Any, Any, Any]) -> asyncio.Task[Any] | None:
        """A one-off task; refused (and closed) when too many are already running."""
        if len(self._tasks) >= MAX_TASKS:
            log.warning("background task %s refused: %d tasks already running", name, MAX_TASKS)
            work.close()
            return None
        task = asyncio.get_running_loop().create_task(self._guarded(name, work))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    def start(self) -> None:
        """Called on the event loop once the server has started."""
        self._running = True
        loop = asyncio.get_running_loop()
        for job in self._jobs.values():
            if job.task is None:
                job.task = loop.create_task(self._loop(job))

    async def run_all_now(self) -> None:
        """Run every job once, now (after a clock change), and wait for them."""
        for job in list(self._jobs.values()):
            await self._run(job)

    def wake(self, name: str) -> None:
        """Run a job soon rather than at its next interval (new work arrived)."""
        job = self._jobs.get(name)
        if job is not None:
            job.wake.set()

    async def stop(self) -> None:
        self._running = False
        tasks = [job.task for job in self._jobs.values() if job.task] + list(self._tasks)
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(BaseException):
                await task
        for job in self._jobs.values():
            job.task = None

    async def _loop(self, job: _Job) -> None:
        while True:
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(job.wake.wait(), job.interval_s)
            job.wake.clear()
            await self._run(job)

    async def _run(self, job: _Job) -> None:
        async with job.lock:
            try:
                result = job.tick(self.cloud)
                if inspect.isawaitable(result):
                    await result
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("background job %s failed; it runs again next interval", job.name)

    async def _guarded(self, name: str, work: Coroutine[Any, Any, Any]) -> Any:
        try:
            return await work
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("background task %s failed", name)
            return None
