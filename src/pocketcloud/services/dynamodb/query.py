"""Query and Scan: pages of the rows rows.py reads (index range scans over the encoded keys).

As in DynamoDB, Limit counts items read before the filter, a page stops after 1 MB read,
and LastEvaluatedKey names the last item read when the page stopped early.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from itertools import chain
from typing import Any

from pocketcloud.context import RequestContext
from pocketcloud.errors import AwsError
from pocketcloud.protocol.serializing.wire import PreEncodedJson, json_bytes
from pocketcloud.services.dynamodb import capacity, storage
from pocketcloud.services.dynamodb.expressions.evaluate import Env, project
from pocketcloud.services.dynamodb.expressions.request import Expressions, prepare
from pocketcloud.services.dynamodb.items import check_condition
from pocketcloud.services.dynamodb.key_conditions import (
    check_filter_keys,
    check_legacy_key_conditions,
    check_start_key,
    key_range,
)
from pocketcloud.services.dynamodb.keys import check_query_hash_value
from pocketcloud.services.dynamodb.rows import (
    PAGE_SIZE_BYTES_MAX,
    Reader,
    Row,
    query_rows,
    scan_rows,
)
from pocketcloud.services.dynamodb.storage import IndexMeta, TableMeta
from pocketcloud.services.dynamodb.values import (
    Item,
    clean_item,
    invalid,
    invalid_parameter,
    item_size_bytes,
)
from pocketcloud.services.dynamodb.wire import attribute_map

_QUERY_EXPRESSIONS = ("KeyConditionExpression", "FilterExpression", "ProjectionExpression")
_SCAN_EXPRESSIONS = ("FilterExpression", "ProjectionExpression")
_SELECTS = ("ALL_ATTRIBUTES", "ALL_PROJECTED_ATTRIBUTES", "SPECIFIC_ATTRIBUTES", "COUNT")


def query(ctx: RequestContext, params: dict[str, Any], *, encoded: bool = True) -> dict[str, Any]:
    """`encoded`: an HTTP caller may get a page spliced from the stored JSON bytes."""
    table = storage.table_meta(ctx, params["TableName"])
    index = _index(table, params)
    expressions = prepare(params, _QUERY_EXPRESSIONS)
    hash_key = index.hash_key if index else table.hash_key
    range_key = index.range_key if index else table.range_key
    if params.get("KeyConditions") is not None:
        check_legacy_key_conditions(params["KeyConditions"], hash_key, range_key)
    tree = expressions.get("KeyConditionExpression")
    if tree is None:
        raise invalid(
            "Either the KeyConditions or KeyConditionExpression parameter must be specified "
            "in the request."
        )
    keys = key_range(tree, expressions.env, hash_key, range_key)
    check_query_hash_value(keys.hash_value, hash_key.name, index.name if index else None)
    check_filter_keys(params, expressions.get("FilterExpression"), expressions.env,
                      (hash_key, range_key))  # fmt: skip
    forward = params.get("ScanIndexForward", True)
    start = _start_position(table, index, params.get("ExclusiveStartKey"))
    if start is not None:
        check_start_key(keys, start[0], start[1])
    with storage.store(ctx).read() as tx:
        reader = query_rows(tx, table, index, keys, forward, start, params.get("Limit"))
        return _page(table, index, params, expressions, reader, _splice(ctx, encoded))


def scan(ctx: RequestContext, params: dict[str, Any], *, encoded: bool = True) -> dict[str, Any]:
    table = storage.table_meta(ctx, params["TableName"])
    index = _index(table, params)
    expressions = prepare(params, _SCAN_EXPRESSIONS)
    segment, total = params.get("Segment"), params.get("TotalSegments")
    if (segment is None) != (total is None):
        raise invalid(
            "The TotalSegments parameter is required but was not present in the request when "
            "Segment parameter is present"
            if total is None
            else "The Segment parameter is required but was not present in the request when "
            "parameter TotalSegments is present"
        )
    if total is not None and segment >= total:
        raise invalid(
            f"The Segment parameter is zero-based and must be less than parameter TotalSegments: "
            f"Segment: {segment} is not less than TotalSegments: {total}"
        )
    start = _start_position(table, index, params.get("ExclusiveStartKey"))
    segments = None if segment is None or total is None else (segment, total)
    with storage.store(ctx).read() as tx:
        reader = scan_rows(tx, table, index, start, params.get("Limit"), segments)
        return _page(table, index, params, expressions, reader, _splice(ctx, encoded))


def _splice(ctx: RequestContext, encoded: bool) -> bool:
    return encoded and ctx.protocol == "json" and ctx.request is not None


def _index(table: TableMeta, params: dict[str, Any]) -> IndexMeta | None:
    name = params.get("IndexName")
    if name is None:
        return None
    index = table.indexes.get(name)
    if index is None:
        raise invalid(f"The table does not have the specified index: {name}")
    if index.is_global and params.get("ConsistentRead"):
        raise invalid("Consistent reads are not supported on global secondary indexes")
    return index


def _start_position(
    table: TableMeta, index: IndexMeta | None, start: dict[str, Any] | None
) -> tuple[bytes, ...] | None:
    if start is None:
        return None
    try:
        start = clean_item(start)
    except AwsError as error:
        raise invalid("The provided starting key is invalid: " + error.message) from None
    wanted = set(table.key_names())
    if index is not None:
        wanted |= {index.hash_key.name} | ({index.range_key.name} if index.range_key else set())
    if set(start) != wanted or not _typed_as_schema(table, index, start):
        raise invalid(
            "The provided starting key is invalid: The provided key element does not match "
            "the schema"
        )
    pk, sk = table.primary_key(start)
    if index is None:
        return (pk, sk)
    entry = storage.index_key(index, start)
    if entry is None:
        raise invalid("The provided starting key is invalid")
    return (entry[0], entry[1], pk, sk)


def _typed_as_schema(table: TableMeta, index: IndexMeta | None, start: Item) -> bool:
    schema = [table.hash_key, table.range_key]
    if index is not None:
        schema += (index.hash_key, index.range_key)
    return all(key is None or key.type in start[key.name] for key in schema)


# -- pages ----------------------------------------------------------------------------------


def _page(
    table: TableMeta,
    index: IndexMeta | None,
    params: dict[str, Any],
    expressions: Expressions,
    reader: Reader,
    splice: bool = False,
) -> dict[str, Any]:
    limit = params.get("Limit")
    if limit is not None and limit < 1:
        raise invalid(
            f"1 validation error detected: Value '{limit}' at 'limit' failed to satisfy "
            "constraint: Member must have value greater than or equal to 1"
        )
    select = _select(table, index, params, expressions)
    filter_tree = expressions.get("FilterExpression")
    paths = expressions.get("ProjectionExpression")
    env = expressions.env
    if paths is not None and index is not None and index.is_global:
        _check_projected(table, index, paths, env)
    # Whole stored items, unfiltered: the page can be spliced from their JSON bytes.
    whole = filter_tree is None and (
        select == "ALL_ATTRIBUTES"
        or (select == "ALL_PROJECTED_ATTRIBUTES" and index is not None
            and index.projection_type == "ALL")
    )  # fmt: skip
    splice = splice and whole
    # A global index holds only what it projects: its filter sees nothing more.
    narrow = index if index is not None and index.is_global and index.projection_type != "ALL" \
        else None
    # A read through an index that does not project everything is charged for its entries.
    entries: list[bytes] | None = (
        [] if index is not None and index.projection_type != "ALL"
        and params.get("ReturnConsumedCapacity") in ("TOTAL", "INDEXES") else None
    )  # fmt: skip
    items: list[Any] = []
    matched = scanned = size_read = 0
    last: bytes | None = None
    rows: Iterator[Row] = iter(())
    if splice:
        items, scanned, size_read, last = reader.spliced()
        matched = scanned
        if entries is not None:
            entries = items
    else:
        rows = chain.from_iterable(reader.chunks())
    for row in rows:
        raw, size = row[-2], row[-1]
        scanned += 1
        size_read += size
        last = raw
        if entries is not None:
            entries.append(raw)
        if filter_tree is None and whole:
            items.append(storage.decode_item(raw))
            matched += 1
        elif filter_tree is None and select == "COUNT":
            matched += 1  # nothing to look at in the item
        else:
            item = storage.decode_item(raw)
            if narrow is not None:
                item = _index_projection(table, narrow, item)
            if filter_tree is None or check_condition(filter_tree, item, env, "FilterExpression"):
                matched += 1
                if select != "COUNT":
                    items.append(_shaped(table, index, item, select, paths, env))
        if limit is not None and scanned >= limit or size_read >= PAGE_SIZE_BYTES_MAX:
            break
    else:
        if not splice:
            last = None  # the rows ran out: this was the last page
    result: dict[str, Any] = {"Count": matched, "ScannedCount": scanned}
    if last is not None:
        result["LastEvaluatedKey"] = _last_key(table, index, storage.decode_item(last))
    if entries is not None and index is not None:
        used = _index_consumed(table, index, params, select, expressions, entries)
    else:
        used = capacity.consumed(
            params.get("ReturnConsumedCapacity"),
            table,
            capacity.read_units(size_read, bool(params.get("ConsistentRead"))),
            reading=True,
            index_name=index.name if index else None,
        )
    if used is not None:
        result["ConsumedCapacity"] = used
    if splice:
        return _spliced(result, items)
    if select != "COUNT":
        result["Items"] = items
    return result


def _index_consumed(
    table: TableMeta,
    index: IndexMeta,
    params: dict[str, Any],
    select: str,
    expressions: Expressions,
    raws: list[bytes],
) -> dict[str, Any] | None:
    """Units of a page read through an index that projects less than the whole item: the
    index entries read (rounded up once over the page); on a local index, every item whose
    unprojected attributes were fetched from the table costs the table a read of its own."""
    consistent = bool(params.get("ConsistentRead"))
    read = list(_decoded(raws))
    entries = sum(capacity.entry_size(table, index, item) for item in read)
    fetched = 0.0
    if not index.is_global and _fetches(table, index, select, expressions):
        fetched = sum(capacity.read_units(item_size_bytes(item), consistent) for item in read)
    return capacity.consumed(params.get("ReturnConsumedCapacity"), table,
                             capacity.read_units(entries, consistent), reading=True,
                             index_name=index.name, fetched=fetched)  # fmt: skip


def _decoded(raws: list[bytes]) -> Iterator[Item]:
    """The items of stored rows, or of a spliced page's parts (a part may be several items'
    JSON joined by commas)."""
    for raw in raws:
        if raw[:1] != b"{":  # an older CBOR row
            yield storage.decode_item(raw)
        else:
            yield from map(storage.from_wire, json.loads(b"[" + raw + b"]"))


def _fetches(table: TableMeta, index: IndexMeta, select: str, expressions: Expressions) -> bool:
    """Whether a local index read needs attributes the index does not project."""
    if select == "ALL_ATTRIBUTES":
        return True
    paths = expressions.get("ProjectionExpression")
    if select != "SPECIFIC_ATTRIBUTES" or paths is None:
        return False
    projected = _projected_names(table, index)
    return any(expressions.env.name(node[1][0]) not in projected for node in paths)


def _spliced(result: dict[str, Any], items: list[bytes]) -> PreEncodedJson:
    """The page's JSON: the stored items' bytes between the other members' encoding."""
    rest = dict(result)
    if "LastEvaluatedKey" in rest:
        rest["LastEvaluatedKey"] = attribute_map(rest["LastEvaluatedKey"])
    others = json_bytes(rest)  # plain strings and numbers only
    body = b'{"Items":[' + b",".join(items) + b"]"
    return PreEncodedJson(body + (b"," + others[1:] if len(others) > 2 else b"}"))


