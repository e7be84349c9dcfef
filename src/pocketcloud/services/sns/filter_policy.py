"""Subscription filter policies: AWS's validation (errors, 5 keys, 150 combinations).

A policy is a JSON object. Attribute-scoped policies are flat: each key names a message
attribute and holds a list of conditions. Payload-scoped policies nest objects following the
message body's JSON. ``$or`` holds a list of sub-policies, any of which may match. A condition
is a string, number, true, false, null, or an object with one operator (see _OPERATORS).
Matching lives in filter_match.py.
"""

from __future__ import annotations

import ipaddress
import json
from typing import Any

from pocketcloud.errors import AwsError

MAX_KEYS = 5
MAX_COMBINATIONS = 150
MAX_POLICY_BYTES = 256 * 1024
NUMERIC_LIMIT = 1_000_000_000  # AWS: numeric matching within -10^9..10^9
_OPERATORS = frozenset({"prefix", "suffix", "anything-but", "numeric", "exists", "cidr",
                        "equals-ignore-case"})
_NUMERIC_OPERATORS = frozenset({"<", "<=", "=", ">", ">="})


def invalid(message: str) -> AwsError:
    return AwsError("InvalidParameter", f"Invalid parameter: FilterPolicy: {message}")


def parse_policy(text: str, scope: str) -> dict[str, Any]:
    """The policy as JSON, validated for its scope (MessageAttributes or MessageBody)."""
    if len(text.encode("utf-8")) > MAX_POLICY_BYTES:
        raise invalid("Filter policy is too big")
    try:
        policy = json.loads(text)
    except (ValueError, RecursionError):
        raise invalid("failed to parse JSON.") from None
    if not isinstance(policy, dict):
        raise invalid("Filter policy must be a JSON object")
    if not policy:
        return policy
    _validate_object(policy, depth=0)
    if scope != "MessageBody" and _nested(policy):
        raise AwsError("InvalidParameter", "Invalid parameter: Filter policy scope "
                       "MessageAttributes does not support nested filter policy")
    keys = max(_key_counts(policy))
    if keys > MAX_KEYS:
        raise invalid(f"Filter policy can not have more than {MAX_KEYS} keys")
    if _combinations(policy) > MAX_COMBINATIONS:
        raise invalid("Filter policy is too complex")
    return policy


def _nested(policy: dict[str, Any]) -> bool:
    return any(isinstance(value, dict) or key == "$or" and any(map(_nested, value))
               for key, value in policy.items())


def _validate_object(policy: dict[str, Any], *, depth: int) -> None:
    if depth > 32:
        raise invalid("Filter policy is too deeply nested")
    for key, value in policy.items():
        if key == "$or":
            if not isinstance(value, list) or len(value) < 2:
                raise invalid("$or must be an array of at least two objects")
            for branch in value:
                if not isinstance(branch, dict) or not branch:
                    raise invalid("$or must be an array of at least two objects")
                _validate_object(branch, depth=depth + 1)
        elif isinstance(value, dict):
            if not value:
                raise invalid(f"Empty objects are not allowed: \"{key}\"")
            _validate_object(value, depth=depth + 1)
        elif isinstance(value, list):
            if not value:
                raise invalid(f"Empty arrays are not allowed: \"{key}\"")
            for condition in value:
                _validate_condition(condition)
        else:
            raise invalid(f"\"{key}\" must be an object or an array")


def _validate_condition(condition: Any) -> None:
    if condition is None or isinstance(condition, str | bool):
        return
    if isinstance(condition, int | float):
        _check_number(condition)
        return
    if not isinstance(condition, dict):
        raise invalid("Match value must be String, number, true, false, or null")
    if len(condition) != 1:
        raise invalid("Only one key allowed in match expression")
    operator, operand = next(iter(condition.items()))
    if operator not in _OPERATORS:
        raise invalid(f"Unrecognized match type {operator}")
    _CHECKS[operator](operand)


def _check_number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise invalid("Value of numeric must be a number")
    if not -NUMERIC_LIMIT <= value <= NUMERIC_LIMIT:
        raise invalid(f"Numeric value must be within -{NUMERIC_LIMIT} and {NUMERIC_LIMIT}")
    return float(value)


def _check_string(operator: str) -> Any:
    def check(operand: Any) -> None:
        if not isinstance(operand, str):
            raise invalid(f"{operator} match pattern must be a string")

    return check


