"""Reads, writes, rollbacks, nesting, restarts, wipe and the ephemeral store."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from pocketcloud.store import Store, StoreClosedError, StoreError

SCHEMA = [
    """
    CREATE TABLE t_parents (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
    CREATE TABLE t_children (
        id INTEGER PRIMARY KEY,
        parent_id INTEGER NOT NULL REFERENCES t_parents (id),
        blob_id TEXT
    );
    """
]


@pytest.fixture
def store(store: Store) -> Store:
    store.register_schema("t", SCHEMA)
    return store


def names(store: Store) -> list[str]:
    with store.read() as tx:
        return [row[0] for row in tx.fetchall("SELECT name FROM t_parents ORDER BY name")]


def test_committed_write_is_read_back(store: Store) -> None:
    with store.write() as tx:
        assert tx.execute("INSERT INTO t_parents (name) VALUES (?)", ("a",)) == 1
        assert tx.executemany("INSERT INTO t_parents (name) VALUES (?)", [("b",), ("c",)]) == 2
        row = tx.fetchone("INSERT INTO t_parents (name) VALUES (:n) RETURNING id", {"n": "d"})
        assert row is not None and isinstance(row[0], int)
    assert names(store) == ["a", "b", "c", "d"]
    with store.read() as tx:
        assert tx.fetchvalue("SELECT count(*) FROM t_parents") == 4
        assert tx.fetchvalue("SELECT name FROM t_parents WHERE name = 'zz'", default="-") == "-"
        assert tx.fetchone("SELECT name FROM t_parents WHERE name = 'zz'") is None


def test_exception_in_write_rolls_everything_back(store: Store) -> None:
    with pytest.raises(RuntimeError, match="boom"), store.write() as tx:
        tx.execute("INSERT INTO t_parents (name) VALUES ('lost')")
        raise RuntimeError("boom")
    with pytest.raises(sqlite3.IntegrityError), store.write() as tx:
        tx.execute("INSERT INTO t_parents (name) VALUES ('x')")
        tx.execute("INSERT INTO t_parents (name) VALUES ('x')")
    assert names(store) == []


def test_foreign_keys_are_enforced(store: Store) -> None:
    with pytest.raises(sqlite3.IntegrityError), store.write() as tx:
        tx.execute("INSERT INTO t_children (parent_id) VALUES (42)")


def test_nested_write_is_a_savepoint(store: Store) -> None:
    with store.write() as outer:
        outer.execute("INSERT INTO t_parents (name) VALUES ('outer')")
        with pytest.raises(RuntimeError), store.write() as inner:
            inner.execute("INSERT INTO t_parents (name) VALUES ('inner-undone')")
            raise RuntimeError
        with store.write() as inner:
            inner.execute("INSERT INTO t_parents (name) VALUES ('inner-kept')")
        with store.read() as nested_read:  # sees the enclosing write's own rows
            assert nested_read.fetchvalue("SELECT count(*) FROM t_parents") == 2
    assert names(store) == ["inner-kept", "outer"]


def test_write_inside_read_is_refused(store: Store) -> None:
    with store.read(), pytest.raises(StoreError, match="inside store.read"), store.write():
        pass
    with store.write() as tx:  # the store is still usable
        tx.execute("INSERT INTO t_parents (name) VALUES ('after')")
    assert names(store) == ["after"]


def test_read_never_writes(store: Store) -> None:
    with store.read() as tx:
        tx.execute("INSERT INTO t_parents (name) VALUES ('sneaky')")
    assert names(store) == []


def test_transaction_object_is_dead_after_its_block(store: Store) -> None:
    with store.write() as tx:
        pass
    with pytest.raises(StoreError, match="has ended"):
        tx.execute("INSERT INTO t_parents (name) VALUES ('late')")


def test_state_survives_a_restart(data_dir: Path) -> None:
    with Store(data_dir) as first:
        first.register_schema("t", SCHEMA)
        with first.write() as tx:
            tx.execute("INSERT INTO t_parents (name) VALUES ('durable')")
        blob = first.blobs.put("eu-west-1", [b"bytes that stay"])
    with Store(data_dir) as second:
        second.register_schema("t", SCHEMA)
        assert names(second) == ["durable"]
        with second.blobs.open(blob.blob_id) as f:
            assert f.read() == b"bytes that stay"


def test_database_is_in_wal_mode_with_the_chosen_durability(data_dir: Path) -> None:
    for durability, synchronous in (("process", 1), ("power", 2)):
        with Store(data_dir, durability=durability) as store, store.read() as tx:
            assert tx.fetchvalue("PRAGMA journal_mode") == "wal"
            assert tx.fetchvalue("PRAGMA synchronous") == synchronous
            assert tx.fetchvalue("PRAGMA foreign_keys") == 1
    assert (data_dir / "state.db").is_file()
    with pytest.raises(ValueError):
        Store(data_dir, durability="sometimes")  # type: ignore[arg-type]


def test_wipe_deletes_everything_and_keeps_the_store_usable(store: Store) -> None:
    with store.write() as tx:
        tx.execute("INSERT INTO t_parents (id, name) VALUES (1, 'p')")
        tx.execute("INSERT INTO t_children (parent_id) VALUES (1)")  # wipe ignores FK order
    blob = store.blobs.put("us-east-1", [b"x"])
    store.wipe()
    assert names(store) == []
    assert not store.blobs.path(blob.blob_id).exists()
    with store.write() as tx:  # the registered schema is back, at its version
        tx.execute("INSERT INTO t_parents (id, name) VALUES (1, 'again')")
        assert tx.fetchvalue("SELECT version FROM schema_versions WHERE namespace = 't'") == 1
    assert store.blobs.put("us-east-1", [b"y"]).size_bytes == 1


def test_ephemeral_store_keeps_nothing_after_close() -> None:
    store = Store.ephemeral()
    store.register_schema("t", SCHEMA)
    with store.write() as tx:
        tx.execute("INSERT INTO t_parents (name) VALUES ('gone')")
    store.blobs.put("us-east-1", [b"gone too"])
    assert store.data_dir.is_dir()
    store.close()
    assert not store.data_dir.exists()
    with pytest.raises(StoreClosedError), store.read():
        pass


def test_read_value_outside_and_inside_a_transaction(store: Store) -> None:
    assert store.read_value("SELECT name FROM t_parents WHERE name = ?", ("a",)) is None
    with store.write() as tx:
        tx.execute("INSERT INTO t_parents (name) VALUES (?)", ("a",))
        # Inside a write, it reads through that transaction (sees its own uncommitted row).
        assert store.read_value("SELECT name FROM t_parents WHERE name = ?", ("a",)) == "a"
    assert store.read_value("SELECT count(*) FROM t_parents") == 1


def test_write_one_commits_on_its_own(store: Store, data_dir: Path) -> None:
    assert store.write_one("INSERT INTO t_parents (name) VALUES (?)", ("a",)) == 1
    # Committed: another connection (another process, after a restart) sees the row.
    other = sqlite3.connect(data_dir / "state.db")
    try:
        assert other.execute("SELECT name FROM t_parents").fetchall() == [("a",)]
    finally:
        other.close()
    with pytest.raises(sqlite3.IntegrityError):  # a failing statement changes nothing
        store.write_one("INSERT INTO t_parents (name) VALUES (?)", ("a",))
    assert names(store) == ["a"]


def test_write_one_joins_an_open_write_and_refuses_a_read(store: Store) -> None:
    with pytest.raises(RuntimeError), store.write():
        store.write_one("INSERT INTO t_parents (name) VALUES (?)", ("a",))
        raise RuntimeError("roll back")
    assert names(store) == []  # rolled back with the transaction it joined
    with store.read(), pytest.raises(StoreError, match="inside store.read"):
        store.write_one("INSERT INTO t_parents (name) VALUES (?)", ("b",))
    assert names(store) == []
