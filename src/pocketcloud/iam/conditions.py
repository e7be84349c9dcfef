"""Condition operators, as the IAM User Guide documents them.

A key absent from the request context makes a condition false, except that negated
operators (StringNotEquals, ArnNotLike, NotIpAddress, ...) are then true, ``...IfExists``
is true, ``ForAllValues:`` is true and ``ForAnyValue:`` is false (also for an empty set).
Several policy values for one key are ORed (NORed for a negated operator); several keys
and several operators are ANDed. Condition keys compare case-insensitively; the engine
keeps them lower-case.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from pocketcloud.iam.errors import PolicyError
from pocketcloud.iam.matching import (
    arn_matches,
    has_variables,
    literal_aware_match,
    substitute,
    unmark,
)

Context = Mapping[str, Sequence[str]]
Matcher = Callable[[str, str], bool]
MAX_CONDITION_VALUES = 1000


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


@lru_cache(maxsize=4096)
def _epoch(text: str) -> float | None:
    """ISO 8601 (a date, or a time with or without zone: UTC when none) or epoch seconds."""
    number = _number(text)
    if number is not None:
        return number
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


@lru_cache(maxsize=4096)
def _network(text: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
    try:
        return ipaddress.ip_network(text.strip(), strict=False)
    except ValueError:
        return None


def _compare(
    convert: Callable[[str], float | None], test: Callable[[float, float], bool]
) -> Matcher:
    def match(policy_value: str, context_value: str) -> bool:
        wanted, actual = convert(policy_value), convert(context_value)
        return wanted is not None and actual is not None and test(actual, wanted)

    return match


def _in_network(policy_value: str, context_value: str) -> bool:
    network = _network(policy_value)
    try:
        address = ipaddress.ip_address(context_value.strip())
    except ValueError:
        return False
    return network is not None and address.version == network.version and address in network


def _equals(policy_value: str, context_value: str) -> bool:
    return unmark(policy_value) == context_value


def _equals_ignore_case(policy_value: str, context_value: str) -> bool:
    return unmark(policy_value).lower() == context_value.lower()


def _like(policy_value: str, context_value: str) -> bool:
    return literal_aware_match(policy_value, context_value)


def _arn_like(policy_value: str, context_value: str) -> bool:
    return arn_matches(unmark(policy_value), context_value)


def _bool(policy_value: str, context_value: str) -> bool:
    return policy_value.lower() == context_value.lower()


# operator -> (positive matcher, negated?, takes policy variables?)
OPERATORS: dict[str, tuple[Matcher, bool, bool]] = {
    "StringEquals": (_equals, False, True),
    "StringNotEquals": (_equals, True, True),
    "StringEqualsIgnoreCase": (_equals_ignore_case, False, True),
    "StringNotEqualsIgnoreCase": (_equals_ignore_case, True, True),
    "StringLike": (_like, False, True),
    "StringNotLike": (_like, True, True),
    "NumericEquals": (_compare(_number, lambda a, w: a == w), False, False),
    "NumericNotEquals": (_compare(_number, lambda a, w: a == w), True, False),
    "NumericLessThan": (_compare(_number, lambda a, w: a < w), False, False),
    "NumericLessThanEquals": (_compare(_number, lambda a, w: a <= w), False, False),
    "NumericGreaterThan": (_compare(_number, lambda a, w: a > w), False, False),
    "NumericGreaterThanEquals": (_compare(_number, lambda a, w: a >= w), False, False),
    "DateEquals": (_compare(_epoch, lambda a, w: a == w), False, False),
    "DateNotEquals": (_compare(_epoch, lambda a, w: a == w), True, False),
    "DateLessThan": (_compare(_epoch, lambda a, w: a < w), False, False),
    "DateLessThanEquals": (_compare(_epoch, lambda a, w: a <= w), False, False),
    "DateGreaterThan": (_compare(_epoch, lambda a, w: a > w), False, False),
    "DateGreaterThanEquals": (_compare(_epoch, lambda a, w: a >= w), False, False),
    "Bool": (_bool, False, True),
    "BinaryEquals": (_equals, False, False),
    "IpAddress": (_in_network, False, False),
    "NotIpAddress": (_in_network, True, False),
    "ArnEquals": (_arn_like, False, True),
    "ArnLike": (_arn_like, False, True),
    "ArnNotEquals": (_arn_like, True, True),
    "ArnNotLike": (_arn_like, True, True),
}
_CANONICAL = {name.lower(): name for name in [*OPERATORS, "Null"]}
_VALIDATORS: dict[str, Callable[[str], object]] = {
    "Numeric": _number, "Date": _epoch, "IpAddress": _network, "NotIpAddress": _network,
}


@dataclass(frozen=True)
class Condition:
    operator: str  # canonical base name: "StringEquals", "Null", ...
    key: str  # lower-case
    values: tuple[str, ...]
    qualifier: str = ""  # "" | "ForAllValues" | "ForAnyValue"
    if_exists: bool = False


def operator_known(full_name: str) -> bool:
    try:
        _split_operator(full_name)
    except PolicyError:
        return False
    return True


def parse_conditions(raw: Any, iam_checked: bool = False) -> tuple[Condition, ...]:
    """``iam_checked``: IAM's document checks ran (an empty block of any name is allowed,
    dates were checked with IAM's own grammar)."""
    if not isinstance(raw, dict):
        raise PolicyError("Syntax errors in policy. Condition must be an object.")
    parsed: list[Condition] = []
    for full_name, keys in raw.items():
        if iam_checked and keys == {}:
            continue
        qualifier, operator, if_exists = _split_operator(full_name)
        if not isinstance(keys, dict):
            raise PolicyError("Syntax errors in policy.")
        for key, value in keys.items():
            values = tuple(_text(v) for v in (value if isinstance(value, list) else [value]))
            if len(values) > MAX_CONDITION_VALUES:
                raise PolicyError("Syntax errors in policy. Too many condition values.")
            if not (iam_checked and operator.startswith("Date")):
                _validate_values(operator, values)
            parsed.append(Condition(operator, key.lower(), values, qualifier, if_exists))
    return tuple(parsed)


