"""PartiQL end to end: ExecuteStatement, BatchExecuteStatement, ExecuteTransaction for the
common SELECT, INSERT, UPDATE and DELETE forms, with DynamoDB's errors."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError


def _code(info: Any) -> str:
    return str(info.value.response["Error"]["Code"])


def _run(ddb: Any, statement: str, *parameters: Any, **extra: Any) -> Any:
    if parameters:
        extra["Parameters"] = list(parameters)
    return ddb.execute_statement(Statement=statement, **extra)


def test_insert_select_update_delete(ddb: Any, make_table: Any) -> None:
    name = make_table()
    _run(ddb, f"INSERT INTO \"{name}\" VALUE {{'pk': 'a', 'sk': '1', 'n': 1, 'tags': <<'x', 'y'>>, "
              "'m': {'inner': [1, 'two', TRUE, NULL]}}")
    _run(ddb, f'INSERT INTO "{name}" VALUE {{\'pk\': ?, \'sk\': ?, \'n\': ?}}',
         {"S": "a"}, {"S": "2"}, {"N": "5"})
    _run(ddb, f"INSERT INTO \"{name}\" VALUE {{'pk': 'b', 'sk': '1', 'n': 9}}")
    with pytest.raises(ClientError) as info:
        _run(ddb, f"INSERT INTO \"{name}\" VALUE {{'pk': 'b', 'sk': '1'}}")
    assert _code(info) == "DuplicateItemException"

    got = _run(ddb, f"SELECT * FROM \"{name}\" WHERE pk = 'a' AND sk = '1'")["Items"]
    assert got[0]["tags"]["SS"] and got[0]["m"]["M"]["inner"]["L"][1] == {"S": "two"}
    partition = _run(ddb, f'SELECT sk, n FROM "{name}" WHERE pk = ? AND n > 2', {"S": "a"})
    assert partition["Items"] == [{"sk": {"S": "2"}, "n": {"N": "5"}}]
    scanned = _run(ddb, f'SELECT pk FROM "{name}" WHERE n >= 5 OR begins_with(sk, \'9\')')
    assert sorted(i["pk"]["S"] for i in scanned["Items"]) == ["a", "b"]
    missing = _run(ddb, f'SELECT * FROM "{name}" WHERE tags IS MISSING')["Items"]
    assert len(missing) == 2

    updated = _run(ddb, f"UPDATE \"{name}\" SET n = n + 10 SET extra = 'e' REMOVE tags "
                        "WHERE pk = 'a' AND sk = '1' RETURNING ALL NEW *")["Items"][0]
    assert updated["n"] == {"N": "11"} and updated["extra"] == {"S": "e"} and "tags" not in updated
    with pytest.raises(ClientError) as info:
        _run(ddb, f"UPDATE \"{name}\" SET n = 1 WHERE pk = 'zzz' AND sk = '1'")
    assert _code(info) == "ConditionalCheckFailedException"
    with pytest.raises(ClientError) as info:
        _run(ddb, f"UPDATE \"{name}\" SET n = 1 WHERE pk = 'a'")
    assert _code(info) == "ValidationException"

    old = _run(ddb, f"DELETE FROM \"{name}\" WHERE pk = 'b' AND sk = '1' RETURNING ALL OLD *")
    assert old["Items"][0]["n"] == {"N": "9"}
    with pytest.raises(ClientError) as info:
        _run(ddb, f"DELETE FROM \"{name}\" WHERE pk = 'a' AND sk = '2' AND n = 999")
    assert _code(info) == "ConditionalCheckFailedException"
    assert len(_run(ddb, f'SELECT * FROM "{name}"')["Items"]) == 2


def test_select_pages_with_next_token(ddb: Any, make_table: Any) -> None:
    name = make_table()
    for n in range(5):
        ddb.put_item(TableName=name, Item={"pk": {"S": "p"}, "sk": {"S": str(n)}})
    seen, token = [], None
    for _ in range(10):
        extra = {"NextToken": token} if token else {}
        page = _run(ddb, f"SELECT sk FROM \"{name}\" WHERE pk = 'p'", Limit=2, **extra)
        seen += [i["sk"]["S"] for i in page["Items"]]
        token = page.get("NextToken")
        if not token:
            break
    assert seen == ["0", "1", "2", "3", "4"]


def test_malformed_statements_and_parameters(ddb: Any, make_table: Any) -> None:
    name = make_table()
    for statement in ("SELEC * FROM x", f'SELECT * FROM "{name}" WHERE', "INSERT INTO",
                      f"SELECT * FROM \"{name}\" WHERE pk = 'unterminated"):
        with pytest.raises(ClientError) as info:
            _run(ddb, statement)
        assert _code(info) == "ValidationException", statement
    with pytest.raises(ClientError) as info:
        _run(ddb, f'SELECT * FROM "{name}" WHERE pk = ?')
    assert _code(info) == "ValidationException"
    with pytest.raises(ClientError) as info:
        _run(ddb, 'SELECT * FROM "no-such-table"')
    assert _code(info) == "ResourceNotFoundException"


def test_batch_and_transaction(ddb: Any, make_table: Any) -> None:
    name = make_table()
    answer = ddb.batch_execute_statement(Statements=[
        {"Statement": f"INSERT INTO \"{name}\" VALUE {{'pk': 'a', 'sk': '1'}}"},
        {"Statement": f"INSERT INTO \"{name}\" VALUE {{'pk': 'a', 'sk': '1'}}"},
        {"Statement": f'INSERT INTO "{name}" VALUE {{\'pk\': ?, \'sk\': \'2\'}}',
         "Parameters": [{"S": "b"}]},
    ])["Responses"]
    assert "Error" not in answer[0] and answer[1]["Error"]["Code"] == "DuplicateItem"
    got = ddb.batch_execute_statement(Statements=[
        {"Statement": f"SELECT * FROM \"{name}\" WHERE pk = 'a' AND sk = '1'"},
        {"Statement": f"SELECT * FROM \"{name}\" WHERE pk = 'zz' AND sk = '1'"},
    ])["Responses"]
    assert got[0]["Item"]["pk"] == {"S": "a"} and "Item" not in got[1]

    ddb.execute_transaction(TransactStatements=[
        {"Statement": f"UPDATE \"{name}\" SET v = 1 WHERE pk = 'a' AND sk = '1'"},
        {"Statement": f"INSERT INTO \"{name}\" VALUE {{'pk': 'c', 'sk': '1'}}"},
    ])
    with pytest.raises(ClientError) as info:
        ddb.execute_transaction(TransactStatements=[
            {"Statement": f"UPDATE \"{name}\" SET v = 2 WHERE pk = 'a' AND sk = '1'"},
            {"Statement": f"UPDATE \"{name}\" SET v = 3 WHERE pk = 'nope' AND sk = '1'"},
        ])
    assert _code(info) == "TransactionCanceledException"
    reads = ddb.execute_transaction(TransactStatements=[
        {"Statement": f"SELECT v FROM \"{name}\" WHERE pk = 'a' AND sk = '1'"},
        {"Statement": f"SELECT * FROM \"{name}\" WHERE pk = 'c' AND sk = '1'"},
    ])["Responses"]
    assert reads[0]["Item"] == {"v": {"N": "1"}} and reads[1]["Item"]["pk"] == {"S": "c"}


def test_order_by_and_exists_condition_checks(ddb: Any, make_table: Any) -> None:
    name = make_table()
    for n in range(3):
        ddb.put_item(TableName=name, Item={"pk": {"S": "p"}, "sk": {"S": str(n)}})
    down = _run(ddb, f"SELECT sk FROM \"{name}\" WHERE pk = 'p' ORDER BY sk DESC")["Items"]
    assert [i["sk"]["S"] for i in down] == ["2", "1", "0"]
    ddb.execute_transaction(TransactStatements=[
        {"Statement": f"EXISTS(SELECT * FROM \"{name}\" WHERE pk = 'p' "
                      "AND sk = '0' AND v IS MISSING)"},
        {"Statement": f"UPDATE \"{name}\" SET v = 1 WHERE pk = 'p' AND sk = '1'"},
    ])
    with pytest.raises(ClientError) as info:
        ddb.execute_transaction(TransactStatements=[
            {"Statement": f"EXISTS(SELECT * FROM \"{name}\" WHERE pk = 'p' "
                          "AND sk = '9' AND v IS MISSING)"},
            {"Statement": f"UPDATE \"{name}\" SET v = 2 WHERE pk = 'p' AND sk = '1'"},
        ])
    assert _code(info) == "TransactionCanceledException"
    reasons = info.value.response["CancellationReasons"]
    assert [r["Code"] for r in reasons] == ["ConditionalCheckFailed", "None"]
    with pytest.raises(ClientError) as info:
        _run(ddb, f"EXISTS(SELECT * FROM \"{name}\" WHERE pk = 'p' AND sk = '0')")
    assert _code(info) == "ValidationException"


def test_write_transaction_answers_an_empty_response_list(ddb: Any, make_table: Any) -> None:
    name = make_table()
    answer = ddb.execute_transaction(TransactStatements=[
        {"Statement": f"INSERT INTO \"{name}\" VALUE {{'pk': 'u1', 'sk': '1'}}"},
        {"Statement": f"INSERT INTO \"{name}\" VALUE {{'pk': 'u2', 'sk': '1'}}"},
    ])
    assert answer["Responses"] == []
    assert ddb.scan(TableName=name)["Count"] == 2
