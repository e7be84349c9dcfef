"""Several threads on one store: writes serialize, reads see consistent snapshots, never block."""

from __future__ import annotations

import contextlib
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from pocketcloud.store import Store

THREADS = 8
WRITES_PER_THREAD = 200
ACCOUNTS = 10
TOTAL_BALANCE = 1000 * ACCOUNTS


@pytest.fixture
def store(store: Store) -> Store:
    store.register_schema(
        "c",
        [
            """
            CREATE TABLE c_counter (id INTEGER PRIMARY KEY, value INTEGER NOT NULL);
            CREATE TABLE c_accounts (id INTEGER PRIMARY KEY, balance INTEGER NOT NULL);
            """
        ],
    )
    with store.write() as tx:
        tx.execute("INSERT INTO c_counter VALUES (1, 0)")
        tx.executemany("INSERT INTO c_accounts VALUES (?, 1000)", [(i,) for i in range(ACCOUNTS)])
    return store


def test_read_modify_write_from_many_threads_loses_no_update(store: Store) -> None:
    def increment_many(_: int) -> None:
        for _ in range(WRITES_PER_THREAD):
            with store.write() as tx:  # read then write under the write lock: no lost update
                value = tx.fetchvalue("SELECT value FROM c_counter WHERE id = 1")
                tx.execute("UPDATE c_counter SET value = ? WHERE id = 1", (value + 1,))

    with ThreadPoolExecutor(THREADS) as pool:
        list(pool.map(increment_many, range(THREADS)))
    with store.read() as tx:
        assert tx.fetchvalue("SELECT value FROM c_counter") == THREADS * WRITES_PER_THREAD


def test_readers_see_consistent_snapshots_while_writers_move_money(store: Store) -> None:
    stop = threading.Event()
    totals: list[int] = []

    def transfer(seed: int) -> None:
        for n in range(WRITES_PER_THREAD):
            source, target = (seed + n) % ACCOUNTS, (seed * 7 + n + 1) % ACCOUNTS
            with store.write() as tx:
                tx.execute("UPDATE c_accounts SET balance = balance - 5 WHERE id = ?", (source,))
                tx.execute("UPDATE c_accounts SET balance = balance + 5 WHERE id = ?", (target,))

    def audit() -> None:
        while not stop.is_set():
            with store.read() as tx:  # two statements, one snapshot
                first_half = tx.fetchvalue("SELECT sum(balance) FROM c_accounts WHERE id < 5")
                second_half = tx.fetchvalue("SELECT sum(balance) FROM c_accounts WHERE id >= 5")
            totals.append(first_half + second_half)

    auditors = [threading.Thread(target=audit) for _ in range(2)]
    for auditor in auditors:
        auditor.start()
    with ThreadPoolExecutor(THREADS) as pool:
        list(pool.map(transfer, range(THREADS)))
    stop.set()
    for auditor in auditors:
        auditor.join()
    assert totals and set(totals) == {TOTAL_BALANCE}


def test_reads_do_not_wait_for_an_open_write(store: Store) -> None:
    writing = threading.Event()
    release = threading.Event()

    def slow_writer() -> None:
        with store.write() as tx:
            tx.execute("UPDATE c_counter SET value = 99")
            writing.set()
            release.wait(5)

    writer = threading.Thread(target=slow_writer)
    writer.start()
    assert writing.wait(5)
    try:
        with ThreadPoolExecutor(1) as pool:  # another thread, so another connection
            seen = pool.submit(read_counter, store).result(timeout=1)
        assert seen == 0  # the uncommitted update is invisible and the read did not block
    finally:
        release.set()
        writer.join()
    assert read_counter(store) == 99


def read_counter(store: Store) -> int:
    with store.read() as tx:
        return int(tx.fetchvalue("SELECT value FROM c_counter"))


def open_database_files(store: Store) -> int:
    fd_dir = Path("/proc/self/fd")
    if not fd_dir.is_dir():
        pytest.skip("needs /proc to count open files")
    targets = []
    for fd in fd_dir.iterdir():
        with contextlib.suppress(OSError):
            targets.append(os.readlink(fd))
    return targets.count(str(store.db_path))


def test_connections_of_finished_threads_are_closed(store: Store) -> None:
    for _ in range(20):
        worker = threading.Thread(target=read_counter, args=(store,))
        worker.start()
        worker.join()
    read_counter(store)
    assert open_database_files(store) <= 3  # this thread's, and at most the last worker's
