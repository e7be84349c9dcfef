"""The members of a TableDescription as DynamoDB answers them: warm throughput, billing summary,
provisioned throughput and the flags every table carries."""

from __future__ import annotations

from typing import Any

from tests.services.dynamodb.conftest import unique

KEY = {"KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}]}


def _index(name: str, **extra: Any) -> dict[str, Any]:
    return {
        "IndexName": name,
        "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
        "Projection": {"ProjectionType": "ALL"},
        **extra,
    }


def _create(ddb: Any, **extra: Any) -> tuple[str, dict[str, Any]]:
    name = unique()
    attributes = ["id", "g"] if "GlobalSecondaryIndexes" in extra else ["id"]
    created = ddb.create_table(
        TableName=name,
        AttributeDefinitions=[{"AttributeName": a, "AttributeType": "S"} for a in attributes],
        **KEY,
        **extra,
    )
    return name, created["TableDescription"]


def test_provisioned_table_warm_throughput_is_its_capacity(ddb: Any) -> None:
    capacity = {"ReadCapacityUnits": 5, "WriteCapacityUnits": 3}
    name, created = _create(
        ddb,
        ProvisionedThroughput=capacity,
        GlobalSecondaryIndexes=[
            _index("by-g", ProvisionedThroughput={"ReadCapacityUnits": 2, "WriteCapacityUnits": 1})
        ],
    )
    assert created["WarmThroughput"] == {
        "ReadUnitsPerSecond": 5, "WriteUnitsPerSecond": 3, "Status": "CREATING"
    }  # fmt: skip
    table = ddb.describe_table(TableName=name)["Table"]
    assert table["WarmThroughput"] == {
        "ReadUnitsPerSecond": 5, "WriteUnitsPerSecond": 3, "Status": "ACTIVE"
    }  # fmt: skip
    (index,) = table["GlobalSecondaryIndexes"]
    assert index["WarmThroughput"] == {
        "ReadUnitsPerSecond": 2, "WriteUnitsPerSecond": 1, "Status": "ACTIVE"
    }  # fmt: skip
    assert table["ProvisionedThroughput"] == {"NumberOfDecreasesToday": 0, **capacity}
    assert "BillingModeSummary" not in table
    assert table["DeletionProtectionEnabled"] is False


def test_on_demand_table_and_index_warm_throughput(ddb: Any) -> None:
    name, _ = _create(ddb, BillingMode="PAY_PER_REQUEST", GlobalSecondaryIndexes=[_index("by-g")])
    table = ddb.describe_table(TableName=name)["Table"]
    on_demand = {"ReadUnitsPerSecond": 12000, "WriteUnitsPerSecond": 4000, "Status": "ACTIVE"}
    assert table["WarmThroughput"] == on_demand
    assert table["GlobalSecondaryIndexes"][0]["WarmThroughput"] == on_demand
    assert table["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    assert "LastUpdateToPayPerRequestDateTime" in table["BillingModeSummary"]
    assert table["ProvisionedThroughput"] == {
        "NumberOfDecreasesToday": 0, "ReadCapacityUnits": 0, "WriteCapacityUnits": 0
    }  # fmt: skip


def test_requested_warm_throughput_is_kept_and_updated(ddb: Any) -> None:
    name, _ = _create(
        ddb,
        BillingMode="PAY_PER_REQUEST",
        WarmThroughput={"ReadUnitsPerSecond": 15000, "WriteUnitsPerSecond": 4500},
    )
    warm = ddb.describe_table(TableName=name)["Table"]["WarmThroughput"]
    assert (warm["ReadUnitsPerSecond"], warm["WriteUnitsPerSecond"]) == (15000, 4500)
    updated = ddb.update_table(TableName=name, WarmThroughput={"WriteUnitsPerSecond": 6000})
    assert updated["TableDescription"]["WarmThroughput"] == {
        "ReadUnitsPerSecond": 15000, "WriteUnitsPerSecond": 6000, "Status": "UPDATING"
    }  # fmt: skip
    warm = ddb.describe_table(TableName=name)["Table"]["WarmThroughput"]
    assert (warm["WriteUnitsPerSecond"], warm["Status"]) == (6000, "ACTIVE")


def test_switching_to_on_demand_raises_warm_throughput(ddb: Any) -> None:
    name, _ = _create(ddb, ProvisionedThroughput={"ReadCapacityUnits": 1, "WriteCapacityUnits": 1})
    ddb.update_table(TableName=name, BillingMode="PAY_PER_REQUEST")
    warm = ddb.describe_table(TableName=name)["Table"]["WarmThroughput"]
    assert (warm["ReadUnitsPerSecond"], warm["WriteUnitsPerSecond"]) == (12000, 4000)
