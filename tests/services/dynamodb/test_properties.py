"""Property-based tests: the expression parser and the key order against reference models."""

from __future__ import annotations

import contextlib
from decimal import Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from pocketcloud.services.dynamodb.expressions.evaluate import Env, evaluate
from pocketcloud.services.dynamodb.expressions.parser import parse_condition
from pocketcloud.services.dynamodb.values import encode_key, normal_number, parse_number

# -- numbers and key order ---------------------------------------------------------------------

numbers = st.builds(
    lambda digits, exponent, negative: Decimal((int(negative), digits, exponent)),
    st.lists(st.integers(0, 9), min_size=1, max_size=38).map(tuple),
    st.integers(-120, 80),
    st.booleans(),
)


@given(st.lists(numbers, min_size=2, max_size=30))
def test_number_key_bytes_sort_as_numbers(values: list[Decimal]) -> None:
    normalised = [parse_number(normal_number(str(v))) for v in values]
    by_bytes = sorted(normalised, key=lambda d: encode_key({"N": normal_number(str(d))}))
    assert by_bytes == sorted(normalised)


@given(numbers)
def test_number_text_round_trips_to_the_same_value(value: Decimal) -> None:
    text = normal_number(str(value))
    assert Decimal(text) == value
    assert "e" not in text.lower()


@given(st.lists(st.text(min_size=1, max_size=8), min_size=2, max_size=30))
def test_string_keys_sort_by_utf8_bytes(values: list[str]) -> None:
    values = [v for v in values if not any(0xD800 <= ord(c) <= 0xDFFF for c in v)]
    assert sorted(values, key=lambda s: encode_key({"S": s})) == sorted(
        values, key=lambda s: s.encode()
    )


# -- conditions against a reference evaluator ------------------------------------------------

ATTRIBUTES = ("a", "b", "c")
PRECEDENCE = {"or": 1, "and": 2, "not": 3, "atom": 4}

atoms = st.one_of(
    st.tuples(
        st.just("cmp"),
        st.sampled_from(["=", "<>", "<", "<=", ">", ">="]),
        st.sampled_from(ATTRIBUTES),
        st.integers(-3, 3),
    ),
    st.tuples(
        st.just("between"), st.sampled_from(ATTRIBUTES), st.integers(-3, 0), st.integers(0, 3)
    ),
    st.tuples(
        st.just("in"),
        st.sampled_from(ATTRIBUTES),
        st.lists(st.integers(-3, 3), min_size=1, max_size=4),
    ),
    st.tuples(st.just("exists"), st.sampled_from(ATTRIBUTES)),
)
trees = st.recursive(
    atoms,
    lambda inner: st.one_of(
        st.tuples(st.just("and"), inner, inner),
        st.tuples(st.just("or"), inner, inner),
        st.tuples(st.just("not"), inner),
    ),
    max_leaves=8,
)
items = st.fixed_dictionaries({}, optional={name: st.integers(-3, 3) for name in ATTRIBUTES})


def reference(tree: Any, item: dict[str, int]) -> bool:
    kind = tree[0]
    if kind == "and":
        return reference(tree[1], item) and reference(tree[2], item)
    if kind == "or":
        return reference(tree[1], item) or reference(tree[2], item)
    if kind == "not":
        return not reference(tree[1], item)
    if kind == "exists":
        return tree[1] in item
    value = item.get(tree[1] if kind != "cmp" else tree[2])
    if kind == "cmp":
        op, right = tree[1], tree[3]
        if value is None:
            return op == "<>"
        return {
            "=": value == right,
            "<>": value != right,
            "<": value < right,
            "<=": value <= right,
            ">": value > right,
            ">=": value >= right,
        }[op]
    if value is None:
        return False
    if kind == "between":
        return tree[2] <= value <= tree[3]
    return value in tree[2]


class Renderer:
    def __init__(self) -> None:
        self.values: dict[str, dict[str, str]] = {}

    def value(self, number: int) -> str:
        name = f":v{len(self.values)}"
        self.values[name] = {"N": str(number)}
        return name

    def render(self, tree: Any, parent: int = 0) -> str:
        kind = tree[0]
        level = PRECEDENCE.get(kind, 4)
        if kind in ("and", "or"):
            word = kind.upper() if len(self.values) % 2 else kind.lower()
            text = f"{self.render(tree[1], level)} {word} {self.render(tree[2], level + 1)}"
        elif kind == "not":
            text = f"NOT {self.render(tree[1], level)}"
        elif kind == "cmp":
            text = f"{tree[2]} {tree[1]} {self.value(tree[3])}"
        elif kind == "between":
            text = f"{tree[1]} BETWEEN {self.value(tree[2])} AND {self.value(tree[3])}"
        elif kind == "in":
            text = f"{tree[1]} IN ({', '.join(self.value(v) for v in tree[2])})"
        else:
            text = f"attribute_exists({tree[1]})"
        return f"({text})" if level < parent or (kind == "not" and parent == 4) else text


@settings(max_examples=300)
@given(trees, items)
def test_parsed_conditions_agree_with_the_reference(tree: Any, item: dict[str, int]) -> None:
    renderer = Renderer()
    text = renderer.render(tree)
    parsed = parse_condition(text)
    stored = {name: {"N": str(value)} for name, value in item.items()}
    assert evaluate(parsed.tree, stored, Env(None, renderer.values)) == reference(tree, item), text
    assert parsed.values == frozenset(renderer.values)


@given(st.text(max_size=40))
def test_parser_never_crashes_on_arbitrary_text(text: str) -> None:
    from pocketcloud.services.dynamodb.expressions.lexer import ExpressionError

    with contextlib.suppress(ExpressionError):
        parse_condition(text)


def test_hostile_nesting_is_refused_not_crashed() -> None:
    import pytest

    from pocketcloud.services.dynamodb.expressions.lexer import ExpressionError

    for text in ["(" * 1000 + "a = :v" + ")" * 1000, "NOT " * 299 + "a = :v"]:
        with pytest.raises(ExpressionError):
            parse_condition(text)
