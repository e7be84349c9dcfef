"""Point-in-time recovery's record: every item version of a table since recovery was enabled.

Enabling copies the table's items in as of that moment; every change after that appends the
new version (None for a deletion). The items as of time T are, per key, the last version
written at or before T. Versions older than the recovery window are compacted away, keeping
the one that was current at the window's start.
"""

from __future__ import annotations

from typing import Any

from pocketcloud.services.dynamodb import storage
from pocketcloud.services.dynamodb.storage import TableMeta
from pocketcloud.services.dynamodb.values import Item
from pocketcloud.store import Tx

DAY_S = 24 * 3600.0
RECOVERY_DAYS_MAX = 35


def settings(table: TableMeta) -> dict[str, Any]:
    return table.meta.get("pitr") or {}


def active(table: TableMeta) -> bool:
    return bool(settings(table).get("Enabled"))


def record(
    tx: Tx, table: TableMeta, key: tuple[bytes, bytes], new: Item | None, now: float
) -> None:
    tx.execute(
        "INSERT INTO dynamodb_history (table_id, pk, sk, changed_s, item) VALUES (?, ?, ?, ?, ?)",
        (table.table_id, key[0], key[1], now, None if new is None else storage.encode_item(new)),
    )


def start(tx: Tx, table_id: int, now: float) -> None:
    tx.execute("DELETE FROM dynamodb_history WHERE table_id = ?", (table_id,))
    tx.execute(
        "INSERT INTO dynamodb_history (table_id, pk, sk, changed_s, item) "
        "SELECT table_id, pk, sk, ?, item FROM dynamodb_items WHERE table_id = ?",
        (now, table_id),
    )


def drop(tx: Tx, table_id: int) -> None:
    tx.execute("DELETE FROM dynamodb_history WHERE table_id = ?", (table_id,))


def items_at(tx: Tx, table_id: int, at_s: float) -> list[tuple[bytes, bytes, bytes]]:
    """(pk, sk, encoded item) of every item the table held at `at_s`."""
    latest: dict[tuple[bytes, bytes], bytes | None] = {}
    rows = tx.fetchall(
        "SELECT pk, sk, item FROM dynamodb_history WHERE table_id = ? AND changed_s <= ? "
        "ORDER BY id",
        (table_id, at_s),
    )
    for pk, sk, raw in rows:
        latest[(pk, sk)] = raw
    return [(pk, sk, raw) for (pk, sk), raw in latest.items() if raw is not None]


def compact(tx: Tx, table_id: int, window_start_s: float) -> None:
    """Forget versions no restore inside the window can need."""
    tx.execute(
        "DELETE FROM dynamodb_history WHERE table_id = ? AND changed_s < ? AND id NOT IN ("
        "SELECT MAX(id) FROM dynamodb_history WHERE table_id = ? AND changed_s < ? "
        "GROUP BY pk, sk)",
        (table_id, window_start_s, table_id, window_start_s),
    )
    tx.execute(
        "DELETE FROM dynamodb_history WHERE table_id = ? AND changed_s < ? AND item IS NULL",
        (table_id, window_start_s),
    )
