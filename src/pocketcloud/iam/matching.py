"""Wildcards and policy variables, as IAM matches them.

``*`` matches any run of characters (colons included), ``?`` exactly one. Actions match
case-insensitively, resources and String*/Arn* condition values case-sensitively. Patterns
are compiled once and cached: policies are evaluated on every request.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from functools import lru_cache

MAX_CACHED_PATTERNS = 8192

_VARIABLE = re.compile(r"\$\{([^}]*)\}")
_ESCAPES = {"*": "*", "?": "?", "$": "$"}


@lru_cache(maxsize=MAX_CACHED_PATTERNS)
def _compiled(pattern: str, ignore_case: bool) -> re.Pattern[str] | None:
    """None when the pattern has no wildcard: a plain comparison is faster than a regex."""
    if "*" not in pattern and "?" not in pattern:
        return None
    regex = "".join(
        ".*" if char == "*" else "." if char == "?" else re.escape(char) for char in pattern
    )
    return re.compile(regex, re.IGNORECASE | re.DOTALL if ignore_case else re.DOTALL)


def wildcard_match(pattern: str, value: str, *, ignore_case: bool = False) -> bool:
    if pattern == "*":
        return True
    compiled = _compiled(pattern, ignore_case)
    if compiled is None:
        return pattern.lower() == value.lower() if ignore_case else pattern == value
    return compiled.fullmatch(value) is not None


def action_matches(pattern: str, action: str) -> bool:
    """``s3:Get*`` against ``s3:GetObject``: case-insensitive, as IAM compares actions."""
    return wildcard_match(pattern, action, ignore_case=True)


def arn_matches(pattern: str, arn: str) -> bool:
    """ArnLike/ArnEquals: each of the six colon-separated parts matched on its own."""
    if pattern == "*":
        return True
    pattern_parts = pattern.split(":", 5)
    arn_parts = arn.split(":", 5)
    if len(pattern_parts) != 6 or len(arn_parts) != 6:
        return False
    return all(wildcard_match(p, a) for p, a in zip(pattern_parts, arn_parts, strict=True))


def has_variables(text: str) -> bool:
    return "${" in text


def substitute(text: str, context: Mapping[str, Sequence[str]]) -> str | None:
    """``${aws:username}`` and friends from the request context; None when a variable has
    no value (the element then matches nothing, as in IAM). ``${*}``, ``${?}``, ``${$}``
    are literal characters; ``${key, 'default'}`` gives a default."""
    missing = False

    def replace(match: re.Match[str]) -> str:
        nonlocal missing
        inner = match.group(1).strip()
        if inner in _ESCAPES:
            return "\x00" + inner  # marked literal: survives wildcard compilation below
        key, _, default = inner.partition(",")
        values = context.get(key.strip().lower())
        if values:
            return values[0]
        default = default.strip()
        if len(default) >= 2 and default[0] == default[-1] == "'":
            return default[1:-1]
        missing = True
        return ""

    result = _VARIABLE.sub(replace, text)
    if missing:
        return None
    return result


def literal_aware_match(pattern: str, value: str, *, ignore_case: bool = False) -> bool:
    """A substituted pattern may carry escaped literal ``*``/``?``/``$`` (marked by NUL)."""
    if "\x00" not in pattern:
        return wildcard_match(pattern, value, ignore_case=ignore_case)
    parts: list[str] = []
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if char == "\x00" and index + 1 < len(pattern):
            parts.append(re.escape(pattern[index + 1]))
            index += 2
            continue
        parts.append(".*" if char == "*" else "." if char == "?" else re.escape(char))
        index += 1
    flags = re.IGNORECASE | re.DOTALL if ignore_case else re.DOTALL
    return re.fullmatch("".join(parts), value, flags) is not None


def unmark(text: str) -> str:
    """A substituted value used for an exact comparison: drop the literal markers."""
    return text.replace("\x00", "")
