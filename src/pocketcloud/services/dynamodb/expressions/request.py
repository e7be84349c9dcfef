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
# The orders DynamoDB lists the parameters in when it names several in one message.
EXPRESSION_ORDER = ("ProjectionExpression", "FilterExpression", "UpdateExpression",
                    "ConditionExpression", "KeyConditionExpression")  # fmt: skip
LEGACY_ORDER = ("AttributesToGet", "QueryFilter", "ScanFilter", "AttributeUpdates", "Expected",
                "ConditionalOperator", "KeyConditions")  # fmt: skip
_WORD_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")


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
    present = [m for m in EXPRESSION_ORDER if m in members and m in params]
    legacy_present = [p for p in LEGACY_ORDER if p in params and _legacy_for(p, members)]
    names = params.get("ExpressionAttributeNames")
    values = params.get("ExpressionAttributeValues")
    if not present:
        _check_placeholders_need_expressions(names, values, members)
        if legacy_present:
            return _translate_legacy(params, legacy_present)
        return NO_EXPRESSIONS
    if legacy_present:
        raise invalid(
            "Can not use both expression and non-expression parameters in the same request: "
            f"Non-expression parameters: {{{', '.join(legacy_present)}}} "
            f"Expression parameters: {{{', '.join(present)}}}"
        )
    cleaned = _checked_placeholder_maps(names, values)
    parsed: dict[str, Parsed] = {}
    for member in present:
        try:
            parsed[member] = _PARSERS[member](params[member])
        except ExpressionError as error:
            raise error.for_expression(member) from None
    _check_placeholders(parsed, names, values)
    return Expressions({m: p.tree for m, p in parsed.items()}, Env(names, cleaned))


def _legacy_for(parameter: str, members: tuple[str, ...]) -> bool:
    if parameter == "ConditionalOperator":  # joins Expected or a filter's conditions
        return any(m in members for m in ("ConditionExpression", "FilterExpression"))
    return LEGACY[parameter] in members


def _check_placeholders_need_expressions(
    names: dict[str, str] | None, values: dict[str, Any] | None, members: tuple[str, ...]
) -> None:
    if names is not None:
        raise invalid("ExpressionAttributeNames can only be specified when using expressions")
    if values is not None:
        users = [m for m in EXPRESSION_ORDER if m in members and m != "ProjectionExpression"]
        raise invalid(
            "ExpressionAttributeValues can only be specified when using expressions: "
            f"{' and '.join(users)} {'are' if len(users) > 1 else 'is'} null"
        )


def _checked_placeholder_maps(
    names: dict[str, str] | None, values: dict[str, Any] | None
) -> dict[str, Any]:
    """DynamoDB's checks of the two maps themselves, before any expression is parsed; the
    values validated and normalised."""
    for which, given, sigil in (("Names", names, "#"), ("Values", values, ":")):
        if given is None:
            continue
        if not given:
            raise invalid(f"ExpressionAttribute{which} must not be empty")
        for key in given:
            if not (key[:1] == sigil and len(key) > 1 and _WORD_CHARS.issuperset(key[1:])):
                raise invalid(
                    f'ExpressionAttribute{which} contains invalid key: Syntax error; key: "{key}"'
                )
    cleaned = {}
    for key, value in (values or {}).items():
        try:
            cleaned[key] = clean_value(value)
        except AwsError as error:
            raise invalid(
                f"ExpressionAttributeValues contains invalid value: {error.message} for key {key}"
            ) from None
    return cleaned


@cache
def _related(members: tuple[str, ...]) -> frozenset[str]:
    """The parameters whose presence makes `prepare` do more than answer NO_EXPRESSIONS."""
    legacy_names = (name for name in LEGACY_ORDER if _legacy_for(name, members))
    return frozenset((*members, *legacy_names, "ExpressionAttributeNames",
                      "ExpressionAttributeValues"))  # fmt: skip


def _check_placeholders(
    parsed: dict[str, Parsed], names: dict[str, str] | None, values: dict[str, Any] | None
) -> None:
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


def _translate_legacy(params: dict[str, Any], legacy_present: list[str]) -> Expressions:
    translator = legacy.Translator()
    trees: dict[str, Any] = {}
    for name in legacy_present:
        if name != "ConditionalOperator":
            trees[LEGACY[name]] = translator.translate(name, params[name], params)
    return Expressions(trees, translator.env())
