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


Key = tuple[bytes, bytes]


def versions_page(
    tx: Tx, table_id: int, at_s: float, after: Key, limit: int
) -> tuple[list[bytes], Key | None]:
    """The next `limit` keys after `after`, in key order, as of `at_s`: the encoded items of
    those that existed then, and where to go on (None at the end). For exports: one page
    at a time, never the whole table."""
    rows = tx.fetchall(
        "SELECT pk, sk, MAX(id) FROM dynamodb_history WHERE table_id = ? AND changed_s <= ? "
        "AND (pk, sk) > (?, ?) GROUP BY pk, sk ORDER BY pk, sk LIMIT ?",
        (table_id, at_s, after[0], after[1], limit),
    )
    items = []
    for _pk, _sk, version in rows:
        raw = tx.fetchvalue("SELECT item FROM dynamodb_history WHERE id = ?", (version,))
        if raw is not None:
            items.append(raw)
    return items, ((rows[-1][0], rows[-1][1]) if len(rows) == limit else None)


_LATEST = (
    "SELECT changed_s, item FROM dynamodb_history WHERE table_id = ? AND pk = ? AND sk = ? "
    "AND changed_s <= ? {} ORDER BY id DESC LIMIT 1"
)


def changes_page(
    tx: Tx, table_id: int, start_s: float, end_s: float, after: Key, limit: int
) -> tuple[list[tuple[float, bytes | None, bytes | None, bytes]], Key | None]:
    """Keys written in (start_s, end_s], a page after `after`: (last write time, item at
    end_s or None, item at start_s or None, a version holding the key attributes)."""
    keys = tx.fetchall(
        "SELECT DISTINCT pk, sk FROM dynamodb_history WHERE table_id = ? AND changed_s > ? "
        "AND changed_s <= ? AND (pk, sk) > (?, ?) ORDER BY pk, sk LIMIT ?",
        (table_id, start_s, end_s, after[0], after[1], limit),
    )
    changes = []
    for pk, sk in keys:
        written, new = tx.fetchone(_LATEST.format(""), (table_id, pk, sk, end_s)) or (0.0, None)
        before = tx.fetchone(_LATEST.format(""), (table_id, pk, sk, start_s))
        holder = tx.fetchone(_LATEST.format("AND item IS NOT NULL"), (table_id, pk, sk, end_s))
        if holder is not None:
            changes.append((written, new, before[1] if before else None, holder[1]))
    return changes, ((keys[-1][0], keys[-1][1]) if len(keys) == limit else None)
