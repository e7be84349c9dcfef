"""Global tables version 2017.11.29 (legacy) end to end: CreateGlobalTable joins empty,
streaming tables made in each region beforehand, writes replicate between them, and the
legacy API describes, updates, lists and configures the group."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError
from tests.services.dynamodb.conftest import error_of, unique

_STREAM = {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"}


def _member(ddb: Any, name: str, stream: dict[str, Any] | None = _STREAM) -> None:
    more = {"StreamSpecification": stream} if stream else {}
    ddb.create_table(
        TableName=name, KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST", **more)


def _group(*regions: str) -> list[dict[str, str]]:
    return [{"RegionName": r} for r in regions]


def test_create_describe_and_replicate(client: Callable[..., Any]) -> None:
    east, west = client("dynamodb"), client("dynamodb", region_name="eu-west-2")
    name = unique("legacy")
    _member(east, name)
    _member(west, name)
    created = east.create_global_table(GlobalTableName=name,
                                       ReplicationGroup=_group("us-east-1", "eu-west-2"))
    shown = created["GlobalTableDescription"]
    assert shown["GlobalTableStatus"] == "CREATING"
    assert shown["GlobalTableName"] == name
    assert shown["GlobalTableArn"].endswith(f":global-table/{name}")
    assert shown["GlobalTableArn"].startswith("arn:aws:dynamodb::")
    assert shown["ReplicationGroup"] == [
        {"RegionName": "us-east-1", "ReplicaStatus": "ACTIVE"},
        {"RegionName": "eu-west-2", "ReplicaStatus": "ACTIVE"}]
    described = west.describe_global_table(GlobalTableName=name)["GlobalTableDescription"]
    assert described["GlobalTableStatus"] == "ACTIVE"
    assert described["CreationDateTime"] == shown["CreationDateTime"]

    east.put_item(TableName=name, Item={"pk": {"S": "a"}, "v": {"N": "1"}})
    assert west.get_item(TableName=name, Key={"pk": {"S": "a"}})["Item"]["v"] == {"N": "1"}
    west.delete_item(TableName=name, Key={"pk": {"S": "a"}})
    assert "Item" not in east.get_item(TableName=name, Key={"pk": {"S": "a"}})
    # A legacy member's DescribeTable carries no GlobalTableVersion: AWS's way to tell it.
    table = east.describe_table(TableName=name)["Table"]
    assert "GlobalTableVersion" not in table and "Replicas" not in table


def test_create_errors(client: Callable[..., Any]) -> None:
    east, west = client("dynamodb"), client("dynamodb", region_name="ca-central-1")
    name = unique("legacy")
    _member(east, name)
    with pytest.raises(ClientError) as info:
        east.create_global_table(GlobalTableName=name,
                                 ReplicationGroup=_group("us-east-1", "ca-central-1"))
    assert error_of(info) == (
        "TableNotFoundException",
        f"Table not found: Table: '{name}' not found in region: 'ca-central-1'.")
    _member(west, name, stream=None)
    with pytest.raises(ClientError) as info:
        east.create_global_table(GlobalTableName=name,
                                 ReplicationGroup=_group("us-east-1", "ca-central-1"))
    assert error_of(info)[0] == "ValidationException"
    assert "NEW_AND_OLD_IMAGES" in error_of(info)[1]
    east.put_item(TableName=name, Item={"pk": {"S": "a"}})
    with pytest.raises(ClientError) as info:
        east.create_global_table(GlobalTableName=name, ReplicationGroup=_group("us-east-1"))
    assert error_of(info)[0] == "ValidationException"
    assert "not empty" in error_of(info)[1]
    east.delete_item(TableName=name, Key={"pk": {"S": "a"}})
    east.create_global_table(GlobalTableName=name, ReplicationGroup=_group("us-east-1"))
    with pytest.raises(ClientError) as info:
        east.create_global_table(GlobalTableName=name, ReplicationGroup=_group("us-east-1"))
    assert error_of(info)[0] == "GlobalTableAlreadyExistsException"
    with pytest.raises(ClientError) as info:
        east.describe_global_table(GlobalTableName=unique("missing"))
    assert error_of(info)[0] == "GlobalTableNotFoundException"
    with pytest.raises(ClientError) as info:  # a legacy member takes no ReplicaUpdates
        east.update_table(TableName=name,
                          ReplicaUpdates=[{"Create": {"RegionName": "ap-south-1"}}])
    assert error_of(info)[0] == "ValidationException"


def test_key_schemas_must_match(client: Callable[..., Any]) -> None:
    east, west = client("dynamodb"), client("dynamodb", region_name="eu-north-1")
    name = unique("legacy")
    _member(east, name)
    west.create_table(
        TableName=name, BillingMode="PAY_PER_REQUEST", StreamSpecification=_STREAM,
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}])
    with pytest.raises(ClientError) as info:
        east.create_global_table(GlobalTableName=name,
                                 ReplicationGroup=_group("us-east-1", "eu-north-1"))
    assert error_of(info)[0] == "ValidationException"


def test_update_adds_and_removes_replicas(client: Callable[..., Any]) -> None:
    east = client("dynamodb")
    west = client("dynamodb", region_name="us-west-1")
    south = client("dynamodb", region_name="sa-east-1")
    name = unique("legacy")
    _member(east, name)
    east.create_global_table(GlobalTableName=name, ReplicationGroup=_group("us-east-1"))
    east.put_item(TableName=name, Item={"pk": {"S": "before"}})
    with pytest.raises(ClientError) as info:
        east.update_global_table(GlobalTableName=name,
                                 ReplicaUpdates=[{"Create": {"RegionName": "us-west-1"}}])
    assert error_of(info)[0] == "TableNotFoundException"
    _member(west, name)
    _member(south, name)
    answer = east.update_global_table(GlobalTableName=name, ReplicaUpdates=[
        {"Create": {"RegionName": "us-west-1"}}, {"Create": {"RegionName": "sa-east-1"}}])
    regions = [r["RegionName"] for r in answer["GlobalTableDescription"]["ReplicationGroup"]]
    assert regions == ["us-east-1", "us-west-1", "sa-east-1"]
    assert west.get_item(TableName=name, Key={"pk": {"S": "before"}})["Item"]
    south.put_item(TableName=name, Item={"pk": {"S": "from-south"}})
    assert east.get_item(TableName=name, Key={"pk": {"S": "from-south"}})["Item"]
    assert west.get_item(TableName=name, Key={"pk": {"S": "from-south"}})["Item"]

    with pytest.raises(ClientError) as info:
        east.update_global_table(GlobalTableName=name,
                                 ReplicaUpdates=[{"Create": {"RegionName": "us-west-1"}}])
    assert error_of(info)[0] == "ReplicaAlreadyExistsException"
    with pytest.raises(ClientError) as info:
        east.update_global_table(GlobalTableName=name,
                                 ReplicaUpdates=[{"Delete": {"RegionName": "eu-west-3"}}])
    assert error_of(info)[0] == "ReplicaNotFoundException"
    with pytest.raises(ClientError) as info:
        east.update_global_table(GlobalTableName=unique("missing"),
                                 ReplicaUpdates=[{"Delete": {"RegionName": "us-west-1"}}])
    assert error_of(info)[0] == "GlobalTableNotFoundException"

    # A region that leaves keeps its table, which no longer receives the group's writes.
    east.update_global_table(GlobalTableName=name,
                             ReplicaUpdates=[{"Delete": {"RegionName": "us-west-1"}}])
    east.put_item(TableName=name, Item={"pk": {"S": "after"}})
    assert "Item" not in west.get_item(TableName=name, Key={"pk": {"S": "after"}})
    assert south.get_item(TableName=name, Key={"pk": {"S": "after"}})["Item"]
    # Deleting a member's table takes its region out of the group.
    south.delete_table(TableName=name)
    shown = east.describe_global_table(GlobalTableName=name)["GlobalTableDescription"]
    assert [r["RegionName"] for r in shown["ReplicationGroup"]] == ["us-east-1"]


def test_list_global_tables(client: Callable[..., Any]) -> None:
    east, west = client("dynamodb"), client("dynamodb", region_name="ap-southeast-2")
    names = sorted(unique("listed") for _ in range(3))
    for name in names:
        _member(east, name)
    _member(west, names[1])
    for name in names:
        east.create_global_table(GlobalTableName=name, ReplicationGroup=_group("us-east-1"))
    east.update_global_table(GlobalTableName=names[1],
                             ReplicaUpdates=[{"Create": {"RegionName": "ap-southeast-2"}}])
    in_west = east.list_global_tables(RegionName="ap-southeast-2")["GlobalTables"]
    assert {"GlobalTableName": names[1], "ReplicationGroup": [
        {"RegionName": "us-east-1"}, {"RegionName": "ap-southeast-2"}]} in in_west
    assert not {names[0], names[2]} & {t["GlobalTableName"] for t in in_west}
    page = east.list_global_tables(ExclusiveStartGlobalTableName=names[0], Limit=1)
    assert [t["GlobalTableName"] for t in page["GlobalTables"]] == [names[1]]
    assert page["LastEvaluatedGlobalTableName"] == names[1]


def test_global_table_settings(client: Callable[..., Any]) -> None:
    east, west = client("dynamodb"), client("dynamodb", region_name="eu-west-3")
    name = unique("settings")
    provisioned = {
        "BillingMode": "PROVISIONED",
        "ProvisionedThroughput": {"ReadCapacityUnits": 5, "WriteCapacityUnits": 5},
        "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"},
                                 {"AttributeName": "g", "AttributeType": "S"}],
        "GlobalSecondaryIndexes": [{
            "IndexName": "by-g", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
            "Projection": {"ProjectionType": "ALL"},
            "ProvisionedThroughput": {"ReadCapacityUnits": 2, "WriteCapacityUnits": 2}}],
    }
    for ddb in (east, west):
        ddb.create_table(TableName=name, StreamSpecification=_STREAM,
                         KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}], **provisioned)
    east.create_global_table(GlobalTableName=name,
                             ReplicationGroup=_group("us-east-1", "eu-west-3"))
    settings = east.describe_global_table_settings(GlobalTableName=name)
    first = settings["ReplicaSettings"][0]
    assert first["RegionName"] == "us-east-1"
    assert first["ReplicaBillingModeSummary"]["BillingMode"] == "PROVISIONED"
    assert first["ReplicaProvisionedReadCapacityUnits"] == 5
    assert first["ReplicaProvisionedWriteCapacityAutoScalingSettings"] == {
        "AutoScalingDisabled": True}
    assert first["ReplicaGlobalSecondaryIndexSettings"][0]["IndexName"] == "by-g"

    answer = east.update_global_table_settings(
        GlobalTableName=name, GlobalTableProvisionedWriteCapacityUnits=12,
        GlobalTableGlobalSecondaryIndexSettingsUpdate=[
            {"IndexName": "by-g", "ProvisionedWriteCapacityUnits": 7}],
        ReplicaSettingsUpdate=[{
            "RegionName": "eu-west-3", "ReplicaProvisionedReadCapacityUnits": 9,
            "ReplicaProvisionedReadCapacityAutoScalingSettingsUpdate": {
                "MinimumUnits": 5, "MaximumUnits": 50, "ScalingPolicyUpdate": {
                    "TargetTrackingScalingPolicyConfiguration": {"TargetValue": 70.0}}}}])
    by_region = {r["RegionName"]: r for r in answer["ReplicaSettings"]}
    assert by_region["us-east-1"]["ReplicaProvisionedWriteCapacityUnits"] == 12
    assert by_region["us-east-1"]["ReplicaProvisionedReadCapacityUnits"] == 5
    assert by_region["eu-west-3"]["ReplicaProvisionedReadCapacityUnits"] == 9
    west_index = by_region["eu-west-3"]["ReplicaGlobalSecondaryIndexSettings"][0]
    assert west_index["ProvisionedWriteCapacityUnits"] == 7
    scaling = by_region["eu-west-3"]["ReplicaProvisionedReadCapacityAutoScalingSettings"]
    assert scaling["MinimumUnits"] == 5 and scaling["MaximumUnits"] == 50
    assert scaling["ScalingPolicies"][0]["TargetTrackingScalingPolicyConfiguration"][
        "TargetValue"] == 70.0
    table = west.describe_table(TableName=name)["Table"]
    assert table["ProvisionedThroughput"]["WriteCapacityUnits"] == 12

    for bad, code in (
        ({"ReplicaSettingsUpdate": [{"RegionName": "ap-east-1",
                                     "ReplicaProvisionedReadCapacityUnits": 3}]},
         "ReplicaNotFoundException"),
        ({"GlobalTableGlobalSecondaryIndexSettingsUpdate": [
            {"IndexName": "nope", "ProvisionedWriteCapacityUnits": 3}]}, "IndexNotFoundException"),
        ({"GlobalTableBillingMode": "PAY_PER_REQUEST",
          "GlobalTableProvisionedWriteCapacityUnits": 3}, "ValidationException"),
    ):
        with pytest.raises(ClientError) as info:
            east.update_global_table_settings(GlobalTableName=name, **bad)
        assert error_of(info)[0] == code
    on_demand = east.update_global_table_settings(GlobalTableName=name,
                                                  GlobalTableBillingMode="PAY_PER_REQUEST")
    assert {r["ReplicaBillingModeSummary"]["BillingMode"]
            for r in on_demand["ReplicaSettings"]} == {"PAY_PER_REQUEST"}
    with pytest.raises(ClientError) as info:
        east.describe_global_table_settings(GlobalTableName=unique("missing"))
    assert error_of(info)[0] == "GlobalTableNotFoundException"
