"""Evaluating parsed conditions and projections against an item, as DynamoDB does.

A missing attribute makes comparisons false (``<>`` true), functions of the wrong type false;
literal operands of a type an operator can never take are the caller's error.
"""

from __future__ import annotations

from typing import Any

from pocketcloud.services.dynamodb.expressions.lexer import ExpressionError
from pocketcloud.services.dynamodb.values import scalar_order_key, values_equal

Value = dict[str, Any]
Item = dict[str, Value]
VALID_TYPE_NAMES = ("S", "SS", "N", "NS", "B", "BS", "BOOL", "NULL", "L", "M")


class Env:
    """The request's placeholders: #names -> attribute names, :values -> attribute values."""

    __slots__ = ("names", "values")

    def __init__(self, names: dict[str, str] | None, values: dict[str, Value] | None) -> None:
        self.names = names or {}
        self.values = values or {}

    def name(self, element: str) -> str:
        return self.names[element] if element[0] == "#" else element


def resolve(item: Item | None, path: tuple[Any, ...], env: Env) -> Value | None:
    """The value at a document path, or None when any step is missing or of the wrong type."""
    if item is None:
        return None
    first = path[0]
    current = item.get(env.names[first] if first[0] == "#" else first)
    for element in path[1:]:
        if current is None:
            return None
        if type(element) is int:
            inner = current.get("L")
            if inner is None or element >= len(inner):
                return None
            current = inner[element]
        else:
            inner = current.get("M")
            if inner is None:
                return None
            current = inner.get(env.names[element] if element[0] == "#" else element)
    return current


def operand_value(node: tuple[Any, ...], item: Item | None, env: Env) -> Value | None:
    tag = node[0]
    if tag == "path":
        return resolve(item, node[1], env)
    if tag == "value":
        return env.values[node[1]]
    if tag == "size":
        return _size(resolve(item, node[1][1], env))
    raise ExpressionError(f"The function is not allowed in a condition; function: {tag}")


def _size(value: Value | None) -> Value | None:
    if value is None:
        return None
    kind, inner = next(iter(value.items()))
    if kind == "S":
        return {"N": str(len(inner))}
    if kind in ("B", "SS", "NS", "BS", "L", "M"):
        return {"N": str(len(inner))}
    return None


def evaluate(node: tuple[Any, ...], item: Item | None, env: Env) -> bool:
    tag = node[0]
    if tag == "and":
        return evaluate(node[1], item, env) and evaluate(node[2], item, env)
    if tag == "or":
        return evaluate(node[1], item, env) or evaluate(node[2], item, env)
    if tag == "not":
        return not evaluate(node[1], item, env)
    if tag == "cmp":
        return compare(
            node[1], operand_value(node[2], item, env), operand_value(node[3], item, env)
        )
    if tag == "between":
        return _between(node, item, env)
    if tag == "in":
        left = operand_value(node[1], item, env)
        if left is None:
            return False
        return any(
            (choice := operand_value(c, item, env)) is not None and values_equal(left, choice)
            for c in node[2]
        )
    return _function(node[1], node[2], item, env)


def compare(op: str, left: Value | None, right: Value | None) -> bool:
    if op == "=":
        return left is not None and right is not None and values_equal(left, right)
    if op == "<>":
        return left is None or right is None or not values_equal(left, right)
    if left is None or right is None or next(iter(left)) != next(iter(right)):
        return False
    a, b = scalar_order_key(left), scalar_order_key(right)
    if a is None:
        return False
    if op == "<":
        return bool(a < b)
    if op == "<=":
        return bool(a <= b)
    if op == ">":
        return bool(a > b)
    return bool(a >= b)


def _between(node: tuple[Any, ...], item: Item | None, env: Env) -> bool:
    low, high = operand_value(node[2], item, env), operand_value(node[3], item, env)
    both_literal = node[2][0] == "value" and node[3][0] == "value"
    if both_literal and low and high and compare(">", low, high):
        raise ExpressionError(
            "The BETWEEN operator requires upper bound to be greater than or equal to lower "
            f"bound; lower bound operand: AttributeValue: {_shown(low)}, upper bound operand: "
            f"AttributeValue: {_shown(high)}"
        )
    value = operand_value(node[1], item, env)
    return compare(">=", value, low) and compare("<=", value, high)


