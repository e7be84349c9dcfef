"""DynamoDB's durable state: tables, items, secondary index entries and stream records.

An item is one row keyed by (table_id, partition key bytes, sort key bytes); the key bytes
are encoded so that SQLite's memcmp order is DynamoDB's order, so a Query is an index range
scan. Secondary index entries point back at the item's primary key. Table metadata is cached
per process and dropped whenever this process changes the table.
"""

from __future__ import annotations

import base64
import json
import threading
from dataclasses import dataclass, field
from typing import Any

import cbor2

from pocketcloud.context import RequestContext
from pocketcloud.errors import AwsError
from pocketcloud.services.dynamodb.values import Item, encode_key
from pocketcloud.services.dynamodb.wire import attribute_map
from pocketcloud.store import Store, Tx

SCHEMA = (
    """
    CREATE TABLE dynamodb_tables (
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        name TEXT NOT NULL,
        table_id INTEGER NOT NULL,
        meta TEXT NOT NULL,
        PRIMARY KEY (account_id, region, name)
    );
    CREATE UNIQUE INDEX dynamodb_tables_by_id ON dynamodb_tables (table_id);
    CREATE TABLE dynamodb_items (
        table_id INTEGER NOT NULL,
        pk BLOB NOT NULL,
        sk BLOB NOT NULL,
        item BLOB NOT NULL,
        size_bytes INTEGER NOT NULL,
        PRIMARY KEY (table_id, pk, sk)
    ) WITHOUT ROWID;
    CREATE TABLE dynamodb_index_entries (
        table_id INTEGER NOT NULL,
        index_name TEXT NOT NULL,
        ipk BLOB NOT NULL,
        isk BLOB NOT NULL,
        pk BLOB NOT NULL,
        sk BLOB NOT NULL,
        PRIMARY KEY (table_id, index_name, ipk, isk, pk, sk)
    ) WITHOUT ROWID;
    CREATE TABLE dynamodb_stream_records (
        table_id INTEGER NOT NULL,
        sequence INTEGER NOT NULL,
        created_s REAL NOT NULL,
        record BLOB NOT NULL,
        PRIMARY KEY (table_id, sequence)
    ) WITHOUT ROWID;
    CREATE TABLE dynamodb_transaction_tokens (
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        token TEXT NOT NULL,
        request_hash TEXT NOT NULL,
        created_s REAL NOT NULL,
        PRIMARY KEY (account_id, region, token)
    );
    """,
    # TTL: when each item of a TTL-enabled table expires (only items whose TTL attribute is a
    # number); PITR: every item version since recovery was enabled; on-demand backups.
    """
    CREATE TABLE dynamodb_ttl (
        table_id INTEGER NOT NULL,
        pk BLOB NOT NULL,
        sk BLOB NOT NULL,
        expires_s REAL NOT NULL,
        PRIMARY KEY (table_id, pk, sk)
    ) WITHOUT ROWID;
    CREATE INDEX dynamodb_ttl_due ON dynamodb_ttl (table_id, expires_s);
    CREATE TABLE dynamodb_history (
        id INTEGER PRIMARY KEY,
        table_id INTEGER NOT NULL,
        pk BLOB NOT NULL,
        sk BLOB NOT NULL,
        changed_s REAL NOT NULL,
        item BLOB
    );
    CREATE INDEX dynamodb_history_by_time ON dynamodb_history (table_id, changed_s);
    CREATE TABLE dynamodb_backups (
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        backup_arn TEXT NOT NULL PRIMARY KEY,
        table_name TEXT NOT NULL,
        created_s REAL NOT NULL,
        meta TEXT NOT NULL
    );
    CREATE INDEX dynamodb_backups_by_region ON dynamodb_backups (account_id, region, created_s);
    CREATE TABLE dynamodb_backup_items (
        backup_arn TEXT NOT NULL,
        pk BLOB NOT NULL,
        sk BLOB NOT NULL,
        item BLOB NOT NULL,
        size_bytes INTEGER NOT NULL,
        PRIMARY KEY (backup_arn, pk, sk)
    ) WITHOUT ROWID;
    """,
    # Resource-based policies (tables and streams), exports to S3, imports from S3; history
    # by key, so an export at a time reads each key's version without scanning all history.
    """
    CREATE TABLE dynamodb_resource_policies (
        resource_arn TEXT NOT NULL PRIMARY KEY,
        table_id INTEGER NOT NULL,
        policy TEXT NOT NULL,
        revision_id TEXT NOT NULL
    );
    CREATE INDEX dynamodb_resource_policies_by_table ON dynamodb_resource_policies (table_id);
    CREATE TABLE dynamodb_exports (
        export_arn TEXT NOT NULL PRIMARY KEY,
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        table_arn TEXT NOT NULL,
        client_token TEXT,
        created_s REAL NOT NULL,
        meta TEXT NOT NULL
    );
    CREATE INDEX dynamodb_exports_by_region ON dynamodb_exports (account_id, region, created_s);
    CREATE TABLE dynamodb_imports (
        import_arn TEXT NOT NULL PRIMARY KEY,
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        table_arn TEXT NOT NULL,
        client_token TEXT,
        created_s REAL NOT NULL,
        meta TEXT NOT NULL
    );
    CREATE INDEX dynamodb_imports_by_region ON dynamodb_imports (account_id, region, created_s);
    CREATE INDEX dynamodb_history_by_key ON dynamodb_history (table_id, pk, sk, id);
    """,
    # Global tables version 2017.11.29 (legacy): an account-wide name and its regions (each
    # member table's meta names its group too, so writes replicate as in replicas.py).
    """
    CREATE TABLE dynamodb_global_tables (
        account_id TEXT NOT NULL,
        name TEXT NOT NULL,
        created_s REAL NOT NULL,
        regions TEXT NOT NULL,
        PRIMARY KEY (account_id, name)
    );
    """,
)

