"""The blob store: put/open/delete/sweep, residency by region, and ids that cannot escape."""

from __future__ import annotations

import asyncio
import hashlib
import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from pocketcloud.store import BlobNotFoundError, InvalidBlobIdError, Store

CHUNKS = [b"hello ", b"", b"world", os.urandom(300_000)]
BYTES = b"".join(CHUNKS)


def read_blob(store: Store, blob_id: str) -> bytes:
    with store.blobs.open(blob_id) as f:
        return f.read()


def test_put_streams_chunks_and_reports_size_and_md5(store: Store) -> None:
    info = store.blobs.put("us-east-1", iter(CHUNKS))
    assert info.size_bytes == len(BYTES)
    assert info.md5_hex == hashlib.md5(BYTES).hexdigest()
    assert read_blob(store, info.blob_id) == BYTES


def test_empty_blob(store: Store) -> None:
    info = store.blobs.put("us-east-1", [])
    assert (info.size_bytes, info.md5_hex) == (0, hashlib.md5(b"").hexdigest())
    assert read_blob(store, info.blob_id) == b""


def test_put_async_takes_an_async_body(store: Store) -> None:
    big = os.urandom(3 * 1024 * 1024 + 5)  # larger than one write piece on the event loop

    async def body() -> AsyncIterator[bytes]:
        for chunk in (b"first ", big):
            yield chunk

    info = asyncio.run(store.blobs.put_async("ap-south-1", body()))
    assert info.size_bytes == len(big) + 6
    assert read_blob(store, info.blob_id) == b"first " + big


def test_cancelled_async_put_leaves_nothing_behind(store: Store, data_dir: Path) -> None:
    async def stalled_body() -> AsyncIterator[bytes]:
        yield b"the client sends a little, then hangs"
        await asyncio.Event().wait()

    async def put_then_cancel() -> None:
        task = asyncio.create_task(store.blobs.put_async("us-east-1", stalled_body()))
        await asyncio.sleep(0.01)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(put_then_cancel())
    assert [p for p in (data_dir / "blobs").rglob("*") if p.is_file()] == []


def test_pipelined_async_put_hashes_and_writes_in_order(store: Store) -> None:
    pieces = [os.urandom(n) for n in (70_000, 1024 * 1024, 3, 2 * 1024 * 1024 + 1, 65_536)]

    async def body() -> AsyncIterator[bytes]:
        for piece in pieces:
            yield piece

    info = asyncio.run(store.blobs.put_async("us-east-1", body()))
    whole = b"".join(pieces)
    assert info.size_bytes == len(whole)
    assert info.md5_hex == hashlib.md5(whole).hexdigest()
    assert read_blob(store, info.blob_id) == whole


def test_cancelled_pipelined_put_leaves_nothing_behind(store: Store, data_dir: Path) -> None:
    async def big_then_stall() -> AsyncIterator[bytes]:
        for _ in range(5):
            yield os.urandom(1024 * 1024)  # batches go to the threads
        await asyncio.Event().wait()

    async def put_then_cancel() -> None:
        task = asyncio.create_task(store.blobs.put_async("us-east-1", big_then_stall()))
        await asyncio.sleep(0.2)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(put_then_cancel())
    assert [p for p in (data_dir / "blobs").rglob("*") if p.is_file()] == []


def test_bytes_live_under_their_region_folder(store: Store, data_dir: Path) -> None:
    info = store.blobs.put("eu-central-1", [b"residency"])
    path = store.blobs.path(info.blob_id)
    assert path.is_relative_to(data_dir / "blobs" / "eu-central-1")
    assert path.read_bytes() == b"residency"


def test_ids_are_unique_and_not_derived_from_content(store: Store) -> None:
    ids = {store.blobs.put("us-east-1", [b"same"]).blob_id for _ in range(50)}
    assert len(ids) == 50


def test_delete_is_idempotent_and_open_of_missing_blob_is_clear(store: Store) -> None:
    info = store.blobs.put("us-east-1", [b"bye"])
    store.blobs.delete(info.blob_id)
    store.blobs.delete(info.blob_id)
    with pytest.raises(BlobNotFoundError, match="does not exist") as raised:
        store.blobs.open(info.blob_id)
    assert isinstance(raised.value, KeyError)


def test_failed_put_leaves_nothing_behind(store: Store, data_dir: Path) -> None:
    def failing_body():  # type: ignore[no-untyped-def]
        yield b"partial"
        raise ConnectionResetError("client went away")

    with pytest.raises(ConnectionResetError):
        store.blobs.put("us-east-1", failing_body())
    assert [p for p in (data_dir / "blobs").rglob("*") if p.is_file()] == []


@pytest.mark.parametrize(
    "blob_id",
    [
        "",
        "..",
        "../state.db",
        "us-east-1_../../../etc/passwd",
        "us-east-1/../../state.db",
        "us-east-1_" + "0" * 31 + "/",
        "us-east-1_" + "0" * 32 + "\n",
        "us-east-1_" + "0" * 32 + "/..",
        "US-EAST-1_" + "0" * 32,
        "us-east-1_" + "G" * 32,
        "/etc/passwd",
        "us-east-1_" + "0" * 32 + "\x00",
        "-us-east-1_" + "0" * 32,
        ".incoming_" + "0" * 32,
    ],
)
def test_anything_but_a_store_made_id_is_refused(store: Store, blob_id: str) -> None:
    for use in (store.blobs.path, store.blobs.open, store.blobs.delete):
        with pytest.raises(InvalidBlobIdError):
            use(blob_id)


@pytest.mark.parametrize("region", ["", "..", "../x", "us-east-1/../..", "a/b", "US-EAST-1", "x\n"])
def test_region_names_cannot_make_paths(store: Store, region: str) -> None:
    with pytest.raises(InvalidBlobIdError):
        store.blobs.put(region, [b"x"])


def test_sweep_removes_orphans_and_leftovers_only(store: Store, data_dir: Path) -> None:
    kept = store.blobs.put("us-east-1", [b"referenced"])
    orphan = store.blobs.put("us-west-2", [b"row never committed"])
    leftover = data_dir / "blobs" / "us-east-1" / ".incoming" / ("ab" * 16)
    leftover.write_bytes(b"half a put from before a crash")
    stranger = data_dir / "blobs" / "us-east-1" / "not-ours.txt"
    stranger.write_bytes(b"the store only deletes what it names")

    assert store.blobs.sweep(lambda blob_id: blob_id == kept.blob_id) == 2
    assert read_blob(store, kept.blob_id) == b"referenced"
    with pytest.raises(BlobNotFoundError):
        store.blobs.open(orphan.blob_id)
    assert not leftover.exists() and stranger.exists()


def test_sweep_with_a_grace_period_spares_fresh_blobs(store: Store) -> None:
    fresh = store.blobs.put("us-east-1", [b"row about to commit"])
    assert store.blobs.sweep(lambda _: False, min_age_s=60) == 0
    assert read_blob(store, fresh.blob_id) == b"row about to commit"


def test_sweep_spares_a_put_in_progress(store: Store) -> None:
    def body():  # type: ignore[no-untyped-def]
        yield b"streaming..."
        assert store.blobs.sweep(lambda _: False) == 0  # sweeping mid-put
        yield b"done"

    info = store.blobs.put("us-east-1", body())
    assert read_blob(store, info.blob_id) == b"streaming...done"
