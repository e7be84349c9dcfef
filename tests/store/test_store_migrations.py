"""Forward migrations: fresh, incremental, idempotent, atomic, and refusing newer data."""

from __future__ import annotations

from pathlib import Path

import pytest

from pocketcloud.store import SchemaAheadError, Store
from pocketcloud.store.migrations import split_statements

V1 = """
CREATE TABLE q_queues (name TEXT PRIMARY KEY, created_s REAL NOT NULL);
CREATE INDEX q_queues_created ON q_queues (created_s);
"""
V2 = """
-- a comment; with a semicolon
ALTER TABLE q_queues ADD COLUMN visibility_timeout_s INTEGER NOT NULL DEFAULT 30;
CREATE TABLE q_log (text TEXT);
CREATE TRIGGER q_queues_logged AFTER INSERT ON q_queues BEGIN
    INSERT INTO q_log (text) VALUES ('added; ' || new.name);
END;
"""


def version(store: Store, namespace: str) -> int | None:
    with store.read() as tx:
        value = tx.fetchvalue(
            "SELECT version FROM schema_versions WHERE namespace = ?", (namespace,)
        )
    return None if value is None else int(value)


def columns(store: Store, table: str) -> list[str]:
    with store.read() as tx:
        return [row[1] for row in tx.fetchall(f"PRAGMA table_info({table})")]


def test_fresh_database_gets_every_migration(store: Store) -> None:
    store.register_schema("q", [V1, V2])
    assert version(store, "q") == 2
    with store.write() as tx:
        tx.execute("INSERT INTO q_queues (name, created_s) VALUES ('a', 1)")
    with store.read() as tx:
        assert tx.fetchone("SELECT name, visibility_timeout_s FROM q_queues") == ("a", 30)
        assert tx.fetchvalue("SELECT text FROM q_log") == "added; a"


def test_upgrade_applies_only_the_new_migrations(data_dir: Path) -> None:
    with Store(data_dir) as old:
        old.register_schema("q", [V1])
        with old.write() as tx:
            tx.execute("INSERT INTO q_queues (name, created_s) VALUES ('kept', 1)")
    with Store(data_dir) as new:
        new.register_schema("q", [V1, V2])  # V1 has no IF NOT EXISTS: a re-run would fail
        assert version(new, "q") == 2
        assert "visibility_timeout_s" in columns(new, "q_queues")
        with new.read() as tx:
            assert tx.fetchall("SELECT name, visibility_timeout_s FROM q_queues") == [
                ("kept", 30)
            ]


def test_registering_again_changes_nothing(store: Store) -> None:
    store.register_schema("q", [V1, V2])
    store.register_schema("q", [V1, V2])
    assert version(store, "q") == 2


def test_namespaces_have_their_own_versions(store: Store) -> None:
    store.register_schema("q", [V1])
    store.register_schema("other", ["CREATE TABLE other_t (x);", "CREATE TABLE other_u (y);"])
    assert (version(store, "q"), version(store, "other")) == (1, 2)


def test_database_ahead_of_the_code_is_refused(data_dir: Path) -> None:
    with Store(data_dir) as newer:
        newer.register_schema("q", [V1, V2])
    with Store(data_dir) as older, pytest.raises(SchemaAheadError) as raised:
        older.register_schema("q", [V1])
    message = str(raised.value)
    assert "'q'" in message and "version 2" in message and "only 1" in message


def test_failing_migration_leaves_the_previous_version_whole(store: Store) -> None:
    broken = "CREATE TABLE q_half (x); INSERT INTO no_such_table VALUES (1);"
    with pytest.raises(Exception, match="no_such_table"):
        store.register_schema("q", [V1, broken])
    assert version(store, "q") == 1
    assert columns(store, "q_half") == []  # the first statement was rolled back too
    store.register_schema("q", [V1, "CREATE TABLE q_half (x);"])
    assert version(store, "q") == 2


def test_bad_namespace_and_unfinished_script_are_refused(store: Store) -> None:
    with pytest.raises(ValueError):
        store.register_schema("Bad Name", [V1])
    with pytest.raises(ValueError, match="inside a statement"):
        store.register_schema("q", ["CREATE TRIGGER t AFTER INSERT ON x BEGIN SELECT 1;"])


def test_split_statements_respects_quotes_comments_and_triggers() -> None:
    assert split_statements("SELECT ';'; SELECT 2") == ["SELECT ';';", "SELECT 2;"]
    assert len(split_statements(V2)) == 3
    assert split_statements("  ;; \n") == []
