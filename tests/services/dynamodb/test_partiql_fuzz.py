"""Hostile PartiQL never crashes the parser: any text either parses or is a ValidationException
(so the server answers 400, never 500)."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError
from hypothesis import HealthCheck, given, settings
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


_CLAUSES = st.sampled_from([
    "pk = 'a'", "pk = 1", "pk IN ['a', 'b']", "pk IN ['a', 'a']", "sk = '1'", "sk > '0'",
    "pk = ?", "n IS NULL", "n IS NOT MISSING", "(pk = 'a' OR pk = 'b')", "NOT pk = 'a'",
    "begins_with(sk, '1')", "size(n) > 1", "pk = 'a' AND pk = 'b'", "m.k[0] = 1",
])
_FORMS = st.sampled_from([
    'SELECT * FROM "{t}" WHERE {w}', 'SELECT pk, m.k[0] FROM "{t}" WHERE {w} ORDER BY {o}',
    'UPDATE "{t}" SET n = 1 WHERE {w}', 'DELETE FROM "{t}" WHERE {w}',
    'UPDATE "{t}" SET s = set_add(s, <<1>>) WHERE {w} RETURNING MODIFIED NEW *',
])


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(_FORMS, st.lists(_CLAUSES, min_size=1, max_size=4), st.sampled_from(["pk", "sk", "n"]),
       st.lists(st.just({"S": "a"}), max_size=2))  # fmt: skip
def test_statements_against_a_table_never_fail_with_500(
    raw_ddb: Any, fuzz_table: str, form: str, clauses: list[str], order: str,
    values: list[object],
) -> None:  # fmt: skip
    statement = form.format(t=fuzz_table, w=" AND ".join(clauses), o=order)
    try:
        raw_ddb.execute_statement(Statement=statement, Parameters=values)
    except ClientError as error:
        assert error.response["ResponseMetadata"]["HTTPStatusCode"] < 500, statement


@pytest.fixture
def fuzz_table(make_table: Any) -> str:
    return str(make_table())
