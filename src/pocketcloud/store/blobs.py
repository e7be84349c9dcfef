"""The blob store: large bytes (S3 objects, Lambda code) in files the store names itself.

Layout under ``data_dir/blobs/``::

    <region>/<first two hex digits>/<32 hex digits>   a committed blob (its bytes never change)
    <region>/.incoming/<32 hex digits>                a put still streaming (or killed mid-way)

A blob id is ``<region>_<32 hex digits>``, e.g. ``us-east-1_9f0c...``. Ids come from the OS's
random source, never from a bucket, key or function name, and every id handed back to the store is
matched against one strict pattern before it touches the file system, so no request can name a
path outside the data directory. The region is part of the id so a blob's bytes stay in its
region's folder (data residency). Ids are deliberately not drawn from the seeded id generator: a
replay with the same seed on an existing data directory would otherwise reuse live blobs' names.

A put streams to ``.incoming``, then renames it into place; the caller commits the row that
references the blob only after ``put`` returns. A crash between the two leaves an unreferenced
file, which ``sweep`` removes. Whether a put fsyncs follows the store's durability, as SQLite's
commits do: the bytes are in the OS page cache once write() returns, and the page cache outlives
a killed process (kill -9), so "process" durability needs no fsync; only "power" (surviving an
OS crash or power loss) fsyncs the file and its directory, at ~10 ms per put on ordinary disks.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import re
import secrets
import shutil
import threading
import time
from collections.abc import AsyncIterable, Callable, Iterable
from pathlib import Path
from typing import Any, BinaryIO, NamedTuple, Protocol

from pocketcloud.store.errors import BlobNotFoundError, InvalidBlobIdError

_REGION_PATTERN = r"[a-z0-9]{1,16}(?:-[a-z0-9]{1,16}){0,4}"  # us-east-1, us-gov-west-1, global
_NAME_PATTERN = r"[0-9a-f]{32}"
REGION_RE = re.compile(_REGION_PATTERN)
BLOB_NAME_RE = re.compile(_NAME_PATTERN)
BLOB_ID_RE = re.compile(rf"(?P<region>{_REGION_PATTERN})_(?P<name>{_NAME_PATTERN})")
FANOUT_RE = re.compile(r"[0-9a-f]{2}")

INCOMING_DIR = ".incoming"
ASYNC_WRITE_PIECE_BYTES = 1024 * 1024  # largest write done on the event loop between yields
PIPELINE_BATCH_BYTES = 1024 * 1024  # a body past this is hashed and written off the loop


class BlobInfo(NamedTuple):
    blob_id: str
    size_bytes: int
    md5_hex: str


class Digest(Protocol):
    """A running checksum fed the blob's bytes beside its MD5 (S3's flexible checksums)."""

    def update(self, data: bytes | memoryview, /) -> None: ...


class _PendingBlob:
    """One put in progress: the open temporary file, the running size and MD5, and any
    further digests the caller wants of the same bytes."""

    __slots__ = ("blob_id", "temp_path", "final_path", "file", "size_bytes", "md5", "digests",
                 "renamed")  # fmt: skip

    def __init__(self, blob_id: str, temp_path: Path, final_path: Path, file: BinaryIO) -> None:
        self.blob_id = blob_id
        self.temp_path = temp_path
        self.final_path = final_path
        self.file = file
        self.size_bytes = 0
        self.md5 = hashlib.md5(usedforsecurity=False)
        self.digests: tuple[Digest, ...] = ()
        self.renamed = False

    def write(self, chunk: bytes | memoryview) -> None:
        self.file.write(chunk)
        self.md5.update(chunk)
        for digest in self.digests:
            digest.update(chunk)
        self.size_bytes += len(chunk)

    def info(self) -> BlobInfo:
        return BlobInfo(self.blob_id, self.size_bytes, self.md5.hexdigest())


class BlobStore:
    """Bytes on disk, named by the store; see the module docstring for the layout and guarantees."""

    def __init__(self, root: Path, *, fsync_files: bool = True, fsync_dirs: bool = False) -> None:
        self.root = root
        self._root_text = str(root)
        self._fsync_files = fsync_files
        self._fsync_dirs = fsync_dirs
        self._known_dirs: set[Path] = set()  # made or seen: no mkdir per put
        self._in_flight: set[Path] = set()  # temporary files of puts running in this process
        self._lock = threading.Lock()
        root.mkdir(parents=True, exist_ok=True)

    # -- writing ----------------------------------------------------------------------------

    def put(self, region: str, chunks: Iterable[bytes]) -> BlobInfo:
        """Stream `chunks` into a new blob in `region`; durable (fsync'd, renamed) on return."""
        pending = self._start(region)
        try:
            for chunk in chunks:
                pending.write(chunk)
            self._finish(pending)
        except BaseException:
            self._abandon(pending)
            raise
        return pending.info()

    async def put_async(
        self, region: str, chunks: AsyncIterable[bytes], digests: tuple[Digest, ...] = ()
    ) -> BlobInfo:
        """`put` for an ASGI body: bounded writes on the loop, the fsync and rename in a thread.
        `digests` are fed the bytes in the same pass as the MD5 (and in its thread)."""
        pending = self._start(region)
        pending.digests = digests
        try:
            await _receive(pending, chunks)
            if not self._fsync_files:  # close and rename take microseconds: no thread hop
                self._finish(pending)
                return pending.info()
            finishing = asyncio.ensure_future(asyncio.to_thread(self._finish, pending))
            try:
                await asyncio.shield(finishing)
            except asyncio.CancelledError:
                await asyncio.wait([finishing])  # the thread still owns the file: let it end first
                raise
        except BaseException:
            self._abandon(pending)
            raise
        return pending.info()

    def _start(self, region: str) -> _PendingBlob:
        if not REGION_RE.fullmatch(region):
            raise InvalidBlobIdError(f"not a region name the blob store accepts: {region!r}")
        name = secrets.token_hex(16)
        region_dir = self.root / region
        incoming_dir = region_dir / INCOMING_DIR
        final_dir = region_dir / name[:2]
        self._ensure_dir(incoming_dir)
        self._ensure_dir(final_dir)
        temp_path = incoming_dir / name
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
        file = os.fdopen(os.open(temp_path, flags, 0o600), "wb")
        with self._lock:
            self._in_flight.add(temp_path)
        return _PendingBlob(f"{region}_{name}", temp_path, final_dir / name, file)

    def _finish(self, pending: _PendingBlob) -> None:
        pending.file.flush()
        if self._fsync_files:
            os.fsync(pending.file.fileno())
        pending.file.close()
        os.replace(pending.temp_path, pending.final_path)
        pending.renamed = True
        with self._lock:
            self._in_flight.discard(pending.temp_path)
        if self._fsync_dirs:  # a rename survives a process kill as is; only power loss can undo it
            _fsync_dir(pending.final_path.parent)

    def _abandon(self, pending: _PendingBlob) -> None:
        pending.file.close()
        with self._lock:
            self._in_flight.discard(pending.temp_path)
        pending.temp_path.unlink(missing_ok=True)
        if pending.renamed:  # failed or cancelled after the rename: nobody will reference it
            pending.final_path.unlink(missing_ok=True)

    def _ensure_dir(self, path: Path) -> None:
        if path in self._known_dirs:
            return
        missing = [d for d in (path.parent, path) if not d.is_dir()]
        path.mkdir(parents=True, exist_ok=True)
        if self._fsync_dirs:
            for directory in missing:
                _fsync_dir(directory.parent)
        with self._lock:
            self._known_dirs.add(path)

    # -- reading and deleting ---------------------------------------------------------------

    def path(self, blob_id: str) -> Path:
        """Where a blob's bytes live. Refuses anything that is not an id this store makes."""
        match = BLOB_ID_RE.fullmatch(blob_id) if isinstance(blob_id, str) else None
        if match is None:
            raise InvalidBlobIdError(f"not a blob id: {blob_id!r}")
        name = match["name"]
        return Path(f"{self._root_text}/{match['region']}/{name[:2]}/{name}")  # one Path, not 3

    def open(self, blob_id: str) -> BinaryIO:
        """The blob's bytes, for reading (the caller closes it)."""
        try:
            return open(self.path(blob_id), "rb")  # noqa: SIM115 - the caller owns the file
        except FileNotFoundError:
            raise BlobNotFoundError(f"blob {blob_id} does not exist") from None

    def delete(self, blob_id: str) -> None:
        """Remove a blob; deleting one that is already gone is not an error."""
        self.path(blob_id).unlink(missing_ok=True)

    # -- housekeeping -----------------------------------------------------------------------

    def sweep(self, referenced: Callable[[str], bool], *, min_age_s: float = 0.0) -> int:
        """Delete blobs no committed row references, and leftovers of interrupted puts.

        `referenced(blob_id)` answers from the metadata. Run it at start-up, before serving; while
        serving, pass a `min_age_s` longer than any request so a blob whose row is about to commit
        is spared. Puts in progress in this process are always spared. Returns the count deleted.
        """
        cutoff = time.time() - min_age_s
        deleted = 0
        for region_dir in _subdirs(self.root, REGION_RE):
            deleted += self._sweep_incoming(region_dir / INCOMING_DIR, cutoff, min_age_s)
            for fanout_dir in _subdirs(region_dir, FANOUT_RE):
                for entry in os.scandir(fanout_dir):
                    if not BLOB_NAME_RE.fullmatch(entry.name) or not entry.is_file():
                        continue
                    if min_age_s and entry.stat().st_mtime > cutoff:
                        continue
                    if not referenced(f"{region_dir.name}_{entry.name}"):
                        Path(entry.path).unlink(missing_ok=True)
                        deleted += 1
        return deleted

    def sweep_interrupted(self) -> int:
        """Delete what puts interrupted by a crash left half-written (never referenced: a
        blob gets its final name only when complete). Run at start-up, before serving."""
        return sum(self._sweep_incoming(region_dir / INCOMING_DIR, time.time(), 0.0)
                   for region_dir in _subdirs(self.root, REGION_RE))

    def _sweep_incoming(self, incoming_dir: Path, cutoff: float, min_age_s: float) -> int:
        if not incoming_dir.is_dir():
            return 0
        deleted = 0
        for entry in os.scandir(incoming_dir):
            path = Path(entry.path)
            with self._lock:
                if path in self._in_flight:
                    continue
            if not BLOB_NAME_RE.fullmatch(entry.name):
                continue
            if min_age_s and entry.stat().st_mtime > cutoff:
                continue
            path.unlink(missing_ok=True)
            deleted += 1
        return deleted

    def clear(self) -> None:
        """Delete every blob (for `pocketcloud reset`); the store stays usable."""
        with self._lock:
            self._known_dirs.clear()
        for entry in os.scandir(self.root):
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path)
            else:
                os.unlink(entry.path)


