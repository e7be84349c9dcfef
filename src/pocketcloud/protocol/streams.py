"""Bodies too big to hold: a request body read as it arrives, a response body sent in chunks.

An operation whose spec marks its payload as streaming (S3 PutObject, UploadPart; GetObject's
output) gets and gives these instead of bytes, so an object of any size passes through in
bounded chunks.
"""

from __future__ import annotations

import asyncio
import os
import weakref
from abc import ABC, abstractmethod
from collections.abc import (
    AsyncIterator,
    Awaitable,
    Callable,
    Generator,
    Iterator,
    MutableMapping,
)
from typing import Any

from pocketcloud.errors import AwsError

Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]

FILE_CHUNK_BYTES = 256 * 1024  # large enough to be cheap per chunk, small enough to stay lean
# A client that promises more body than it sends (Content-Length: 1, then nothing) would hold
# its request open for ever; S3 answers RequestTimeout after about 20 s without a byte.
BODY_IDLE_TIMEOUT_S = float(os.environ.get("POCKETCLOUD_BODY_IDLE_TIMEOUT_S") or 20.0)


async def receive_within(receive: Receive) -> MutableMapping[str, Any]:
    """The next body message, or AWS's RequestTimeout when the client goes quiet mid-body.

    The message is usually there already (a small body arrives with its headers), and then
    receive() finishes without waiting: it is run one step first, and only a read that has
    to wait is watched.
    """
    steps = receive().__await__()
    try:
        first = next(steps)  # an awaitable's iterator need not have send() (granian's has not)
    except StopIteration as done:
        message: MutableMapping[str, Any] = done.value
        return message
    waiting = _Resumed(steps, first)
    task = asyncio.current_task()
    if task is None:  # not in a task: nothing to cancel, so no deadline either
        return await waiting
    loop = asyncio.get_running_loop()
    watch = _IdleWatch.of(loop)
    cancelling = task.cancelling()
    watch.start(loop, task)
    try:
        return await waiting
    except asyncio.CancelledError:
        if watch.expired(task) and task.uncancel() <= cancelling:
            raise _request_timeout() from None
        raise
    finally:
        watch.stop(task)


def _request_timeout() -> AwsError:
    return AwsError("RequestTimeout", "Your socket connection to the server was not read "
                    "from or written to within the timeout period. Idle connections will "
                    "be closed.", 400)  # fmt: skip


class _Resumed:
    """An awaitable already run up to its first wait: awaiting it hands the task what it was
    waiting on, then carries on with it as `await` would (PEP 380's delegation, from its
    second step: send() and throw() only when the iterator has them)."""

    def __init__(self, steps: Iterator[Any], first: Any) -> None:
        self._steps: Any = steps
        self._first = first

    def __await__(self) -> Generator[Any, Any, Any]:
        steps, waiting = self._steps, self._first
        while True:
            try:
                sent = yield waiting
            except GeneratorExit:
                close = getattr(steps, "close", None)
                if close is not None:
                    close()
                raise
            except BaseException as error:  # a cancellation (the idle watch's) reaches the wait
                throw = getattr(steps, "throw", None)
                if throw is None:
                    raise
                try:
                    waiting = throw(error)
                except StopIteration as done:
                    return done.value
            else:
                try:
                    waiting = next(steps) if sent is None else steps.send(sent)
                except StopIteration as done:
                    return done.value


