"""Applying a parsed UpdateExpression (SET, REMOVE, ADD, DELETE) to an item.

Every right-hand side is computed from the item as it was before the update, then the
actions are applied, as DynamoDB does. Overlapping paths are refused before anything runs.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from pocketcloud.services.dynamodb.expressions.evaluate import Env, Item, Value, resolve
from pocketcloud.services.dynamodb.expressions.lexer import ExpressionError
from pocketcloud.services.dynamodb.values import invalid, number_text, parse_number, values_equal

_INVALID_PATH = "The document path provided in the update expression is invalid for update"
_WRONG_TYPE = "An operand in the update expression has an incorrect data type"


def updated_paths(clauses: dict[str, list[Any]], env: Env) -> list[tuple[Any, ...]]:
    """Every path the update writes, with names resolved. Overlapping paths and values of the
    wrong type for their operator are refused here, before any item is read."""
    for action in clauses.get("SET", ()):
        _check_literal_operands(action[1], env)
    paths = []
    for clause, actions in clauses.items():
        for action in actions:
            node = action if clause == "REMOVE" else action[0]
            paths.append(tuple(env.name(e) if type(e) is str else e for e in node[1]))
    # DynamoDB names the pair in the order the expression wrote them, and looks for overlaps
    # across every pair before it looks for conflicts.
    pairs = [(a, b) for i, a in enumerate(paths) for b in paths[i + 1 :]]
    for first, second in pairs:
        shorter = min(len(first), len(second))
        if first[:shorter] == second[:shorter]:
            raise _path_error("overlap", first, second)
    for first, second in pairs:
        if _conflict(first, second):
            raise _path_error("conflict", first, second)
    return paths


def _check_literal_operands(node: tuple[Any, ...], env: Env) -> None:
    """list_append wants lists and + and - want numbers: a placeholder's value is known now."""
    tag = node[0]
    if tag == "if_not_exists":
        _check_literal_operands(node[2], env)
        return
    if tag not in ("list_append", "+", "-"):
        return
    wanted = "L" if tag == "list_append" else "N"
    for operand in node[1:]:
        _check_literal_operands(operand, env)
        if operand[0] == "value":
            kind = next(iter(env.values[operand[1]]))
            if kind != wanted:
                raise ExpressionError(
                    "Incorrect operand type for operator or function; "
                    f"operator or function: {tag}, operand type: {kind}"
                )


def _path_error(kind: str, first: tuple[Any, ...], second: tuple[Any, ...]) -> ExpressionError:
    return ExpressionError(
        f"Two document paths {kind} with each other; must remove or rewrite one of these paths; "
        f"path one: {_shown_path(first)}, path two: {_shown_path(second)}"
    )


def _conflict(a: tuple[Any, ...], b: tuple[Any, ...]) -> bool:
    """The same step reached once as a list index and once as a map key."""
    for x, y in zip(a, b, strict=False):
        if x == y:
            continue
        return type(x) is not type(y)
    return False


def _shown_path(path: tuple[Any, ...]) -> str:
    return "[" + ", ".join(f"[{e}]" if type(e) is int else e for e in path) + "]"


def apply_update(item: Item, clauses: dict[str, list[Any]], env: Env) -> Item:
    """A new item (sharing untouched values with `item`): the update applied."""
    sets = [(a[0][1], _set_value(a[1], item, env)) for a in clauses.get("SET", ())]
    adds = [(a[0][1], env.values[a[1][1]]) for a in clauses.get("ADD", ())]
    deletes = [(a[0][1], env.values[a[1][1]]) for a in clauses.get("DELETE", ())]
    removes = [a[1] for a in clauses.get("REMOVE", ())]
    result = dict(item)
    for path, value in sets:
        _assign(result, path, value, env)
    for path in sorted(removes, key=_index_last, reverse=True):
        _remove(result, path, env)
    for path, value in adds:
        _assign(result, path, _added(resolve(result, path, env), value), env)
    for path, value in deletes:
        remaining = _deleted(resolve(result, path, env), value)
        if remaining is None:
            _remove(result, path, env)
        else:
            _assign(result, path, remaining, env)
    return result


def _index_last(path: tuple[Any, ...]) -> tuple[Any, ...]:
    # Remove list elements highest index first so earlier removals do not shift later ones.
    return tuple(e if type(e) is int else -1 for e in path)


