"""Every item change goes through here, inside the caller's store transaction: the row and its
index entries, then what follows a change (the stream record, the TTL schedule, the point-in-time
history, and the same change applied to the global table's replicas)."""

from __future__ import annotations

from pocketcloud.services.dynamodb import history, replicas, storage, streams, ttl
from pocketcloud.services.dynamodb.storage import TableMeta
from pocketcloud.services.dynamodb.values import Item
from pocketcloud.store import Tx


def put(
    tx: Tx,
    table: TableMeta,
    key: tuple[bytes, bytes],
    old: Item | None,
    new: Item,
    size: int,
    now: float,
) -> None:
    storage.write_item(tx, table, key, old, new, size)
    followed(tx, table, key, old, new, now)
    if table.meta.get("replicas"):
        _replicate(tx, table, key, new, size, now)


def row_only(table: TableMeta) -> bool:
    """Whether a change of this table's rows is the row alone: no index entries, stream
    record, TTL schedule, point-in-time history or replica to keep in step with it."""
    return not (
        table.indexes
        or table.stream_view_type is not None
        or ttl.active(table)
        or history.active(table)
        or table.meta.get("replicas")
    )


def remove(
    tx: Tx,
    table: TableMeta,
    key: tuple[bytes, bytes],
    old: Item,
    now: float,
    *,
    by_service: bool = False,
) -> None:
    storage.delete_item_row(tx, table, key, old)
    followed(tx, table, key, old, None, now, by_service=by_service)
    if table.meta.get("replicas"):
        _replicate(tx, table, key, None, 0, now)


def followed(
    tx: Tx,
    table: TableMeta,
    key: tuple[bytes, bytes],
    old: Item | None,
    new: Item | None,
    now: float,
    *,
    by_service: bool = False,
) -> None:
    """What follows a change of one table's row (no replication: the caller decides)."""
    streams.record_change(tx, table, old, new, now, by_service=by_service)
    if ttl.active(table):
        ttl.schedule(tx, table, key, new)
    if history.active(table):
        history.record(tx, table, key, new, now)


def _replicate(
    tx: Tx, table: TableMeta, key: tuple[bytes, bytes], new: Item | None, size: int, now: float
) -> None:
    """The same change on every replica, in the same transaction: replicas never diverge, and
    the last write anywhere is the one every region keeps (last writer wins)."""
    for replica in replicas.other_tables(tx, table):
        old = storage.read_item(tx, replica, *key)
        if new is not None:
            storage.write_item(tx, replica, key, old, new, size)
        elif old is not None:
            storage.delete_item_row(tx, replica, key, old)
        else:
            continue
        followed(tx, replica, key, old, new, now)
