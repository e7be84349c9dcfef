"""Tables through boto3: create, describe, list with paging, update, tags, TTL, delete."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError
from tests.services.dynamodb.conftest import unique


def _error(excinfo: pytest.ExceptionInfo[ClientError]) -> tuple[str, str]:
    error = excinfo.value.response["Error"]
    return error["Code"], error["Message"]


def test_create_then_describe_reports_active_table_with_honest_counts(
    ddb: Any, make_table: Any
) -> None:
    name = make_table()
    table = ddb.describe_table(TableName=name)["Table"]
    assert table["TableStatus"] == "ACTIVE"
    assert table["ItemCount"] == 0 and table["TableSizeBytes"] == 0
    assert table["TableArn"] == f"arn:aws:dynamodb:us-east-1:000000000000:table/{name}" or (
        table["TableArn"].endswith(f":table/{name}")
    )
    assert table["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    ddb.put_item(TableName=name, Item={"pk": {"S": "a"}, "sk": {"S": "b"}, "v": {"S": "xyz"}})
    table = ddb.describe_table(TableName=name)["Table"]
    assert table["ItemCount"] == 1
    assert table["TableSizeBytes"] == len("pk") + 1 + len("sk") + 1 + len("v") + 3


def test_create_table_answers_creating_and_waiter_succeeds(ddb: Any) -> None:
    name = unique()
    created = ddb.create_table(
        TableName=name,
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "N"}],
        ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": 5},
    )["TableDescription"]
    assert created["TableStatus"] == "CREATING"
    assert created["ProvisionedThroughput"]["ReadCapacityUnits"] == 5
    ddb.get_waiter("table_exists").wait(TableName=name, WaiterConfig={"Delay": 1})


def test_existing_table_is_resource_in_use(ddb: Any, make_table: Any) -> None:
    name = make_table()
    with pytest.raises(ClientError) as excinfo:
        ddb.create_table(
            TableName=name,
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
    assert _error(excinfo) == ("ResourceInUseException", f"Table already exists: {name}")


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (
            {
                "BillingMode": "PAY_PER_REQUEST",
                "ProvisionedThroughput": {"ReadCapacityUnits": 1, "WriteCapacityUnits": 1},
            },
            "One or more parameter values were invalid: Neither ReadCapacityUnits nor "
            "WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST",
        ),
        (
            {},
            "One or more parameter values were invalid: ReadCapacityUnits and "
            "WriteCapacityUnits must both be specified when BillingMode is PROVISIONED",
        ),
    ],
)
def test_billing_mode_rules(ddb: Any, extra: dict[str, Any], message: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        ddb.create_table(
            TableName=unique(),
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
            **extra,
        )
    assert _error(excinfo) == ("ValidationException", message)


def test_undefined_and_unused_attribute_definitions_are_refused(ddb: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        ddb.create_table(
            TableName=unique(),
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
    assert "Some index key attributes are not defined" in _error(excinfo)[1]
    with pytest.raises(ClientError) as excinfo:
        ddb.create_table(
            TableName=unique(),
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            AttributeDefinitions=[
                {"AttributeName": "pk", "AttributeType": "S"},
                {"AttributeName": "extra", "AttributeType": "S"},
            ],
            BillingMode="PAY_PER_REQUEST",
        )
    assert _error(excinfo)[1] == (
        "One or more parameter values were invalid: Number of attributes in KeySchema does not "
        "exactly match number of attributes defined in AttributeDefinitions"
    )


def test_list_tables_pages_in_name_order(ddb: Any, client: Any) -> None:
    other = client("dynamodb", region_name="eu-north-1")
    names = sorted(unique("page") for _ in range(5))
    for name in names:
        other.create_table(
            TableName=name,
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
    seen: list[str] = []
    for page in other.get_paginator("list_tables").paginate(PaginationConfig={"PageSize": 2}):
        assert len(page["TableNames"]) <= 2
        seen += page["TableNames"]
    assert [n for n in seen if n in names] == names
    assert seen == sorted(seen)


def test_delete_table_then_not_found(ddb: Any, make_table: Any) -> None:
    name = make_table()
    assert ddb.delete_table(TableName=name)["TableDescription"]["TableStatus"] == "DELETING"
    with pytest.raises(ClientError) as excinfo:
        ddb.describe_table(TableName=name)
    # DynamoDB names the table when the operation is on the table itself (dynalite's tests).
    missing = ("ResourceNotFoundException",
               f"Requested resource not found: Table: {name} not found")  # fmt: skip
    assert _error(excinfo) == missing
    with pytest.raises(ClientError) as excinfo:
        ddb.delete_table(TableName=name)
    assert _error(excinfo) == missing
    for call, extra in ((ddb.update_table, {"BillingMode": "PROVISIONED"}),
                        (ddb.describe_time_to_live, {}),
                        (ddb.update_time_to_live, {"TimeToLiveSpecification": {
                            "Enabled": True, "AttributeName": "ttl"}})):
        with pytest.raises(ClientError) as excinfo:
            call(TableName=name, **extra)
        assert _error(excinfo) == missing
    # An item operation's answer does not name it (LocalStack's snapshots of DynamoDB).
    with pytest.raises(ClientError) as excinfo:
        ddb.get_item(TableName=name, Key={"pk": {"S": "a"}, "sk": {"S": "b"}})
    assert _error(excinfo) == ("ResourceNotFoundException", "Requested resource not found")


def test_tags_round_trip(ddb: Any, make_table: Any) -> None:
    name = make_table(Tags=[{"Key": "team", "Value": "data"}])
    arn = ddb.describe_table(TableName=name)["Table"]["TableArn"]
    ddb.tag_resource(ResourceArn=arn, Tags=[{"Key": "env", "Value": "dev"}])
    tags = ddb.list_tags_of_resource(ResourceArn=arn)["Tags"]
    assert {t["Key"]: t["Value"] for t in tags} == {"team": "data", "env": "dev"}
    ddb.untag_resource(ResourceArn=arn, TagKeys=["team"])
    assert ddb.list_tags_of_resource(ResourceArn=arn)["Tags"] == [{"Key": "env", "Value": "dev"}]


def test_time_to_live_settings(ddb: Any, make_table: Any) -> None:
    name = make_table()
    described = ddb.describe_time_to_live(TableName=name)["TimeToLiveDescription"]
    assert described["TimeToLiveStatus"] == "DISABLED"
    ddb.update_time_to_live(
        TableName=name, TimeToLiveSpecification={"Enabled": True, "AttributeName": "expires"}
    )
    described = ddb.describe_time_to_live(TableName=name)["TimeToLiveDescription"]
    assert described == {"TimeToLiveStatus": "ENABLING", "AttributeName": "expires"}


def test_deletion_protection_blocks_delete(ddb: Any, make_table: Any) -> None:
    name = make_table(DeletionProtectionEnabled=True)
    with pytest.raises(ClientError) as excinfo:
        ddb.delete_table(TableName=name)
    assert _error(excinfo)[0] == "ValidationException"
    assert ddb.describe_table(TableName=name)["Table"]["DeletionProtectionEnabled"] is True


def test_update_table_billing_streams_and_new_index_backfilled(ddb: Any, make_table: Any) -> None:
    name = make_table()
    ddb.put_item(TableName=name, Item={"pk": {"S": "a"}, "sk": {"S": "1"}, "g": {"S": "x"}})
    updated = ddb.update_table(
        TableName=name,
        AttributeDefinitions=[{"AttributeName": "g", "AttributeType": "S"}],
        GlobalSecondaryIndexUpdates=[
            {
                "Create": {
                    "IndexName": "by-g",
                    "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
                    "Projection": {"ProjectionType": "ALL"},
                }
            }
        ],
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
    )["TableDescription"]
    assert updated["TableStatus"] == "UPDATING"
    assert updated["LatestStreamArn"].startswith(updated["TableArn"] + "/stream/")
    table = ddb.describe_table(TableName=name)["Table"]
    assert table["TableStatus"] == "ACTIVE"
    assert table["GlobalSecondaryIndexes"][0]["IndexStatus"] == "ACTIVE"
    found = ddb.query(
        TableName=name,
        IndexName="by-g",
        KeyConditionExpression="g = :g",
        ExpressionAttributeValues={":g": {"S": "x"}},
    )["Items"]
    assert len(found) == 1
    ddb.update_table(
        TableName=name,
        BillingMode="PROVISIONED",
        ProvisionedThroughput={"ReadCapacityUnits": 2, "WriteCapacityUnits": 3},
        GlobalSecondaryIndexUpdates=[{"Delete": {"IndexName": "by-g"}}],
    )
    table = ddb.describe_table(TableName=name)["Table"]
    assert table["BillingModeSummary"]["BillingMode"] == "PROVISIONED"
    assert table["ProvisionedThroughput"]["WriteCapacityUnits"] == 3
    assert "GlobalSecondaryIndexes" not in table


def test_describe_limits_and_endpoints(ddb: Any) -> None:
    assert ddb.describe_limits()["TableMaxReadCapacityUnits"] == 40000
    assert ddb.describe_endpoints()["Endpoints"][0]["CachePeriodInMinutes"] == 1440