async def _receive(pending: _PendingBlob, chunks: AsyncIterable[bytes]) -> None:
    """Write `chunks` to the blob. A large body goes in batches whose MD5 and file write run
    in two threads (both release the GIL) while the loop receives the next batch: MD5 and the
    page-cache copy each cost ~1 s per GiB, so overlapping them nearly doubles a big PUT's
    speed. At most one batch is in flight and one filling: memory stays ~2 batches."""
    batch: list[bytes] = []
    batch_bytes = 0
    in_flight: asyncio.Future[Any] | None = None
    try:
        async for chunk in chunks:
            batch.append(chunk)
            batch_bytes += len(chunk)
            if batch_bytes >= PIPELINE_BATCH_BYTES:
                if in_flight is not None:
                    await asyncio.shield(in_flight)  # a cancel must not orphan the threads
                in_flight = _write_batch(pending, batch)
                batch, batch_bytes = [], 0
        if in_flight is None:  # a small body: no thread hops
            for chunk in batch:
                await _write_in_pieces(pending, chunk)
            return
        await asyncio.shield(in_flight)
        if batch:
            in_flight = _write_batch(pending, batch)
            await asyncio.shield(in_flight)
    except BaseException:
        if in_flight is not None and not in_flight.done():
            await asyncio.wait([in_flight])  # the threads still use the file: let them end first
        raise