RESOURCE_NOT_FOUND = "Requested resource not found"
JSON_ITEMS = "json_items"  # the table meta's mark: see TableMeta.json_items


@dataclass(frozen=True)
class KeyAttribute:
    name: str
    type: str  # S, N or B


@dataclass
class IndexMeta:
    name: str
    hash_key: KeyAttribute
    range_key: KeyAttribute | None
    projection_type: str  # ALL, KEYS_ONLY, INCLUDE
    non_key_attributes: tuple[str, ...]
    is_global: bool


@dataclass
class TableMeta:
    name: str
    table_id: int
    hash_key: KeyAttribute
    range_key: KeyAttribute | None
    meta: dict[str, Any]  # the stored document: description, tags, ttl...
    indexes: dict[str, IndexMeta] = field(default_factory=dict)

    @property
    def description(self) -> dict[str, Any]:
        return self.meta["description"]  # type: ignore[no-any-return]

    @property
    def json_items(self) -> bool:
        """Whether every row is stored as JSON: true of tables created since items are (an
        older table may still hold CBOR rows)."""
        return bool(self.meta.get(JSON_ITEMS))

    @property
    def stream_view_type(self) -> str | None:
        spec = self.description.get("StreamSpecification") or {}
        return spec.get("StreamViewType") if spec.get("StreamEnabled") else None

    def key_names(self) -> tuple[str, ...]:
        return (self.hash_key.name,) + ((self.range_key.name,) if self.range_key else ())

    def primary_key(self, item: Item) -> tuple[bytes, bytes]:
        sk = encode_key(item[self.range_key.name]) if self.range_key else b""
        return encode_key(item[self.hash_key.name]), sk

    def key_of(self, item: Item) -> Item:
        return {name: item[name] for name in self.key_names()}


_cache: dict[tuple[int, str, str, str], TableMeta] = {}
_cache_lock = threading.Lock()


def store(ctx: RequestContext) -> Store:
    return store_of(ctx.cloud)


def store_of(cloud: Any) -> Store:
    the_store: Store = cloud.store
    the_store.ensure_schema("dynamodb", SCHEMA)
    return the_store


def table_meta(ctx: RequestContext, name: str, *, named: bool = False) -> TableMeta:
    """The table's metadata, cached; ResourceNotFoundException when it does not exist, which
    names the table for the operations on a table itself (`named`: DescribeTable, UpdateTable,
    DeleteTable, the TTL operations), as DynamoDB's answers to them do."""
    key = (id(ctx.cloud.store), ctx.account_id, ctx.region, name)
    found = _cache.get(key)
    if found is not None:
        return found
    with store(ctx).read() as tx:
        row = tx.fetchone(
            "SELECT table_id, meta FROM dynamodb_tables "
            "WHERE account_id = ? AND region = ? AND name = ?",
            (ctx.account_id, ctx.region, name),
        )
    if row is None:
        raise AwsError("ResourceNotFoundException",
                       f"{RESOURCE_NOT_FOUND}: Table: {name} not found" if named
                       else RESOURCE_NOT_FOUND)  # fmt: skip
    meta = build_meta(name, row[0], json.loads(row[1]))
    with _cache_lock:
        _cache[key] = meta
    return meta


def forget(ctx: RequestContext, name: str) -> None:
    forget_in(ctx.cloud, ctx.account_id, ctx.region, name)


