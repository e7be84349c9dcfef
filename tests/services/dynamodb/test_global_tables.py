"""Global tables (version 2019.11.21) end to end: replicas in other regions receive every
write made in any region, the last writer wins, and DescribeTable lists the replicas."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError
from tests.services.dynamodb.conftest import unique


def _table(ddb: Any) -> str:
    name = unique("global")
    ddb.create_table(
        TableName=name, BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}])
    return name


def test_replica_gets_existing_and_new_writes_both_ways(client: Callable[..., Any]) -> None:
    east, west = client("dynamodb"), client("dynamodb", region_name="eu-west-1")
    name = _table(east)
    east.put_item(TableName=name, Item={"pk": {"S": "before"}, "v": {"N": "1"}})
    answer = east.update_table(TableName=name,
                               ReplicaUpdates=[{"Create": {"RegionName": "eu-west-1"}}])
    shown = answer["TableDescription"]
    assert shown["GlobalTableVersion"] == "2019.11.21"
    assert shown["Replicas"] == [{"RegionName": "eu-west-1", "ReplicaStatus": "CREATING"}]

    table = east.describe_table(TableName=name)["Table"]
    assert table["Replicas"] == [{"RegionName": "eu-west-1", "ReplicaStatus": "ACTIVE"}]
    replica = west.describe_table(TableName=name)["Table"]
    assert replica["TableArn"].startswith("arn:aws:dynamodb:eu-west-1:")
    assert replica["Replicas"] == [{"RegionName": "us-east-1", "ReplicaStatus": "ACTIVE"}]
    assert replica["ItemCount"] == 1

    assert west.get_item(TableName=name, Key={"pk": {"S": "before"}})["Item"]["v"] == {"N": "1"}
    east.put_item(TableName=name, Item={"pk": {"S": "x"}, "v": {"N": "1"}})
    west.update_item(TableName=name, Key={"pk": {"S": "x"}}, UpdateExpression="SET v = v + :one",
                     ExpressionAttributeValues={":one": {"N": "1"}})
    east.put_item(TableName=name, Item={"pk": {"S": "x"}, "v": {"N": "10"}})  # last writer
    for region in (east, west):
        assert region.get_item(TableName=name, Key={"pk": {"S": "x"}})["Item"]["v"] == {"N": "10"}
    west.delete_item(TableName=name, Key={"pk": {"S": "before"}})
    assert "Item" not in east.get_item(TableName=name, Key={"pk": {"S": "before"}})
    east.transact_write_items(TransactItems=[
        {"Put": {"TableName": name, "Item": {"pk": {"S": "t"}, "v": {"N": "5"}}}}])
    assert west.get_item(TableName=name, Key={"pk": {"S": "t"}})["Item"]["v"] == {"N": "5"}
    # The replica's stream carries the replicated changes.
    assert replica["StreamSpecification"]["StreamViewType"] == "NEW_AND_OLD_IMAGES"

    east.update_table(TableName=name, ReplicaUpdates=[{"Delete": {"RegionName": "eu-west-1"}}])
    with pytest.raises(ClientError) as info:
        west.describe_table(TableName=name)
    assert info.value.response["Error"]["Code"] == "ResourceNotFoundException"
    table = east.describe_table(TableName=name)["Table"]
    assert "Replicas" not in table
    east.put_item(TableName=name, Item={"pk": {"S": "after"}})


def test_replica_where_a_table_exists_is_refused(client: Callable[..., Any]) -> None:
    east, west = client("dynamodb"), client("dynamodb", region_name="us-west-2")
    name = _table(east)
    _ = west.create_table(
        TableName=name, BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}])
    with pytest.raises(ClientError) as info:
        east.update_table(TableName=name,
                          ReplicaUpdates=[{"Create": {"RegionName": "us-west-2"}}])
    assert info.value.response["Error"]["Code"] == "ValidationException"
    with pytest.raises(ClientError) as info:
        east.update_table(TableName=name, BillingMode="PAY_PER_REQUEST",
                          ReplicaUpdates=[{"Create": {"RegionName": "ap-south-1"}}])
    assert info.value.response["Error"]["Code"] == "ValidationException"


def test_deleting_one_replica_table_leaves_the_others(client: Callable[..., Any]) -> None:
    east, west = client("dynamodb"), client("dynamodb", region_name="eu-central-1")
    name = _table(east)
    east.update_table(TableName=name, ReplicaUpdates=[{"Create": {"RegionName": "eu-central-1"}}])
    west.delete_table(TableName=name)
    assert "Replicas" not in east.describe_table(TableName=name)["Table"]
    east.put_item(TableName=name, Item={"pk": {"S": "a"}})
    assert east.get_item(TableName=name, Key={"pk": {"S": "a"}})["Item"]


def test_index_and_ttl_settings_reach_every_replica(client: Callable[..., Any]) -> None:
    east, west = client("dynamodb"), client("dynamodb", region_name="ap-northeast-1")
    name = _table(east)
    east.update_table(TableName=name, ReplicaUpdates=[{"Create": {"RegionName": "ap-northeast-1"}}])
    east.put_item(TableName=name, Item={"pk": {"S": "a"}, "g": {"S": "x"}})
    east.update_table(
        TableName=name,
        AttributeDefinitions=[{"AttributeName": "g", "AttributeType": "S"}],
        GlobalSecondaryIndexUpdates=[{"Create": {
            "IndexName": "by-g", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
            "Projection": {"ProjectionType": "ALL"}}}])
    found = west.query(TableName=name, IndexName="by-g", KeyConditionExpression="g = :g",
                       ExpressionAttributeValues={":g": {"S": "x"}})
    assert found["Count"] == 1
    east.update_time_to_live(TableName=name, TimeToLiveSpecification={
        "Enabled": True, "AttributeName": "expires"})
    replica_ttl = west.describe_time_to_live(TableName=name)["TimeToLiveDescription"]
    assert replica_ttl["AttributeName"] == "expires"