def _shown(value: Value) -> str:
    kind, inner = next(iter(value.items()))
    return f"{{{kind}:{inner}}}"


def _function(name: str, args: tuple[Any, ...], item: Item | None, env: Env) -> bool:
    if name == "attribute_exists":
        return resolve(item, args[0][1], env) is not None
    if name == "attribute_not_exists":
        return resolve(item, args[0][1], env) is None
    if name == "attribute_type":
        wanted = operand_value(args[1], item, env)
        if wanted is None or "S" not in wanted or wanted["S"] not in VALID_TYPE_NAMES:
            shown = next(iter(wanted.values())) if wanted else ""
            raise ExpressionError(
                f"Invalid attribute type name found; type: {shown}, "
                "valid types: {B,NULL,SS,BOOL,L,BS,N,NS,S,M}"
            )
        value = resolve(item, args[0][1], env)
        return value is not None and wanted["S"] in value
    if name == "begins_with":
        return _begins_with(args, item, env)
    return _contains(args, item, env)


def _begins_with(args: tuple[Any, ...], item: Item | None, env: Env) -> bool:
    for arg in args:
        if arg[0] == "value":
            kind = next(iter(env.values[arg[1]]))
            if kind not in ("S", "B"):
                raise ExpressionError(
                    "Incorrect operand type for operator or function; "
                    f"operator or function: begins_with, operand type: {kind}"
                )
    whole, prefix = operand_value(args[0], item, env), operand_value(args[1], item, env)
    if whole is None or prefix is None:
        return False
    if "S" in whole and "S" in prefix:
        return bool(whole["S"].startswith(prefix["S"]))
    if "B" in whole and "B" in prefix:
        return bool(whole["B"].startswith(prefix["B"]))
    return False


def _contains(args: tuple[Any, ...], item: Item | None, env: Env) -> bool:
    container, member = operand_value(args[0], item, env), operand_value(args[1], item, env)
    if container is None or member is None:
        return False
    kind, inner = next(iter(container.items()))
    member_kind, member_inner = next(iter(member.items()))
    if kind == "S":
        return member_kind == "S" and member_inner in inner
    if kind == "B":
        return member_kind == "B" and member_inner in inner
    if kind in ("SS", "BS"):
        return member_kind == kind[0] and member_inner in inner
    if kind == "NS":
        return member_kind == "N" and any(values_equal(member, {"N": n}) for n in inner)
    if kind == "L":
        return any(values_equal(element, member) for element in inner)
    return False


# -- projection ---------------------------------------------------------------------------


def project(item: Item, paths: tuple[tuple[Any, ...], ...], env: Env) -> Item:
    """The parts of `item` the paths name, nested as in the item (list elements compacted)."""
    tree: dict[Any, Any] = {}
    for node in paths:
        path = node[1]
        value = resolve(item, path, env)
        if value is None:
            continue
        branch = tree
        for element in path[:-1]:
            key = env.name(element) if type(element) is str else element
            branch = branch.setdefault(key, {})
            if "\0value" in branch:  # a shorter path already took the whole value
                break
        else:
            last = path[-1]
            branch[env.name(last) if type(last) is str else last] = {"\0value": value}
    return {name: _built(sub, item[name]) for name, sub in tree.items()}


def _built(tree: dict[Any, Any], source: Value) -> Value:
    if "\0value" in tree:
        return tree["\0value"]  # type: ignore[no-any-return]
    if "L" in source:
        elements = source["L"]
        return {"L": [_built(tree[i], elements[i]) for i in sorted(tree)]}
    inner = source["M"]
    return {"M": {name: _built(sub, inner[name]) for name, sub in tree.items()}}