def forget_in(cloud: Any, account_id: str, region: str, name: str) -> None:
    with _cache_lock:
        _cache.pop((id(cloud.store), account_id, region, name), None)


def build_meta(name: str, table_id: int, meta: dict[str, Any]) -> TableMeta:
    description = meta["description"]
    types = {a["AttributeName"]: a["AttributeType"] for a in description["AttributeDefinitions"]}
    hash_key, range_key = _keys(description["KeySchema"], types)
    table = TableMeta(name, table_id, hash_key, range_key, meta)
    for is_global, member in ((True, "GlobalSecondaryIndexes"), (False, "LocalSecondaryIndexes")):
        for index in description.get(member) or ():
            index_hash, index_range = _keys(index["KeySchema"], types)
            projection = index.get("Projection") or {}
            table.indexes[index["IndexName"]] = IndexMeta(
                index["IndexName"],
                index_hash,
                index_range,
                projection.get("ProjectionType", "ALL"),
                tuple(projection.get("NonKeyAttributes") or ()),
                is_global,
            )
    return table


def _keys(
    schema: list[dict[str, str]], types: dict[str, str]
) -> tuple[KeyAttribute, KeyAttribute | None]:
    hash_name = next(k["AttributeName"] for k in schema if k["KeyType"] == "HASH")
    range_name = next((k["AttributeName"] for k in schema if k["KeyType"] == "RANGE"), None)
    hash_key = KeyAttribute(hash_name, types[hash_name])
    return hash_key, (KeyAttribute(range_name, types[range_name]) if range_name else None)


# -- items ----------------------------------------------------------------------------------


def encode_item(item: Item) -> bytes:
    """An item as stored: its JSON wire form (binary as base64), so a read can send the bytes
    as they are. (Rows written before this format are CBOR maps; decode_item reads both.)"""
    return _encode(attribute_map(item)).encode("ascii")


def decode_item(raw: bytes) -> Item:
    if raw[:1] != b"{":  # a CBOR map never starts with "{" (0x7b is a CBOR text string)
        return cbor2.loads(raw)  # type: ignore[no-any-return]
    item: Item = json.loads(raw)
    if b'"B' in raw:  # binary somewhere (or a string that looks like it): decode base64
        item = {name: _binary(value) for name, value in item.items()}
    return item


def from_wire(item: dict[str, Any]) -> Item:
    """An item in DynamoDB JSON as parsed from text: binary values decoded from base64
    (strictly: binascii.Error for anything that is not base64)."""
    return {name: _binary(value, True) for name, value in item.items()}


def _binary(value: dict[str, Any], strict: bool = False) -> dict[str, Any]:
    for kind, inner in value.items():
        if kind == "B":
            return {"B": base64.b64decode(inner, validate=strict)}
        if kind == "BS":
            return {"BS": [base64.b64decode(v, validate=strict) for v in inner]}
        if kind == "M":
            return {"M": {name: _binary(v, strict) for name, v in inner.items()}}
        if kind == "L":
            return {"L": [_binary(v, strict) for v in inner]}
    return value


def raw_json(raw: bytes) -> bytes:
    """The stored item's JSON wire bytes (converting an older CBOR row)."""
    return raw if raw[:1] == b"{" else encode_item(cbor2.loads(raw))


_ENCODER = json.JSONEncoder(separators=(",", ":"))


def _make_encode() -> Any:
    """JSONEncoder.encode without building its C encoder again on every call (a third of the
    cost of encoding a 1 KB item). Items are trees decoded from JSON: never circular."""
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:  # a Python without the _json accelerator
        return _ENCODER.encode
    chunks = make(None, _ENCODER.default, json.encoder.encode_basestring_ascii, None, ":", ",",
                  False, False, True)  # fmt: skip
    return lambda value: "".join(chunks(value, 0))


_encode = _make_encode()
_READ_ITEM = "SELECT item FROM dynamodb_items WHERE table_id = ? AND pk = ? AND sk = ?"


def read_item(tx: Tx, table: TableMeta, pk: bytes, sk: bytes) -> Item | None:
    raw = tx.fetchvalue(_READ_ITEM, (table.table_id, pk, sk))
    return None if raw is None else decode_item(raw)


def read_raw(ctx: RequestContext, table: TableMeta, pk: bytes, sk: bytes) -> bytes | None:
    """GetItem's fast path: the stored bytes, from one statement without a transaction.
    (The store as it is: a TableMeta exists only once the schema was ensured.)"""
    raw: bytes | None = ctx.cloud.store.read_value(_READ_ITEM, (table.table_id, pk, sk))
    return raw


