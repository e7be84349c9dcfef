"""Event pattern validation, with the reasons EventBridge gives (its rule compiler's wording).

`parse_pattern` also joins dotted field names into nested objects: EventBridge reads
``{"state.status": [...]}`` as ``{"state": {"status": [...]}}``.
"""

from __future__ import annotations

import ipaddress
import json
from typing import Any

from pocketcloud.errors import AwsError

PATTERN_CHARS_MAX = 4096
NESTING_DEPTH_MAX = 64  # bounds recursion on hostile input
NUMERIC_LIMIT = 5e9  # AWS: numbers compared numerically must lie within -5e9..5e9
_BOTTOM_OPS, _TOP_OPS = (">", ">="), ("<", "<=")
_ANYTHING_BUT_OPS = ("equals-ignore-case", "prefix", "suffix", "wildcard")
_ONE_KEY = "Only one key allowed in match expression"
_TOO_MANY = "Too many elements in numeric expression"
_ANYTHING_BUT_VALUE = "Value of anything-but must be an array or single string/number value."


def invalid(reason: str) -> AwsError:
    return AwsError("InvalidEventPatternException",
                    f"Event pattern is not valid. Reason: {reason}")


def parse_pattern(text: str) -> dict[str, Any]:
    """The pattern as a dict, or InvalidEventPatternException with AWS's reason."""
    if len(text) > PATTERN_CHARS_MAX:
        raise invalid(f"Event pattern exceeds the maximum length of {PATTERN_CHARS_MAX}")
    try:
        pattern = json.loads(text)
    except (ValueError, RecursionError) as error:
        raise invalid(f"Filter is not valid JSON: {error}") from None
    if not isinstance(pattern, dict):
        raise invalid("Filter is not an object")
    return _checked_object(pattern, 0)


def _checked_object(pattern: dict[str, Any], depth: int) -> dict[str, Any]:
    """The object validated, its dotted keys joined into nested objects."""
    if depth > NESTING_DEPTH_MAX:
        raise invalid("Filter is nested too deeply")
    if not pattern:
        raise invalid("Empty objects are not allowed")
    joined: dict[str, Any] = {}
    for key, value in pattern.items():
        if key == "$or":
            joined[key] = _checked_or(value, depth)
        elif isinstance(value, dict):
            _place(joined, key, _checked_object(value, depth + 1))
        elif isinstance(value, list):
            if not value:
                raise invalid("Empty arrays are not allowed")
            for item in value:
                _check_match_value(item)
            _place(joined, key, value)
        else:
            raise invalid(f'"{key}" must be an object or an array')
    return joined


def _checked_or(branches: Any, depth: int) -> list[dict[str, Any]]:
    if not isinstance(branches, list):
        raise invalid("It must be an Array followed with $or.")
    if not all(isinstance(branch, dict) for branch in branches):
        raise invalid("Only JSON object is allowed in array of $or relationship.")
    if len(branches) < 2:
        raise invalid("There must have at least 2 Objects in $or relationship.")
    return [_checked_object(branch, depth + 1) for branch in branches]


def _place(target: dict[str, Any], key: str, value: Any) -> None:
    *parents, leaf = key.split(".") if "." in key.strip(".") else [key]
    for parent in parents:
        found = target.get(parent)
        if not isinstance(found, dict):
            found = target[parent] = {}
        target = found
    if isinstance(value, dict) and isinstance(target.get(leaf), dict):
        target[leaf].update(value)
    else:
        target[leaf] = value


def _check_match_value(item: Any) -> None:
    # A literal number outside the numeric range still matches by its text (account ids).
    if item is None or isinstance(item, (str, bool, int, float)):
        return
    if not isinstance(item, dict):
        raise invalid("Match value must be String, number, true, false, or null")
    if not item:
        raise invalid("Match expression name not found")
    operator = next(iter(item))
    checker = _CHECKERS.get(operator)
    if checker is None:
        raise invalid(f"Unrecognized match type {operator}")
    checker(item[operator])
    if len(item) > 1:
        raise invalid(_TOO_MANY if operator in ("numeric", "anything-but") else _ONE_KEY)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _check_range(value: Any) -> None:
    if not -NUMERIC_LIMIT <= value <= NUMERIC_LIMIT:
        raise invalid("Value is out of the range -5.0E9 to 5.0E9")


def _token(items: list[Any], index: int) -> str:
    """How the rule compiler names the JSON token at `index` ("]" past the end)."""
    if index >= len(items):
        return "]"
    value = items[index]
    return value if isinstance(value, str) else json.dumps(value)


def _text_check(operator: str) -> Any:
    def check(argument: Any) -> None:
        if isinstance(argument, dict):
            _check_ignore_case_inside(operator, argument)
        elif not isinstance(argument, str):
            raise invalid(f"{operator} match pattern must be a string")
    return check


