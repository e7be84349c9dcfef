"""ConsumedCapacity with DynamoDB's unit accounting (TOTAL and INDEXES), item collection
metrics on tables with a local secondary index, and the 10 GB collection limit."""

from __future__ import annotations

from typing import Any

import pytest

from pocketcloud.errors import AwsError
from pocketcloud.services.dynamodb import capacity


@pytest.fixture
def indexed(ddb: Any, make_table: Any) -> str:
    return make_table(  # type: ignore[no-any-return]
        more_attributes={"g": "S", "l": "S"},
        GlobalSecondaryIndexes=[{
            "IndexName": "keys-only", "Projection": {"ProjectionType": "KEYS_ONLY"},
            "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}]}],
        LocalSecondaryIndexes=[{
            "IndexName": "local", "Projection": {"ProjectionType": "ALL"},
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"},
                          {"AttributeName": "l", "KeyType": "RANGE"}]}],
    )


def test_write_units_per_index_and_the_larger_item(ddb: Any, indexed: str) -> None:
    key = {"pk": {"S": "a"}, "sk": {"S": "1"}}
    big = {**key, "g": {"S": "x"}, "l": {"S": "y"}, "d": {"S": "z" * 2500}}
    put = ddb.put_item(TableName=indexed, Item=big, ReturnConsumedCapacity="INDEXES")
    used = put["ConsumedCapacity"]
    # table: 3 KB -> 3 units; the KEYS_ONLY index entry is small -> 1; the ALL LSI -> 3.
    assert used["Table"] == {"CapacityUnits": 3.0, "WriteCapacityUnits": 3.0}
    assert used["GlobalSecondaryIndexes"] == {
        "keys-only": {"CapacityUnits": 1.0, "WriteCapacityUnits": 1.0}}
    assert used["LocalSecondaryIndexes"] == {
        "local": {"CapacityUnits": 3.0, "WriteCapacityUnits": 3.0}}
    assert used["CapacityUnits"] == 7.0
    # Shrinking the item costs the larger (old) size; moving the GSI key costs it two writes.
    small = ddb.put_item(TableName=indexed, Item={**key, "g": {"S": "other"}},
                         ReturnConsumedCapacity="INDEXES")["ConsumedCapacity"]
    assert small["Table"]["CapacityUnits"] == 3.0
    assert small["GlobalSecondaryIndexes"]["keys-only"]["CapacityUnits"] == 2.0
    assert small["LocalSecondaryIndexes"]["local"]["CapacityUnits"] == 3.0  # entry removed
    total = ddb.delete_item(TableName=indexed, Key=key, ReturnConsumedCapacity="TOTAL")
    assert total["ConsumedCapacity"] == {"TableName": indexed, "CapacityUnits": 2.0,
                                         "WriteCapacityUnits": 2.0}


def test_query_through_an_index_charges_the_index(ddb: Any, indexed: str) -> None:
    ddb.put_item(TableName=indexed, Item={"pk": {"S": "a"}, "sk": {"S": "1"}, "g": {"S": "x"}})
    answer = ddb.query(TableName=indexed, IndexName="keys-only", KeyConditionExpression="g = :g",
                       ExpressionAttributeValues={":g": {"S": "x"}},
                       ReturnConsumedCapacity="INDEXES")
    used = answer["ConsumedCapacity"]
    assert used["Table"]["CapacityUnits"] == 0.0
    assert used["GlobalSecondaryIndexes"]["keys-only"]["CapacityUnits"] == 0.5


def test_item_collection_metrics(ddb: Any, indexed: str) -> None:
    answer = ddb.put_item(TableName=indexed,
                          Item={"pk": {"S": "a"}, "sk": {"S": "1"}, "l": {"S": "y"}},
                          ReturnItemCollectionMetrics="SIZE")
    assert answer["ItemCollectionMetrics"] == {
        "ItemCollectionKey": {"pk": {"S": "a"}}, "SizeEstimateRangeGB": [0.0, 1.0]}
    batch = ddb.batch_write_item(
        RequestItems={indexed: [{"PutRequest": {"Item": {"pk": {"S": "b"}, "sk": {"S": "1"}}}}]},
        ReturnItemCollectionMetrics="SIZE")
    assert batch["ItemCollectionMetrics"][indexed][0]["ItemCollectionKey"] == {"pk": {"S": "b"}}


def test_collection_over_10_gb_is_refused() -> None:
    capacity.check_collection(10 * 1024**3)
    with pytest.raises(AwsError) as info:
        capacity.check_collection(10 * 1024**3 + 1)
    assert info.value.code == "ItemCollectionSizeLimitExceededException"


def test_transaction_writes_cost_double_with_their_indexes(ddb: Any, indexed: str) -> None:
    item = {"pk": {"S": "t"}, "sk": {"S": "1"}, "g": {"S": "x"}, "d": {"S": "z" * 1500}}
    answer = ddb.transact_write_items(
        TransactItems=[{"Put": {"TableName": indexed, "Item": item}}],
        ReturnConsumedCapacity="INDEXES")
    used = answer["ConsumedCapacity"][0]
    assert used["Table"]["CapacityUnits"] == 4.0  # 2 KB -> 2 units, doubled
    assert used["GlobalSecondaryIndexes"]["keys-only"]["CapacityUnits"] == 2.0
    assert used["CapacityUnits"] == 6.0