def _write_batch(pending: _PendingBlob, batch: list[bytes]) -> asyncio.Future[Any]:
    pending.size_bytes += sum(len(chunk) for chunk in batch)
    return asyncio.gather(
        asyncio.to_thread(_hash_all, pending, batch),
        asyncio.to_thread(_write_all, pending.file, batch),
    )


def _hash_all(pending: _PendingBlob, batch: list[bytes]) -> None:
    md5, digests = pending.md5, pending.digests
    for chunk in batch:
        md5.update(chunk)
        for digest in digests:  # awscrt's CRCs release the GIL too
            digest.update(chunk)


def _write_all(file: BinaryIO, batch: list[bytes]) -> None:
    for chunk in batch:
        file.write(chunk)


async def _write_in_pieces(pending: _PendingBlob, chunk: bytes) -> None:
    if len(chunk) <= ASYNC_WRITE_PIECE_BYTES:
        pending.write(chunk)
        return
    view = memoryview(chunk)
    for start in range(0, len(view), ASYNC_WRITE_PIECE_BYTES):
        pending.write(view[start : start + ASYNC_WRITE_PIECE_BYTES])
        await asyncio.sleep(0)  # let other requests run between large writes


def _subdirs(parent: Path, name_re: re.Pattern[str]) -> list[Path]:
    return [
        Path(entry.path)
        for entry in os.scandir(parent)
        if name_re.fullmatch(entry.name) and entry.is_dir(follow_symlinks=False)
    ]


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
