"""A second conformance pass: answers of DynamoDB that the first passes did not pin down.

Each test names its source: AWS's developer guide and API reference, and answers quoted from
real DynamoDB in public reports."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def _keys_only_index_table(ddb: Any, make_table: Callable[..., str]) -> str:
    name = make_table(
        more_attributes={"g": "S"},
        GlobalSecondaryIndexes=[{
            "IndexName": "by-g", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
            "Projection": {"ProjectionType": "KEYS_ONLY"},
        }],
    )  # fmt: skip
    for number in range(4):
        ddb.put_item(TableName=name, Item={"pk": {"S": "p"}, "sk": {"S": str(number)},
                                           "g": {"S": "G"}, "a": {"N": str(number)}})  # fmt: skip
    return name


def test_a_global_index_filter_sees_only_projected_attributes(
    ddb: Any, make_table: Callable[..., str]
) -> None:
    """AWS's developer guide (GSI.html, "Attribute projections"): a global secondary index holds
    only the attributes projected into it, and a query on it reads only the index. So a filter
    on an attribute a KEYS_ONLY index does not hold finds it missing, in Query and in Scan."""
    name = _keys_only_index_table(ddb, make_table)
    found = ddb.query(TableName=name, IndexName="by-g", KeyConditionExpression="g = :g",
                      FilterExpression="a >= :zero", ExpressionAttributeValues={
                          ":g": {"S": "G"}, ":zero": {"N": "0"}})  # fmt: skip
    assert (found["Count"], found["ScannedCount"], found["Items"]) == (0, 4, [])
    missing = ddb.query(TableName=name, IndexName="by-g", KeyConditionExpression="g = :g",
                        FilterExpression="attribute_not_exists(a)",
                        ExpressionAttributeValues={":g": {"S": "G"}})  # fmt: skip
    assert missing["Count"] == 4
    assert all(set(item) == {"pk", "sk", "g"} for item in missing["Items"])
    scanned = ddb.scan(TableName=name, IndexName="by-g", FilterExpression="a >= :zero",
                       ExpressionAttributeValues={":zero": {"N": "0"}})  # fmt: skip
    assert (scanned["Count"], scanned["ScannedCount"]) == (0, 4)
    # The table itself still filters on the whole item.
    whole = ddb.query(TableName=name, KeyConditionExpression="pk = :p",
                      FilterExpression="a >= :zero", ExpressionAttributeValues={
                          ":p": {"S": "p"}, ":zero": {"N": "0"}})  # fmt: skip
    assert whole["Count"] == 4


def test_a_filter_that_removes_every_item_still_pages(
    ddb: Any, make_table: Callable[..., str]
) -> None:
    """AWS's Query reference: Limit counts the items read before the filter, so a page the filter
    empties still answers ScannedCount and a LastEvaluatedKey to go on from."""
    name = _keys_only_index_table(ddb, make_table)
    page = ddb.query(TableName=name, KeyConditionExpression="pk = :p", Limit=2,
                     FilterExpression="a > :big", ExpressionAttributeValues={
                         ":p": {"S": "p"}, ":big": {"N": "100"}})  # fmt: skip
    assert (page["Count"], page["ScannedCount"], page["Items"]) == (0, 2, [])
    assert page["LastEvaluatedKey"] == {"pk": {"S": "p"}, "sk": {"S": "1"}}
