"""Answers recorded from DynamoDB that earlier passes missed: the wording of an empty key value
(GetItem, PutItem and Query calls quoted in moto issue 7062 and other users' reports),
UpdateTable's throughput history (dynalite, whose tests run against DynamoDB) and a transaction's
update that cannot apply to its item (a DynamoDB answer quoted in aws-sdk-net issue 1292), and
tagging a missing table (dynalite's tagging tests)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError
from tests.services.dynamodb.conftest import error_of, unique
from tests.support import refused

_EMPTY = (
    "One or more parameter values are not valid. The AttributeValue for a key attribute "
    "cannot contain an empty {kind} value. Key: {name}"
)


def test_an_empty_key_value_is_not_valid_in_every_item_call(
    ddb: Any, make_table: Callable[..., str]
) -> None:
    name = make_table()
    empty_hash = {"pk": {"S": ""}, "sk": {"S": "a"}}
    expected = ("ValidationException", _EMPTY.format(kind="string", name="pk"))
    assert refused(ddb.put_item, TableName=name, Item=empty_hash) == expected
    assert refused(ddb.get_item, TableName=name, Key=empty_hash) == expected
    assert refused(ddb.delete_item, TableName=name, Key=empty_hash) == expected
    empty_sort = {"pk": {"S": "a"}, "sk": {"S": ""}}
    assert refused(ddb.put_item, TableName=name, Item=empty_sort) == (
        "ValidationException", _EMPTY.format(kind="string", name="sk"))  # fmt: skip


def test_a_query_for_an_empty_hash_key_is_refused(
    ddb: Any, make_table: Callable[..., str]
) -> None:
    name = make_table(hash=("pk", "B"), range=None)
    assert refused(
        ddb.query, TableName=name, KeyConditionExpression="pk = :p",
        ExpressionAttributeValues={":p": {"B": b""}},
    ) == ("ValidationException", _EMPTY.format(kind="binary", name="pk"))  # fmt: skip


def test_a_query_of_an_index_for_an_empty_hash_key_names_the_index(
    ddb: Any, make_table: Callable[..., str]
) -> None:
    name = make_table(
        more_attributes={"g": "S"},
        GlobalSecondaryIndexes=[{
            "IndexName": "by-g", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
            "Projection": {"ProjectionType": "ALL"},
        }],
    )  # fmt: skip
    assert refused(
        ddb.query, TableName=name, IndexName="by-g", KeyConditionExpression="g = :g",
        ExpressionAttributeValues={":g": {"S": ""}},
    ) == ("ValidationException",
          "One or more parameter values are not valid. A value specified for a secondary index "
          "key is not supported. The AttributeValue for a key attribute cannot contain an empty "
          "string value. IndexName: by-g, IndexKey: g")  # fmt: skip
    # A non-empty value still queries.
    found = ddb.query(TableName=name, IndexName="by-g", KeyConditionExpression="g = :g",
                      ExpressionAttributeValues={":g": {"S": "x"}})  # fmt: skip
    assert found["Count"] == 0


@pytest.fixture
def provisioned(ddb: Any) -> str:
    name = unique()
    ddb.create_table(
        TableName=name,
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": 5},
    )
    return name


def _throughput(ddb: Any, name: str) -> dict[str, Any]:
    return dict(ddb.describe_table(TableName=name)["Table"]["ProvisionedThroughput"])


def test_an_unchanged_throughput_is_refused(ddb: Any, provisioned: str) -> None:
    assert refused(
        ddb.update_table, TableName=provisioned,
        ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": 5},
    ) == ("ValidationException",
          "The provisioned throughput for the table will not change. The requested value equals "
          "the current value. Current ReadCapacityUnits provisioned for the table: 5. Requested "
          "ReadCapacityUnits: 5. Current WriteCapacityUnits provisioned for the table: 5. "
          "Requested WriteCapacityUnits: 5. Refer to the Amazon DynamoDB Developer Guide for "
          "current limits and how to request higher limits.")  # fmt: skip


def test_increases_and_decreases_are_dated_and_decreases_counted(
    ddb: Any, provisioned: str
) -> None:
    created = _throughput(ddb, provisioned)
    assert "LastIncreaseDateTime" not in created and "LastDecreaseDateTime" not in created
    ddb.update_table(TableName=provisioned,
                     ProvisionedThroughput={"ReadCapacityUnits": 10, "WriteCapacityUnits": 10})
    raised = _throughput(ddb, provisioned)
    assert "LastIncreaseDateTime" in raised and "LastDecreaseDateTime" not in raised
    assert raised["NumberOfDecreasesToday"] == 0
    ddb.update_table(TableName=provisioned,
                     ProvisionedThroughput={"ReadCapacityUnits": 4, "WriteCapacityUnits": 10})
    lowered = _throughput(ddb, provisioned)
    assert lowered["LastIncreaseDateTime"] == raised["LastIncreaseDateTime"]  # kept
    assert lowered["LastDecreaseDateTime"] >= raised["LastIncreaseDateTime"]
    assert (lowered["NumberOfDecreasesToday"], lowered["ReadCapacityUnits"]) == (1, 4)
    ddb.update_table(TableName=provisioned,
                     ProvisionedThroughput={"ReadCapacityUnits": 3, "WriteCapacityUnits": 10})
    assert _throughput(ddb, provisioned)["NumberOfDecreasesToday"] == 2


_CANCELLED = "Transaction cancelled, please refer cancellation reasons for specific reasons "


@pytest.mark.parametrize(
    ("update", "values", "message"),
    [
        ("SET a = nothere", None,
         "The provided expression refers to an attribute that does not exist in the item"),
        ("SET nope.b = :v", {":v": {"S": "x"}},
         "The document path provided in the update expression is invalid for update"),
        ("ADD s :v", {":v": {"N": "1"}},
         "An operand in the update expression has an incorrect data type"),
        ("SET n = n + :v", {":v": {"N": "9.9e125"}},
         "Number overflow. Attempting to store a number with magnitude larger than supported "
         "range"),
    ],
)  # fmt: skip
def test_an_update_that_cannot_apply_cancels_the_transaction_with_a_validation_error(
    ddb: Any, make_table: Callable[..., str], update: str, values: Any, message: str
) -> None:
    name = make_table()
    key = {"pk": {"S": "a"}, "sk": {"S": "b"}}
    ddb.put_item(TableName=name, Item={**key, "s": {"S": "x"}, "n": {"N": "9.9e125"}})
    other = {"pk": {"S": "c"}, "sk": {"S": "d"}}
    changing: dict[str, Any] = {"TableName": name, "Key": key, "UpdateExpression": update}
    if values:
        changing["ExpressionAttributeValues"] = values
    with pytest.raises(ClientError) as excinfo:
        ddb.transact_write_items(TransactItems=[
            {"Put": {"TableName": name, "Item": other}}, {"Update": changing}])  # fmt: skip
    response = excinfo.value.response
    assert error_of(excinfo) == ("TransactionCanceledException",
                                 _CANCELLED + "[None, ValidationError]")  # fmt: skip
    assert response["CancellationReasons"] == [
        {"Code": "None"}, {"Code": "ValidationError", "Message": message}]  # fmt: skip
    assert "Item" not in ddb.get_item(TableName=name, Key=other)  # nothing written
    # UpdateItem alone answers the same message as its own error.
    with pytest.raises(ClientError) as alone:
        ddb.update_item(**changing)
    assert error_of(alone) == ("ValidationException", message)


def test_a_failed_condition_is_the_reason_before_the_update_is_tried(
    ddb: Any, make_table: Callable[..., str]
) -> None:
    name = make_table()
    key = {"pk": {"S": "a"}, "sk": {"S": "b"}}
    with pytest.raises(ClientError) as excinfo:
        ddb.transact_write_items(TransactItems=[{"Update": {
            "TableName": name, "Key": key, "UpdateExpression": "SET a = nothere",
            "ConditionExpression": "attribute_exists(pk)"}}])  # fmt: skip
    failed = {"Code": "ConditionalCheckFailed", "Message": "The conditional request failed"}
    assert excinfo.value.response["CancellationReasons"] == [failed]
    # The request's own mistakes stay the request's error.
    with pytest.raises(ClientError) as own:
        ddb.transact_write_items(TransactItems=[{"Update": {
            "TableName": name, "Key": key, "UpdateExpression": "SET pk = :v",
            "ExpressionAttributeValues": {":v": {"S": "x"}}}}])  # fmt: skip
    assert error_of(own) == ("ValidationException", "One or more parameter values were invalid: "
                             "Cannot update attribute pk. This attribute is part of the key")


def test_tagging_a_missing_table_answers_in_dynamodbs_own_spelling(
    ddb: Any, make_table: Callable[..., str]
) -> None:
    arn = ddb.describe_table(TableName=make_table())["Table"]["TableArn"] + "-gone"
    expected = ("ResourceNotFoundException",
                f"Requested resource not found: ResourcArn: {arn} not found")  # fmt: skip
    tags = [{"Key": "a", "Value": "b"}]
    assert refused(ddb.tag_resource, ResourceArn=arn, Tags=tags) == expected
    assert refused(ddb.untag_resource, ResourceArn=arn, TagKeys=["a"]) == expected
    assert refused(ddb.list_tags_of_resource, ResourceArn=arn) == expected


def test_capacity_units_above_the_bound_are_out_of_bounds(ddb: Any, provisioned: str) -> None:
    huge = 1_000_000_000_001
    assert refused(
        ddb.update_table, TableName=provisioned,
        ProvisionedThroughput={"ReadCapacityUnits": huge, "WriteCapacityUnits": 5},
    ) == ("ValidationException", f"Given value {huge} for ReadCapacityUnits is out of bounds")
    assert refused(
        ddb.create_table, TableName=unique(),
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": huge},
    ) == ("ValidationException", f"Given value {huge} for WriteCapacityUnits is out of bounds")
    # The bound itself is accepted.
    ddb.update_table(TableName=provisioned, ProvisionedThroughput={
        "ReadCapacityUnits": huge - 1, "WriteCapacityUnits": 5})  # fmt: skip


def test_index_updates_name_one_action_and_each_index_once(ddb: Any, provisioned: str) -> None:
    assert refused(ddb.update_table, TableName=provisioned, GlobalSecondaryIndexUpdates=[{}]) == (
        "ValidationException",
        "One or more parameter values were invalid: One of GlobalSecondaryIndexUpdate.Update, "
        "GlobalSecondaryIndexUpdate.Create, GlobalSecondaryIndexUpdate.Delete must not be null")
    twice = [{"Delete": {"IndexName": "abc"}}, {"Delete": {"IndexName": "abc"}}]
    assert refused(ddb.update_table, TableName=provisioned, GlobalSecondaryIndexUpdates=twice) == (
        "ValidationException",
        "One or more parameter values were invalid: Only one global secondary index update per "
        "index is allowed simultaneously. Index: abc")
