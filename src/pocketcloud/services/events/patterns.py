"""Event patterns: AWS's matching (also used for Lambda event filters).

A pattern is a JSON object whose leaves are arrays of match values; an event matches when
every field named in the pattern matches (an array field in the event matches when any of
its elements does). Match values are literals (string, number, true/false/null) or one
operator object: prefix, suffix, anything-but, numeric, exists, cidr, equals-ignore-case,
wildcard. ``$or`` at any object level takes a list of sub-patterns, any of which may match.
Validation lives in pattern_checks; field names join with dots (``"a.b"`` is ``a`` > ``b``).
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache
from typing import Any

from pocketcloud.services.events.pattern_checks import invalid, parse_pattern

__all__ = ["invalid", "matches", "parse_pattern"]

_MISSING = object()


# --- matching ---------------------------------------------------------------------------

def matches(pattern: dict[str, Any], event: Any) -> bool:
    """Whether `event` (a decoded JSON object) matches a validated `pattern`."""
    if not isinstance(event, dict):
        return False
    for key, expected in pattern.items():
        if key == "$or":
            if not any(matches(branch, event) for branch in expected):
                return False
            continue
        value = event.get(key, _MISSING)
        if isinstance(expected, dict):
            if value is _MISSING:
                value = _dotted(event, key)
            if not _nested_matches(expected, value):
                return False
        elif not _field_matches(expected, value):
            return False
    return True


def _dotted(event: dict[str, Any], key: str) -> Any:
    """The object an event spells with dotted names ("state.status": ...) under `key`."""
    prefix = key + "."
    found = {k[len(prefix):]: v for k, v in event.items() if k.startswith(prefix)}
    return found or _MISSING


def _nested_matches(pattern: dict[str, Any], value: Any) -> bool:
    if isinstance(value, list):
        return any(isinstance(v, dict) and matches(pattern, v) for v in value)
    if isinstance(value, dict):
        return matches(pattern, value)
    # a missing object still matches a sub-pattern made only of {"exists": false}
    return _only_absence(pattern)


def _only_absence(pattern: dict[str, Any]) -> bool:
    for key, expected in pattern.items():
        if key == "$or":
            if not any(_only_absence(branch) for branch in expected):
                return False
        elif isinstance(expected, dict):
            if not _only_absence(expected):
                return False
        elif not _field_matches(expected, _MISSING):
            return False
    return True


def _field_matches(expected: list[Any], value: Any) -> bool:
    if value is _MISSING:
        return any(isinstance(m, dict) and m.get("exists") is False for m in expected)
    values = value if isinstance(value, list) else [value]
    for matcher in expected:
        if isinstance(matcher, dict) and "exists" in matcher:
            present = bool(values) and any(not isinstance(v, dict) for v in values)
            if matcher["exists"] == present:
                return True
            continue
        if any(_value_matches(matcher, v) for v in values):
            return True
    return False


def _value_matches(matcher: Any, value: Any) -> bool:
    if isinstance(matcher, dict):
        (operator, argument), = matcher.items()
        return bool(_OPERATORS[operator](argument, value))
    return _equal(matcher, value)


def _equal(literal: Any, value: Any) -> bool:
    if literal is None or value is None:
        return literal is None and value is None
    if isinstance(literal, bool) or isinstance(value, bool):
        return isinstance(literal, bool) and isinstance(value, bool) and literal == value
    if isinstance(literal, str) or isinstance(value, str):
        return isinstance(literal, str) and isinstance(value, str) and literal == value
    if isinstance(literal, (int, float)) and isinstance(value, (int, float)):
        return float(literal) == float(value)
    return False


def _text_op(check: Any) -> Any:
    def run(argument: Any, value: Any) -> bool:
        if not isinstance(value, str):
            return False
        if isinstance(argument, dict):
            return bool(check(value.lower(), argument["equals-ignore-case"].lower()))
        return bool(check(value, argument))
    return run


_prefix = _text_op(lambda value, arg: value.startswith(arg))
_suffix = _text_op(lambda value, arg: value.endswith(arg))


def _anything_but(argument: Any, value: Any) -> bool:
    # null is a value too: it is none of the excluded strings or numbers
    if isinstance(value, (dict, list)):
        return False
    if isinstance(argument, dict):
        (operator, inner), = argument.items()
        inners = inner if isinstance(inner, list) else [inner]
        if not isinstance(value, str):
            return True
        return not any(_OPERATORS[operator](v, value) for v in inners)
    excluded = argument if isinstance(argument, list) else [argument]
    return not any(_equal(e, value) for e in excluded)


def _numeric(argument: list[Any], value: Any) -> bool:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    for i in range(0, len(argument), 2):
        operator, bound = argument[i], argument[i + 1]
        ok = {"<": value < bound, "<=": value <= bound, "=": value == bound,
              ">": value > bound, ">=": value >= bound}[operator]
        if not ok:
            return False
    return True


def _cidr(argument: str, value: Any) -> bool:
    if not isinstance(value, str):
        return False
    try:
        return ipaddress.ip_address(value) in ipaddress.ip_network(argument, strict=False)
    except ValueError:
        return False


def _ignore_case(argument: str, value: Any) -> bool:
    return isinstance(value, str) and value.casefold() == argument.casefold()


@lru_cache(maxsize=1024)
def _wildcard_segments(argument: str) -> tuple[str, ...]:
    """The literal runs between unescaped stars ("\\*" is a literal star)."""
    segments, current, i = [], [], 0
    while i < len(argument):
        if argument[i] == "\\" and i + 1 < len(argument) and argument[i + 1] in "*\\":
            current.append(argument[i + 1])
            i += 2
            continue
        if argument[i] == "*":
            segments.append("".join(current))
            current = []
        else:
            current.append(argument[i])
        i += 1
    segments.append("".join(current))
    return tuple(segments)


def _wildcard(argument: str, value: Any) -> bool:
    # Greedy leftmost search is exact for "*"-only globs and never backtracks (no regex
    # engine, so a hostile pattern cannot make matching take exponential time).
    if not isinstance(value, str):
        return False
    segments = _wildcard_segments(argument)
    if len(segments) == 1:
        return value == segments[0]
    first, *middle, last = segments
    if not value.startswith(first) or len(value) < len(first) + len(last):
        return False
    position, end = len(first), len(value) - len(last)
    for segment in middle:
        found = value.find(segment, position, end)
        if found < 0:
            return False
        position = found + len(segment)
    return value.endswith(last) and position <= end


_OPERATORS: dict[str, Any] = {
    "prefix": _prefix,
    "suffix": _suffix,
    "anything-but": _anything_but,
    "numeric": _numeric,
    "cidr": _cidr,
    "wildcard": _wildcard,
    "equals-ignore-case": _ignore_case,
}
