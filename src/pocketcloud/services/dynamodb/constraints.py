"""The constraints DynamoDB's request model checks before an operation runs: enum values,
number ranges, lengths and patterns of a request's top-level members, from the spec.

DynamoDB reports every broken constraint at once ("2 validation errors detected: ...; ...").
The checks are planned once per operation, so a request pays a dict lookup per constrained
member it sends.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import Any

from pocketcloud.context import RequestContext
from pocketcloud.protocol.specs import operation_model
from pocketcloud.services.dynamodb.values import invalid

# DynamoDB lists an enum's values in its own order, not the spec's (from its messages).
_ENUM_ORDER = {
    "ReturnValue": ("ALL_NEW", "UPDATED_OLD", "ALL_OLD", "NONE", "UPDATED_NEW"),
    "ReturnConsumedCapacity": ("INDEXES", "TOTAL", "NONE"),
    "ReturnItemCollectionMetrics": ("SIZE", "NONE"),
    "Select": ("SPECIFIC_ATTRIBUTES", "COUNT", "ALL_ATTRIBUTES", "ALL_PROJECTED_ATTRIBUTES"),
    "ConditionalOperator": ("OR", "AND"),
}

# Checked by the operation itself, in DynamoDB's wording for them (which hides the value).
_OWN_CHECKS = frozenset(("Statement",))

Check = Callable[[Any], list[str]]
PASSED_MAX = 10_000  # remembered good strings per checked member (bounded)
Provider = Callable[..., Any]


def checked(function: Provider) -> Provider:
    """`function` behind its operation's constraint checks."""

    @functools.wraps(function)
    def run(ctx: RequestContext, params: dict[str, Any], *args: Any, **kwargs: Any) -> Any:
        check_constraints(ctx.operation, params)
        return function(ctx, params, *args, **kwargs)

    return run


def check_constraints(operation: str, params: dict[str, Any]) -> None:
    plan = _plan(operation)
    if all(check(params[member]) == [] for member, _, check in plan if member in params):
        return  # the common case: nothing broken, nothing to word
    problems: list[str] = []
    for member, field, check in plan:
        value = params.get(member)
        if value is not None:
            problems += [f"Value {_shown(value)} at '{field}' failed to satisfy constraint: {p}"
                         for p in check(value)]  # fmt: skip
    if problems:
        count = len(problems)
        raise invalid(
            f"{count} validation error{'s' if count > 1 else ''} detected: " + "; ".join(problems)
        )


def _shown(value: Any) -> str:
    if type(value) is list:
        return "'[" + ", ".join(str(v) for v in value) + "]'"
    return f"'{value}'"


@functools.cache
def _plan(operation: str) -> tuple[tuple[str, str, Check], ...]:
    if not operation:
        return ()
    shape = operation_model("dynamodb", operation).input_shape
    if shape is None:
        return ()
    plan = []
    for name, member in shape.members.items():
        check = None if name in _OWN_CHECKS else _check_for(member)
        if check is not None:
            plan.append((name, name[:1].lower() + name[1:], check))
    return tuple(plan)


def _check_for(shape: Any) -> Check | None:
    enum = getattr(shape, "enum", None)
    if enum:
        return _enum_check(_ENUM_ORDER.get(shape.name, tuple(enum)))
    low, high = shape.metadata.get("min"), shape.metadata.get("max")
    if shape.type_name in ("integer", "long"):
        return _range_check(low, high) if low is not None or high is not None else None
    if shape.type_name == "list" and shape.member.type_name != "string":
        return None  # lists of structures (TransactItems...) are checked by their operations
    if shape.type_name in ("string", "list"):
        pattern = shape.metadata.get("pattern") if shape.type_name == "string" else None
        if pattern is None and low is None and high is None:
            return None
        return _length_check(low, high, pattern)
    return None


def _enum_check(allowed: tuple[str, ...]) -> Check:
    message = f"Member must satisfy enum value set: [{', '.join(allowed)}]"
    return lambda value: [] if value in allowed else [message]


def _range_check(low: int | None, high: int | None) -> Check:
    def check(value: Any) -> list[str]:
        if low is not None and value < low:
            return [f"Member must have value greater than or equal to {low}"]
        if high is not None and value > high:
            return [f"Member must have value less than or equal to {high}"]
        return []

    return check


def _length_check(low: int | None, high: int | None, pattern: str | None) -> Check:
    compiled = re.compile(pattern) if pattern else None
    passed: set[str] = set()  # table and index names recur: match each once

    def check(value: Any) -> list[str]:
        if type(value) is str and value in passed:
            return []
        found = []
        if compiled is not None and not compiled.fullmatch(value):
            found.append(f"Member must satisfy regular expression pattern: {pattern}")
        if low is not None and len(value) < low:
            found.append(f"Member must have length greater than or equal to {low}")
        if high is not None and len(value) > high:
            found.append(f"Member must have length less than or equal to {high}")
        if not found and type(value) is str and len(passed) < PASSED_MAX:
            passed.add(value)
        return found

    return check
