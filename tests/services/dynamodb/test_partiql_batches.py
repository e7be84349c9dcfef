"""PartiQL's BatchExecuteStatement and ExecuteTransaction beyond the happy path: per-statement
errors, the read and write rules, limits and idempotency, with DynamoDB's wording."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError
from tests.services.dynamodb.conftest import error_of


def _statements(*texts: str) -> list[dict[str, Any]]:
    return [{"Statement": text} for text in texts]


def _put(ddb: Any, name: str, pk: str, **attributes: Any) -> None:
    ddb.put_item(TableName=name, Item={"pk": {"S": pk}, "sk": {"S": "1"}, **attributes})


def test_batch_answers_each_statement(ddb: Any, make_table: Any) -> None:
    name = make_table()
    _put(ddb, name, "a", flag={"S": "one"}, v={"N": "1"})
    reads = ddb.batch_execute_statement(Statements=_statements(
        "SLECT * FROM x",
        f"SELECT flag FROM \"{name}\" WHERE pk = 'a' AND sk = '1'",
        f"SELECT * FROM \"{name}\" WHERE pk IN ['a'] AND sk = '1'",
        f"SELECT * FROM \"{name}\" WHERE pk = 'a' AND sk = '1' AND flag = 'one'",
        f"SELECT * FROM \"{name}\" WHERE pk = 'a'",
        "SELECT * FROM \"no-such-table\" WHERE pk = 'a' AND sk = '1'",
    ))["Responses"]  # fmt: skip
    assert reads[0]["Error"] == {"Code": "ValidationError", "Message":
        "Statement wasn't well formed, can't be processed: Expected data manipulation"}
    assert reads[1]["Item"] == {"flag": {"S": "one"}} and reads[1]["TableName"] == name
    assert reads[2]["Item"]["pk"] == {"S": "a"}
    refused = ("Select statements within BatchExecuteStatement must specify the primary key in "
               "the where clause.")  # fmt: skip
    assert reads[3]["Error"]["Message"] == refused and reads[4]["Error"]["Message"] == refused
    assert reads[5] == {"Error": {"Code": "ResourceNotFound",
                                  "Message": "Requested resource not found"}}

    writes = ddb.batch_execute_statement(Statements=[
        {"Statement": f"UPDATE \"{name}\" SET v = 2 WHERE pk = 'a' AND sk = '1' AND v = 5",
         "ReturnValuesOnConditionCheckFailure": "ALL_OLD"},
        {"Statement": f"INSERT INTO \"{name}\" VALUE {{'pk': 'a', 'sk': '1'}}"},
        {"Statement": f"DELETE FROM \"{name}\" WHERE pk = 'a' AND sk = '1'"},
    ])["Responses"]  # fmt: skip
    assert writes[0]["Error"]["Code"] == "ConditionalCheckFailed"
    assert writes[0]["Error"]["Item"]["v"] == {"N": "1"}
    assert writes[1]["Error"] == {"Code": "DuplicateItem",
                                  "Message": "Duplicate primary key exists in table"}
    assert "Error" not in writes[2]


def test_batch_limits(ddb: Any, make_table: Any) -> None:
    name = make_table()
    read = f"SELECT * FROM \"{name}\" WHERE pk = 'a' AND sk = '1'"
    write = f"UPDATE \"{name}\" SET v = 1 WHERE pk = 'a' AND sk = '1'"
    with pytest.raises(ClientError) as info:
        ddb.batch_execute_statement(Statements=_statements(read, write))
    assert error_of(info)[0] == "ValidationException"
    with pytest.raises(ClientError) as info:
        ddb.batch_execute_statement(Statements=_statements(*[read] * 26))
    assert error_of(info)[0] == "ValidationException"
    assert "25" in error_of(info)[1]


def test_transaction_rules_and_messages(ddb: Any, make_table: Any) -> None:
    name = make_table()
    _put(ddb, name, "x1", flag={"S": "right"})
    _put(ddb, name, "x3", awards={"N": "1"})
    key = "WHERE pk = 'x1' AND sk = '1'"
    cases = {
        (f"SELECT * FROM \"{name}\" {key}", f"UPDATE \"{name}\" SET t = 1 {key}"):
            "ExecuteTransaction API does not support both read and write operations in the "
            "same request.",
        (f"EXISTS(SELECT * FROM \"{name}\" {key})", f"UPDATE \"{name}\" SET t = 1 {key}"):
            "Validation failed in TransactStatements[0]: EXISTS() must contain a single item "
            "read with additional condition",
        (f"UPDATE \"{name}\" SET t = 1 {key} RETURNING ALL NEW *",):
            "Validation failed in TransactStatements[0]: RETURNING clause is not supported in "
            "ExecuteTransaction.",
        (f"SELECT * FROM \"{name}\" {key}", f"SELECT * FROM \"{name}\".\"idx\" {key}"):
            "Validation failed in TransactStatements[1]: Reads on indices are not supported "
            "within transactions.",
        (f"SELECT * FROM \"{name}\" {key} AND flag = 'right'",):
            "Validation failed in TransactStatements[0]: Select statements within "
            "ExecuteTransaction must specify the primary key in the where clause.",
        (f"SELECT * FROM \"{name}\" {key}", "SELEC"):
            "Validation failed in TransactStatements[1]: Statement wasn't well formed, can't be "
            "processed: Expected data manipulation",
    }  # fmt: skip
    for texts, message in cases.items():
        with pytest.raises(ClientError) as info:
            ddb.execute_transaction(TransactStatements=_statements(*texts))
        assert error_of(info) == ("ValidationException", message), texts
    with pytest.raises(ClientError) as info:
        ddb.execute_statement(Statement=f"EXISTS(SELECT * FROM \"{name}\" {key} AND t IS MISSING)")
    assert error_of(info) == ("ValidationException",
                              "EXISTS can only be used in ExecuteTransaction write requests.")
    with pytest.raises(ClientError) as info:
        ddb.execute_transaction(TransactStatements=_statements(*[
            f"INSERT INTO \"{name}\" VALUE {{'pk': 'n{n}', 'sk': '1'}}" for n in range(101)]))
    assert error_of(info)[0] == "ValidationException"

    with pytest.raises(ClientError) as info:
        ddb.execute_transaction(TransactStatements=_statements(
            f"EXISTS(SELECT * FROM \"{name}\" WHERE pk = 'x3' AND sk = '1' AND awards IS MISSING)",
            f"UPDATE \"{name}\" SET touched = 1 {key}"))
    assert error_of(info) == ("TransactionCanceledException", "Transaction cancelled, please "
                              "refer cancellation reasons for specific reasons "
                              "[ConditionalCheckFailed, None]")  # fmt: skip
    reasons = info.value.response["CancellationReasons"]
    assert reasons[0] == {"Code": "ConditionalCheckFailed",
                          "Message": "The conditional request failed"}
    reads = ddb.execute_transaction(TransactStatements=_statements(
        f"SELECT flag FROM \"{name}\" WHERE sk = '1' AND pk = 'x1' AND pk = 'x1'",
        f"SELECT * FROM \"{name}\" WHERE pk = 'none' AND sk = '1'"))["Responses"]
    assert reads == [{"Item": {"flag": {"S": "right"}}}, {}]


def test_transaction_client_request_token_runs_once(ddb: Any, make_table: Any) -> None:
    name = make_table()
    _put(ddb, name, "c", n={"N": "0"})
    statements = _statements(f"UPDATE \"{name}\" SET n = n + 1 WHERE pk = 'c' AND sk = '1'")
    token = f"token-{name}"  # tokens live per account: other tests' must not collide
    for _ in range(2):
        ddb.execute_transaction(TransactStatements=statements, ClientRequestToken=token)
    item = ddb.get_item(TableName=name, Key={"pk": {"S": "c"}, "sk": {"S": "1"}})["Item"]
    assert item["n"] == {"N": "1"}
    with pytest.raises(ClientError) as info:
        ddb.execute_transaction(TransactStatements=_statements(
            f"UPDATE \"{name}\" SET n = n + 2 WHERE pk = 'c' AND sk = '1'"),
            ClientRequestToken=token)
    assert error_of(info)[0] == "IdempotentParameterMismatchException"


def test_transaction_on_a_missing_table_is_cancelled(ddb: Any, make_table: Any) -> None:
    name = make_table()
    _put(ddb, name, "m")
    key = "WHERE pk = 'm' AND sk = '1'"
    with pytest.raises(ClientError) as info:
        ddb.execute_transaction(TransactStatements=_statements(
            f"UPDATE \"{name}\" SET a = 1 {key}", f"DELETE FROM \"no-such-table\" {key}"))
    assert error_of(info)[0] == "TransactionCanceledException"
    assert info.value.response["CancellationReasons"] == [
        {"Code": "None"},
        {"Code": "ResourceNotFound", "Message": "Requested resource not found"}]
    item = ddb.get_item(TableName=name, Key={"pk": {"S": "m"}, "sk": {"S": "1"}})["Item"]
    assert "a" not in item


def test_malformed_parameters_are_refused_not_crashed(raw_ddb: Any, make_table: Any) -> None:
    name = make_table()
    statements = [f"SELECT * FROM \"{name}\" WHERE pk = ? AND sk = '1'",
                  f"SELECT * FROM \"{name}\" WHERE pk IN [?]",
                  f"INSERT INTO \"{name}\" VALUE {{'pk': 'p', 'sk': '1', 'x': ?}}",
                  f"UPDATE \"{name}\" SET x = ? WHERE pk = 'p' AND sk = '1'"]  # fmt: skip
    for statement in statements:
        for parameter in ({}, {"S": "a", "N": "1"}, {"NULL": False}, {"SS": []}):
            with pytest.raises(ClientError) as info:
                raw_ddb.execute_statement(Statement=statement, Parameters=[parameter])
            assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400, (
                statement, parameter)
