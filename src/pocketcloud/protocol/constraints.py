"""The model constraints AWS's Coral front ends check before an operation runs: enum values,
string patterns and lengths, list lengths and number ranges of a request's top-level members.

Every broken constraint is reported at once, in the model's member order, as
"2 validation errors detected: Value 'x' at 'member' failed to satisfy constraint: Member must
...; ...". A service chooses its error code and the members its operations word themselves.
A `Constraints` plans each operation once; a request then pays a call per constrained member it
sends, and a string that passed a pattern once is remembered (names recur).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import re2

from pocketcloud.errors import AwsError
from pocketcloud.protocol.specs import operation_model

Problems = tuple[str, ...]
Check = Callable[[Any], Problems]
Step = tuple[str, str, Check, bool]  # member, field in messages, its check, value hidden?
PASSED_MAX = 10_000  # remembered good strings per checked member (bounded)
PASSED_LENGTH_MAX = 256  # only names and ids are remembered, never documents
_NONE: Problems = ()
_NOT_NULL = "Member must not be null"
_JAVA_UNICODE = re.compile(r"\\u([0-9A-Fa-f]{4})")
_NESTED_REPEAT = re.compile(r"\([^()]*[+*}][^()]*\)[+*{]")  # (a+)* may backtrack for ever


class Constraints:
    """One service's constraint checks, answered with its error `code`.

    `enum_order` lists an enum's values (by shape name) where the service's messages do not
    follow the spec's order; `own_checks` names members ("Member", "Operation.Member" or every
    member: "Operation.*") that the operations check themselves, in their own words;
    `hidden_types` are the member types whose values the messages leave out ("Value at 'x'"),
    as sensitive members' values always are; `by_field_name` reports members in their field
    names' order rather than the model's.
    """

    def __init__(self, service: str, code: str, *,
                 enum_order: Mapping[str, tuple[str, ...]] | None = None,
                 own_checks: Iterable[str] = (), hidden_types: Iterable[str] = (),
                 by_field_name: bool = False) -> None:
        self.service = service
        self.code = code
        self.enum_order = dict(enum_order or {})
        self.own_checks = frozenset(own_checks)
        self.hidden_types = frozenset(hidden_types)
        self.by_field_name = by_field_name
        self._plans: dict[str, tuple[Step, ...]] = {}

    def check(self, operation: str, params: dict[str, Any]) -> None:
        """AWS's validation error if any member of `params` breaks its constraints."""
        plan = self._plans.get(operation)
        if plan is None:
            plan = self._plans[operation] = self._plan(operation)
        for member, _, check, _ in plan:
            value = params.get(member)
            if value is not None and check(value):
                raise self._error(plan, params)

    def _error(self, plan: tuple[Step, ...], params: dict[str, Any]) -> AwsError:
        problems = []
        for member, field, check, hidden in plan:
            value = params.get(member)
            if value is None:
                continue
            shown = "" if hidden else f" {_shown(value)}"
            problems += [f"Value{shown} at '{field}' failed to satisfy constraint: {problem}"
                         for problem in check(value)]
        count = len(problems)
        return AwsError(self.code, f"{count} validation error{'s' if count > 1 else ''} "
                        "detected: " + "; ".join(problems))

    def _plan(self, operation: str) -> tuple[Step, ...]:
        shape = operation_model(self.service, operation).input_shape if operation else None
        if shape is None or f"{operation}.*" in self.own_checks:
            return ()
        plan = []
        for name, member in shape.members.items():
            if name in self.own_checks or f"{operation}.{name}" in self.own_checks:
                continue
            check = self._check_for(member)
            if check is not None:
                hidden = member.type_name in self.hidden_types or bool(
                    member.metadata.get("sensitive"))  # never echo a secret
                plan.append((name, name[:1].lower() + name[1:], check, hidden))
        if self.by_field_name:
            plan.sort(key=lambda step: step[1])
        return tuple(plan)

    def _check_for(self, shape: Any) -> Check | None:
        enum = getattr(shape, "enum", None)
        if enum:
            return _enum_check(self.enum_order.get(shape.name, tuple(enum)))
        low, high = shape.metadata.get("min"), shape.metadata.get("max")
        kind = shape.type_name
        if kind in ("integer", "long"):
            return _range_check(low, high) if low is not None or high is not None else None
        if kind == "string":
            return _string_check(low, high, shape.metadata.get("pattern"))
        if kind == "list" and shape.member.type_name == "string":
            # lists of structures are checked by their operations, which show them their way
            return _list_check(low, high, self._check_for(shape.member),
                               self._element_rules(shape.member))
        return None

    def _element_rules(self, shape: Any) -> str:
        """A list element's constraints as Coral names them all when one element breaks any;
        an enum or a pattern comes with "not null" (recorded: IAM's tagKeys, Lambda's
        architectures), lengths alone without (recorded: IAM's thumbprintList)."""
        enum = getattr(shape, "enum", None)
        if enum:
            rules = [_enum_rule(self.enum_order.get(shape.name, tuple(enum)))]
        else:
            low, high = shape.metadata.get("min"), shape.metadata.get("max")
            pattern = shape.metadata.get("pattern")
            rules = ([f"Member must have length less than or equal to {high}"] * (high is not None)
                     + [f"Member must have length greater than or equal to {low}"] * bool(low)
                     + [f"Member must satisfy regular expression pattern: {pattern}"]
                     * bool(pattern))
        not_null = [_NOT_NULL] if enum or shape.metadata.get("pattern") else []
        return f"Member must satisfy constraint: [{', '.join(rules + not_null)}]"


