"""Key conditions read from a WHERE condition's shape (see partiql_parser): the one item a
write names, the exact key a transaction's or batch's read names, and the partitions a
SELECT reads (a Query per partition; no partition condition means a Scan)."""

from __future__ import annotations

from typing import Any

from pocketcloud.services.dynamodb.partiql_parser import Statement
from pocketcloud.services.dynamodb.storage import TableMeta
from pocketcloud.services.dynamodb.values import invalid, kind_of, scalar_order_key, values_equal

PARTITIONS_MAX = 50  # "at max 50 hash attribute values" per SELECT
INCOMPLETE_KEY = "Where clause does not contain a mandatory equality on all key attributes"
OVERLAPPING = "Overlapping conditions with range keys are not supported in where clause"
TOO_MANY_READS = "Too many decomposed read operations for a given query."


def conjuncts(shape: tuple[Any, ...]) -> list[tuple[Any, ...]]:
    """The conditions ANDed at the top, through parentheses."""
    if shape[0] == "and":
        return [c for part in shape[1] for c in conjuncts(part)]
    return [shape]


def _checked_type(table: TableMeta, name: str, value: Any) -> None:
    attribute = table.hash_key if name == table.hash_key.name else table.range_key
    if attribute is not None and kind_of(value) != attribute.type:
        raise invalid(
            f"Key attribute's data type should match its data type in table's schema: Key {name}"
        )


def write_key(table: TableMeta, statement: Statement) -> dict[str, Any]:
    """The one item an UPDATE or DELETE names: every key attribute `=` one value."""
    found: dict[str, list[Any]] = {}
    for part in conjuncts(statement.shape):
        if part[0] == "eq" and part[1] in table.key_names():
            found.setdefault(part[1], []).append(part[2])
    key = {}
    for name in table.key_names():
        values = found.get(name)
        if not values:
            raise invalid(INCOMPLETE_KEY)
        if not all(values_equal(v, values[0]) for v in values[1:]):
            raise invalid(
                f"Multiple conditions on same key {name}. Only single item "
                "Update/Insert/Delete are supported"
            )
        _checked_type(table, name, values[0])
        key[name] = values[0]
    return key


def exact_key(table: TableMeta, statement: Statement) -> dict[str, Any] | None:
    """The key when WHERE is nothing but equalities on the whole primary key (a read in a
    transaction or a batch), else None."""
    key: dict[str, Any] = {}
    for part in conjuncts(statement.shape):
        if part[0] == "in" and len(part[2]) == 1:
            part = ("eq", part[1], part[2][0])
        if part[0] != "eq" or part[1] not in table.key_names():
            return None
        if not values_equal(key.setdefault(part[1], part[2]), part[2]):
            return None
    if set(key) != set(table.key_names()):
        return None
    for name, value in key.items():
        _checked_type(table, name, value)
    return {name: key[name] for name in table.key_names()}


def partitions(shape: tuple[Any, ...], hash_name: str) -> list[Any] | None:
    """The partition key values WHERE confines a SELECT to, or None (a scan)."""
    tag = shape[0]
    if tag == "eq" and shape[1] == hash_name:
        return [shape[2]]
    if tag == "in" and shape[1] == hash_name:
        return list(shape[2])
    if tag == "and":
        for part in shape[1]:
            found = partitions(part, hash_name)
            if found is not None:
                return found
        return None
    if tag == "or":
        branches = [partitions(part, hash_name) for part in shape[1]]
        if any(b is None for b in branches):
            return None
        return [value for branch in branches if branch for value in branch]
    return None


def checked_partitions(shape: tuple[Any, ...], hash_name: str, hash_type: str) -> list[Any] | None:
    found = partitions(shape, hash_name)
    if found is None:
        return None
    for value in found:
        if kind_of(value) != hash_type:
            raise invalid(
                "Key attribute's data type should match its data type in table's schema: "
                f"Key {hash_name}"
            )
    ordered = [scalar_order_key(v) for v in found]
    if len(set(ordered)) != len(ordered):
        raise invalid(OVERLAPPING)
    if len(found) > PARTITIONS_MAX:
        raise invalid(TOO_MANY_READS)
    return found