_UPSERT_ITEM = (
    "INSERT INTO dynamodb_items (table_id, pk, sk, item, size_bytes) VALUES (?, ?, ?, ?, ?) "
    "ON CONFLICT (table_id, pk, sk) DO UPDATE SET item = excluded.item, "
    "size_bytes = excluded.size_bytes"
)


def write_item(
    tx: Tx, table: TableMeta, key: tuple[bytes, bytes], old: Item | None, new: Item, size: int
) -> None:
    tx.execute(_UPSERT_ITEM, (table.table_id, key[0], key[1], encode_item(new), size))
    if table.indexes:
        update_index_entries(tx, table, key, old, new)


def write_item_alone(
    ctx: RequestContext, table: TableMeta, key: tuple[bytes, bytes], new: Item, size: int
) -> None:
    """A put that is the row alone (no index entries, nothing following it): one statement,
    its own transaction."""
    store(ctx).write_one(_UPSERT_ITEM, (table.table_id, key[0], key[1], encode_item(new), size))


_DELETE_ITEM = "DELETE FROM dynamodb_items WHERE table_id = ? AND pk = ? AND sk = ?"


def delete_item_alone(ctx: RequestContext, table: TableMeta, key: tuple[bytes, bytes]) -> None:
    """A delete that is the row alone (see write_item_alone): one statement."""
    store(ctx).write_one(_DELETE_ITEM, (table.table_id, key[0], key[1]))


def delete_item_row(tx: Tx, table: TableMeta, key: tuple[bytes, bytes], old: Item) -> None:
    tx.execute(_DELETE_ITEM, (table.table_id, key[0], key[1]))
    if table.indexes:
        update_index_entries(tx, table, key, old, None)


def index_key(index: IndexMeta, item: Item | None) -> tuple[bytes, bytes] | None:
    """The item's key in the index, or None when the item lacks (a typed) index key."""
    if item is None:
        return None
    hash_value = item.get(index.hash_key.name)
    if hash_value is None or index.hash_key.type not in hash_value:
        return None
    if index.range_key is None:
        return encode_key(hash_value), b""
    range_value = item.get(index.range_key.name)
    if range_value is None or index.range_key.type not in range_value:
        return None
    return encode_key(hash_value), encode_key(range_value)


def update_index_entries(
    tx: Tx, table: TableMeta, key: tuple[bytes, bytes], old: Item | None, new: Item | None
) -> None:
    for index in table.indexes.values():
        before, after = index_key(index, old), index_key(index, new)
        if before == after:
            continue
        if before is not None:
            tx.execute(
                "DELETE FROM dynamodb_index_entries WHERE table_id = ? AND index_name = ? "
                "AND ipk = ? AND isk = ? AND pk = ? AND sk = ?",
                (table.table_id, index.name, before[0], before[1], key[0], key[1]),
            )
        if after is not None:
            tx.execute(
                "INSERT OR REPLACE INTO dynamodb_index_entries "
                "(table_id, index_name, ipk, isk, pk, sk) VALUES (?, ?, ?, ?, ?, ?)",
                (table.table_id, index.name, after[0], after[1], key[0], key[1]),
            )


def backfill_index(tx: Tx, table: TableMeta, index: IndexMeta) -> None:
    rows = tx.fetchall(
        "SELECT pk, sk, item FROM dynamodb_items WHERE table_id = ?", (table.table_id,)
    )
    for pk, sk, raw in rows:
        entry = index_key(index, decode_item(raw))
        if entry is not None:
            tx.execute(
                "INSERT OR REPLACE INTO dynamodb_index_entries "
                "(table_id, index_name, ipk, isk, pk, sk) VALUES (?, ?, ?, ?, ?, ?)",
                (table.table_id, index.name, entry[0], entry[1], pk, sk),
            )


def table_counts(tx: Tx, table_id: int) -> tuple[int, int]:
    row = tx.fetchone(
        "SELECT COUNT(*), COALESCE(SUM(size_bytes), 0) FROM dynamodb_items WHERE table_id = ?",
        (table_id,),
    )
    assert row is not None
    return int(row[0]), int(row[1])


def index_counts(tx: Tx, table_id: int, index_name: str) -> tuple[int, int]:
    row = tx.fetchone(
        "SELECT COUNT(*), COALESCE(SUM(i.size_bytes), 0) FROM dynamodb_index_entries e "
        "JOIN dynamodb_items i ON i.table_id = e.table_id AND i.pk = e.pk AND i.sk = e.sk "
        "WHERE e.table_id = ? AND e.index_name = ?",
        (table_id, index_name),
    )
    assert row is not None
    return int(row[0]), int(row[1])