def _shown(value: Any) -> str:
    if type(value) is list:  # as Java prints a list
        return "'[" + ", ".join(str(v) for v in value) + "]'"
    return f"'{value}'"


def _enum_rule(allowed: tuple[str, ...]) -> str:
    return f"Member must satisfy enum value set: [{', '.join(allowed)}]"


def _enum_check(allowed: tuple[str, ...]) -> Check:
    members = frozenset(allowed)
    found = (_enum_rule(allowed),)
    return lambda value: _NONE if value in members else found


def _range_check(low: int | None, high: int | None) -> Check:
    too_low = (f"Member must have value greater than or equal to {low}",)
    too_high = (f"Member must have value less than or equal to {high}",)

    def check(value: Any) -> Problems:
        if low is not None and value < low:
            return too_low
        if high is not None and value > high:
            return too_high
        return _NONE

    return check


def _string_check(low: int | None, high: int | None, pattern: str | None) -> Check | None:
    compiled = _compiled(pattern) if pattern else None
    if compiled is None and not low and high is None:
        return None
    passed: set[str] = set()

    def check(value: Any) -> Problems:
        if value in passed:
            return _NONE
        found = []
        if compiled is not None and not compiled.fullmatch(value):
            found.append(f"Member must satisfy regular expression pattern: {pattern}")
        found += _length_problems(len(value), low, high)
        if not found and len(value) <= PASSED_LENGTH_MAX and len(passed) < PASSED_MAX:
            passed.add(value)
        return tuple(found)

    return check


def _list_check(low: int | None, high: int | None, element: Check | None,
                bad_element: str) -> Check | None:
    if low is None and high is None and element is None:
        return None

    def check(value: Any) -> Problems:
        found = _length_problems(len(value), low, high)
        if element is not None and any(element(item) for item in value):
            found.append(bad_element)
        return tuple(found)

    return check


def _length_problems(length: int, low: int | None, high: int | None) -> list[str]:
    if low is not None and length < low:
        return [f"Member must have length greater than or equal to {low}"]
    if high is not None and length > high:
        return [f"Member must have length less than or equal to {high}"]
    return []


def _compiled(pattern: str) -> Any:
    """The model's (Java) pattern compiled with Java's meaning: \\w, \\d and \\s are ASCII.
    Unicode classes (\\p{L}) and nested repeats go to RE2 (linear time, but slower on short
    strings); None when neither engine reads it (never refuse then)."""
    if "\\p{" in pattern or _NESTED_REPEAT.search(pattern):
        try:
            return re2.compile(_JAVA_UNICODE.sub(r"\\x{\1}", pattern))
        except Exception:  # noqa: BLE001 - RE2 refuses lookarounds: Python's engine then
            pass
    try:
        return re.compile(pattern, re.ASCII)
    except re.error:
        return None


def string_check(low: int | None, high: int | None, pattern: str | None) -> Check | None:
    """A string member's constraints as a check, for the members of list elements that the
    services check themselves (STS's session tags and policy ARNs)."""
    return _string_check(low, high, pattern)
