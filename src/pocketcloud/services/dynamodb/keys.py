"""Checking keys and items against a table's key schema, with DynamoDB's messages."""

from __future__ import annotations

from typing import Any

from pocketcloud.errors import AwsError
from pocketcloud.services.dynamodb.storage import TableMeta
from pocketcloud.services.dynamodb.values import (
    MAX_ITEM_SIZE_BYTES,
    Item,
    clean_value,
    invalid,
    invalid_parameter,
    item_size_bytes,
)

MAX_KEY_BYTES = {"hash": 2048, "range": 1024}
SCHEMA_MISMATCH = "The provided key element does not match the schema"


def clean_key(table: TableMeta, key: Any) -> Item:
    """The Key parameter of GetItem, UpdateItem, DeleteItem...: exactly the table's key."""
    if type(key) is not dict or len(key) != (2 if table.range_key else 1):
        raise invalid(SCHEMA_MISMATCH)
    cleaned: Item = {}
    for attribute in (table.hash_key, table.range_key):
        if attribute is None:
            continue
        value = key.get(attribute.name)
        if value is None:
            raise invalid(SCHEMA_MISMATCH)
        value = clean_value(value)
        if attribute.type not in value:
            raise invalid(SCHEMA_MISMATCH)
        _check_not_empty(attribute.name, value[attribute.type])
        cleaned[attribute.name] = value
    return cleaned


def check_item_keys(table: TableMeta, item: Item) -> None:
    """A whole item (PutItem): its key attributes present and typed, index keys typed."""
    for attribute in (table.hash_key, table.range_key):
        if attribute is None:
            continue
        value = item.get(attribute.name)
        if value is None:
            raise invalid_parameter(f"Missing the key {attribute.name} in the item")
        kind = next(iter(value))
        if kind != attribute.type:
            raise invalid_parameter(
                f"Type mismatch for key {attribute.name} expected: {attribute.type} actual: {kind}"
            )
        _check_not_empty(attribute.name, value[kind])
        limit = MAX_KEY_BYTES["hash" if attribute is table.hash_key else "range"]
        if len(value[kind] if kind == "B" else str(value[kind]).encode()) > limit:
            raise invalid_parameter(
                "Size of hashkey has exceeded the maximum size limit of2048 bytes"
                if attribute is table.hash_key
                else "Aggregated size of all range keys has exceeded the size limit of 1024 bytes"
            )
    if table.indexes:
        check_index_keys(table, item)


def check_batch_item_keys(table: TableMeta, item: Item) -> None:
    """A BatchWriteItem PutRequest's item: there a key attribute missing or of another type is
    only 'does not match the schema', without PutItem's naming of the attribute."""
    for attribute in (table.hash_key, table.range_key):
        if attribute is not None and attribute.type not in item.get(attribute.name, ()):
            raise invalid(SCHEMA_MISMATCH)
    check_item_keys(table, item)


def check_index_keys(table: TableMeta, item: Item) -> None:
    for index in table.indexes.values():
        for attribute in (index.hash_key, index.range_key):
            if attribute is None or attribute.name not in item:
                continue
            kind = next(iter(item[attribute.name]))
            if kind != attribute.type:
                raise invalid_parameter(
                    f"Type mismatch for Index Key {attribute.name} Expected: {attribute.type} "
                    f"Actual: {kind} IndexName: {index.name}"
                )
            if kind in ("S", "B") and not item[attribute.name][kind]:
                raise _empty_index_key(index.name, attribute.name, kind)


def check_query_hash_value(value: dict[str, Any], name: str, index_name: str | None) -> None:
    """A Query's hash key value: never empty (DynamoDB answers as for an item's key, or as for
    an index key when the Query reads an index)."""
    ((kind, inner),) = value.items()
    if inner or kind not in ("S", "B"):
        return
    if index_name is not None:
        raise _empty_index_key(index_name, name, kind)
    raise invalid(_EMPTY_KEY.format(kind="string" if kind == "S" else "binary", name=name))


def _empty_index_key(index_name: str, name: str, kind: str) -> AwsError:
    return AwsError(
        "ValidationException",
        "One or more parameter values are not valid. A value specified for a "
        "secondary index key is not supported. The AttributeValue for a key "
        f"attribute cannot contain an empty {'string' if kind == 'S' else 'binary'} "
        f"value. IndexName: {index_name}, IndexKey: {name}",
    )


# DynamoDB words an empty key value as 'are not valid.', not its usual 'were invalid:' (the
# message real GetItem, PutItem and Query calls answer; see moto issue 7062).
_EMPTY_KEY = (
    "One or more parameter values are not valid. The AttributeValue for a key attribute "
    "cannot contain an empty {kind} value. Key: {name}"
)


def _check_not_empty(name: str, inner: Any) -> None:
    if type(inner) is str and not inner:
        raise invalid(_EMPTY_KEY.format(kind="string", name=name))
    if type(inner) is bytes and not inner:
        raise invalid(_EMPTY_KEY.format(kind="binary", name=name))


def checked_size(item: Item, updating: bool = False) -> int:
    return check_size(item_size_bytes(item), updating)


def check_size(size: int, updating: bool = False) -> int:
    if size > MAX_ITEM_SIZE_BYTES:
        raise invalid(
            "Item size to update has exceeded the maximum allowed size"
            if updating
            else "Item size has exceeded the maximum allowed size"
        )
    return size
