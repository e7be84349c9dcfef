"""The SQLite side of the store: one connection per thread, WAL, short explicit transactions."""

from __future__ import annotations

import sqlite3
import tempfile
import threading
from collections.abc import Iterable, Mapping, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from types import TracebackType
from typing import Any, Literal

from pocketcloud.store.blobs import BlobStore
from pocketcloud.store.errors import StoreClosedError, StoreError
from pocketcloud.store.migrations import CREATE_VERSIONS_TABLE, migrate

Durability = Literal["none", "process", "power"]
Params = Sequence[Any] | Mapping[str, Any]

# WAL with synchronous=NORMAL appends each commit to the WAL with write() and fsyncs only at
# checkpoints. The OS page cache outlives the process, so a commit that returned survives kill -9;
# only an OS crash or power loss can drop the last few commits (never corrupting the file). FULL
# fsyncs the WAL on every commit and survives power loss too. "none" is for ephemeral stores.
_SYNCHRONOUS: dict[str, str] = {"none": "OFF", "process": "NORMAL", "power": "FULL"}

DATABASE_FILE = "state.db"
BLOBS_DIR = "blobs"
BUSY_TIMEOUT_S = 10.0  # how long a writer waits for another writer's transaction before failing
CACHE_SIZE_KIB = 8 * 1024  # page cache per connection (one connection per thread)
JOURNAL_SIZE_LIMIT_BYTES = 64 * 1024 * 1024  # the WAL file is truncated back to this after use
STATEMENT_CACHE_SIZE = 256  # prepared statements kept per connection


class _EndedTransaction:
    """Stands in for the connection once a transaction ends, so a stray Tx fails loudly."""

    def __getattr__(self, name: str) -> Any:
        raise StoreError("this transaction has ended; use the Tx only inside its `with` block")


_ENDED: Any = _EndedTransaction()


class Tx:
    """One transaction's view of the database: `?` or `:name` parameters, never formatting."""

    __slots__ = ("_conn",)

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn: Any = conn

    def execute(self, sql: str, params: Params = ()) -> int:
        """Run one statement; returns the number of rows it changed (-1 for other statements)."""
        return int(self._conn.execute(sql, params).rowcount)

    def executemany(self, sql: str, params_seq: Iterable[Params]) -> int:
        """Run one statement once per parameter set; returns the total rows changed."""
        return int(self._conn.executemany(sql, params_seq).rowcount)

    def fetchone(self, sql: str, params: Params = ()) -> tuple[Any, ...] | None:
        cursor = self._conn.execute(sql, params)
        row = cursor.fetchone()
        cursor.close()  # reset the statement now, not at garbage collection
        return row  # type: ignore[no-any-return]

    def fetchall(self, sql: str, params: Params = ()) -> list[tuple[Any, ...]]:
        return self._conn.execute(sql, params).fetchall()  # type: ignore[no-any-return]

    def fetchvalue(self, sql: str, params: Params = (), default: Any = None) -> Any:
        """The first column of the first row, or `default` when there is no row."""
        row = self.fetchone(sql, params)
        return default if row is None else row[0]

    def _end(self) -> None:
        self._conn = _ENDED


class _ThreadState(threading.local):
    conn: sqlite3.Connection | None = None
    tx: Tx | None = None  # the transaction open on this thread, if any
    writing: bool = False
    savepoints: int = 0


# Services key their per-store caches (schema registered, buckets, queues, keys) by
# id(store). A collected Store's id can be reused by the next one, which would then see the
# old caches; keeping every Store object for the life of the process makes ids unique. A
# server makes one store; a test process a few hundred (closed ones hold no connection).
STORES_MADE_MAX = 100_000
_every_store_made: list[Store] = []


