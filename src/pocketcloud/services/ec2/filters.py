"""EC2's ``Filters`` parameter: ``[{"Name": ..., "Values": [...]}, ...]``.

A resource matches when every filter matches (AND) and, within a filter, any of its values
matches (OR). Values may use wildcards: ``*`` is any run of characters, ``?`` exactly one, and a
backslash makes the next character literal. Matching is case-sensitive, as in EC2.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable
from functools import lru_cache
from typing import Any

from pocketcloud.errors import AwsError

MAX_FILTERS = 50  # bounds the work one request can ask for
MAX_FILTER_VALUES = 200  # EC2's documented limit on filter values in one call

Matcher = Callable[[str], bool]
CompiledFilter = tuple[str, tuple[Matcher, ...]]


@lru_cache(maxsize=1024)
def wildcard_matcher(value: str) -> Matcher:
    """A predicate for one filter value, compiled once per distinct value."""
    if not any(c in value for c in "*?\\"):
        return value.__eq__
    parts: list[str] = []
    escaped = False
    for char in value:
        if escaped:
            parts.append(re.escape(char))
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "*":
            parts.append(".*")
        elif char == "?":
            parts.append(".")
        else:
            parts.append(re.escape(char))
    if escaped:  # a trailing backslash stands for itself
        parts.append(re.escape("\\"))
    pattern = re.compile("".join(parts), re.DOTALL)
    return lambda candidate: pattern.fullmatch(candidate) is not None


def compile_filters(filters: Any, known_names: Collection[str]) -> list[CompiledFilter]:
    """Check the request's filters against the operation's filter names and compile them."""
    if not filters:
        return []
    if not isinstance(filters, list) or len(filters) > MAX_FILTERS:
        raise AwsError("FilterLimitExceeded", f"The maximum number of filters is {MAX_FILTERS}.")
    compiled: list[CompiledFilter] = []
    value_count = 0
    for entry in filters:
        name = entry.get("Name") if isinstance(entry, dict) else None
        if not name or name not in known_names:
            raise AwsError("InvalidParameterValue", f"The filter '{name}' is invalid")
        values = [str(v) for v in entry.get("Values") or []]
        value_count += len(values)
        if value_count > MAX_FILTER_VALUES:
            raise AwsError(
                "FilterLimitExceeded",
                f"The maximum number of filter values specified on a single call is "
                f"{MAX_FILTER_VALUES}",
            )
        compiled.append((name, tuple(wildcard_matcher(v) for v in values)))
    return compiled


def matches(compiled: list[CompiledFilter], values_of: Callable[[str], Iterable[str]]) -> bool:
    """Whether a resource passes every filter; ``values_of(name)`` gives its values for a name."""
    for name, matchers in compiled:
        candidates = tuple(values_of(name))
        if not any(m(c) for m in matchers for c in candidates):
            return False
    return True