def _check_prefix(operand: Any) -> None:
    if isinstance(operand, dict) and set(operand) == {"equals-ignore-case"}:
        operand = operand["equals-ignore-case"]
    _check_string("prefix")(operand)


def _check_exists(operand: Any) -> None:
    if not isinstance(operand, bool):
        raise invalid("exists match pattern must be either true or false.")


def _check_anything_but(operand: Any) -> None:
    if isinstance(operand, dict):
        if len(operand) != 1 or next(iter(operand)) not in ("prefix",
                                                            "equals-ignore-case"):
            raise invalid("Unsupported anything-but pattern: " + ", ".join(operand))
        inner, value = next(iter(operand.items()))
        if inner == "equals-ignore-case" and isinstance(value, list):
            if not value or not all(isinstance(v, str) for v in value):
                raise invalid("Inside anything-but/equals-ignore-case list, number|start"
                              "|null|boolean is not supported.")
            return
        _check_string(inner)(value)
        return
    values = operand if isinstance(operand, list) else [operand]
    if not values:
        raise invalid("Empty arrays are not allowed: anything-but")
    kinds = {type(v) for v in values}
    if kinds - {str, int, float} or (str in kinds and kinds & {int, float}):
        raise invalid("Inside anything but list, start|null|boolean is not supported.")
    for value in values:
        if not isinstance(value, str):
            _check_number(value)


def _check_numeric(operand: Any) -> None:
    """AWS's checks, read left to right: one comparison, or a lower then an upper bound."""
    if not isinstance(operand, list):
        raise invalid("Value of numeric must be an array.")
    first = _range_operator(operand, 0, "Invalid member in numeric match")
    if first not in _NUMERIC_OPERATORS:
        raise invalid(f"Unrecognized numeric range operator: {first}")
    lower = _range_value(operand, 1, "equals" if first == "=" else first)
    if len(operand) == 2:
        return
    if first in ("=", "<", "<="):
        raise invalid("Too many elements in numeric expression")
    second = _range_operator(operand, 2, "Bad value in numeric range")
    if second not in ("<", "<="):
        raise invalid(f"Bad numeric range operator: {second}")
    upper = _range_value(operand, 3, second)
    if len(operand) > 4:
        raise invalid("Too many terms in numeric range expression")
    if lower >= upper:
        raise invalid("Bottom must be less than top")


def _range_operator(operand: list[Any], index: int, complaint: str) -> str:
    if index >= len(operand):
        raise invalid(f"{complaint}: ]")
    found = operand[index]
    if not isinstance(found, str):
        raise invalid(f"{complaint}: {json.dumps(found)}")
    return found


def _range_value(operand: list[Any], index: int, operator: str) -> float:
    found = operand[index] if index < len(operand) else None
    if isinstance(found, bool) or not isinstance(found, int | float):
        raise invalid(f"Value of {operator} must be numeric")
    return _check_number(found)


def _check_cidr(operand: Any) -> None:
    if not isinstance(operand, str):
        raise invalid("prefix match pattern must be a string")
    if "/" not in operand:
        raise invalid(f"Malformed CIDR, one '/' required: {operand}")
    try:
        ipaddress.ip_network(operand, strict=False)
    except ValueError:
        raise invalid(f"Nonstandard IP address: {operand}") from None


_CHECKS = {
    "prefix": _check_prefix,
    "suffix": _check_string("suffix"),
    "equals-ignore-case": _check_string("equals-ignore-case"),
    "anything-but": _check_anything_but,
    "numeric": _check_numeric,
    "exists": _check_exists,
    "cidr": _check_cidr,
}


def _key_counts(policy: dict[str, Any]) -> list[int]:
    """Leaf keys in each alternative ($or expands into alternatives)."""
    counts = [0]
    for key, value in policy.items():
        if key == "$or":
            branches = [c for branch in value for c in _key_counts(branch)]
            counts = [a + b for a in counts for b in branches][:MAX_COMBINATIONS + 1]
        elif isinstance(value, dict):
            inner = _key_counts(value)
            counts = [a + b for a in counts for b in inner][:MAX_COMBINATIONS + 1]
        else:
            counts = [a + 1 for a in counts]
    return counts


def _combinations(policy: dict[str, Any]) -> int:
    """AWS's complexity: the product of each key's number of values ($or branches add)."""
    total = 1
    for key, value in policy.items():
        if key == "$or":
            total *= sum(_combinations(branch) for branch in value)
        elif isinstance(value, dict):
            total *= _combinations(value)
        else:
            total *= len(value)
        if total > MAX_COMBINATIONS:
            return total
    return total
