"""Time to Live end to end: settings, status transitions, and expired items deleted by the
background job on the cloud clock (moved with POST /_pocketcloud/clock), as a service REMOVE
in the stream. Own server: moving the clock must not disturb other tests."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from tests.services.dynamodb.conftest import unique
from tests.support import Server, advance_clock, start_server


@pytest.fixture(scope="module")
def own() -> Iterator[Server]:
    server = start_server()
    yield server
    server.stop()


def _client(server: Server, service: str = "dynamodb") -> Any:
    return boto3.client(service, region_name="us-east-1", endpoint_url=server.endpoint,
                        aws_access_key_id="test", aws_secret_access_key="test")


def _table(ddb: Any, **extra: Any) -> str:
    name = unique()
    ddb.create_table(
        TableName=name, BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}], **extra)
    return name


def _now(server: Server) -> float:
    return advance_clock(server.endpoint, 0)["now"]


def _ttl(ddb: Any, name: str, enabled: bool, attribute: str = "expires") -> Any:
    return ddb.update_time_to_live(
        TableName=name, TimeToLiveSpecification={"Enabled": enabled, "AttributeName": attribute})


def _code_message(info: Any) -> tuple[str, str]:
    error = info.value.response["Error"]
    return error["Code"], error["Message"]


def test_status_goes_enabling_then_enabled_and_changes_are_limited(own: Server) -> None:
    ddb = _client(own)
    name = _table(ddb)
    assert ddb.describe_time_to_live(TableName=name)["TimeToLiveDescription"] == {
        "TimeToLiveStatus": "DISABLED"}
    answer = _ttl(ddb, name, True)
    assert answer["TimeToLiveSpecification"] == {"Enabled": True, "AttributeName": "expires"}
    assert ddb.describe_time_to_live(TableName=name)["TimeToLiveDescription"] == {
        "TimeToLiveStatus": "ENABLING", "AttributeName": "expires"}
    with pytest.raises(ClientError) as info:
        _ttl(ddb, name, True)
    assert _code_message(info) == ("ValidationException", "TimeToLive is already enabled")
    with pytest.raises(ClientError) as info:
        _ttl(ddb, name, False, "other")
    assert _code_message(info) == (
        "ValidationException",
        "TimeToLive is active on a different AttributeName: current AttributeName is expires")
    with pytest.raises(ClientError) as info:
        _ttl(ddb, name, False)
    assert _code_message(info) == (
        "ValidationException",
        "Time to live has been modified multiple times within a fixed interval")
    advance_clock(own.endpoint, 3601)
    assert ddb.describe_time_to_live(TableName=name)["TimeToLiveDescription"] == {
        "TimeToLiveStatus": "ENABLED", "AttributeName": "expires"}
    _ttl(ddb, name, False)
    assert ddb.describe_time_to_live(TableName=name)["TimeToLiveDescription"][
        "TimeToLiveStatus"] == "DISABLING"
    advance_clock(own.endpoint, 3601)
    assert ddb.describe_time_to_live(TableName=name)["TimeToLiveDescription"] == {
        "TimeToLiveStatus": "DISABLED"}
    with pytest.raises(ClientError) as info:
        _ttl(ddb, name, False)
    assert _code_message(info) == ("ValidationException", "TimeToLive is already disabled")


def test_expired_items_are_deleted_as_a_service_remove_in_the_stream(own: Server) -> None:
    ddb = _client(own)
    name = _table(ddb, StreamSpecification={"StreamEnabled": True,
                                            "StreamViewType": "NEW_AND_OLD_IMAGES"})
    now = _now(own)
    ddb.put_item(TableName=name, Item={"pk": {"S": "before"}, "expires": {"N": str(int(now) + 60)}})
    _ttl(ddb, name, True)
    ddb.put_item(TableName=name, Item={"pk": {"S": "soon"}, "expires": {"N": str(int(now) + 120)}})
    ddb.put_item(TableName=name, Item={"pk": {"S": "later"},
                                       "expires": {"N": str(int(now) + 100000)}})
    ddb.put_item(TableName=name, Item={"pk": {"S": "text"}, "expires": {"S": "1"}})
    ddb.put_item(TableName=name, Item={"pk": {"S": "ancient"}, "expires": {"N": "1000"}})
    advance_clock(own.endpoint, 10)  # ENABLED now; nothing due yet but "ancient", too old
    keys = {i["pk"]["S"] for i in ddb.scan(TableName=name)["Items"]}
    assert keys == {"before", "soon", "later", "text", "ancient"}
    advance_clock(own.endpoint, 200)
    keys = {i["pk"]["S"] for i in ddb.scan(TableName=name, ConsistentRead=True)["Items"]}
    assert keys == {"later", "text", "ancient"}
    assert "Item" not in ddb.get_item(TableName=name, Key={"pk": {"S": "soon"}})
    streams = _client(own, "dynamodbstreams")
    arn = ddb.describe_table(TableName=name)["Table"]["LatestStreamArn"]
    shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
    iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard,
                                          ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
    records = streams.get_records(ShardIterator=iterator)["Records"]
    removes = [r for r in records if r["eventName"] == "REMOVE"]
    assert {r["dynamodb"]["Keys"]["pk"]["S"] for r in removes} == {"before", "soon"}
    for record in removes:
        assert record["userIdentity"] == {"Type": "Service",
                                          "PrincipalId": "dynamodb.amazonaws.com"}
        assert "OldImage" in record["dynamodb"]
    inserts = [r for r in records if r["eventName"] == "INSERT"]
    assert all("userIdentity" not in r for r in inserts)


def test_expired_item_is_still_read_until_deleted_and_update_extends_it(own: Server) -> None:
    ddb = _client(own)
    name = _table(ddb)
    _ttl(ddb, name, True)
    advance_clock(own.endpoint, 1)  # settle ENABLING
    now = _now(own)
    ddb.put_item(TableName=name, Item={"pk": {"S": "a"}, "expires": {"N": str(now - 10)}})
    # Not deleted until the job runs: reads still return the expired item, as DynamoDB's do.
    assert ddb.get_item(TableName=name, Key={"pk": {"S": "a"}})["Item"]["pk"] == {"S": "a"}
    ddb.update_item(TableName=name, Key={"pk": {"S": "a"}},
                    UpdateExpression="SET expires = :e",
                    ExpressionAttributeValues={":e": {"N": str(now + 1000)}})
    advance_clock(own.endpoint, 5)
    assert "Item" in ddb.get_item(TableName=name, Key={"pk": {"S": "a"}})
    ddb.update_item(TableName=name, Key={"pk": {"S": "a"}}, UpdateExpression="REMOVE expires")
    advance_clock(own.endpoint, 2000)
    assert "Item" in ddb.get_item(TableName=name, Key={"pk": {"S": "a"}})


def test_disabled_ttl_deletes_nothing(own: Server) -> None:
    ddb = _client(own)
    name = _table(ddb)
    now = _now(own)
    ddb.put_item(TableName=name, Item={"pk": {"S": "a"}, "expires": {"N": str(now - 10)}})
    advance_clock(own.endpoint, 5)
    assert "Item" in ddb.get_item(TableName=name, Key={"pk": {"S": "a"}})
