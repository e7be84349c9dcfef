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
    deleted = ddb.delete_table(TableName=name)["TableDescription"]
    assert (deleted["TableStatus"], deleted["WarmThroughput"]["Status"]) == ("DELETING",) * 2


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


def test_managed_key_is_one_key_per_account_and_region(ddb: Any) -> None:
    sse = {"Enabled": True}
    _, first = _create(ddb, BillingMode="PAY_PER_REQUEST", SSESpecification=sse)
    _, second = _create(ddb, BillingMode="PAY_PER_REQUEST", SSESpecification=sse)
    arn = first["SSEDescription"]["KMSMasterKeyArn"]
    assert arn.startswith("arn:aws:kms:us-east-1:") and ":key/" in arn
    assert second["SSEDescription"] == first["SSEDescription"]
    assert first["SSEDescription"]["Status"] == "ENABLED"


def test_a_key_id_is_shown_as_its_arn(ddb: Any) -> None:
    key_id = "1234abcd-12ab-34cd-56ef-1234567890ab"
    _, created = _create(
        ddb,
        BillingMode="PAY_PER_REQUEST",
        SSESpecification={"Enabled": True, "SSEType": "KMS", "KMSMasterKeyId": key_id},
    )
    assert created["SSEDescription"]["KMSMasterKeyArn"].endswith(f":key/{key_id}")


def test_turning_kms_encryption_off_and_on(ddb: Any) -> None:
    name, created = _create(ddb, BillingMode="PAY_PER_REQUEST", SSESpecification={"Enabled": True})
    key = created["SSEDescription"]["KMSMasterKeyArn"]
    untouched = ddb.update_table(TableName=name, DeletionProtectionEnabled=False)
    assert untouched["TableDescription"]["SSEDescription"]["Status"] == "ENABLED"
    off = ddb.update_table(TableName=name, SSESpecification={"Enabled": False})
    assert off["TableDescription"]["SSEDescription"] == {
        "Status": "UPDATING", "SSEType": "KMS", "KMSMasterKeyArn": key
    }  # fmt: skip
    table = ddb.describe_table(TableName=name)["Table"]
    assert "SSEDescription" not in table and "SSESpecification" not in table
    on = ddb.update_table(TableName=name, SSESpecification={"Enabled": True, "SSEType": "KMS"})
    assert on["TableDescription"]["SSEDescription"]["Status"] == "UPDATING"
    table = ddb.describe_table(TableName=name)["Table"]
    assert table["SSEDescription"] == {**created["SSEDescription"], "KMSMasterKeyArn": key}
