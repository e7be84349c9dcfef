"""ConsumedCapacity as DynamoDB accounts it, and item collection metrics.

Reads: a unit per 4 KB (rounded up once over a Query or Scan page, per item elsewhere), half
for an eventually consistent read. Writes: a unit per 1 KB of the larger of the item before
and after the write. Each secondary index an item is written to costs its own units, for the
size of the projected index entry; an update that moves an item's index key costs the index
a delete and a put. Transactions cost double.
"""

from __future__ import annotations

from typing import Any

from pocketcloud.services.dynamodb import storage
from pocketcloud.services.dynamodb.storage import IndexMeta, TableMeta
from pocketcloud.services.dynamodb.values import Item, item_size_bytes
from pocketcloud.store import Tx

WRITE_UNIT_BYTES = 1024
READ_UNIT_BYTES = 4096
ITEM_COLLECTION_SIZE_MAX_BYTES = 10 * 1024**3  # per partition key, on tables with an LSI
_GB = 1024**3


def write_units(size_bytes: int) -> float:
    return float(max(1, -(-size_bytes // WRITE_UNIT_BYTES)))


def read_units(size_bytes: int, consistent: bool) -> float:
    units = max(1, -(-size_bytes // READ_UNIT_BYTES))
    return float(units) if consistent else units / 2


def entry_size(table: TableMeta, index: IndexMeta, item: Item) -> int:
    """Bytes of the item's entry in the index: its projected attributes (a read through an
    index is charged for these, not for the whole item)."""
    if index.projection_type == "ALL":
        return item_size_bytes(item)
    wanted = set(table.key_names()) | {index.hash_key.name}
    if index.range_key:
        wanted.add(index.range_key.name)
    if index.projection_type == "INCLUDE":
        wanted.update(index.non_key_attributes)
    return item_size_bytes({k: v for k, v in item.items() if k in wanted})


def index_write_units(table: TableMeta, old: Item | None, new: Item | None) -> dict[str, float]:
    """Units each secondary index spends on this change (indexes not touched are left out)."""
    spent: dict[str, float] = {}
    for name, index in table.indexes.items():
        before, after = storage.index_key(index, old), storage.index_key(index, new)
        units = 0.0
        if before is not None and old is not None and before != after:
            units += write_units(entry_size(table, index, old))  # the old entry goes
        if after is not None and new is not None:
            size = entry_size(table, index, new)
            if before == after and old is not None:
                size = max(size, entry_size(table, index, old))
            units += write_units(size)
        if units:
            spent[name] = units
    return spent


def write_consumed(
    mode: str | None, table: TableMeta, old: Item | None, new: Item | None
) -> dict[str, Any] | None:
    """ConsumedCapacity of one single-item write (None when not asked)."""
    if mode not in ("TOTAL", "INDEXES"):
        return None
    sizes = [item_size_bytes(i) for i in (old, new) if i is not None]
    units = write_units(max(sizes, default=0))
    return consumed(mode, table, units, reading=False,
                    index_units=index_write_units(table, old, new))  # fmt: skip


def consumed(
    mode: str | None,
    table: TableMeta,
    units: float,
    *,
    reading: bool,
    index_name: str | None = None,
    index_units: dict[str, float] | None = None,
    fetched: float = 0.0,
) -> dict[str, Any] | None:
    """The ConsumedCapacity member for ReturnConsumedCapacity `mode` (None when not asked).

    `index_name`: a read through that index (the table itself spends nothing);
    `index_units`: what a write spent on each index, on top of the table's `units`;
    `fetched`: what a read through a local index spent fetching unprojected attributes from
    the table.
    """
    if mode not in ("TOTAL", "INDEXES"):
        return None
    kind = "ReadCapacityUnits" if reading else "WriteCapacityUnits"
    on_indexes = dict(index_units or {})
    if index_name:
        on_indexes[index_name] = units
    on_table = fetched if index_name else units
    total = on_table + sum(on_indexes.values())
    result: dict[str, Any] = {"TableName": table.name, "CapacityUnits": total, kind: total}
    if mode == "INDEXES":
        result["Table"] = {"CapacityUnits": on_table, kind: on_table}
        for name, spent in on_indexes.items():
            member = (
                "GlobalSecondaryIndexes"
                if table.indexes[name].is_global
                else "LocalSecondaryIndexes"
            )
            result.setdefault(member, {})[name] = {"CapacityUnits": spent, kind: spent}
    return result


# -- item collections (tables with a local secondary index) ---------------------------------


def has_collections(table: TableMeta) -> bool:
    return any(not index.is_global for index in table.indexes.values())


def collection_size(tx: Tx, table: TableMeta, pk: bytes) -> int:
    """Bytes of the items sharing a partition key (their LSI entries are projections of the
    same items, so the items' sizes bound the collection)."""
    return int(
        tx.fetchvalue(
            "SELECT COALESCE(SUM(size_bytes), 0) FROM dynamodb_items WHERE table_id = ? AND pk = ?",
            (table.table_id, pk),
        )
    )


def check_collection(size_bytes: int) -> None:
    from pocketcloud.errors import AwsError

    if size_bytes > ITEM_COLLECTION_SIZE_MAX_BYTES:
        raise AwsError(
            "ItemCollectionSizeLimitExceededException",
            "Item collection size limit exceeded",
        )


INDEX_ENTRY_OVERHEAD_BYTES = 100  # per local secondary index entry, in DynamoDB's sizing


def collection_estimate(tx: Tx, table: TableMeta, pk: bytes) -> int:
    """Bytes of an item collection as DynamoDB estimates it: its items, plus each of their
    local secondary index entries (projected attributes and 100 bytes of overhead)."""
    size = collection_size(tx, table, pk)
    for index in table.indexes.values():
        if index.is_global:
            continue
        rows = tx.fetchall(
            "SELECT i.item, i.size_bytes FROM dynamodb_index_entries e JOIN dynamodb_items i "
            "ON i.table_id = e.table_id AND i.pk = e.pk AND i.sk = e.sk "
            "WHERE e.table_id = ? AND e.index_name = ? AND e.ipk = ?",
            (table.table_id, index.name, pk),
        )
        for raw, item_bytes in rows:
            entry = (item_bytes if index.projection_type == "ALL"
                     else entry_size(table, index, storage.decode_item(raw)))  # fmt: skip
            size += entry + INDEX_ENTRY_OVERHEAD_BYTES
    return size


def collection_metrics(table: TableMeta, key_item: Item, size_bytes: int) -> dict[str, Any]:
    """ItemCollectionMetrics: the collection's key and its size range in GB (DynamoDB gives
    whole gigabytes around the estimate: [0.0, 1.0] below 1 GB)."""
    gigabytes = size_bytes / _GB
    low = float(int(gigabytes))
    return {
        "ItemCollectionKey": {table.hash_key.name: key_item[table.hash_key.name]},
        "SizeEstimateRangeGB": [low, low + 1.0],
    }
