"""A worker's operating-system process: spawn, output capture, memory use, kill."""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import os
import signal
from typing import Any

PAGE_BYTES = os.sysconf("SC_PAGE_SIZE")
MAX_LOG_BUFFER_BYTES = 256 * 1024  # per invocation: the tail is what LogResult shows
TREE_REUSES = 50  # looks at a worker's memory before its process tree is walked again
_PR_SET_PDEATHSIG = 1
_libc: Any = None


def _die_with_parent() -> None:
    """In the child: SIGKILL when pocketcloud goes, even by kill -9."""
    global _libc
    if _libc is None:
        _libc = ctypes.CDLL(None, use_errno=True)
    _libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


class _Output(asyncio.SubprocessProtocol):
    def __init__(self, process: WorkerProcess) -> None:
        self.process = process

    def pipe_data_received(self, fd: int, data: bytes) -> None:
        self.process.append_output(data)

    def process_exited(self) -> None:
        if not self.process.exited.done():
            self.process.exited.set_result(None)


class WorkerProcess:
    def __init__(self) -> None:
        self.exited: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.output = bytearray()
        self._transport: asyncio.SubprocessTransport | None = None
        self.pid = 0
        self._pids: list[int] = []  # the process tree, looked up again every so often
        self._pids_uses = 0
        self.killed = False  # set at once; `exited` resolves only when the kernel reports it

    async def spawn(self, argv: list[str], env: dict[str, str], cwd: str) -> None:
        loop = asyncio.get_running_loop()
        self._transport, _ = await loop.subprocess_exec(
            lambda: _Output(self), *argv, stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT, env=env,
            cwd=cwd, preexec_fn=_die_with_parent, start_new_session=True)
        self.pid = self._transport.get_pid()

    def append_output(self, data: bytes) -> None:
        self.output += data
        if len(self.output) > MAX_LOG_BUFFER_BYTES:
            del self.output[: len(self.output) - MAX_LOG_BUFFER_BYTES]

    def take_output(self) -> str:
        text = self.output.decode("utf-8", errors="replace")
        self.output.clear()
        return text

    @property
    def returncode(self) -> int | None:
        return self._transport.get_returncode() if self._transport else None

    def kill(self) -> None:
        self.killed = True
        if self.pid and self.returncode is None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.pid, signal.SIGKILL)
        if self._transport is not None and self.exited.done():
            self._transport.close()

    def rss_bytes(self) -> int:
        return sum(_statm_rss(pid) for pid in self._tree())

    def peak_rss_bytes(self) -> int:
        return sum(_status_kb(pid, "VmHWM:") * 1024 for pid in self._tree())

    def _tree(self) -> list[int]:
        """The worker's processes (bwrap, the runtime, its children); cached for a few looks,
        since walking /proc on every look costs more than the invocation itself."""
        self._pids_uses += 1
        if len(self._pids) < 2 or self._pids_uses >= TREE_REUSES:
            self._pids, self._pids_uses = _tree(self.pid), 0
        return self._pids


def exit_message(returncode: int | None) -> str:
    """AWS's words for a runtime that exited: a clean exit gives no reason (recorded)."""
    if returncode == 0:
        return "Runtime exited without providing a reason"
    return f"Runtime exited with error: {exit_description(returncode)}"


def exit_description(returncode: int | None) -> str:
    """How the Go-based Lambda service words a runtime's exit: 'signal: killed', 'exit status 1'."""
    if returncode is None:
        return "signal: killed"
    if returncode < 0:
        names = {signal.SIGKILL: "killed", signal.SIGSEGV: "segmentation fault",
                 signal.SIGABRT: "aborted", signal.SIGTERM: "terminated"}
        return f"signal: {names.get(signal.Signals(-returncode), str(-returncode))}"
    return f"exit status {returncode}"


def _tree(pid: int, depth: int = 0) -> list[int]:
    if not pid or depth > 8:
        return []
    pids = [pid]
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            children = f.read().split()
    except OSError:
        return pids
    for child in children[:64]:
        pids += _tree(int(child), depth + 1)
    return pids


def _statm_rss(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm") as f:
            return int(f.read().split()[1]) * PAGE_BYTES
    except (OSError, IndexError, ValueError):
        return 0


def _status_kb(pid: int, field: str) -> int:
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(field):
                    return int(line.split()[1])
    except (OSError, IndexError, ValueError):
        pass
    return 0