class Store:
    """Durable state: metadata in ``data_dir/state.db``, bytes in ``data_dir/blobs/``."""

    def __init__(
        self,
        data_dir: Path,
        *,
        durability: Durability = "process",
        busy_timeout_s: float = BUSY_TIMEOUT_S,
    ) -> None:
        if durability not in _SYNCHRONOUS:
            raise ValueError(f"durability must be one of {sorted(_SYNCHRONOUS)}: {durability!r}")
        self.data_dir = Path(data_dir)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.db_path = self.data_dir / DATABASE_FILE
        self.durability = durability
        self._busy_timeout_s = busy_timeout_s
        self._local = _ThreadState()
        self._connections: dict[threading.Thread, sqlite3.Connection] = {}
        self._lock = threading.Lock()
        self._schemas: dict[str, tuple[str, ...]] = {}
        self._closed = False
        if len(_every_store_made) < STORES_MADE_MAX:
            _every_store_made.append(self)
        self._owned_dir: tempfile.TemporaryDirectory[str] | None = None
        self.blobs = BlobStore(
            self.data_dir / BLOBS_DIR,
            fsync_files=durability == "power",  # see _SYNCHRONOUS: "process" outlives kill -9
            fsync_dirs=durability == "power",
        )
        try:
            conn = self._connection()
            mode = conn.execute("PRAGMA journal_mode=WAL").fetchone()[0]
            if mode != "wal":  # e.g. a network file system without shared memory
                raise StoreError(f"{self.db_path}: SQLite refused WAL mode (got {mode!r})")
            conn.execute(CREATE_VERSIONS_TABLE)
        except BaseException:
            self.close()
            raise

    @classmethod
    def ephemeral(cls, *, durability: Durability = "none") -> Store:
        """A store in a temporary directory of its own, removed by `close` (for --ephemeral)."""
        owned = tempfile.TemporaryDirectory(prefix="pocketcloud-")
        try:
            store = cls(Path(owned.name), durability=durability)
        except BaseException:
            owned.cleanup()
            raise
        store._owned_dir = owned
        return store

    # -- connections ------------------------------------------------------------------------

    def _connection(self) -> sqlite3.Connection:
        conn = self._local.conn
        if conn is None or self._closed:
            return self._connect()
        return conn

    def _connect(self) -> sqlite3.Connection:
        if self._closed:
            raise StoreClosedError(f"the store at {self.data_dir} is closed")
        # check_same_thread is off only so that close() can close every thread's connection;
        # each connection is still used by its own thread alone (it lives in a threading.local).
        conn = sqlite3.connect(
            self.db_path,
            timeout=self._busy_timeout_s,
            isolation_level=None,  # we issue BEGIN/COMMIT ourselves
            check_same_thread=False,
            cached_statements=STATEMENT_CACHE_SIZE,
        )
        conn.execute(f"PRAGMA synchronous={_SYNCHRONOUS[self.durability]}")
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute(f"PRAGMA cache_size=-{CACHE_SIZE_KIB}")
        conn.execute(f"PRAGMA journal_size_limit={JOURNAL_SIZE_LIMIT_BYTES}")
        conn.execute("PRAGMA temp_store=MEMORY")
        with self._lock:
            self._close_dead_threads_connections()
            self._connections[threading.current_thread()] = conn
        self._local.conn = conn
        return conn

    def _close_dead_threads_connections(self) -> None:
        for thread, conn in list(self._connections.items()):
            if not thread.is_alive():
                conn.close()
                del self._connections[thread]

    # -- schema -----------------------------------------------------------------------------

    def ensure_schema(self, namespace: str, migrations: Sequence[str]) -> Store:
        """`register_schema` once per store: later calls cost a dict lookup (services call this
        on every use, so the store, not an id-keyed cache of theirs, remembers)."""
        if self._schemas.get(namespace) != tuple(migrations):
            self.register_schema(namespace, migrations)
        return self

    def register_schema(self, namespace: str, migrations: Sequence[str]) -> None:
        """Apply the forward migrations `namespace` lacks; see `pocketcloud.store.migrations`."""
        self._require_no_transaction("register_schema()")
        migrate(self._connection(), namespace, migrations, self.db_path)
        self._schemas[namespace] = tuple(migrations)

    # -- transactions -----------------------------------------------------------------------

    def read_value(self, sql: str, params: Params = ()) -> Any:
        """One value from one SELECT (None without a row), for hot single-row reads: a single
        statement is its own consistent snapshot, so no BEGIN/COMMIT round is needed."""
        tx = self._local.tx
        if tx is not None:
            return tx.fetchvalue(sql, params)
        row = self._connection().execute(sql, params).fetchone()
        return None if row is None else row[0]

    def read(self) -> AbstractContextManager[Tx]:
        """A consistent snapshot for reading; takes no write lock. Anything written is undone."""
        return _Scope(self, writing=False)

    def fetchone(self, sql: str, params: Params = ()) -> tuple[Any, ...] | None:
        """One SELECT outside any explicit transaction: SQLite runs a single statement on a
        snapshot of its own, so this reads as consistently as read(), without BEGIN/COMMIT
        (a third of a point read's cost). Inside a transaction it reads that transaction."""
        cursor = self._connection().execute(sql, params)
        row = cursor.fetchone()
        cursor.close()
        return row  # type: ignore[no-any-return]

    def write_one(self, sql: str, params: Params = ()) -> int:
        """One INSERT, UPDATE or DELETE that is a whole transaction by itself: SQLite commits a
        lone statement as its own transaction (same lock, same durability as write()'s COMMIT),
        without the BEGIN and COMMIT round trips. Inside a write() it joins that transaction.
        Returns the number of rows changed."""
        local = self._local
        if local.tx is not None:
            if not local.writing:
                raise StoreError("store.write_one() inside store.read(): open a write() instead")
            return local.tx.execute(sql, params)
        return int(self._connection().execute(sql, params).rowcount)

    @property
    def in_transaction(self) -> bool:
        """Whether a read() or write() is open on this thread (a write() now would nest)."""
        return self._local.tx is not None

    def write(self) -> AbstractContextManager[Tx]:
        """BEGIN IMMEDIATE ... COMMIT, rolled back if the block raises. Nested: a savepoint."""
        return _Scope(self, writing=True)

    def _require_no_transaction(self, what: str) -> None:
        if self._local.tx is not None:
            raise StoreError(f"{what} cannot run inside a transaction")

    # -- lifecycle --------------------------------------------------------------------------

    def wipe(self) -> None:
        """Delete all state (for `pocketcloud reset`): rows, blobs; registered schemas re-made."""
        self._require_no_transaction("wipe()")
        conn = self._connection()
        conn.execute("PRAGMA foreign_keys=OFF")  # drop tables in any order
        try:
            with self.write() as tx:
                for kind, name in _user_objects(tx):
                    quoted = name.replace('"', '""')
                    tx.execute(f'DROP {kind} IF EXISTS "{quoted}"')
                tx.execute(CREATE_VERSIONS_TABLE)
        finally:
            conn.execute("PRAGMA foreign_keys=ON")
        # Rows go first: a crash in between leaves orphan blobs (swept), never rows without bytes.
        self.blobs.clear()
        conn.execute("VACUUM")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        for namespace, migrations in self._schemas.items():
            migrate(conn, namespace, migrations, self.db_path)

    def close(self) -> None:
        """Close every thread's connection; an ephemeral store's directory is removed."""
        if self._closed:
            return
        self._closed = True
        with self._lock:
            connections = list(self._connections.values())
            self._connections.clear()
        for conn in connections:
            conn.close()
        if self._owned_dir is not None:
            self._owned_dir.cleanup()
            self._owned_dir = None

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