def _select(
    table: TableMeta, index: IndexMeta | None, params: dict[str, Any], expressions: Expressions
) -> str:
    projected = expressions.get("ProjectionExpression") is not None
    select = params.get("Select")
    if select is None:
        if projected:
            return "SPECIFIC_ATTRIBUTES"
        return "ALL_PROJECTED_ATTRIBUTES" if index else "ALL_ATTRIBUTES"
    if select == "SPECIFIC_ATTRIBUTES" and not projected:
        raise invalid_parameter(
            "Select type SPECIFIC_ATTRIBUTES requires a ProjectionExpression or AttributesToGet"
        )
    if projected and select != "SPECIFIC_ATTRIBUTES":
        member = "ProjectionExpression" if "ProjectionExpression" in params else "AttributesToGet"
        wanted = "only the Count" if select == "COUNT" else select
        raise invalid(f"Cannot specify the {member} when choosing to get {wanted}")
    if select == "ALL_PROJECTED_ATTRIBUTES" and index is None:
        raise invalid_parameter("Select type ALL_PROJECTED_ATTRIBUTES is not supported for a table")
    if (
        select == "ALL_ATTRIBUTES"
        and index is not None
        and index.is_global
        and (index.projection_type != "ALL")
    ):
        raise invalid_parameter(
            f"Select type ALL_ATTRIBUTES is not supported for global secondary index "
            f"{index.name} because its projection type is not ALL"
        )
    return select