class _IdleWatch:
    """Deadlines of the body reads waiting on one event loop, checked by one timer a
    quarter of the idle timeout apart (so ~25% late at most): a timer per read (an
    `asyncio.timeout`) cost ~3 us, a few percent of a small PUT. A read past its
    deadline has its task cancelled, which `receive_within` turns into RequestTimeout. Reads
    stop being watched when they end, so no task is ever cancelled after its read."""

    _by_loop: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _IdleWatch] = (
        weakref.WeakKeyDictionary()
    )

    def __init__(self) -> None:  # holds no reference to its loop, the weak key
        self._deadlines: dict[asyncio.Task[Any], float] = {}  # one per read in progress
        self._expired: set[asyncio.Task[Any]] = set()
        self._ticking = False

    @classmethod
    def of(cls, loop: asyncio.AbstractEventLoop) -> _IdleWatch:
        watch = cls._by_loop.get(loop)
        if watch is None:
            watch = cls._by_loop[loop] = cls()
        return watch

    def start(self, loop: asyncio.AbstractEventLoop, task: asyncio.Task[Any]) -> None:
        self._deadlines[task] = loop.time() + BODY_IDLE_TIMEOUT_S
        if not self._ticking:
            self._ticking = True
            loop.call_later(BODY_IDLE_TIMEOUT_S / 4, self._check, loop)

    def stop(self, task: asyncio.Task[Any]) -> None:
        self._deadlines.pop(task, None)
        self._expired.discard(task)

    def expired(self, task: asyncio.Task[Any]) -> bool:
        return task in self._expired

    def _check(self, loop: asyncio.AbstractEventLoop) -> None:
        now = loop.time()
        for task, deadline in list(self._deadlines.items()):
            if deadline <= now and task not in self._expired:
                self._expired.add(task)
                task.cancel()
        self._ticking = bool(self._deadlines)
        if self._ticking:
            loop.call_later(BODY_IDLE_TIMEOUT_S / 4, self._check, loop)


class RequestBody:
    """The request's body as the client sends it: iterate once, in chunks.

    `content_length` is the Content-Length header's value when the client sent one. The bytes
    are raw: an ``aws-chunked`` body still carries its chunk framing, which the service decodes.
    """

    def __init__(self, receive: Receive, content_length: int | None) -> None:
        self._receive = receive
        self.content_length = content_length
        self._consumed = False

    async def __aiter__(self) -> AsyncIterator[bytes]:
        if self._consumed:
            raise RuntimeError("a request body can be read only once")
        self._consumed = True
        while True:
            message = await receive_within(self._receive)
            if message["type"] == "http.disconnect":
                raise AwsError("IncompleteBody", "The client closed the connection early.", 400)
            chunk = message.get("body", b"")
            if chunk:
                yield chunk
            if not message.get("more_body", False):
                return

    async def read(self, limit_bytes: int) -> bytes:
        """The whole body, refusing more than `limit_bytes`."""
        chunks: list[bytes] = []
        size = 0
        async for chunk in self:
            size += len(chunk)
            if size > limit_bytes:
                raise AwsError("EntityTooLarge", f"The body exceeds {limit_bytes} bytes.", 400)
            chunks.append(chunk)
        return b"".join(chunks)


class ResponseBody(ABC):
    """A body sent in chunks; subclasses say where the chunks come from."""

    content_length: int | None = None
    status_code: int | None = None  # overrides the operation's status (206 for a range)

    @abstractmethod
    def __aiter__(self) -> AsyncIterator[bytes]: ...

    def close(self) -> None:  # noqa: B027 - most bodies hold nothing to release
        """Release what the body holds (called once it is sent, or the client has gone)."""


class FileBody(ResponseBody):
    """`length` bytes of a file from `offset`, read in bounded chunks."""

    def __init__(self, path: os.PathLike[str] | str, offset: int = 0, length: int | None = None):
        self._file = open(path, "rb")  # noqa: SIM115 - closed by close() once sent
        if length is None:
            length = os.fstat(self._file.fileno()).st_size - offset
        self._offset = offset
        self.content_length = length

    async def __aiter__(self) -> AsyncIterator[bytes]:
        self._file.seek(self._offset)
        remaining = self.content_length or 0
        while remaining > 0:
            chunk = self._file.read(min(FILE_CHUNK_BYTES, remaining))
            if not chunk:  # the file shrank under us: stop rather than hang
                return
            remaining -= len(chunk)
            yield chunk

    def close(self) -> None:
        self._file.close()
