"""Query and Scan's rows: index range scans over the encoded keys, read in bounded chunks.

A page needs of each row only the stored item and its size, so rows carry nothing else (a
segmented scan adds the partition key bytes it hashes); the position a chunk resumes after is
worked out from the last item read. An unfiltered page of whole items is built by SQLite
itself, a chunk at a time, as the concatenation of the stored JSON items.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterator
from operator import itemgetter
from typing import Any

from pocketcloud.services.dynamodb import storage
from pocketcloud.services.dynamodb.key_conditions import KeyRange
from pocketcloud.services.dynamodb.storage import IndexMeta, TableMeta

PAGE_SIZE_BYTES_MAX = 1024 * 1024
CHUNK_ROWS = 256  # rows fetched per SQL round trip while filling a page

Row = tuple[Any, ...]  # ([partition key bytes, in a segmented scan], stored item bytes, size)
# (JSON of each item, items read, bytes read, the last item read when the page stopped early)
Spliced = tuple[list[bytes], int, int, bytes | None]

_OPS = {"=": "=", "<": "<", "<=": "<=", ">": ">", ">=": ">="}
_ITEM, _SIZE = itemgetter(-2), itemgetter(-1)


def query_rows(
    tx: Any,
    table: TableMeta,
    index: IndexMeta | None,
    keys: KeyRange,
    forward: bool,
    start: tuple[bytes, ...] | None,
    limit: int | None,
) -> Reader:
    sort_column = "e.isk" if index else "sk"
    bounds = " ".join(f"AND {sort_column} {_OPS[op]} ?" for op, _ in keys.bounds)
    values = [b for _, b in keys.bounds]
    order = "ASC" if forward else "DESC"
    after = start[1:] if start else None
    if index is None:
        sql = (
            "SELECT {select} FROM dynamodb_items WHERE table_id = ? AND pk = ? "
            f"{bounds} {{after}} ORDER BY sk {order} LIMIT ?"
        )
        head = [table.table_id, keys.hash_bytes, *values]
        return Reader(tx, table, None, forward, limit, (sql, head, "sk", after), skip=1)
    sql = (
        "SELECT {select} FROM dynamodb_index_entries e "
        "JOIN dynamodb_items i ON i.table_id = e.table_id AND i.pk = e.pk AND i.sk = e.sk "
        f"WHERE e.table_id = ? AND e.index_name = ? AND e.ipk = ? {bounds} {{after}} "
        f"ORDER BY e.isk {order}, e.pk {order}, e.sk {order} LIMIT ?"
    )
    head = [table.table_id, index.name, keys.hash_bytes, *values]
    return Reader(tx, table, index, forward, limit, (sql, head, "(e.isk, e.pk, e.sk)", after),
                  skip=1)  # fmt: skip


def scan_rows(
    tx: Any,
    table: TableMeta,
    index: IndexMeta | None,
    start: tuple[bytes, ...] | None,
    limit: int | None,
    segment: tuple[int, int] | None,
) -> Reader:
    """`segment`: (segment, total segments) of a parallel scan, whose Limit counts the
    segment's rows only (so the SQL cannot apply it)."""
    if index is None:
        sql = (
            "SELECT {select} FROM dynamodb_items WHERE table_id = ? {after} "
            "ORDER BY pk, sk LIMIT ?"
        )
        statement: tuple[str, list[Any], str, tuple[bytes, ...] | None] = (
            sql, [table.table_id], "(pk, sk)", start)
    else:
        sql = (
            "SELECT {select} FROM dynamodb_index_entries e "
            "JOIN dynamodb_items i ON i.table_id = e.table_id AND i.pk = e.pk AND i.sk = e.sk "
            "WHERE e.table_id = ? AND e.index_name = ? {after} "
            "ORDER BY e.ipk, e.isk, e.pk, e.sk LIMIT ?"
        )
        statement = (sql, [table.table_id, index.name], "(e.ipk, e.isk, e.pk, e.sk)", start)
    if segment is None:
        return Reader(tx, table, index, True, limit, statement, skip=0)
    number, total = segment
    return Reader(tx, table, index, True, None, statement, skip=0,
                  keep=lambda hash_bytes: zlib.crc32(hash_bytes) % total == number)  # fmt: skip


