"""UpdateExpression checks made before any item is read, worded as DynamoDB words them."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError
from tests.services.dynamodb.conftest import error_of

KEY = {"pk": {"S": "k"}}
NAMES = {"#c": "c", "#d": "[3]"}


def _update(ddb: Any, table: str, expression: str, **extra: Any) -> tuple[str, str]:
    with pytest.raises(ClientError) as excinfo:
        ddb.update_item(TableName=table, Key=KEY, UpdateExpression=expression, **extra)
    return error_of(excinfo)


@pytest.mark.parametrize(
    ("expression", "one", "two"),
    [
        ("SET c.b.#c = a, c = a", "[c, b, c]", "[c]"),  # the first written is path one
        ("SET #c[3].#d = a, #c[3] = a", "[c, [3], [3]]", "[c, [3]]"),
        ("REMOVE c, #c.a", "[c]", "[c, a]"),
        ("SET x = y REMOVE x", "[x]", "[x]"),
        # An overlap anywhere is reported before a conflict between earlier paths.
        ("SET d[1] = a, d.b = a, c[1].a = a, #c = a", "[c, [1], a]", "[c]"),
    ],
)
def test_overlapping_paths_are_named_in_written_order(
    ddb: Any, make_table: Any, expression: str, one: str, two: str
) -> None:
    names = {k: v for k, v in NAMES.items() if k in expression}
    extra = {"ExpressionAttributeNames": names} if names else {}
    assert _update(ddb, make_table(range=None), expression, **extra) == (
        "ValidationException",
        "Invalid UpdateExpression: Two document paths overlap with each other; must remove or "
        f"rewrite one of these paths; path one: {one}, path two: {two}",
    )


def test_conflicting_paths_are_named_in_written_order(ddb: Any, make_table: Any) -> None:
    assert _update(ddb, make_table(range=None), "REMOVE a.#c SET a[1] = b",
                   ExpressionAttributeNames={"#c": "c"}) == (  # fmt: skip
        "ValidationException",
        "Invalid UpdateExpression: Two document paths conflict with each other; must remove or "
        "rewrite one of these paths; path one: [a, c], path two: [a, [1]]",
    )


@pytest.mark.parametrize(
    ("expression", "value", "operator", "kind"),
    [
        ("SET a = list_append(:v, a)", {"S": "x"}, "list_append", "S"),
        ("SET a = list_append(a, :v)", {"N": "1"}, "list_append", "N"),
        ("SET a = a + :v", {"S": "x"}, "+", "S"),
        ("SET a = :v - a", {"BOOL": True}, "-", "BOOL"),
        ("SET a = if_not_exists(a, :w) + :v", {"M": {}}, "+", "M"),
    ],
)
def test_values_of_the_wrong_type_for_their_operator_are_refused_up_front(
    ddb: Any, make_table: Any, expression: str, value: Any, operator: str, kind: str
) -> None:
    values = {":v": value, **({":w": {"N": "1"}} if ":w" in expression else {})}
    # The item does not exist: the answer comes from the expression alone.
    assert _update(ddb, make_table(range=None), expression,
                   ExpressionAttributeValues=values) == (  # fmt: skip
        "ValidationException",
        "Invalid UpdateExpression: Incorrect operand type for operator or function; "
        f"operator or function: {operator}, operand type: {kind}",
    )


def test_delete_of_a_number_names_the_type_in_words(ddb: Any, make_table: Any) -> None:
    assert _update(ddb, make_table(range=None), "DELETE s :v",
                   ExpressionAttributeValues={":v": {"N": "1"}}) == (  # fmt: skip
        "ValidationException",
        "Invalid UpdateExpression: Incorrect operand type for operator or function; "
        "operator: DELETE, operand type: NUMBER",
    )
