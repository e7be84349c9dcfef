"""Small objects' bytes kept in SQLite instead of a file of their own.

A file per object costs a create, a rename and later an unlink: file-system metadata work that
dominates a small PUT (and an open per GET). Up to INLINE_MAX_BYTES an object's bytes are a
row of `s3_inline`, written in the same transaction as the object's row, so they are exactly
as durable as the row. Such an object's `blob_ids` is `["@<rowid>"]`; the `@` keeps it from
ever matching a file blob id, so the blob store refuses it. Parts of multipart uploads and
copies are always files.
"""

from __future__ import annotations

from pocketcloud.store import Store, Tx

INLINE_MAX_BYTES = 64 * 1024
PREFIX = "@"


def is_inline(blob_ids: list[str]) -> bool:
    return len(blob_ids) == 1 and blob_ids[0].startswith(PREFIX)


def store_inline(tx: Tx, data: bytes, replacing: str | None = None) -> str:
    """Keep `data` in a row of its own; `replacing`, the id of inline bytes the same write
    orphans, is overwritten in place instead (a third of the cost of INSERT + DELETE)."""
    if replacing is not None and tx.execute(
        "UPDATE s3_inline SET data = ? WHERE id = ?", (data, _rowid(replacing))
    ):
        return replacing
    rowid = tx.fetchvalue("INSERT INTO s3_inline (data) VALUES (?) RETURNING id", (data,))
    return f"{PREFIX}{rowid}"


def _rowid(blob_id: str) -> int:
    return int(blob_id[len(PREFIX) :])


def read_inline(store: Store, blob_id: str) -> bytes | None:
    found = store.fetchone("SELECT data FROM s3_inline WHERE id = ?", (_rowid(blob_id),))
    return None if found is None else bytes(found[0])


def drop_inline_in(tx: Tx, blob_ids: list[str]) -> list[str]:
    """Delete the inline bytes among `blob_ids` inside `tx` (the transaction that orphaned
    them: no second write transaction per overwrite); the file blob ids are returned."""
    inline = [(_rowid(b),) for b in blob_ids if b.startswith(PREFIX)]
    if inline:
        tx.executemany("DELETE FROM s3_inline WHERE id = ?", inline)
    return [b for b in blob_ids if not b.startswith(PREFIX)]


def delete_inline(store: Store, blob_ids: list[str]) -> None:
    with store.write() as tx:
        tx.executemany(
            "DELETE FROM s3_inline WHERE id = ?", [(_rowid(blob_id),) for blob_id in blob_ids]
        )