def _set_value(node: tuple[Any, ...], item: Item, env: Env) -> Value:
    tag = node[0]
    if tag == "value":
        return env.values[node[1]]
    if tag == "path":
        found = resolve(item, node[1], env)
        if found is None:
            raise invalid(
                "The provided expression refers to an attribute that does not exist in the item"
            )
        return found
    if tag == "if_not_exists":
        found = resolve(item, node[1][1], env)
        return found if found is not None else _set_value(node[2], item, env)
    if tag == "list_append":
        left, right = _set_value(node[1], item, env), _set_value(node[2], item, env)
        if "L" not in left or "L" not in right:
            raise invalid(_WRONG_TYPE)
        return {"L": left["L"] + right["L"]}
    left, right = _set_value(node[1], item, env), _set_value(node[2], item, env)
    if "N" not in left or "N" not in right:
        raise invalid(_WRONG_TYPE)
    a, b = Decimal(left["N"]), Decimal(right["N"])
    total = a + b if tag == "+" else a - b
    return {"N": number_text(parse_number(str(total)))}


def _container(root: Item, path: tuple[Any, ...], env: Env) -> Any:
    """The (copied) map dict or list that holds the last element of `path`, or None."""
    holder: Any = root
    for position, element in enumerate(path[:-1]):
        key = env.name(element) if type(element) is str else element
        if type(holder) is dict:
            child = holder.get(key) if type(key) is str else None
        else:
            child = holder[key] if type(key) is int and key < len(holder) else None
        if child is None:
            return None
        kind = "L" if type(path[position + 1]) is int else "M"
        inner = child.get(kind)
        if inner is None:
            return None
        copied: Any = list(inner) if kind == "L" else dict(inner)
        holder[key] = {kind: copied}
        holder = copied
    return holder


def _assign(root: Item, path: tuple[Any, ...], value: Value, env: Env) -> None:
    holder = _container(root, path, env) if len(path) > 1 else root
    last = path[-1]
    if holder is None:
        raise invalid(_INVALID_PATH)
    if type(last) is int:
        if type(holder) is not list:
            raise invalid(_INVALID_PATH)
        if last < len(holder):
            holder[last] = value
        else:
            holder.append(value)
        return
    if type(holder) is not dict:
        raise invalid(_INVALID_PATH)
    holder[env.name(last)] = value


def _remove(root: Item, path: tuple[Any, ...], env: Env) -> None:
    holder = _container(root, path, env) if len(path) > 1 else root
    if holder is None:
        return
    last = path[-1]
    if type(last) is int:
        if type(holder) is list and last < len(holder):
            del holder[last]
    elif type(holder) is dict:
        holder.pop(env.name(last), None)


def _added(current: Value | None, value: Value) -> Value:
    kind = next(iter(value))
    if kind not in ("N", "SS", "NS", "BS"):
        raise ExpressionError(
            "Incorrect operand type for operator or function; operator: ADD, "
            f"operand type: {_TYPE_WORDS.get(kind, kind)}"
        )
    if current is None:
        return value
    if kind not in current:
        raise invalid(_WRONG_TYPE)
    if kind == "N":
        total = Decimal(current["N"]) + Decimal(value["N"])
        return {"N": number_text(parse_number(str(total)))}
    merged = list(current[kind])
    for member in value[kind]:
        if not any(values_equal({kind[0]: member}, {kind[0]: m}) for m in merged):
            merged.append(member)
    return {kind: merged}


def _deleted(current: Value | None, value: Value) -> Value | None:
    kind = next(iter(value))
    if kind not in ("SS", "NS", "BS"):
        raise ExpressionError(
            "Incorrect operand type for operator or function; operator: DELETE, "
            f"operand type: {_TYPE_WORDS.get(kind, kind)}"
        )
    if current is None:
        return None
    if kind not in current:
        raise invalid(_WRONG_TYPE)
    remaining = [
        m
        for m in current[kind]
        if not any(values_equal({kind[0]: m}, {kind[0]: d}) for d in value[kind])
    ]
    return {kind: remaining} if remaining else None


_TYPE_WORDS = {
    "N": "NUMBER",
    "S": "STRING",
    "B": "BINARY",
    "BOOL": "BOOLEAN",
    "NULL": "NULL",
    "M": "MAP",
    "L": "LIST",
}
