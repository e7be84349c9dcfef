"""Hostile PartiQL never crashes the parser: any text either parses or is a ValidationException
(so the server answers 400, never 500)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from pocketcloud.errors import AwsError
from pocketcloud.services.dynamodb.partiql_parser import parse

_PIECES = st.sampled_from([
    "SELECT", "INSERT", "INTO", "VALUE", "UPDATE", "DELETE", "FROM", "WHERE", "SET", "REMOVE",
    "AND", "OR", "NOT", "IN", "IS", "MISSING", "BETWEEN", "RETURNING", "ALL", "NEW", "*", "?",
    '"t"', "a", "b.c", "x[0]", "'s'", "1", "-2.5e3", "TRUE", "NULL", "{", "}", "[", "]", "<<",
    ">>", "(", ")", ",", ":", "=", "<>", "<", ">=", "+", "-", "begins_with(", "size(",
])


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES, max_size=25), st.lists(st.just({"S": "v"}), max_size=3))
def test_token_soup_parses_or_is_a_validation_error(
    pieces: list[str], values: list[object]
) -> None:
    try:
        parse(" ".join(pieces), list(values))
    except AwsError as error:
        assert error.code == "ValidationException"


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_any_text_parses_or_is_a_validation_error(text: str) -> None:
    try:
        parse(text)
    except AwsError as error:
        assert error.code == "ValidationException"


def test_deep_nesting_is_refused() -> None:
    for statement in ('SELECT * FROM "t" WHERE ' + "(" * 500 + "a = 1" + ")" * 500,
                      "INSERT INTO \"t\" VALUE {'a': " + "[" * 500 + "]" * 500 + "}"):
        try:
            parse(statement)
        except AwsError as error:
            assert error.code == "ValidationException"
