"""Warm workers per function version: reused, bounded, reaped when idle, counted for concurrency.

One Runtime (per cloud) owns every worker. A function version's workers are kept while its
revision (code and configuration) stays the same; an update starts new ones and retires the
old. Concurrency is counted per function and per account and region, as AWS counts it.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import defaultdict
from pathlib import Path

from pocketcloud.runtime.lambda_.launch import LaunchPlan, plan_for
from pocketcloud.runtime.lambda_.spec import FunctionSpec, Outcome
from pocketcloud.runtime.lambda_.worker import Worker, WorkerGone

log = logging.getLogger("pocketcloud.lambda.pool")

IDLE_TIMEOUT_S = 300.0  # default: AWS keeps an idle execution environment for minutes
REAP_INTERVAL_S = 5.0
MAX_LIVE_WORKERS = 128  # this machine's bound; AWS's account limit is counted separately
ACCOUNT_CONCURRENCY_LIMIT = 1000


class ConcurrencyExceeded(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Runtime:
    def __init__(self, data_dir: Path, endpoint_url: str, *,
                 idle_timeout_s: float = IDLE_TIMEOUT_S,
                 account_limit: int = ACCOUNT_CONCURRENCY_LIMIT) -> None:
        self.data_dir = data_dir
        self.idle_timeout_s = idle_timeout_s
        self.account_limit = account_limit
        self.endpoint_url = endpoint_url
        self._idle: dict[tuple[str, ...], list[Worker]] = defaultdict(list)
        self._revisions: dict[tuple[str, ...], str] = {}
        self._plans: dict[tuple[str, ...], LaunchPlan] = {}
        self._live: set[Worker] = set()
        self._in_flight_function: dict[tuple[str, str, str], int] = defaultdict(int)
        self._in_flight_account: dict[tuple[str, str], int] = defaultdict(int)
        self._slot_freed = asyncio.Condition()
        self._reaper: asyncio.Task[None] | None = None
        self._next_worker = 0

    async def invoke(self, spec: FunctionSpec, request_id: str, payload: bytes,
                     headers: dict[str, str], reserved: int | None) -> Outcome:
        function_key = (spec.account_id, spec.region, spec.name)
        account_key = (spec.account_id, spec.region)
        if reserved is not None and self._in_flight_function[function_key] >= reserved:
            raise ConcurrencyExceeded("ReservedFunctionConcurrentInvocationLimitExceeded")
        if self._in_flight_account[account_key] >= self.account_limit:
            raise ConcurrencyExceeded("ConcurrentInvocationLimitExceeded")
        self._in_flight_function[function_key] += 1
        self._in_flight_account[account_key] += 1
        try:
            for _ in range(2):  # once more on a fresh worker if an idle one had just exited
                worker = await self._checkout(spec)
                try:
                    return await worker.invoke(request_id, payload, headers)
                except WorkerGone:
                    continue
                finally:
                    await self._checkin(worker)
            raise RuntimeError("two workers in a row exited before taking the event")
        finally:
            self._in_flight_function[function_key] -= 1
            self._in_flight_account[account_key] -= 1

    def has_plan(self, spec: FunctionSpec) -> bool:
        return (*spec.pool_key, spec.revision_id) in self._plans

    def plan(self, spec: FunctionSpec) -> LaunchPlan:
        """The launch plan for a spec (InvalidRuntime if it cannot run here); cached."""
        key = (*spec.pool_key, spec.revision_id)
        plan = self._plans.get(key)
        if plan is None:
            plan = self._plans[key] = plan_for(spec, self.endpoint_url, self.data_dir)
        return plan

    async def _checkout(self, spec: FunctionSpec) -> Worker:
        self._start_reaper()
        key = spec.pool_key
        if self._revisions.get(key) != spec.revision_id:
            self._retire(key)
            self._revisions[key] = spec.revision_id
        idle = self._idle[key]
        while idle:
            worker = idle.pop()
            if worker.alive:
                worker.busy = True
                return worker
            self._discard(worker)
        await self._make_room()
        self._next_worker += 1
        tmp_dir = self.data_dir / "lambda" / "tmp" / f"{spec.name}-{self._next_worker}"
        worker = Worker(spec, self.plan(spec), tmp_dir)
        worker.busy = True
        self._live.add(worker)
        try:
            await worker.start()
        except BaseException:
            self._discard(worker)
            raise
        return worker

    async def _checkin(self, worker: Worker) -> None:
        worker.busy = False
        current = self._revisions.get(worker.spec.pool_key) == worker.spec.revision_id
        if worker.alive and current:
            worker.idle_since = time.monotonic()
            self._idle[worker.spec.pool_key].append(worker)
        else:
            self._discard(worker)
        async with self._slot_freed:
            self._slot_freed.notify()

    async def _make_room(self) -> None:
        """Below the machine's worker bound: evict the longest-idle worker, or wait for one."""
        while len(self._live) >= MAX_LIVE_WORKERS:
            idle = [w for workers in self._idle.values() for w in workers]
            if idle:
                oldest = min(idle, key=lambda w: w.idle_since)
                self._idle[oldest.spec.pool_key].remove(oldest)
                self._discard(oldest)
                return
            async with self._slot_freed:
                await asyncio.wait_for(self._slot_freed.wait(), timeout=60.0)

    def _retire(self, key: tuple[str, ...]) -> None:
        for worker in self._idle.pop(key, []):
            self._discard(worker)

    def _discard(self, worker: Worker) -> None:
        self._live.discard(worker)
        worker.stop()

    def _start_reaper(self) -> None:
        if self._reaper is None or self._reaper.done():
            self._reaper = asyncio.get_running_loop().create_task(self._reap_forever())

    async def _reap_forever(self) -> None:
        while True:
            await asyncio.sleep(min(REAP_INTERVAL_S, max(self.idle_timeout_s / 2, 0.1)))
            self.reap(time.monotonic() - self.idle_timeout_s)

    def reap(self, idle_before: float) -> int:
        """Stop workers idle since before `idle_before` (monotonic seconds)."""
        reaped = 0
        for key, workers in list(self._idle.items()):
            keep = []
            for worker in workers:
                if worker.idle_since < idle_before or not worker.alive:
                    self._discard(worker)
                    reaped += 1
                else:
                    keep.append(worker)
            self._idle[key] = keep
        return reaped

    def close(self) -> None:
        if self._reaper is not None:
            self._reaper.cancel()
        for worker in list(self._live):
            self._discard(worker)
        self._idle.clear()

    def live_workers(self) -> int:
        return len(self._live)


