"""Does a message match a subscription's filter policy? (validated by filter_policy.py)

Both scopes become the same question: a policy object against candidate objects whose leaves
are lists of values. Attribute scope: one object, attribute name -> its values (String: the
string; Number: the number; String.Array: its elements; Binary attributes are not
filterable, as in AWS). Body scope: the message's JSON, arrays flattened at any depth; there
a dotted key ("object.nested") names both the nested path and a key spelled with the dot.
"""

from __future__ import annotations

import ipaddress
import json
from typing import Any


def matches(policy: dict[str, Any], scope: str, message: str,
            attributes: dict[str, dict[str, Any]]) -> bool:
    if not policy:
        return True
    if scope == "MessageBody":
        try:
            body = json.loads(message)
        except (ValueError, RecursionError):
            return False
        try:
            return isinstance(body, dict) and _match_object(policy, [body], dotted=True)
        except RecursionError:  # a body nested deeper than any policy could mean
            return False
    return _match_object(policy, [attribute_values(attributes)])


def attribute_values(attributes: dict[str, dict[str, Any]]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name, attribute in attributes.items():
        data_type = str(attribute.get("DataType", ""))
        raw = attribute.get("StringValue")
        if raw is None:
            continue  # binary attributes are not filterable
        if data_type.startswith("Number"):
            try:
                values[name] = float(raw)
            except (ValueError, RecursionError):
                continue
        elif data_type.startswith("String.Array"):
            try:
                parsed = json.loads(raw)
            except (ValueError, RecursionError):
                continue
            values[name] = parsed if isinstance(parsed, list) else [parsed]
        elif data_type.startswith("String"):
            values[name] = raw
    return values


def _flatten(value: Any) -> list[Any]:
    if isinstance(value, list):
        return [leaf for item in value for leaf in _flatten(item)]
    return [value]


def _values_at(obj: dict[str, Any], key: str, dotted: bool) -> list[Any]:
    """What `key` names in `obj`: the key itself and, in body scope, every way of reading its
    dots as steps into nested objects ("a.b.c": a -> b -> c, "a.b" -> c, a -> "b.c")."""
    found = [obj[key]] if key in obj else []
    if dotted and "." in key:
        for cut, char in enumerate(key):
            head = key[:cut]
            if char == "." and head in obj:
                for child in _flatten(obj[head]):
                    if isinstance(child, dict):
                        found += _values_at(child, key[cut + 1:], dotted)
    return found


def _match_object(policy: dict[str, Any], candidates: list[dict[str, Any]],
                  dotted: bool = False) -> bool:
    for key, rule in policy.items():
        if key == "$or":
            if not any(_match_object(branch, candidates, dotted) for branch in rule):
                return False
            continue
        values = [v for obj in candidates for v in _values_at(obj, key, dotted)]
        if isinstance(rule, dict):
            children = [c for v in values for c in _flatten(v) if isinstance(c, dict)]
            if not _match_object(rule, children, dotted):
                return False
        else:
            leaves = [leaf for v in values for leaf in _flatten(v) if not isinstance(leaf, dict)]
            if not _match_leaf(rule, bool(values), leaves):
                return False
    return True


def _match_leaf(conditions: list[Any], present: bool, values: list[Any]) -> bool:
    for condition in conditions:
        if isinstance(condition, dict) and "exists" in condition:
            if condition["exists"] == present:
                return True
        elif present and any(_match_value(condition, value) for value in values):
            return True
    return False


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _same_number(a: float, b: float) -> bool:
    return round(float(a), 5) == round(float(b), 5)


def _match_value(condition: Any, value: Any) -> bool:
    if isinstance(condition, dict):
        operator, operand = next(iter(condition.items()))
        return bool(_OPERATORS[operator](operand, value))
    return _equals(condition, value)


def _equals(condition: Any, value: Any) -> bool:
    if condition is None or isinstance(condition, bool):
        return value is condition or (isinstance(value, bool) and value == condition)
    if _is_number(condition):
        return _is_number(value) and _same_number(condition, value)
    return isinstance(value, str) and value == condition


def _prefix(operand: Any, value: Any) -> bool:
    if not isinstance(value, str):
        return False
    if isinstance(operand, dict):
        return value.lower().startswith(str(operand["equals-ignore-case"]).lower())
    return value.startswith(operand)


def _suffix(operand: Any, value: Any) -> bool:
    return isinstance(value, str) and value.endswith(operand)


def _ignore_case(operand: Any, value: Any) -> bool:
    return isinstance(value, str) and value.lower() == operand.lower()


def _anything_but(operand: Any, value: Any) -> bool:
    if isinstance(operand, dict):
        inner, pattern = next(iter(operand.items()))
        if not isinstance(value, str):
            return False  # string patterns say nothing about numbers
        if inner == "prefix":
            return not value.startswith(pattern)
        patterns = pattern if isinstance(pattern, list) else [pattern]
        return value.lower() not in {p.lower() for p in patterns}
    excluded = operand if isinstance(operand, list) else [operand]
    return not any(_equals(item, value) for item in excluded)


def _numeric(operand: list[Any], value: Any) -> bool:
    if not _is_number(value):
        return False
    number = round(float(value), 5)
    for index in range(0, len(operand), 2):
        operator, bound = operand[index], round(float(operand[index + 1]), 5)
        if not _COMPARE[operator](number, bound):
            return False
    return True


_COMPARE = {
    "<": lambda a, b: a < b, "<=": lambda a, b: a <= b, "=": lambda a, b: a == b,
    ">": lambda a, b: a > b, ">=": lambda a, b: a >= b,
}


def _cidr(operand: str, value: Any) -> bool:
    if not isinstance(value, str):
        return False
    try:
        return ipaddress.ip_address(value) in ipaddress.ip_network(operand, strict=False)
    except (ValueError, RecursionError):
        return False


_OPERATORS = {
    "prefix": _prefix, "suffix": _suffix, "equals-ignore-case": _ignore_case,
    "anything-but": _anything_but, "numeric": _numeric, "cidr": _cidr,
}
