"""The legacy conditional parameters, translated into the trees expressions parse into.

Expected, KeyConditions, QueryFilter, ScanFilter (with ConditionalOperator), AttributesToGet
and AttributeUpdates are evaluated by the same code as their expression counterparts.
"""

from __future__ import annotations

from typing import Any

from pocketcloud.services.dynamodb.expressions.evaluate import Env
from pocketcloud.services.dynamodb.values import clean_value, invalid

_COMPARISONS = {"EQ": "=", "NE": "<>", "LE": "<=", "LT": "<", "GE": ">=", "GT": ">"}
_ARGUMENT_COUNTS = {
    **dict.fromkeys(_COMPARISONS, 1),
    "NOT_NULL": 0,
    "NULL": 0,
    "CONTAINS": 1,
    "NOT_CONTAINS": 1,
    "BEGINS_WITH": 1,
    "BETWEEN": 2,
}


class Translator:
    """Collects the placeholders the translated trees refer to."""

    def __init__(self) -> None:
        self.names: dict[str, str] = {}
        self.values: dict[str, Any] = {}

    def env(self) -> Env:
        return Env(self.names, self.values)

    def translate(self, parameter: str, given: Any, params: dict[str, Any]) -> Any:
        if parameter == "AttributesToGet":
            if len(set(given)) != len(given):
                duplicate = next(n for i, n in enumerate(given) if n in given[:i])
                raise invalid(
                    "One or more parameter values were invalid: Duplicate value in attribute "
                    f"name: {duplicate}"
                )
            return tuple(self.path(name) for name in given)
        if parameter == "AttributeUpdates":
            return self.attribute_updates(given)
        operator = params.get("ConditionalOperator", "AND")
        if parameter == "KeyConditions":
            operator = "AND"
        conditions = [
            self.expected(name, rule) if parameter == "Expected" else self.condition(name, rule)
            for name, rule in given.items()
        ]
        if not conditions:
            return None
        tree = conditions[0]
        for other in conditions[1:]:
            tree = ("or" if operator == "OR" else "and", tree, other)
        return tree

    def path(self, name: str) -> tuple[str, tuple[str, ...]]:
        placeholder = f"#legacy{len(self.names)}"
        self.names[placeholder] = name
        return ("path", (placeholder,))

    def value(self, value: Any) -> tuple[str, str]:
        placeholder = f":legacy{len(self.values)}"
        self.values[placeholder] = clean_value(value)
        return ("value", placeholder)

    def expected(self, name: str, rule: dict[str, Any]) -> Any:
        _check_expected_rule(name, rule)
        if "ComparisonOperator" in rule:
            if "Value" in rule:  # the one-argument form of AttributeValueList
                rule = {**rule, "AttributeValueList": [rule["Value"]]}
            return self.condition(name, rule)
        if rule.get("Exists", True):
            return ("cmp", "=", self.path(name), self.value(rule["Value"]))
        return ("fn", "attribute_not_exists", (self.path(name),))

    def condition(self, name: str, rule: dict[str, Any]) -> Any:
        operator = rule.get("ComparisonOperator", "")
        arguments = rule.get("AttributeValueList") or []
        wanted = _ARGUMENT_COUNTS.get(operator)
        if operator != "IN" and wanted is not None and len(arguments) != wanted:
            raise invalid(
                "One or more parameter values were invalid: Invalid number of argument(s) for "
                f"the {operator} ComparisonOperator"
            )
        path = self.path(name)
        values = [self.value(a) for a in arguments]
        if operator in _COMPARISONS:
            return ("cmp", _COMPARISONS[operator], path, values[0])
        if operator == "NOT_NULL":
            return ("fn", "attribute_exists", (path,))
        if operator == "NULL":
            return ("fn", "attribute_not_exists", (path,))
        if operator == "CONTAINS":
            return ("fn", "contains", (path, values[0]))
        if operator == "NOT_CONTAINS":
            return ("and", ("fn", "attribute_exists", (path,)),
                    ("not", ("fn", "contains", (path, values[0]))))  # fmt: skip
        if operator == "BEGINS_WITH":
            return ("fn", "begins_with", (path, values[0]))
        if operator == "BETWEEN":
            return ("between", path, values[0], values[1])
        if operator == "IN" and values:
            return ("in", path, tuple(values))
        raise invalid(
            "One or more parameter values were invalid: Invalid number of argument(s) for the "
            f"{operator} ComparisonOperator"
        )

    def attribute_updates(self, updates: dict[str, Any]) -> dict[str, list[Any]]:
        clauses: dict[str, list[Any]] = {}
        for name, update in updates.items():
            action = update.get("Action", "PUT")
            path = self.path(name)
            if action == "PUT":
                if "Value" not in update:
                    raise invalid(
                        "One or more parameter values were invalid: Only DELETE action is allowed "
                        f"when no attribute value is specified: {name}"
                    )
                clauses.setdefault("SET", []).append((path, self.value(update["Value"])))
            elif action == "DELETE" and "Value" not in update:
                clauses.setdefault("REMOVE", []).append(path)
            elif action in ("ADD", "DELETE"):
                clauses.setdefault(action, []).append((path, self.value(update["Value"])))
        return clauses


def _check_expected_rule(name: str, rule: dict[str, Any]) -> None:
    """One Expected entry's combination of members, checked in DynamoDB's order."""
    operator = rule.get("ComparisonOperator")
    exists = rule.get("Exists")
    problem = None
    if "Value" in rule and "AttributeValueList" in rule:
        problem = "Value and AttributeValueList cannot be used together"
    elif operator is None and "AttributeValueList" in rule:
        problem = "AttributeValueList can only be used with a ComparisonOperator"
    elif operator is None and exists is not False and "Value" not in rule:
        problem = f"Value must be provided when Exists is {'null' if exists is None else 'true'}"
    elif exists is False and "Value" in rule:
        problem = "Value cannot be used when Exists is false"
    elif operator is not None and exists is not None:
        problem = "Exists and ComparisonOperator cannot be used together"
    elif operator not in (None, "NULL", "NOT_NULL") and "Value" not in rule and (
        "AttributeValueList" not in rule
    ):
        problem = f"Value or AttributeValueList must be used with ComparisonOperator: {operator}"
    if problem is not None:
        raise invalid(
            f"One or more parameter values were invalid: {problem} for Attribute: {name}"
        )
