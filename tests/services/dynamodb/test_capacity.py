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


def test_reads_round_per_4_kb_and_halve_when_eventually_consistent(
        ddb: Any, indexed: str) -> None:
    item = {"pk": {"S": "r"}, "sk": {"S": "1"}, "d": {"S": "z" * 5000}}  # 5 KB -> 2 units
    ddb.put_item(TableName=indexed, Item=item)
    key = {"pk": item["pk"], "sk": item["sk"]}
    strong = ddb.get_item(TableName=indexed, Key=key, ConsistentRead=True,
                          ReturnConsumedCapacity="INDEXES")["ConsumedCapacity"]
    assert strong == {"TableName": indexed, "CapacityUnits": 2.0, "ReadCapacityUnits": 2.0,
                      "Table": {"CapacityUnits": 2.0, "ReadCapacityUnits": 2.0}}
    eventual = ddb.get_item(TableName=indexed, Key=key, ReturnConsumedCapacity="TOTAL")
    assert eventual["ConsumedCapacity"]["CapacityUnits"] == 1.0
    missing = ddb.get_item(TableName=indexed, Key={**key, "sk": {"S": "none"}},
                           ReturnConsumedCapacity="TOTAL")["ConsumedCapacity"]
    assert missing["CapacityUnits"] == 0.5
    batch = ddb.batch_get_item(RequestItems={indexed: {"Keys": [key], "ConsistentRead": True}},
                               ReturnConsumedCapacity="INDEXES")["ConsumedCapacity"]
    assert batch == [strong]
    scan = ddb.scan(TableName=indexed, ReturnConsumedCapacity="INDEXES")["ConsumedCapacity"]
    assert scan["Table"] == {"CapacityUnits": 1.0, "ReadCapacityUnits": 1.0}
    both = ddb.transact_get_items(TransactItems=[{"Get": {"TableName": indexed, "Key": key}}],
                                  ReturnConsumedCapacity="TOTAL")["ConsumedCapacity"]
    assert both == [{"TableName": indexed, "CapacityUnits": 4.0, "ReadCapacityUnits": 4.0}]


def test_index_reads_are_charged_for_index_entries(ddb: Any, make_table: Any) -> None:
    name = make_table(
        more_attributes={"g": "S", "l": "S"},
        GlobalSecondaryIndexes=[{
            "IndexName": "keys-only", "Projection": {"ProjectionType": "KEYS_ONLY"},
            "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}]}],
        LocalSecondaryIndexes=[{
            "IndexName": "local-keys", "Projection": {"ProjectionType": "KEYS_ONLY"},
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"},
                          {"AttributeName": "l", "KeyType": "RANGE"}]}])
    for n in range(2):  # two 10 KB items: 3 units each read whole, a few bytes in the index
        ddb.put_item(TableName=name, Item={"pk": {"S": "a"}, "sk": {"S": str(n)},
                                           "g": {"S": "x"}, "l": {"S": str(n)},
                                           "d": {"S": "z" * 10_000}})
    on_gsi = ddb.query(TableName=name, IndexName="keys-only", KeyConditionExpression="g = :g",
                       ExpressionAttributeValues={":g": {"S": "x"}},
                       ReturnConsumedCapacity="INDEXES")["ConsumedCapacity"]
    assert on_gsi["GlobalSecondaryIndexes"]["keys-only"]["ReadCapacityUnits"] == 0.5
    assert on_gsi["CapacityUnits"] == 0.5
    keys_only = ddb.query(TableName=name, IndexName="local-keys", ConsistentRead=True,
                          KeyConditionExpression="pk = :a",
                          ExpressionAttributeValues={":a": {"S": "a"}},
                          ReturnConsumedCapacity="INDEXES")["ConsumedCapacity"]
    assert keys_only["LocalSecondaryIndexes"]["local-keys"]["CapacityUnits"] == 1.0
    assert keys_only["Table"]["CapacityUnits"] == 0.0
    # Unprojected attributes are fetched from the table: a read per item, for the table.
    fetched = ddb.query(TableName=name, IndexName="local-keys", ConsistentRead=True,
                        Select="ALL_ATTRIBUTES", KeyConditionExpression="pk = :a",
                        ExpressionAttributeValues={":a": {"S": "a"}},
                        ReturnConsumedCapacity="INDEXES")["ConsumedCapacity"]
    assert fetched["Table"] == {"CapacityUnits": 6.0, "ReadCapacityUnits": 6.0}
    assert fetched["LocalSecondaryIndexes"]["local-keys"]["CapacityUnits"] == 1.0
    assert fetched["CapacityUnits"] == 7.0


def test_transactions_condition_checks_and_collection_metrics(ddb: Any, indexed: str) -> None:
    checked = {"pk": {"S": "c"}, "sk": {"S": "1"}, "d": {"S": "z" * 2500}}  # 3 KB
    ddb.put_item(TableName=indexed, Item=checked)
    answer = ddb.transact_write_items(
        TransactItems=[
            {"ConditionCheck": {"TableName": indexed,
                                "Key": {"pk": checked["pk"], "sk": checked["sk"]},
                                "ConditionExpression": "attribute_exists(pk)"}},
            {"Put": {"TableName": indexed,
                     "Item": {"pk": {"S": "w"}, "sk": {"S": "1"}, "l": {"S": "y"}}}}],
        ReturnConsumedCapacity="TOTAL", ReturnItemCollectionMetrics="SIZE")
    # The check costs 2 x 3 units, the put 2 x 1 (its LSI entry another 2 x 1).
    assert answer["ConsumedCapacity"][0]["CapacityUnits"] == 10.0
    assert answer["ItemCollectionMetrics"] == {indexed: [{
        "ItemCollectionKey": {"pk": {"S": "w"}}, "SizeEstimateRangeGB": [0.0, 1.0]}]}
    deleted = ddb.delete_item(TableName=indexed, Key={"pk": {"S": "w"}, "sk": {"S": "1"}},
                              ReturnItemCollectionMetrics="SIZE")
    assert deleted["ItemCollectionMetrics"]["ItemCollectionKey"] == {"pk": {"S": "w"}}
    updated = ddb.update_item(TableName=indexed, Key={"pk": {"S": "u"}, "sk": {"S": "1"}},
                              UpdateExpression="SET l = :l",
                              ExpressionAttributeValues={":l": {"S": "y"}},
                              ReturnItemCollectionMetrics="SIZE")
    assert updated["ItemCollectionMetrics"]["SizeEstimateRangeGB"] == [0.0, 1.0]


def test_collection_estimate_counts_local_index_entries(ddb: Any, indexed: str) -> None:
    from pocketcloud.services.dynamodb.storage import IndexMeta, KeyAttribute, TableMeta

    table = TableMeta("t", 1, KeyAttribute("pk", "S"), KeyAttribute("sk", "S"), {})
    local = IndexMeta("l", KeyAttribute("pk", "S"), KeyAttribute("l", "S"), "KEYS_ONLY", (),
                      False)
    item = {"pk": {"S": "a"}, "sk": {"S": "1"}, "l": {"S": "y"}, "d": {"S": "z" * 50}}
    assert capacity.entry_size(table, local, item) == len("pk") + 1 + len("sk") + 1 + 2
    assert capacity.collection_metrics(table, item, 3 * 1024**3 + 5) == {
        "ItemCollectionKey": {"pk": {"S": "a"}}, "SizeEstimateRangeGB": [3.0, 4.0]}
