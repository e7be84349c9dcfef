"""Durable state: metadata in SQLite (WAL), bytes in a blob store. Services use only this API.

Keep to this narrow interface so that another backend (PostgreSQL, for several pocketcloud
processes serving one cloud) can replace SQLite later without touching a service::

    store = Store(data_dir)                  # data_dir/state.db + data_dir/blobs/
    store = Store(data_dir, durability="power")   # "process" (default): a committed write
                                             # survives kill -9 (no fsync: the OS page cache
                                             # outlives the process); "power": also power
                                             # loss (WAL and blob files fsync'd)
    store = Store.ephemeral()                # --ephemeral: a temporary dir, removed by close()

    store.register_schema("sqs", [V1_SQL, V2_SQL])  # forward migrations: script i takes the
        # namespace from version i to i+1, each in one transaction with its version bump; a
        # re-run applies only what is missing; a database ahead of the code raises
        # SchemaAheadError. Call at start-up, outside any transaction.

    with store.write() as tx:                # BEGIN IMMEDIATE ... COMMIT; ROLLBACK if it raises
        tx.execute(sql, params) -> int       # rows changed
        tx.executemany(sql, params_seq) -> int
    with store.read() as tx:                 # one consistent snapshot; never takes the write lock
        tx.fetchone(sql, params) -> tuple | None
        tx.fetchall(sql, params) -> list[tuple]
        tx.fetchvalue(sql, params, default=None)  # first column of the first row
    store.fetchone(sql, params)              # one SELECT on its own snapshot, no BEGIN/COMMIT

    info = store.blobs.put(region, chunks)   # -> BlobInfo(blob_id, size_bytes, md5_hex)
    info = await store.blobs.put_async(region, async_chunks)   # ASGI bodies
    store.blobs.open(blob_id) -> BinaryIO    # BlobNotFoundError (a KeyError) if missing
    store.blobs.path(blob_id) -> Path        # InvalidBlobIdError (a ValueError) if not our id
    store.blobs.delete(blob_id)              # idempotent
    store.blobs.sweep(referenced, min_age_s=0.0) -> int   # delete unreferenced blobs

    store.wipe()                             # `pocketcloud reset`: everything goes, usable after
    store.close()

Rules of use:

- Write a blob first, commit the row that names its id after; delete the row, then the blob.
  After a crash `sweep` removes blobs whose row never committed.
- SQL stays portable: ``?`` or ``:name`` parameters, standard types, ``INSERT ... ON CONFLICT``,
  ``RETURNING`` (no ``lastrowid``). Table names carry their service's prefix (``sqs_queues``).
- Transactions are per thread and short: no awaiting, no network calls inside one. A ``write()``
  inside a ``write()`` is a savepoint; a ``read()`` inside either reuses it; a ``write()`` inside
  a ``read()`` is refused (a snapshot cannot safely become a writer).
- Blob ids are made by the store (``<region>_<32 hex>``), never from user input; a blob's bytes
  live under ``blobs/<region>/``.
"""

from pocketcloud.store.blobs import BlobInfo, BlobStore
from pocketcloud.store.database import Durability, Store, Tx
from pocketcloud.store.errors import (
    BlobNotFoundError,
    InvalidBlobIdError,
    SchemaAheadError,
    StoreClosedError,
    StoreError,
)

__all__ = [
    "BlobInfo",
    "BlobNotFoundError",
    "BlobStore",
    "Durability",
    "InvalidBlobIdError",
    "SchemaAheadError",
    "Store",
    "StoreClosedError",
    "StoreError",
    "Tx",
]
