"""PartiQL beyond the happy path, end to end: DynamoDB's rules for keys, partitions, ORDER BY,
literals, UPDATE's set functions, RETURNING, and the exact errors, as recorded against
DynamoDB."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError
from tests.services.dynamodb.conftest import error_of


def _run(ddb: Any, statement: str, *parameters: Any, **extra: Any) -> Any:
    if parameters:
        extra["Parameters"] = list(parameters)
    return ddb.execute_statement(Statement=statement, **extra)


def _refused(ddb: Any, statement: str, *parameters: Any, **extra: Any) -> tuple[str, str]:
    with pytest.raises(ClientError) as info:
        _run(ddb, statement, *parameters, **extra)
    return error_of(info)


def _put(ddb: Any, name: str, pk: str, sk: str = "1", **attributes: Any) -> None:
    ddb.put_item(TableName=name, Item={"pk": {"S": pk}, "sk": {"S": sk}, **attributes})


def _keys(answer: Any) -> list[str]:
    return [f"{i['pk']['S']}/{i['sk']['S']}" for i in answer["Items"]]


def test_partitions_by_in_and_or_are_queries_with_limits(ddb: Any, make_table: Any) -> None:
    name = make_table()
    for pk in ("a", "b", "c"):
        for sk in ("1", "2"):
            _put(ddb, name, pk, sk, flag={"S": pk + sk})
    select = f'SELECT pk, sk FROM "{name}" WHERE '
    assert sorted(_keys(_run(ddb, select + "pk IN ['a', 'c']"))) == ["a/1", "a/2", "c/1", "c/2"]
    assert _keys(_run(ddb, select + "pk = 'b' OR pk = 'a' AND sk = '2'")) == ["b/1", "b/2", "a/2"]
    assert _keys(_run(ddb, select + "pk IN ['a', 'b'] AND flag = 'b1'")) == ["b/1"]
    overlapping = ("ValidationException",
                   "Overlapping conditions with range keys are not supported in where clause")
    assert _refused(ddb, select + "pk IN ['a', 'a']") == overlapping
    assert _refused(ddb, select + "pk = 'a' OR pk = 'a'") == overlapping
    many = ", ".join(f"'v{n}'" for n in range(51))
    assert _refused(ddb, select + f"pk IN [{many}]") == (
        "ValidationException", "Too many decomposed read operations for a given query.")
    assert _run(ddb, select + f"pk IN [{many}] OR flag = 'a1'")["Items"]  # a scan: no limit
    operands = ", ".join(f"'v{n}'" for n in range(101))
    assert _refused(ddb, select + f"pk = 'a' AND flag IN [{operands}]") == (
        "ValidationException",
        "The IN operator is provided with too many operands; number of operands: 101")
    assert _refused(ddb, select + "pk = 1 OR pk = 'a'") == (
        "ValidationException",
        "Key attribute's data type should match its data type in table's schema: Key pk")


def test_pages_across_partitions(ddb: Any, make_table: Any) -> None:
    name = make_table()
    for pk in ("o", "p"):
        for sk in ("1", "2", "3"):
            _put(ddb, name, pk, sk)
    seen, token = [], None
    for _ in range(10):
        extra = {"NextToken": token} if token else {}
        page = _run(ddb, f"SELECT pk, sk FROM \"{name}\" WHERE pk IN ['o', 'p'] "
                         "ORDER BY pk DESC", Limit=2, **extra)  # fmt: skip
        assert len(page["Items"]) <= 2
        seen += _keys(page)
        token = page.get("NextToken")
        if not token:
            break
    assert seen == ["p/3", "p/2", "p/1", "o/3", "o/2", "o/1"]
    with pytest.raises(ClientError) as info:
        _run(ddb, f'SELECT * FROM "{name}"', NextToken="not-a-token")
    assert error_of(info) == ("ValidationException", "Invalid NextToken")


def test_order_by_follows_dynamodb_rules(ddb: Any, make_table: Any) -> None:
    name = make_table()
    for pk in ("o", "p"):
        for sk in ("1", "2", "3"):
            _put(ddb, name, pk, sk)
    select = f'SELECT pk, sk FROM "{name}" '
    assert _keys(_run(ddb, select + "WHERE pk = 'o' ORDER BY sk")) == ["o/1", "o/2", "o/3"]
    assert _keys(_run(ddb, select + "WHERE pk = 'o' ORDER BY sk DESC")) == ["o/3", "o/2", "o/1"]
    assert _keys(_run(ddb, select + "WHERE pk = 'o' ORDER BY pk ASC")) == ["o/3", "o/2", "o/1"]
    assert _keys(_run(ddb, select + "WHERE pk IN ['o', 'p'] ORDER BY pk DESC, sk ASC")) == [
        "p/1", "p/2", "p/3", "o/1", "o/2", "o/3"]  # fmt: skip
    cases = {
        "ORDER BY sk": "Must have WHERE clause in the statement when using ORDER BY clause.",
        "WHERE pk = 'o' ORDER BY other DESC":
            "Attribute other in ORDER BY clause must be part of the primary key",
        "WHERE pk > 'a' ORDER BY sk": "Must have at least one non-optional hash key condition "
                                      "in WHERE clause when using ORDER BY clause.",
        "WHERE pk IN ['o', 'p'] ORDER BY sk DESC": "Must have hash key in ORDER BY clause when "
            "more than one hash key condition specified in WHERE clause.",
    }  # fmt: skip
    for rest, message in cases.items():
        assert _refused(ddb, select + rest) == ("ValidationException", message), rest


def test_projection_columns_are_named_by_their_last_step(ddb: Any, make_table: Any) -> None:
    name = make_table()
    _put(ddb, name, "c", m={"M": {"k": {"L": [{"S": "x"}]}, "n": {"S": "deep"}}},
         l={"L": [{"S": "a"}, {"S": "b"}]}, **{"odd name": {"S": "q"}})  # fmt: skip
    got = _run(ddb, f"SELECT m.k[0], m.n, l[1], \"odd name\", absent FROM \"{name}\" "
                    "WHERE pk = 'c' AND sk = '1'")["Items"]  # fmt: skip
    assert got == [{"k[0]": {"S": "x"}, "n": {"S": "deep"}, "l[1]": {"S": "b"},
                    "odd name": {"S": "q"}}]  # fmt: skip
    assert _refused(ddb, f"SELECT l[-1] FROM \"{name}\" WHERE pk = 'c' AND sk = '1'") == (
        "ValidationException",
        "List index is not within the allowable range; index: [-1] at 1:11:1")


def test_conditions_null_missing_functions_and_comments(ddb: Any, make_table: Any) -> None:
    name = make_table()
    _put(ddb, name, "f", "1", nul={"NULL": True}, tags={"SS": ["a", "b"]}, n={"N": "1"},
         address={"S": "7834 24th Kirkland"}, image={"B": b"x" * 400})  # fmt: skip
    _put(ddb, name, "f", "2", n={"N": "5"})
    where = f"SELECT sk FROM \"{name}\" WHERE pk = 'f' AND "

    def sks(condition: str) -> list[str]:
        return sorted(i["sk"]["S"] for i in _run(ddb, where + condition)["Items"])

    assert sks("nul IS NULL") == ["1"]
    assert sks("nul IS NOT NULL") == ["2"]
    assert sks("absent IS NULL") == []
    assert sks("tags IS NOT MISSING") == ["1"] and sks("tags IS MISSING") == ["2"]
    assert sks("contains(\"address\", 'Kirkland') AND contains(tags, 'a')") == ["1"]
    assert sks("attribute_type(n, 'N') AND size(image) > 300") == ["1"]
    assert sks("n != 1 AND NOT begins_with(sk, '1')") == ["2"]
    assert sks("n BETWEEN - 2 AND +5 AND n IN [- - 1, 5]") == ["1", "2"]
    assert sks("n >= -/* a comment */-1 -- and one to the end\n AND n < 3;") == ["1"]
    assert sks("ATTRIBUTE_EXISTS (nul) OR n = 5") == ["1", "2"]
    assert _refused(ddb, where + "n = 1 garbage") == (
        "ValidationException",
        "Statement wasn't well formed, can't be processed: Unexpected token after expression")
    assert _refused(ddb, where + "n = 1 /* open")[0] == "ValidationException"
    assert _refused(ddb, "SLECT * FROM x") == (
        "ValidationException",
        "Statement wasn't well formed, can't be processed: Expected data manipulation")


def test_literals_and_parameters(ddb: Any, make_table: Any) -> None:
    name = make_table()
    _run(ddb, f"INSERT INTO \"{name}\" VALUE {{'pk': 'num', 'sk': '1', 'a': 1E3, 'b': -1.5e-3, "
              "'c': 2.50, 'd': -0, 'q': 'it''s here', 'ns': <<1, 34, 4.5>>, 'l': [- 1]}")
    item = ddb.get_item(TableName=name, Key={"pk": {"S": "num"}, "sk": {"S": "1"}})["Item"]
    assert (item["a"], item["b"], item["c"], item["d"]) == (
        {"N": "1000"}, {"N": "-0.0015"}, {"N": "2.5"}, {"N": "0"})
    assert item["q"] == {"S": "it's here"} and sorted(item["ns"]["NS"]) == ["1", "34", "4.5"]
    assert item["l"] == {"L": [{"N": "-1"}]}
    insert = f"INSERT INTO \"{name}\" VALUE {{'pk': 'bag', 'sk': '1', 's': "
    empty = _refused(ddb, insert + "<<>>}")
    assert empty == ("ValidationException", "Empty bags are not supported")
    assert _refused(ddb, insert + "<<1, 'a'>>}") == ("ValidationException",
        "Unsupported data type in Bag. DynamoDB only supports either numbers or strings in bags")
    assert _refused(ddb, insert + "<<'a', 'a'>>}") == ("ValidationException",
        "One or more parameter values were invalid: Input collection [a, a] contains duplicates.")
    assert _refused(ddb, insert + "{'k': ?}}", {"S": "v"}) == (
        "ValidationException",
        f"Unsupported data type: Parameter under key root.k at 1:{len(insert) + 7}:1")
    assert _refused(ddb, insert + "?}", {"S": "v"}, {"S": "w"}) == (
        "ValidationException", "Number of parameters in request and statement don't match.")
    _run(ddb, insert + "?}", {"SS": ["x", "y"]})
    got = _run(ddb, f"SELECT s FROM \"{name}\" WHERE pk = ? AND sk = '1' AND s = <<'y', 'x'>>",
               {"S": "bag"})["Items"]  # fmt: skip
    assert sorted(got[0]["s"]["SS"]) == ["x", "y"]
    assert _refused(ddb, f"INSERT INTO \"{name}\" VALUE ['pk']")[0] == "ValidationException"


def test_update_set_functions_and_arithmetic(ddb: Any, make_table: Any) -> None:
    name = make_table()
    _put(ddb, name, "u", n={"N": "1"}, l={"L": [{"N": "2020"}]}, band={"SS": ["m1", "m2"]},
         only={"SS": ["only"]}, m={"M": {}})  # fmt: skip
    key = " WHERE pk = 'u' AND sk = '1'"
    _run(ddb, f"UPDATE \"{name}\" SET n = n + 100 SET l = LIST_APPEND([2010], l) "
              "SET band = set_add(band, <<'new'>>) SET fresh = SET_ADD(fresh, <<3>>) "
              "SET only = set_delete(only, <<'only'>>) SET m.e = [1, 'two'] SET d=n-1" + key)
    item = ddb.get_item(TableName=name, Key={"pk": {"S": "u"}, "sk": {"S": "1"}})["Item"]
    assert item["n"] == {"N": "101"} and item["d"] == {"N": "0"}
    assert item["l"] == {"L": [{"N": "2010"}, {"N": "2020"}]}
    assert sorted(item["band"]["SS"]) == ["m1", "m2", "new"] and item["fresh"] == {"NS": ["3"]}
    assert "only" not in item and item["m"]["M"]["e"]["L"][1] == {"S": "two"}
    prefix = f'UPDATE "{name}" SET other = '
    assert _refused(ddb, prefix + "set_add(band, <<'x'>>)" + key) == (
        "ValidationException",
        f"The first argument to SET_ADD must equal the assignment value at 1:{len(prefix) + 1}:7")
    prefix = f'UPDATE "{name}"\nSET band = '
    assert _refused(ddb, prefix + "set_delete(band, ['x'])" + key) == (
        "ValidationException",
        "The second argument to SET_DELETE must be a value with type SET at "
        f"2:{len('SET band = ') + 1}:10")
    assert _refused(ddb, f'UPDATE "{name}" SET band = set_add(band, <<1>>)' + key) == (
        "ValidationException", "An operand in the update expression has an incorrect data type")
    assert _refused(ddb, f'UPDATE "{name}" SET x = list_append(nope, [1])' + key) == (
        "ValidationException",
        "The provided expression refers to an attribute that does not exist in the item")


def test_write_keys_returning_and_missing_items(ddb: Any, make_table: Any) -> None:
    name = make_table()
    _put(ddb, name, "k", data={"S": "old"}, keep={"S": "same"})
    key = " WHERE pk = 'k' AND sk = '1'"
    assert _refused(ddb, f"UPDATE \"{name}\" SET a = 1" + key + " AND pk = 'x'") == (
        "ValidationException",
        "Multiple conditions on same key pk. Only single item Update/Insert/Delete are supported")
    assert _refused(ddb, f"DELETE FROM \"{name}\" WHERE data = 'old'") == (
        "ValidationException",
        "Where clause does not contain a mandatory equality on all key attributes")
    _run(ddb, f"UPDATE \"{name}\" SET a = 2 WHERE (pk = 'k' AND sk = '1') AND data = 'old'")
    modified = _run(ddb, f"UPDATE \"{name}\" SET data = 'new'" + key + " RETURNING MODIFIED OLD *")
    assert modified["Items"] == [{"data": {"S": "old"}}]
    modified = _run(ddb, f"UPDATE \"{name}\" SET data = 'newer'" + key
                    + " RETURNING MODIFIED NEW *")
    assert modified["Items"] == [{"data": {"S": "newer"}}]
    old = _run(ddb, f"UPDATE \"{name}\" REMOVE keep" + key + " RETURNING ALL OLD *")["Items"][0]
    assert old["keep"] == {"S": "same"} and old["pk"] == {"S": "k"}
    assert _refused(ddb, f"DELETE FROM \"{name}\"" + key + " RETURNING MODIFIED OLD *") == (
        "ValidationException", "Invalid returning clause: RETURNING MODIFIED OLD *. Only "
        "RETURNING ALL OLD * is allowed in DELETE statements.")  # fmt: skip
    assert _refused(ddb, f"INSERT INTO \"{name}\" VALUE {{'pk': 'z', 'sk': '1'}} "
                         "RETURNING ALL OLD *")[0] == "ValidationException"  # fmt: skip
    code, message = _refused(ddb, f"DELETE FROM \"{name}\"" + key + " AND data = 'nope'")
    assert (code, message) == ("ConditionalCheckFailedException", "The conditional request failed")
    missing = _run(ddb, f"DELETE FROM \"{name}\" WHERE pk = 'gone' AND sk = '1' AND data = 'x' "
                        "RETURNING ALL OLD *")  # fmt: skip
    assert missing["Items"] == []
    assert _refused(ddb, f"UPDATE \"{name}\" SET a = 1 WHERE pk = 'gone' AND sk = '1'") == (
        "ConditionalCheckFailedException", "The conditional request failed")
    assert _refused(ddb, f"INSERT INTO \"{name}\" VALUE {{'pk': 'k', 'sk': '1'}}") == (
        "DuplicateItemException", "Duplicate primary key exists in table")
    with pytest.raises(ClientError) as info:
        _run(ddb, f"UPDATE \"{name}\" SET a = 9" + key + " AND data = 'nope'",
             ReturnValuesOnConditionCheckFailure="ALL_OLD")
    assert info.value.response["Item"]["data"] == {"S": "newer"}


def test_select_from_an_index_with_capacity_and_consistency(ddb: Any, make_table: Any) -> None:
    name = make_table(more_attributes={"g": "S"}, GlobalSecondaryIndexes=[{
        "IndexName": "by-g", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
        "Projection": {"ProjectionType": "ALL"}}])  # fmt: skip
    _put(ddb, name, "a", "1", g={"S": "x"})
    _put(ddb, name, "b", "1", g={"S": "x"})
    _put(ddb, name, "c", "1", g={"S": "y"})
    by_g = _run(ddb, f"SELECT pk FROM \"{name}\".\"by-g\" WHERE g = 'x'",
                ReturnConsumedCapacity="TOTAL")  # fmt: skip
    assert sorted(i["pk"]["S"] for i in by_g["Items"]) == ["a", "b"]
    assert by_g["ConsumedCapacity"]["CapacityUnits"] > 0
    scanned = _run(ddb, f"SELECT pk FROM \"{name}\".\"by-g\" WHERE pk <> 'a'")["Items"]
    assert sorted(i["pk"]["S"] for i in scanned) == ["b", "c"]
    strong = _run(ddb, f"SELECT * FROM \"{name}\" WHERE pk = 'c'", ConsistentRead=True)
    assert strong["Items"][0]["g"] == {"S": "y"}
    code, _ = _refused(ddb, f"SELECT * FROM \"{name}\".\"by-g\" WHERE g = 'x'",
                       ConsistentRead=True)  # fmt: skip
    assert code == "ValidationException"
    code, message = _refused(ddb, f"SELECT * FROM \"{name}\".\"nope\" WHERE g = 'x'")
    assert code == "ValidationException" and "nope" in message
    code, _ = _refused(ddb, f"UPDATE \"{name}\" SET v = 1 WHERE pk = 'a' AND sk = '1'", Limit=1)
    assert code == "ValidationException"


def test_a_page_ends_at_one_megabyte(ddb: Any, make_table: Any) -> None:
    name = make_table()
    for sk in "1234":
        _put(ddb, name, "big", sk, blob={"S": "x" * 350_000})
    pages, token = [], None
    for _ in range(5):
        extra = {"NextToken": token} if token else {}
        page = _run(ddb, f"SELECT sk FROM \"{name}\" WHERE pk IN ['big', 'none']", **extra)
        pages.append([i["sk"]["S"] for i in page["Items"]])
        token = page.get("NextToken")
        if not token:
            break
    assert len(pages) > 1 and len(pages[0]) < 4
    assert [sk for page in pages for sk in page] == ["1", "2", "3", "4"]
