"""A request's expressions parsed and checked together, with its placeholders validated.

DynamoDB checks the expression parameters of one request as a whole: a placeholder must be
defined if used, and every defined placeholder must be used by one of the expressions.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from pocketcloud.errors import AwsError
from pocketcloud.services.dynamodb.expressions import legacy
from pocketcloud.services.dynamodb.expressions.evaluate import Env
from pocketcloud.services.dynamodb.expressions.lexer import ExpressionError
from pocketcloud.services.dynamodb.expressions.parser import (
    Parsed,
    parse_condition,
    parse_projection,
    parse_update,
)
from pocketcloud.services.dynamodb.values import clean_value, invalid

_PARSERS: dict[str, Callable[[str], Parsed]] = {
    "KeyConditionExpression": parse_condition,
    "UpdateExpression": parse_update,
    "ConditionExpression": parse_condition,
    "FilterExpression": parse_condition,
    "ProjectionExpression": parse_projection,
}
# Each legacy parameter and the expression parameter it stands for.
LEGACY = {
    "Expected": "ConditionExpression",
    "KeyConditions": "KeyConditionExpression",
    "QueryFilter": "FilterExpression",
    "ScanFilter": "FilterExpression",
    "AttributesToGet": "ProjectionExpression",
    "AttributeUpdates": "UpdateExpression",
}


@dataclass
class Expressions:
    """The trees of the request's expressions by parameter name, and its placeholders."""

    trees: dict[str, Any] = field(default_factory=dict)
    env: Env = field(default_factory=lambda: Env(None, None))

    def get(self, member: str) -> Any:
        return self.trees.get(member)


NO_EXPRESSIONS = Expressions()


def prepare(params: dict[str, Any], members: tuple[str, ...]) -> Expressions:
    """Parse the request's expression parameters among `members` and check its placeholders."""
    if params.keys().isdisjoint(_related(members)):  # the common request: no expressions
        return NO_EXPRESSIONS
    present = [m for m in members if m in params]
    legacy_present = [name for name, m in LEGACY.items() if m in members and name in params]
    names = params.get("ExpressionAttributeNames")
    values = params.get("ExpressionAttributeValues")
    if not present and not legacy_present and names is None and values is None:
        return NO_EXPRESSIONS
    if legacy_present:
        return _prepare_legacy(params, present, legacy_present, members)
    parsed: dict[str, Parsed] = {}
    for member in present:
        try:
            parsed[member] = _PARSERS[member](params[member])
        except ExpressionError as error:
            raise error.for_expression(member) from None
    _check_placeholders(parsed, names, values)
    cleaned = {key: clean_value(value) for key, value in (values or {}).items()}
    return Expressions({m: p.tree for m, p in parsed.items()}, Env(names, cleaned))


@cache
def _related(members: tuple[str, ...]) -> frozenset[str]:
    """The parameters whose presence makes `prepare` do more than answer NO_EXPRESSIONS."""
    legacy_names = (name for name, member in LEGACY.items() if member in members)
    return frozenset((*members, *legacy_names, "ExpressionAttributeNames",
                      "ExpressionAttributeValues"))  # fmt: skip


def _check_placeholders(
    parsed: dict[str, Parsed], names: dict[str, str] | None, values: dict[str, Any] | None
) -> None:
    for which, given in (("Names", names), ("Values", values)):
        if given is None:
            continue
        if not parsed:
            raise invalid(
                f"ExpressionAttribute{which} can only be specified when using expressions"
            )
        if not given:
            raise invalid(f"ExpressionAttribute{which} must not be empty")
    used_names: set[str] = set()
    used_values: set[str] = set()
    for member, expression in parsed.items():
        for name in sorted(expression.names):
            if name not in (names or {}):
                raise AwsError(
                    "ValidationException",
                    f"Invalid {member}: An expression attribute name used in the document path "
                    f"is not defined; attribute name: {name}",
                )
        for value in sorted(expression.values):
            if value not in (values or {}):
                raise AwsError(
                    "ValidationException",
                    f"Invalid {member}: An expression attribute value used in expression is not "
                    f"defined; attribute value: {value}",
                )
        used_names |= expression.names
        used_values |= expression.values
    for which, given, used in (("Names", names, used_names), ("Values", values, used_values)):
        unused = sorted(set(given or ()) - used)
        if unused:
            raise invalid(
                f"Value provided in ExpressionAttribute{which} unused in expressions: "
                f"keys: {{{', '.join(unused)}}}"
            )


def _prepare_legacy(
    params: dict[str, Any], present: list[str], legacy_present: list[str], members: tuple[str, ...]
) -> Expressions:
    expression_params = present + [
        p for p in ("ExpressionAttributeNames", "ExpressionAttributeValues") if p in params
    ]
    if expression_params:
        raise invalid(
            "Can not use both expression and non-expression parameters in the same request: "
            f"Non-expression parameters: {{{', '.join(legacy_present)}}} "
            f"Expression parameters: {{{', '.join(expression_params)}}}"
        )
    translator = legacy.Translator()
    trees: dict[str, Any] = {}
    for name in legacy_present:
        trees[LEGACY[name]] = translator.translate(name, params[name], params)
    return Expressions(trees, translator.env())
