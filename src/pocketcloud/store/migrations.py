"""Forward-only schema migrations, one version counter per namespace (usually one per service).

`migrations[i]` is an SQL script that takes a namespace from version i to i + 1. Each step runs in
its own write transaction together with the bump of its version, so a crash or a failing statement
leaves the namespace at the last version that fully applied. Python's ``executescript`` would
COMMIT first, so scripts are split into statements (by SQLite's own tokenizer) and run one by one.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Sequence
from pathlib import Path

from pocketcloud.store.errors import SchemaAheadError

NAMESPACE_RE = re.compile(r"[a-z][a-z0-9_]{0,62}")

CREATE_VERSIONS_TABLE = (
    "CREATE TABLE IF NOT EXISTS schema_versions ("
    "namespace TEXT PRIMARY KEY, version INTEGER NOT NULL)"
)


def split_statements(script: str) -> list[str]:
    """The statements of an SQL script, each ending in ';' (triggers and quoted ';' kept whole)."""
    statements: list[str] = []
    pending = ""
    for piece in script.split(";"):
        pending += piece + ";"
        if sqlite3.complete_statement(pending):
            if pending.strip(" \t\r\n;"):
                statements.append(pending.strip())
            pending = ""
    if pending.strip(" \t\r\n;"):
        raise ValueError(f"migration script ends inside a statement: {pending[:80]!r}")
    return statements


def migrate(
    conn: sqlite3.Connection, namespace: str, migrations: Sequence[str], database: Path
) -> None:
    """Bring `namespace` up to ``len(migrations)``; refuse a database that is already ahead.

    `conn` must be outside any transaction. Safe to run from several threads or processes at
    once: each step re-reads the version under the write lock.
    """
    if not NAMESPACE_RE.fullmatch(namespace):
        raise ValueError(f"schema namespace must match {NAMESPACE_RE.pattern}: {namespace!r}")
    scripts = [split_statements(script) for script in migrations]  # syntax slips fail early
    while True:
        conn.execute("BEGIN IMMEDIATE")
        try:
            current = _version(conn, namespace)
            if current > len(scripts):
                raise SchemaAheadError(
                    f"{database} holds schema {namespace!r} at version {current}, but this "
                    f"pocketcloud knows only {len(scripts)} migrations for it: the data was "
                    "written by a newer pocketcloud. Run that version, or use another data dir."
                )
            if current == len(scripts):
                conn.execute("COMMIT")
                return
            for statement in scripts[current]:
                conn.execute(statement)
            conn.execute(
                "INSERT INTO schema_versions (namespace, version) VALUES (?, ?) "
                "ON CONFLICT (namespace) DO UPDATE SET version = excluded.version",
                (namespace, current + 1),
            )
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise


def _version(conn: sqlite3.Connection, namespace: str) -> int:
    row = conn.execute(
        "SELECT version FROM schema_versions WHERE namespace = ?", (namespace,)
    ).fetchone()
    return int(row[0]) if row else 0