def _split_operator(full_name: str) -> tuple[str, str, bool]:
    qualifier, _, name = full_name.rpartition(":")
    if qualifier.lower() not in ("", "forallvalues", "foranyvalue"):
        raise PolicyError(f"Invalid Condition type : {full_name}.")
    qualifier = {"forallvalues": "ForAllValues", "foranyvalue": "ForAnyValue"}.get(
        qualifier.lower(), "")
    if_exists = name.lower().endswith("ifexists") and name.lower() != "ifexists"
    base = _CANONICAL.get(name[: -len("IfExists")].lower() if if_exists else name.lower())
    if base is None or (base == "Null" and if_exists):
        raise PolicyError(f"Invalid Condition type : {full_name}.")
    return qualifier, base, if_exists


def _validate_values(operator: str, values: tuple[str, ...]) -> None:
    validator = _VALIDATORS.get(operator) or _VALIDATORS.get(operator[:7]) \
        or _VALIDATORS.get(operator[:4])
    if operator == "Null":
        validator = None
        if any(v.lower() not in ("true", "false") for v in values):
            raise PolicyError("Syntax errors in policy. Null takes true or false.")
    if validator is None:
        return
    for value in values:
        if validator(value) is None:
            raise PolicyError(f"Invalid value {value} for condition {operator}.")


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | str):
        return str(value)
    raise PolicyError("Syntax errors in policy. Condition values must be strings.")


def condition_holds(condition: Condition, context: Context, variables: bool) -> bool:
    """One operator on one key, with the documented absent-key and set semantics."""
    present = context.get(condition.key)
    if condition.operator == "Null":
        wants_absent = condition.values[0].lower() == "true" if condition.values else True
        return (not present) == wants_absent
    matcher, negated, takes_variables = OPERATORS[condition.operator]
    if not present:
        if condition.if_exists or condition.qualifier == "ForAllValues":
            return True
        if condition.qualifier == "ForAnyValue":
            return False
        return negated
    wanted = _policy_values(condition.values, context, variables and takes_variables)

    def hits(actual: str) -> bool:
        return any(matcher(value, actual) for value in wanted)

    if condition.qualifier == "ForAllValues":
        return all(hits(v) != negated for v in present)
    if condition.qualifier == "ForAnyValue":
        return any(hits(v) != negated for v in present)
    return any(hits(v) for v in present) != negated


def _policy_values(values: tuple[str, ...], context: Context, variables: bool) -> list[str]:
    if not variables:
        return list(values)
    resolved = []
    for value in values:
        if has_variables(value):
            substituted = substitute(value, context)
            if substituted is not None:
                resolved.append(substituted)
        else:
            resolved.append(value)
    return resolved


def conditions_hold(conditions: tuple[Condition, ...], context: Context, variables: bool) -> bool:
    return all(condition_holds(c, context, variables) for c in conditions)