class _Scope:
    """The `with` of read() and write(): a class, not @contextmanager, to keep ~2 us per call."""

    __slots__ = ("_store", "_writing", "_conn", "_tx", "_savepoint")

    def __init__(self, store: Store, *, writing: bool) -> None:
        self._store = store
        self._writing = writing
        self._tx: Tx | None = None  # set when this scope began the transaction
        self._savepoint: str | None = None  # set when this scope is a nested write

    def __enter__(self) -> Tx:
        local = self._store._local
        if local.tx is not None:
            return self._join(local, local.tx)
        conn = self._conn = self._store._connection()
        # A write takes the lock at BEGIN, so it never fails to upgrade later; a read's snapshot
        # starts at its first SELECT.
        conn.execute("BEGIN IMMEDIATE" if self._writing else "BEGIN")
        tx = self._tx = local.tx = Tx(conn)
        local.writing = self._writing
        return tx

    def _join(self, local: _ThreadState, outer: Tx) -> Tx:
        if not self._writing:
            return outer  # the enclosing transaction already is a consistent snapshot
        if not local.writing:
            raise StoreError(
                "store.write() inside store.read(): a read snapshot cannot become a write "
                "transaction safely; open the write() first"
            )
        local.savepoints += 1
        self._savepoint = f"nested_{local.savepoints}"
        self._conn = self._store._connection()
        self._conn.execute(f"SAVEPOINT {self._savepoint}")
        return outer

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._tx is not None:
            self._end_transaction(self._tx, committing=self._writing and exc_type is None)
        elif self._savepoint is not None:
            self._end_savepoint(self._savepoint, rolling_back=exc_type is not None)

    def _end_transaction(self, tx: Tx, *, committing: bool) -> None:
        self._store._local.tx = None
        tx._end()
        conn = self._conn
        if committing:
            try:
                conn.execute("COMMIT")
                return
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
        if conn.in_transaction:
            conn.execute("ROLLBACK")

    def _end_savepoint(self, name: str, *, rolling_back: bool) -> None:
        self._store._local.savepoints -= 1
        conn = self._conn
        if not conn.in_transaction:  # SQLite already rolled the whole transaction back
            return
        if rolling_back:
            conn.execute(f"ROLLBACK TO {name}")
        conn.execute(f"RELEASE {name}")


def _user_objects(tx: Tx) -> list[tuple[str, str]]:
    """Views first, then virtual tables (they own shadow tables), then ordinary tables."""
    rows = tx.fetchall(
        "SELECT type, name, sql FROM sqlite_schema "
        "WHERE type IN ('view', 'table') AND name NOT LIKE 'sqlite_%'"
    )

    def order(row: tuple[Any, ...]) -> int:
        kind, _, sql = row
        if kind == "view":
            return 0
        return 1 if (sql or "").upper().startswith("CREATE VIRTUAL") else 2

    return [(kind.upper(), name) for kind, name, _ in sorted(rows, key=order)]
