"""A Query's key condition (expression or legacy KeyConditions) as a range of encoded keys."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pocketcloud.services.dynamodb.expressions.evaluate import Env
from pocketcloud.services.dynamodb.storage import KeyAttribute
from pocketcloud.services.dynamodb.values import encode_key, invalid, invalid_parameter

_MEMBER = "KeyConditionExpression"


@dataclass
class KeyRange:
    """hash key bytes, and SQL bounds on the sort key bytes: (operator, bytes) pairs."""

    hash_value: dict[str, Any]
    hash_bytes: bytes
    bounds: list[tuple[str, bytes]]


def key_range(
    tree: Any, env: Env, hash_key: KeyAttribute, range_key: KeyAttribute | None
) -> KeyRange:
    conditions = _conjuncts(tree)
    if len(conditions) > 2:
        raise invalid("KeyConditionExpressions must only contain one condition per key")
    by_name: dict[str, tuple[Any, ...]] = {}
    for node in conditions:
        name = _key_name(node, env)
        if name in by_name:
            raise invalid("KeyConditionExpressions must only contain one condition per key")
        by_name[name] = node
    hash_node = by_name.pop(hash_key.name, None)
    if hash_node is None:
        raise invalid(f"Query condition missed key schema element: {hash_key.name}")
    if hash_node[0] != "cmp" or hash_node[1] != "=":
        raise invalid("Query key condition not supported")
    hash_value = _typed(_value_of(hash_node, env), hash_key)
    bounds: list[tuple[str, bytes]] = []
    if by_name:
        ((name, node),) = by_name.items()
        if range_key is None:
            raise invalid("Query key condition not supported")
        if name != range_key.name:
            raise invalid(f"Query condition missed key schema element: {range_key.name}")
        bounds = _range_bounds(node, env, range_key)
    return KeyRange(hash_value, encode_key(hash_value), bounds)


_NOT_INDEXABLE = frozenset(("NULL", "NOT_NULL", "CONTAINS", "NOT_CONTAINS", "IN"))


def check_legacy_key_conditions(
    conditions: dict[str, Any], hash_key: KeyAttribute, range_key: KeyAttribute | None
) -> None:
    """KeyConditions' own checks, in DynamoDB's order, before its translation is planned."""
    if len(conditions) not in (1, 2):
        raise invalid("Conditions can be of length 1 or 2 only")
    keys = [hash_key] if len(conditions) == 1 or range_key is None else [hash_key, range_key]
    for key in keys:
        if key.name not in conditions:
            raise invalid(f"Query condition missed key schema element: {key.name}")
    if any(c.get("ComparisonOperator") in _NOT_INDEXABLE for c in conditions.values()):
        raise invalid("Attempted conditional constraint is not an indexable operation")


def _conjuncts(tree: Any) -> list[tuple[Any, ...]]:
    tag = tree[0]
    if tag == "and":
        return _conjuncts(tree[1]) + _conjuncts(tree[2])
    if tag in ("or", "not", "in"):
        raise invalid(f"Invalid operator used in {_MEMBER}: {tag.upper()}")
    if tag == "fn" and tree[1] != "begins_with":
        raise invalid(f"Invalid operator used in {_MEMBER}: {tree[1]}")
    if tag == "cmp" and tree[1] == "<>":
        raise invalid(f"Invalid operator used in {_MEMBER}: <>")
    return [tree]


def _key_name(node: tuple[Any, ...], env: Env) -> str:
    if node[0] == "fn":
        operands = node[2]
    elif node[0] == "between":
        operands = node[1:]
    else:
        operands = node[2:]
    paths = [o for o in operands if o[0] == "path"]
    if len(paths) != 1 or operands[0][0] != "path" and node[0] != "cmp":
        raise invalid("Query key condition not supported")
    path = paths[0][1]
    if len(path) != 1:
        raise invalid(f"Invalid {_MEMBER}: Key condition may not contain nested attributes")
    return env.name(path[0])


def _value_of(node: tuple[Any, ...], env: Env) -> dict[str, Any]:
    operand = node[3] if node[2][0] == "path" else node[2]
    if operand[0] != "value":
        raise invalid("Query key condition not supported")
    return env.values[operand[1]]


def _typed(value: dict[str, Any], key: KeyAttribute) -> dict[str, Any]:
    if key.type not in value:
        raise invalid_parameter("Condition parameter type does not match schema type")
    return value


_FLIPPED = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "=": "="}


def _range_bounds(node: tuple[Any, ...], env: Env, key: KeyAttribute) -> list[tuple[str, bytes]]:
    tag = node[0]
    if tag == "cmp":
        op = node[1] if node[2][0] == "path" else _FLIPPED[node[1]]
        return [(op, encode_key(_typed(_value_of(node, env), key)))]
    if tag == "between":
        if node[2][0] != "value" or node[3][0] != "value":
            raise invalid("Query key condition not supported")
        low = encode_key(_typed(env.values[node[2][1]], key))
        high = encode_key(_typed(env.values[node[3][1]], key))
        if low > high:
            raise invalid(
                f"Invalid {_MEMBER}: The BETWEEN operator requires upper bound to be greater "
                "than or equal to lower bound"
            )
        return [(">=", low), ("<=", high)]
    prefix_node = node[2][1]
    if prefix_node[0] != "value":
        raise invalid("Query key condition not supported")
    value = env.values[prefix_node[1]]
    if key.type == "N":
        raise invalid(
            f"Invalid {_MEMBER}: Incorrect operand type for operator or function; "
            "operator or function: begins_with, operand type: N"
        )
    prefix = encode_key(_typed(value, key))
    bounds = [(">=", prefix)]
    following = _successor(prefix)
    if following is not None:
        bounds.append(("<", following))
    return bounds


def _successor(prefix: bytes) -> bytes | None:
    """The smallest byte string greater than every string that starts with `prefix`."""
    trimmed = prefix.rstrip(b"\xff")
    if not trimmed:
        return None
    return trimmed[:-1] + bytes((trimmed[-1] + 1,))


# -- what else in a Query must agree with the key condition ---------------------------------


def check_filter_keys(
    params: dict[str, Any], filter_tree: Any, env: Env, keys: tuple[KeyAttribute | None, ...]
) -> None:
    """DynamoDB refuses a Query filter naming a key attribute of the table or index queried:
    the key condition is where those belong."""
    if "QueryFilter" in params:
        member, named = "QueryFilter", set(params["QueryFilter"] or ())
    elif filter_tree is not None:
        member, named = "Filter Expression", {env.name(head) for head in _path_heads(filter_tree)}
    else:
        return
    for key in keys:
        if key is not None and key.name in named:
            raise invalid(
                f"{member} can only contain non-primary key attributes: "
                f"Primary key attribute: {key.name}"
            )


def _path_heads(node: tuple[Any, ...], found: set[str] | None = None) -> set[str]:
    """The first element of every document path in a condition tree."""
    found = set() if found is None else found
    if node[0] == "path":
        found.add(node[1][0])
        return found
    for child in node:
        if type(child) is tuple and child:
            _path_heads(child, found)
    return found


_HOLDS = {
    "<": bytes.__lt__,
    "<=": bytes.__le__,
    ">": bytes.__gt__,
    ">=": bytes.__ge__,
    "=": bytes.__eq__,
}


def check_start_key(keys: KeyRange, hash_bytes: bytes, sort_bytes: bytes) -> None:
    """An ExclusiveStartKey must lie inside the queried partition and sort key range."""
    if hash_bytes != keys.hash_bytes:
        raise invalid(
            "The provided starting key is outside query boundaries based on provided conditions"
        )
    if not all(_HOLDS[op](sort_bytes, bound) for op, bound in keys.bounds):
        raise invalid("The provided starting key does not match the range key predicate")