class Reader:
    """Rows in order, CHUNK_ROWS per statement (never more than `limit` in all), each chunk
    resuming after the last row read."""

    def __init__(
        self,
        tx: Any,
        table: TableMeta,
        index: IndexMeta | None,
        forward: bool,
        limit: int | None,
        statement: tuple[str, list[Any], str, tuple[bytes, ...] | None],
        *,
        skip: int,
        keep: Callable[[bytes], bool] | None = None,
    ) -> None:
        """`statement`: (SQL with {select} and {after} slots, its leading arguments, the
        columns that order the rows, the position to start after); `skip`: how many of
        those columns the statement fixes; `keep`: a segment's test of partition key bytes."""
        self.tx, self.table, self.index, self.limit = tx, table, index, limit
        self.forward, self.skip, self.keep = forward, skip, keep
        self.sql, self.head, self.columns, self.start = statement
        item = "i.item" if index else "item"
        self.rows_select = f"{item} AS item, {'i.' if index else ''}size_bytes AS size_bytes"
        self.last_select = f"{self.columns.strip('()')}, {item}"  # position, then the item

    def chunks(self) -> Iterator[list[Row]]:
        if self.keep is None:
            return self._chunks(self.start, self.limit, self.rows_select)
        keep = self.keep
        select = f"{'e.ipk' if self.index else 'pk'}, {self.rows_select}"
        return ([r for r in rows if keep(r[0])] for rows in self._chunks(self.start, None, select))

    def spliced(self) -> Spliced:
        """The page of whole stored items, unfiltered, as JSON bytes."""
        if self.keep is None and self.table.json_items:
            return self._aggregated()
        return raw_page(self.chunks(), self.limit)

    def _statement(
        self, select: str, after: tuple[bytes, ...] | None, size: int
    ) -> tuple[str, list[Any]]:
        if after is None:
            return self.sql.format(select=select, after=""), [*self.head, size]
        marks = ", ".join("?" * len(after))
        bound = f"({marks})" if len(after) > 1 else "?"
        clause = f"AND {self.columns} {'>' if self.forward else '<'} {bound}"
        return self.sql.format(select=select, after=clause), [*self.head, *after, size]

    def _chunks(
        self, after: tuple[bytes, ...] | None, left: int | None, select: str
    ) -> Iterator[list[Row]]:
        """`left`: rows still wanted, when Limit bounds them."""
        while True:
            size = CHUNK_ROWS if left is None else min(CHUNK_ROWS, left)
            rows = self.tx.fetchall(*self._statement(select, after, size))
            if rows:
                yield rows
            if left is not None:
                left -= len(rows)
            if len(rows) < size or left == 0:
                return
            after = self._position(rows[-1][-2])[self.skip :]

    def _position(self, raw: bytes) -> tuple[bytes, ...]:
        """(index keys..., primary keys) of a stored item, as its rows are ordered."""
        item = storage.decode_item(raw)
        pk, sk = self.table.primary_key(item)
        if self.index is None:
            return (pk, sk)
        entry = storage.index_key(self.index, item)
        if entry is None:  # never: the item has an entry in this index
            raise RuntimeError(f"an item read through index {self.index.name} lacks its key")
        return (entry[0], entry[1], pk, sk)

    def _aggregated(self) -> Spliced:
        """The page, each chunk concatenated by SQLite (no Python object per row) while the
        page does not end inside it; the chunk where it ends is read row by row. Only for a
        table whose rows are all JSON (no older CBOR row to convert)."""
        parts: list[bytes] = []
        scanned = size_read = 0
        after = self.start
        left = self.limit
        while True:
            size = CHUNK_ROWS if left is None else min(CHUNK_ROWS, left)
            sql, args = self._statement(self.rows_select, after, size)
            count, total, body = self.tx.fetchone(_CONCATENATED.format(rows=sql), args)
            if not count:
                return parts, scanned, size_read, None
            if size_read + total >= PAGE_SIZE_BYTES_MAX:
                break  # the page ends in this chunk
            if count < size:  # the last rows of the range
                parts.append(body)
                return parts, scanned + count, size_read + int(total), None
            # A full chunk: its last row, to resume after (or to name as LastEvaluatedKey).
            sql, args = self._statement(self.last_select, after, 1)
            found = self.tx.fetchone(sql + " OFFSET ?", [*args, size - 1])
            if found is None or not body.endswith(found[-1]):
                break  # the concatenation did not keep the rows' order: take them one by one
            *position, last = found
            parts.append(body)
            scanned += count
            size_read += int(total)
            if left is not None:
                left -= count
                if left == 0:
                    return parts, scanned, size_read, last
            after = tuple(position)
        chunks = self._chunks(after, left, self.rows_select)
        return raw_page(chunks, self.limit, (parts, scanned, size_read))


# SQLite concatenates in the order its ORDER BY ... LIMIT subquery yields the rows. Its
# documentation leaves group_concat's order open, so a full chunk's concatenation must end
# with the chunk's last item (a tripwire), and the tests compare these pages with pages built
# row by row.
_CONCATENATED = (
    "SELECT count(*), total(size_bytes), CAST(group_concat(item, ',') AS BLOB) FROM ({rows})"
)


def raw_page(
    chunks: Iterator[list[Row]],
    limit: int | None,
    so_far: tuple[list[bytes], int, int] | None = None,
) -> Spliced:
    """The splice case from rows, kept lean: a chunk that ends before the page does is taken
    whole, without a Python step per row. `so_far`: the page's items and counts before."""
    items, scanned, size_read = so_far or ([], 0, 0)
    for chunk in chunks:
        if not chunk:  # a segment's share of a chunk can be empty
            continue
        chunk_bytes = sum(map(_SIZE, chunk))
        if (limit is None or scanned + len(chunk) < limit) and (
            size_read + chunk_bytes < PAGE_SIZE_BYTES_MAX
        ):
            raws = list(map(_ITEM, chunk))
            # Every item's bytes start with "{" unless an older CBOR row is among them.
            if min(raws) < b"{" or max(raws) >= b"|":
                raws = list(map(storage.raw_json, raws))
            items += raws
            scanned += len(chunk)
            size_read += chunk_bytes
            continue
        for row in chunk:  # the page ends in this chunk
            raw = row[-2]
            items.append(storage.raw_json(raw))
            scanned += 1
            size_read += row[-1]
            if limit is not None and scanned >= limit or size_read >= PAGE_SIZE_BYTES_MAX:
                return items, scanned, size_read, raw
    return items, scanned, size_read, None