def _check_ignore_case_inside(operator: str, argument: dict[str, Any]) -> None:
    if not argument:
        raise invalid(f"{operator.capitalize()} expression name not found")
    inner = next(iter(argument))
    if inner != "equals-ignore-case":
        raise invalid(f"Unsupported {operator} pattern: {inner}")
    if not isinstance(argument[inner], str):
        raise invalid("equals-ignore-case match pattern must be a string")
    if len(argument) > 1:
        raise invalid(_ONE_KEY)


def _check_numeric(argument: Any) -> None:
    if not isinstance(argument, list):
        raise invalid("Value of numeric must be an array.")
    if not argument or not isinstance(argument[0], str):
        raise invalid(f"Invalid member in numeric match: {_token(argument, 0)}")
    operator = argument[0]
    if operator not in ("=", *_BOTTOM_OPS, *_TOP_OPS):
        raise invalid(f"Unrecognized numeric range operator: {operator}")
    if len(argument) < 2 or not _is_number(argument[1]):
        raise invalid(f"Value of {'equals' if operator == '=' else operator} must be numeric")
    _check_range(argument[1])
    if operator in _BOTTOM_OPS and len(argument) > 2:
        _check_numeric_top(argument)
    elif len(argument) > 2:
        raise invalid(_TOO_MANY)


def _check_numeric_top(argument: list[Any]) -> None:
    operator = argument[2]
    if not isinstance(operator, str):
        raise invalid(f"Bad value in numeric range: {_token(argument, 2)}")
    if operator not in _TOP_OPS:
        raise invalid(f"Bad numeric range operator: {operator}")
    if len(argument) < 4 or not _is_number(argument[3]):
        raise invalid(f"Value of {operator} must be numeric")
    _check_range(argument[3])
    if len(argument) > 4:
        raise invalid("Too many terms in numeric range expression")
    if argument[1] >= argument[3]:
        raise invalid("Bottom must be less than top")


def _check_anything_but(argument: Any) -> None:
    operator = None
    if isinstance(argument, dict):
        if not argument:
            raise invalid("Anything-But expression name not found")
        operator = next(iter(argument))
        if operator not in _ANYTHING_BUT_OPS:
            raise invalid(f"Unsupported anything-but pattern: {operator}")
        if len(argument) > 1:
            raise invalid(_TOO_MANY)
        argument = argument[operator]
    if not (isinstance(argument, (list, str)) or _is_number(argument)):
        raise invalid(_ANYTHING_BUT_VALUE)
    values = argument if isinstance(argument, list) else [argument]
    if operator is None:
        _check_excluded_literals(values, isinstance(argument, list))
    else:
        for value in values:
            _check_excluded_text(operator, value)


def _check_excluded_literals(values: list[Any], listed: bool) -> None:
    for value in values:
        if not (isinstance(value, str) or _is_number(value)):
            raise invalid("Inside anything but list, start|null|boolean is not supported.")
        if _is_number(value):
            _check_range(value)
    kinds = {isinstance(value, str) for value in values}
    if listed and len(kinds) != 1:
        raise invalid("Inside anything but list, either all values are number or string, "
                      "mixed type is not supported")


def _check_excluded_text(operator: str, value: Any) -> None:
    if not isinstance(value, str):
        if operator == "equals-ignore-case":
            raise invalid("Inside anything-but/equals-ignore-case list, "
                          "number|start|null|boolean is not supported.")
        if operator == "wildcard":
            raise invalid("wildcard match pattern must be a string")
        raise invalid("prefix/suffix match pattern must be a string")
    if operator in ("prefix", "suffix") and not value:
        raise invalid("Null prefix/suffix not allowed")
    if operator == "wildcard":
        _check_wildcard_text(value)


def _check_exists(argument: Any) -> None:
    if not isinstance(argument, bool):
        raise invalid("exists match pattern must be either true or false.")


def _check_cidr(argument: Any) -> None:
    if not isinstance(argument, str):
        raise invalid("prefix match pattern must be a string")
    address, slash, bits = argument.partition("/")
    if not slash or "/" in bits:
        raise invalid("Malformed CIDR, one '/' required")
    if not bits.isdigit():
        raise invalid("Malformed CIDR, mask bits must be an integer")
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        raise invalid(f"Nonstandard IP address: {address}") from None
    if int(bits) > ip.max_prefixlen:
        raise invalid(f"Malformed CIDR, mask bits must be between 0 and {ip.max_prefixlen}")


def _check_ignore_case(argument: Any) -> None:
    if not isinstance(argument, str):
        raise invalid("equals-ignore-case match pattern must be a string")


def _check_wildcard(argument: Any) -> None:
    if not isinstance(argument, str):
        raise invalid("wildcard match pattern must be a string")
    _check_wildcard_text(argument)


def _check_wildcard_text(text: str) -> None:
    if "**" in text:
        raise invalid(f"Consecutive wildcard characters at pos {text.index('**') + 1}")


_CHECKERS = {
    "prefix": _text_check("prefix"),
    "suffix": _text_check("suffix"),
    "anything-but": _check_anything_but,
    "numeric": _check_numeric,
    "exists": _check_exists,
    "cidr": _check_cidr,
    "wildcard": _check_wildcard,
    "equals-ignore-case": _check_ignore_case,
}
