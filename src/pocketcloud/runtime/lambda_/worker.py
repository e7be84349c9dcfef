"""One worker: a process running a function version's handler, fed by its own Runtime API."""

from __future__ import annotations

import asyncio
import json
import shutil
import time
from pathlib import Path
from typing import Any

from pocketcloud.runtime.lambda_ import reports
from pocketcloud.runtime.lambda_.launch import LaunchPlan
from pocketcloud.runtime.lambda_.processes import WorkerProcess, exit_message
from pocketcloud.runtime.lambda_.runtime_api import (
    MAX_BODY_BYTES,
    Invocation,
    RuntimeAnswer,
    RuntimeApi,
)
from pocketcloud.runtime.lambda_.spec import FunctionSpec, Outcome

INIT_TIMEOUT_S = 10.0  # AWS's limit on the init phase of on-demand functions
MEMORY_POLL_S = 0.005
# AWS's recorded limit: "maximum allowed payload size (6291556 bytes)", 6 MB plus 100 bytes.
MAX_RESPONSE_BYTES = MAX_BODY_BYTES
_MB = 1024 * 1024


class WorkerGone(Exception):
    """The warm worker had exited before it took the event; the event goes to a new one."""


class Worker:
    def __init__(self, spec: FunctionSpec, plan: LaunchPlan, tmp_dir: Path) -> None:
        self.spec = spec
        self.plan = plan
        self.tmp_dir = tmp_dir
        self.process = WorkerProcess()
        self.api = RuntimeApi(self._init_failed, self._asked_next)
        self.init_error: asyncio.Future[tuple[bytes, str]] = (
            asyncio.get_running_loop().create_future())
        self.spawned_at = time.perf_counter()
        self.init_duration_ms: float | None = None
        self.init_output = ""
        self.cold = True
        self.idle_since = time.monotonic()
        self.busy = False
        self.log_stream = ""

    async def start(self) -> None:
        await self.api.start()
        self.tmp_dir.mkdir(parents=True, exist_ok=True)
        argv, env, cwd = self.plan.command(self.api.port, self.tmp_dir)
        self.log_stream = env["AWS_LAMBDA_LOG_STREAM_NAME"]
        self.spawned_at = time.perf_counter()
        await self.process.spawn(argv, env, cwd)

    @property
    def alive(self) -> bool:
        return (not self.process.killed and not self.process.exited.done()
                and not self.init_error.done())

    def stop(self) -> None:
        self.process.kill()
        self.api.close()
        shutil.rmtree(self.tmp_dir, ignore_errors=True)

    async def invoke(self, request_id: str, payload: bytes, headers: dict[str, str]) -> Outcome:
        spec = self.spec
        invocation = Invocation(request_id, payload, headers, float(spec.timeout_s))
        self.api.pending.put_nowait(invocation)
        prefix = ""
        init_start = reports.init_start_line(spec.runtime) if self.cold else ""
        picked = await self._until(invocation.picked, INIT_TIMEOUT_S)
        if picked is None and not self.cold and self.process.exited.done():
            # A warm worker whose runtime exited after its last answer (as Node's does after
            # an uncaught exception): AWS starts a new environment for the next event.
            self.process.take_output()
            raise WorkerGone
        if self.cold:  # the init phase's output, set aside when the runtime first asked
            prefix += self.init_output + (self.process.take_output() if picked is None else "")
        self.cold = False
        log = prefix + reports.start_line(request_id, spec.version)
        if picked is None:  # the worker died or failed to initialize before taking the event
            outcome = await self._failed_before_start(request_id, log)
        else:
            watchdog = asyncio.ensure_future(self._watch_memory())
            answer = await self._until(invocation.done, float(spec.timeout_s), watchdog)
            duration_ms = (time.perf_counter() - invocation.picked.result()) * 1000
            watchdog.cancel()
            await asyncio.sleep(0)  # output written before the answer is delivered first
            outcome = self._outcome(request_id, answer, log, duration_ms, watchdog)
        outcome.init_start = init_start
        return outcome

    async def _until(self, future: asyncio.Future[Any], timeout_s: float,
                     *others: asyncio.Future[Any]) -> Any:
        waiters: set[asyncio.Future[Any]] = {future, self.process.exited, self.init_error,
                                             *others}
        await asyncio.wait(waiters, timeout=timeout_s, return_when=asyncio.FIRST_COMPLETED)
        return future.result() if future.done() and not future.cancelled() else None

    def _outcome(self, request_id: str, answer: object, log: str, duration_ms: float,
                 watchdog: asyncio.Future[str]) -> Outcome:
        spec = self.spec
        peak_mb = max(self.process.peak_rss_bytes(), 1) // _MB + 1
        log += self.process.take_output()
        if isinstance(answer, RuntimeAnswer) and answer.kind == "response":
            if len(answer.body) > MAX_RESPONSE_BYTES:
                answer = RuntimeAnswer("too_large", b"")
            else:
                return self._finish(Outcome(answer.body, None, log), request_id, duration_ms,
                                    peak_mb)
        if isinstance(answer, RuntimeAnswer) and answer.kind == "error":
            error_type = _error_type(answer.body)
            return self._finish(Outcome(answer.body, "Unhandled", log, "error", error_type),
                                request_id, duration_ms, peak_mb)
        if isinstance(answer, RuntimeAnswer):  # too_large
            body = {"errorMessage": "Response payload size exceeded maximum allowed payload "
                    f"size ({MAX_RESPONSE_BYTES} bytes).",
                    "errorType": "Function.ResponseSizeTooLarge"}
            return self._finish(Outcome(json.dumps(body).encode(), "Unhandled", log, "error",
                                        "Function.ResponseSizeTooLarge"),
                                request_id, duration_ms, peak_mb)
        self.process.kill()
        if watchdog.done() and not watchdog.cancelled() and watchdog.result() == "oom":
            # The caller sees Runtime.ExitError; the REPORT line says Runtime.OutOfMemory.
            return self._crashed(request_id, log, duration_ms, spec.memory_mb,
                                 "Runtime.ExitError", None, "Runtime.OutOfMemory")
        if not self.process.exited.done():
            log += reports.timed_out_line(request_id, spec.timeout_s)
            message = f"RequestId: {request_id} Error: Task timed out after " \
                      f"{spec.timeout_s:.2f} seconds"
            timed_out = json.dumps({"errorType": "Sandbox.Timedout", "errorMessage": message})
            outcome = Outcome(timed_out.encode(), "Unhandled", log, "timeout")
            return self._finish(outcome, request_id, spec.timeout_s * 1000.0, peak_mb)
        return self._crashed(request_id, log, duration_ms, peak_mb, "Runtime.ExitError",
                             self.process.returncode)

    def _crashed(self, request_id: str, log: str, duration_ms: float, peak_mb: int,
                 error_type: str, returncode: int | None, report_type: str = "") -> Outcome:
        message = f"RequestId: {request_id} Error: {exit_message(returncode)}"
        log += f"{message}\n{error_type}\n"
        body = json.dumps({"errorType": error_type, "errorMessage": message}).encode()
        outcome = Outcome(body, "Unhandled", log, "error", report_type or error_type)
        return self._finish(outcome, request_id, duration_ms, peak_mb)

    async def _failed_before_start(self, request_id: str, log: str) -> Outcome:
        self.process.kill()
        await asyncio.sleep(0)
        log += self.process.take_output()
        if self.init_error.done():
            body, error_type = self.init_error.result()
            error_type = _error_type(body) or error_type or "Runtime.Unknown"
            outcome = Outcome(body, "Unhandled", log, "error", error_type)
            return self._finish(outcome, request_id, 0.0, 0)
        if not self.process.exited.done():
            message = f"RequestId: {request_id} Error: Init timed out after " \
                      f"{INIT_TIMEOUT_S:.2f} seconds"
            init_timeout = json.dumps({"errorType": "Runtime.InitTimeout",
                                       "errorMessage": message})
            return self._finish(Outcome(init_timeout.encode(), "Unhandled", log, "timeout"),
                                request_id, 0.0, 0)
        return self._crashed(request_id, log, 0.0, 0, "Runtime.ExitError",
                             self.process.returncode)

    def _finish(self, outcome: Outcome, request_id: str, duration_ms: float,
                peak_mb: int) -> Outcome:
        report = reports.Report(request_id, duration_ms, self.spec.memory_mb,
                                min(peak_mb, self.spec.memory_mb), self.init_duration_ms,
                                outcome.status, outcome.error_type)
        outcome.log += reports.end_line(request_id) + report.line()
        outcome.duration_ms = duration_ms
        outcome.billed_ms = report.billed_ms
        outcome.max_memory_used_mb = report.max_memory_used_mb
        outcome.init_duration_ms, self.init_duration_ms = self.init_duration_ms, None
        outcome.log_stream = self.log_stream
        return outcome

    async def _watch_memory(self) -> str:
        limit_bytes = self.spec.memory_mb * _MB
        await asyncio.sleep(MEMORY_POLL_S)  # most invocations end before the first look
        while self.process.rss_bytes() <= limit_bytes:
            await asyncio.sleep(MEMORY_POLL_S)
        self.process.kill()
        return "oom"

    def _asked_next(self) -> None:
        if self.init_duration_ms is None and self.cold:
            self.init_duration_ms = (time.perf_counter() - self.spawned_at) * 1000
            # Before the event goes out: the handler's own output belongs after START.
            self.init_output = self.process.take_output()

    def _init_failed(self, body: bytes, error_type: str) -> None:
        if not self.init_error.done():
            self.init_error.set_result((body, error_type))


def _error_type(body: bytes) -> str:
    try:
        parsed = json.loads(body)
    except ValueError:
        return ""
    return str(parsed.get("errorType") or "") if isinstance(parsed, dict) else ""


