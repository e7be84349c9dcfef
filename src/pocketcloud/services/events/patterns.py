"""Event patterns: AWS's validation and matching (also used for S3/SNS-style filters).

A pattern is a JSON object whose leaves are arrays of match values; an event matches when
every field named in the pattern matches (an array field in the event matches when any of
its elements does). Match values are literals (string, number, true/false/null) or one
operator object: prefix, suffix, anything-but, numeric, exists, cidr, equals-ignore-case,
wildcard. ``$or`` at any object level takes a list of sub-patterns, any of which may match.
"""

from __future__ import annotations

import ipaddress
import json
from functools import lru_cache
from typing import Any

from pocketcloud.errors import AwsError

PATTERN_CHARS_MAX = 4096
NESTING_DEPTH_MAX = 64  # bounds recursion on hostile input
OR_BRANCHES_MAX = 1000  # AWS caps the combinations of a pattern with $or
NUMERIC_LIMIT = 5e9  # AWS: numbers in patterns must lie within -5e9..5e9
_NUMERIC_OPS = ("<", "<=", "=", ">", ">=")
_MISSING = object()


def invalid(reason: str) -> AwsError:
    return AwsError("InvalidEventPatternException",
                    f"Event pattern is not valid. Reason: {reason}")


def parse_pattern(text: str) -> dict[str, Any]:
    """The pattern as a dict, or InvalidEventPatternException with AWS's kind of reason."""
    if len(text) > PATTERN_CHARS_MAX:
        raise invalid(f"Event pattern exceeds the maximum length of {PATTERN_CHARS_MAX}")
    try:
        pattern = json.loads(text)
    except (ValueError, RecursionError) as error:
        raise invalid(f"Filter is not valid JSON: {error}") from None
    if not isinstance(pattern, dict):
        raise invalid("Filter is not an object")
    _validate_object(pattern, 0)
    return pattern


def _validate_object(pattern: dict[str, Any], depth: int) -> None:
    if depth > NESTING_DEPTH_MAX:
        raise invalid("Filter is nested too deeply")
    for key, value in pattern.items():
        if key == "$or":
            if not isinstance(value, list) or len(value) < 2:
                raise invalid('"$or" must be an array of at least two objects')
            for branch in value:
                if not isinstance(branch, dict) or not branch:
                    raise invalid('"$or" must contain only non-empty objects')
                _validate_object(branch, depth + 1)
        elif isinstance(value, dict):
            if not value:
                raise invalid(f'Empty objects are not allowed at "{key}"')
            _validate_object(value, depth + 1)
        elif isinstance(value, list):
            if not value:
                raise invalid(f'Empty arrays are not allowed at "{key}"')
            for item in value:
                _validate_match_value(key, item)
        else:
            raise invalid(f'"{key}" must be an object or an array')


def _validate_match_value(key: str, item: Any) -> None:
    if item is None or isinstance(item, (str, bool)):
        return
    if isinstance(item, (int, float)):
        _check_number(item)
        return
    if not isinstance(item, dict) or len(item) != 1:
        raise invalid(f'Match value must be String, number, true, false, or null at "{key}"')
    (operator, argument), = item.items()
    checker = _VALIDATORS.get(operator)
    if checker is None:
        raise invalid(f'Unrecognized match type {operator} at "{key}"')
    checker(key, argument)


def _check_number(value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise invalid("Value of numeric match must be numeric")
    if not -NUMERIC_LIMIT <= value <= NUMERIC_LIMIT:
        raise invalid("Value is out of the range -5.0E9 to 5.0E9")


def _string_or_ignore_case(operator: str) -> Any:
    def check(key: str, argument: Any) -> None:
        if isinstance(argument, dict) and list(argument) == ["equals-ignore-case"]:
            argument = argument["equals-ignore-case"]
        if not isinstance(argument, str):
            raise invalid(f'{operator} match pattern must be a string at "{key}"')
    return check


def _check_anything_but(key: str, argument: Any) -> None:
    if isinstance(argument, dict):
        if len(argument) != 1:
            raise invalid(f'Value of anything-but must be an array or single string/number '
                          f'value at "{key}"')
        (operator, inner), = argument.items()
        if operator not in ("prefix", "suffix", "equals-ignore-case", "wildcard"):
            raise invalid(f'Unsupported anything-but pattern: {operator} at "{key}"')
        values = inner if isinstance(inner, list) else [inner]
        if not values or not all(isinstance(v, str) for v in values):
            raise invalid(f'Value of {operator} inside anything-but must be a string at "{key}"')
        return
    values = argument if isinstance(argument, list) else [argument]
    if not values:
        raise invalid(f'Empty arrays are not allowed in anything-but at "{key}"')
    kinds = {isinstance(v, str) for v in values}
    for value in values:
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise invalid(f'Inside anything but list, start|null|boolean is not supported at '
                          f'"{key}"')
        if not isinstance(value, str):
            _check_number(value)
    if len(kinds) > 1:
        raise invalid(f'Inside anything but list, all values must be the same type at "{key}"')


def _check_numeric(key: str, argument: Any) -> None:
    if not isinstance(argument, list) or len(argument) not in (2, 4):
        raise invalid(f'Value of numeric must be an array of 2 or 4 elements at "{key}"')
    pairs = [argument[i:i + 2] for i in range(0, len(argument), 2)]
    for operator, value in pairs:
        if operator not in _NUMERIC_OPS:
            raise invalid(f'Unrecognized numeric range operator: {operator} at "{key}"')
        _check_number(value)
    if len(pairs) == 2:
        (low_op, low), (high_op, high) = pairs
        if low_op not in (">", ">=") or high_op not in ("<", "<="):
            raise invalid(f'Bad numeric range operator at "{key}"')
        if low >= high:
            raise invalid(f'Bottom must be less than top at "{key}"')
    elif pairs[0][0] == "=" and len(argument) != 2:
        raise invalid(f'Bad numeric range operator at "{key}"')


def _check_exists(key: str, argument: Any) -> None:
    if not isinstance(argument, bool):
        raise invalid(f'exists match pattern must be either true or false at "{key}"')


def _check_cidr(key: str, argument: Any) -> None:
    try:
        ipaddress.ip_network(argument, strict=False)
    except (ValueError, TypeError):
        raise invalid(f'Malformed CIDR, one "/" required at "{key}"') from None


def _check_wildcard(key: str, argument: Any) -> None:
    if not isinstance(argument, str):
        raise invalid(f'wildcard match pattern must be a string at "{key}"')
    if "**" in argument:
        raise invalid(f'Consecutive wildcard characters at pos {argument.index("**") + 1} '
                      f'at "{key}"')


def _check_ignore_case(key: str, argument: Any) -> None:
    if not isinstance(argument, str):
        raise invalid(f'equals-ignore-case match pattern must be a string at "{key}"')


_VALIDATORS = {
    "prefix": _string_or_ignore_case("prefix"),
    "suffix": _string_or_ignore_case("suffix"),
    "anything-but": _check_anything_but,
    "numeric": _check_numeric,
    "exists": _check_exists,
    "cidr": _check_cidr,
    "wildcard": _check_wildcard,
    "equals-ignore-case": _check_ignore_case,
}


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
            if not _nested_matches(expected, value):
                return False
        elif not _field_matches(expected, value):
            return False
    return True


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
    if value is None or isinstance(value, (dict, list)):
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
