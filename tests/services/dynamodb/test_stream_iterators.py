"""DynamoDB Streams iterators in time: a client's shard iterator expires 15 minutes after it
is issued (ExpiredIteratorException), and records past the 24-hour retention are trimmed
(TrimmedDataAccessException). Own server: these tests move its cloud clock.

Sources: AWS's DynamoDB Streams API reference (GetShardIterator: "A shard iterator expires 15
minutes after it is returned to the requester"; TrimmedDataAccessException's two cases, an
iterator asked for at a sequence number older than the trim point, and an iterator whose
records were trimmed before it was used), the API model's ExpiredIteratorException message
("The provided iterator exceeds the maximum age allowed."), and the TrimmedDataAccessException
message quoted from DynamoDB in ironSource/node-dynamodb-stream issue 13."""

from __future__ import annotations

import uuid
from typing import Any

import boto3
import pytest
from botocore.config import Config
from tests.support import advance_clock, refusal

STREAM = {"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"}


def _client(endpoint: str, service: str) -> Any:
    return boto3.client(service, region_name="us-east-1", endpoint_url=endpoint,
                        aws_access_key_id="test", aws_secret_access_key="test",
                        config=Config(retries={"max_attempts": 1}))  # fmt: skip


@pytest.fixture
def stream(own_endpoint: str) -> tuple[Any, Any, str, str, str]:
    ddb, streams = _client(own_endpoint, "dynamodb"), _client(own_endpoint, "dynamodbstreams")
    name = f"t-{uuid.uuid4().hex[:12]}"
    created = ddb.create_table(
        TableName=name, KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST", StreamSpecification=STREAM)  # fmt: skip
    arn = created["TableDescription"]["LatestStreamArn"]
    shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
    return ddb, streams, name, arn, shard


def test_an_iterator_expires_fifteen_minutes_after_it_is_issued(
    own_endpoint: str, stream: tuple[Any, Any, str, str, str]
) -> None:
    ddb, streams, name, arn, shard = stream
    iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard,
                                          ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
    assert iterator.startswith(arn + "|1|")
    ddb.put_item(TableName=name, Item={"id": {"S": "a"}})
    advance_clock(own_endpoint, 14 * 60)
    page = streams.get_records(ShardIterator=iterator)  # still fresh
    assert len(page["Records"]) == 1
    advance_clock(own_endpoint, 2 * 60)
    assert refusal(streams.get_records, ShardIterator=iterator) == (
        "ExpiredIteratorException", "The provided iterator exceeds the maximum age allowed.", 400)
    # The NextShardIterator of that read was issued 2 minutes ago: fresh for 13 more.
    later = streams.get_records(ShardIterator=page["NextShardIterator"])
    assert later["Records"] == []
    advance_clock(own_endpoint, 14 * 60)
    assert streams.get_records(ShardIterator=later["NextShardIterator"])["Records"] == []
    assert refusal(streams.get_records, ShardIterator=page["NextShardIterator"])[0] == (
        "ExpiredIteratorException")


def test_records_past_retention_are_trimmed(
    own_endpoint: str, stream: tuple[Any, Any, str, str, str]
) -> None:
    ddb, streams, name, arn, shard = stream
    ddb.put_item(TableName=name, Item={"id": {"S": "old"}})
    first = streams.get_shard_iterator(StreamArn=arn, ShardId=shard,
                                       ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
    old = streams.get_records(ShardIterator=first)["Records"][0]["dynamodb"]["SequenceNumber"]
    advance_clock(own_endpoint, 25 * 3600)
    held = streams.get_shard_iterator(StreamArn=arn, ShardId=shard,
                                      ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
    for batch in range(40):  # the thousandth record trims those past the 24-hour retention
        ddb.batch_write_item(RequestItems={name: [
            {"PutRequest": {"Item": {"id": {"S": f"{batch}-{n}"}}}} for n in range(25)]})
    trimmed = ("TrimmedDataAccessException", "The data you are trying to access has been trimmed",
               400)  # fmt: skip
    # An iterator whose records were trimmed before it was used.
    assert refusal(streams.get_records, ShardIterator=held) == trimmed
    # An iterator asked for at a sequence number older than the trim point.
    for kind in ("AT_SEQUENCE_NUMBER", "AFTER_SEQUENCE_NUMBER"):
        assert refusal(streams.get_shard_iterator, StreamArn=arn, ShardId=shard,
                       ShardIteratorType=kind, SequenceNumber=old) == trimmed
    # TRIM_HORIZON now starts at the oldest record kept.
    horizon = streams.get_shard_iterator(StreamArn=arn, ShardId=shard,
                                         ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
    page = streams.get_records(ShardIterator=horizon, Limit=1)
    assert page["Records"][0]["dynamodb"]["Keys"] == {"id": {"S": "0-0"}}
    assert int(page["Records"][0]["dynamodb"]["SequenceNumber"]) > int(old)