def _shaped(
    table: TableMeta, index: IndexMeta | None, item: Item, select: str, paths: Any, env: Env
) -> Item:
    if select == "SPECIFIC_ATTRIBUTES":  # a local index fetches unprojected ones from the table
        return project(item, paths, env)
    if select == "ALL_PROJECTED_ATTRIBUTES" and index is not None:
        item = _index_projection(table, index, item)
    return item


def _index_projection(table: TableMeta, index: IndexMeta, item: Item) -> Item:
    if index.projection_type == "ALL":
        return item
    wanted = _projected_names(table, index)
    return {name: value for name, value in item.items() if name in wanted}


def _projected_names(table: TableMeta, index: IndexMeta) -> set[str]:
    wanted = set(table.key_names()) | {index.hash_key.name}
    if index.range_key:
        wanted.add(index.range_key.name)
    if index.projection_type == "INCLUDE":
        wanted.update(index.non_key_attributes)
    return wanted


def _check_projected(table: TableMeta, index: IndexMeta, paths: Any, env: Env) -> None:
    """A global index cannot fetch what it does not project from the table, so asking for it
    is refused (a local index can, and does)."""
    if index.projection_type == "ALL":
        return
    projected = _projected_names(table, index)
    heads = dict.fromkeys(env.name(node[1][0]) for node in paths)  # in the order written
    missing = [name for name in heads if name not in projected]
    if missing:
        raise invalid_parameter(
            f"Global secondary index {index.name} does not project [{', '.join(missing)}]"
        )


def _last_key(table: TableMeta, index: IndexMeta | None, item: Item) -> Item:
    key = table.key_of(item)
    if index is not None:
        key[index.hash_key.name] = item[index.hash_key.name]
        if index.range_key:
            key[index.range_key.name] = item[index.range_key.name]
    return key
