"""DescribeTableReplicaAutoScaling and UpdateTableReplicaAutoScaling end to end: settings per
replica and index, write settings shared by every replica of a global table (state only)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError
from tests.services.dynamodb.conftest import error_of, unique

_SCALING = {"MinimumUnits": 5, "MaximumUnits": 100, "ScalingPolicyUpdate": {
    "TargetTrackingScalingPolicyConfiguration": {"TargetValue": 70.0}}}


def _provisioned(ddb: Any) -> str:
    name = unique("scaled")
    ddb.create_table(
        TableName=name, BillingMode="PROVISIONED",
        ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": 5},
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                              {"AttributeName": "g", "AttributeType": "S"}],
        GlobalSecondaryIndexes=[{
            "IndexName": "by-g", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
            "Projection": {"ProjectionType": "KEYS_ONLY"},
            "ProvisionedThroughput": {"ReadCapacityUnits": 5, "WriteCapacityUnits": 5}}])
    return name


def test_settings_start_disabled_and_update_per_replica(client: Callable[..., Any]) -> None:
    east, west = client("dynamodb"), client("dynamodb", region_name="eu-west-1")
    name = _provisioned(east)
    described = east.describe_table_replica_auto_scaling(TableName=name)
    shown = described["TableAutoScalingDescription"]
    assert shown["TableName"] == name and shown["TableStatus"] == "ACTIVE"
    assert shown["Replicas"] == [{
        "RegionName": "us-east-1", "ReplicaStatus": "ACTIVE",
        "ReplicaProvisionedReadCapacityAutoScalingSettings": {"AutoScalingDisabled": True},
        "ReplicaProvisionedWriteCapacityAutoScalingSettings": {"AutoScalingDisabled": True},
        "GlobalSecondaryIndexes": [{
            "IndexName": "by-g", "IndexStatus": "ACTIVE",
            "ProvisionedReadCapacityAutoScalingSettings": {"AutoScalingDisabled": True},
            "ProvisionedWriteCapacityAutoScalingSettings": {"AutoScalingDisabled": True}}]}]

    east.update_table(TableName=name, ReplicaUpdates=[{"Create": {"RegionName": "eu-west-1"}}])
    answer = east.update_table_replica_auto_scaling(
        TableName=name, ProvisionedWriteCapacityAutoScalingUpdate=_SCALING,
        GlobalSecondaryIndexUpdates=[{"IndexName": "by-g",
                                      "ProvisionedWriteCapacityAutoScalingUpdate": _SCALING}],
        ReplicaUpdates=[{"RegionName": "eu-west-1",
                         "ReplicaProvisionedReadCapacityAutoScalingUpdate": {
                             **_SCALING, "MinimumUnits": 10}}])
    replicas = {r["RegionName"]: r for r in answer["TableAutoScalingDescription"]["Replicas"]}
    assert set(replicas) == {"us-east-1", "eu-west-1"}
    for replica in replicas.values():  # write settings are the same everywhere
        write = replica["ReplicaProvisionedWriteCapacityAutoScalingSettings"]
        assert write["MinimumUnits"] == 5 and write["MaximumUnits"] == 100
        assert write["AutoScalingDisabled"] is False
        assert write["AutoScalingRoleArn"].endswith(
            "AWSServiceRoleForApplicationAutoScaling_DynamoDBTable")
        policy = write["ScalingPolicies"][0]
        assert policy["PolicyName"] == f"DynamoDBWriteCapacityUtilization:table/{name}"
        assert policy["TargetTrackingScalingPolicyConfiguration"] == {"TargetValue": 70.0}
        index = replica["GlobalSecondaryIndexes"][0]
        assert index["ProvisionedWriteCapacityAutoScalingSettings"]["MaximumUnits"] == 100
    assert replicas["us-east-1"]["ReplicaProvisionedReadCapacityAutoScalingSettings"] == {
        "AutoScalingDisabled": True}
    assert replicas["eu-west-1"]["ReplicaProvisionedReadCapacityAutoScalingSettings"][
        "MinimumUnits"] == 10
    # The replica's own view shows the same, stored state.
    there = west.describe_table_replica_auto_scaling(TableName=name)["TableAutoScalingDescription"]
    assert {r["RegionName"] for r in there["Replicas"]} == {"us-east-1", "eu-west-1"}


def test_bad_settings_are_refused(client: Callable[..., Any], make_table: Any) -> None:
    ddb = client("dynamodb")
    name = _provisioned(ddb)
    for bad in ({**_SCALING, "MinimumUnits": 200},
                {**_SCALING, "ScalingPolicyUpdate": {
                    "TargetTrackingScalingPolicyConfiguration": {"TargetValue": 95.0}}},
                {"ScalingPolicyUpdate": _SCALING["ScalingPolicyUpdate"]}):
        with pytest.raises(ClientError) as info:
            ddb.update_table_replica_auto_scaling(
                TableName=name, ProvisionedWriteCapacityAutoScalingUpdate=bad)
        assert error_of(info)[0] == "ValidationException"
    with pytest.raises(ClientError) as info:
        ddb.update_table_replica_auto_scaling(TableName=name, ReplicaUpdates=[
            {"RegionName": "ap-south-1",
             "ReplicaProvisionedReadCapacityAutoScalingUpdate": _SCALING}])
    assert error_of(info)[0] == "ValidationException"
    with pytest.raises(ClientError) as info:
        ddb.update_table_replica_auto_scaling(TableName=name, GlobalSecondaryIndexUpdates=[
            {"IndexName": "nope", "ProvisionedWriteCapacityAutoScalingUpdate": _SCALING}])
    assert error_of(info)[0] == "ResourceNotFoundException"
    on_demand = make_table()
    with pytest.raises(ClientError) as info:
        ddb.update_table_replica_auto_scaling(
            TableName=on_demand, ProvisionedWriteCapacityAutoScalingUpdate=_SCALING)
    assert error_of(info)[0] == "ValidationException"
    with pytest.raises(ClientError) as info:
        ddb.describe_table_replica_auto_scaling(TableName=unique("missing"))
    assert error_of(info)[0] == "ResourceNotFoundException"
    # Nothing changed by the refused requests.
    shown = ddb.describe_table_replica_auto_scaling(TableName=name)["TableAutoScalingDescription"]
    assert shown["Replicas"][0]["ReplicaProvisionedWriteCapacityAutoScalingSettings"] == {
        "AutoScalingDisabled": True}


def test_malformed_settings_get_a_400(raw_ddb: Any, ddb: Any) -> None:
    name = _provisioned(ddb)
    for bad in ({"MinimumUnits": "five", "MaximumUnits": 10},
                {"MinimumUnits": 0, "MaximumUnits": 10}):
        with pytest.raises(ClientError) as info:
            raw_ddb.update_table_replica_auto_scaling(
                TableName=name, ProvisionedWriteCapacityAutoScalingUpdate=bad)
        assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
