"""What a DynamoDB Streams record carries, as AWS writes it: its size, its time, which writes
make none, and the shapes of shard ids and iterators."""

from __future__ import annotations

import re
from typing import Any


def _stream(ddb: Any, client: Any, name: str) -> tuple[Any, str, str]:
    streams = client("dynamodbstreams")
    arn = ddb.describe_table(TableName=name)["Table"]["LatestStreamArn"]
    shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
    return streams, arn, shard


def _records(ddb: Any, client: Any, name: str) -> list[dict[str, Any]]:
    streams, arn, shard = _stream(ddb, client, name)
    iterator = streams.get_shard_iterator(
        StreamArn=arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON"
    )["ShardIterator"]
    return list(streams.get_records(ShardIterator=iterator)["Records"])


def _table(make_table: Any, view: str) -> str:
    return str(
        make_table(
            hash=("id", "S"),
            range=None,
            StreamSpecification={"StreamEnabled": True, "StreamViewType": view},
        )
    )


def test_size_counts_the_keys_and_every_image_the_record_carries(
    ddb: Any, client: Any, make_table: Any
) -> None:
    name = _table(make_table, "NEW_AND_OLD_IMAGES")
    ddb.put_item(TableName=name, Item={"id": {"S": "Fred"}})  # keys 6 + new 6
    ddb.put_item(TableName=name, Item={"id": {"S": "Fred"}, "name": {"S": "Fred"}})  # 6+14+6
    ddb.delete_item(TableName=name, Key={"id": {"S": "Fred"}})  # keys 6 + old 14
    records = _records(ddb, client, name)
    assert [r["dynamodb"]["SizeBytes"] for r in records] == [12, 26, 20]


def test_keys_only_size_is_the_keys(ddb: Any, client: Any, make_table: Any) -> None:
    name = _table(make_table, "KEYS_ONLY")
    ddb.put_item(TableName=name, Item={"id": {"S": "Alice"}, "long": {"S": "x" * 100}})
    (record,) = _records(ddb, client, name)
    assert "NewImage" not in record["dynamodb"]
    assert record["dynamodb"]["SizeBytes"] == len("id") + len("Alice")


def test_writes_that_change_nothing_make_no_record(
    ddb: Any, client: Any, make_table: Any
) -> None:
    name = _table(make_table, "NEW_AND_OLD_IMAGES")
    item = {"id": {"S": "Fred"}, "n": {"N": "1"}}
    ddb.put_item(TableName=name, Item=item)
    ddb.put_item(TableName=name, Item=item)
    ddb.batch_write_item(RequestItems={name: [{"PutRequest": {"Item": item}}]})
    ddb.transact_write_items(TransactItems=[{"Put": {"TableName": name, "Item": item}}])
    ddb.update_item(
        TableName=name,
        Key={"id": {"S": "Fred"}},
        UpdateExpression="SET n = :one",
        ExpressionAttributeValues={":one": {"N": "1"}},
    )
    ddb.delete_item(TableName=name, Key={"id": {"S": "nobody"}})
    ddb.update_item(
        TableName=name,
        Key={"id": {"S": "Fred"}},
        UpdateExpression="SET n = :two",
        ExpressionAttributeValues={":two": {"N": "2"}},
    )
    assert [r["eventName"] for r in _records(ddb, client, name)] == ["INSERT", "MODIFY"]


def test_creation_time_is_rounded_down_to_the_second(
    ddb: Any, client: Any, make_table: Any
) -> None:
    name = _table(make_table, "NEW_IMAGE")
    ddb.put_item(TableName=name, Item={"id": {"S": "a"}})
    (record,) = _records(ddb, client, name)
    assert record["dynamodb"]["ApproximateCreationDateTime"].microsecond == 0


def test_shard_id_and_iterators_have_aws_shapes(ddb: Any, client: Any, make_table: Any) -> None:
    name = _table(make_table, "NEW_IMAGE")
    streams, arn, shard = _stream(ddb, client, name)
    assert re.fullmatch(r"shardId-\d{20}-[0-9a-f]{8}", shard)
    iterator = streams.get_shard_iterator(
        StreamArn=arn, ShardId=shard, ShardIteratorType="LATEST"
    )["ShardIterator"]
    assert iterator.startswith(arn + "|1|")
    ddb.put_item(TableName=name, Item={"id": {"S": "a"}})
    page = streams.get_records(ShardIterator=iterator)
    assert [r["dynamodb"]["Keys"] for r in page["Records"]] == [{"id": {"S": "a"}}]
    assert page["NextShardIterator"].startswith(arn + "|1|")
    assert streams.get_records(ShardIterator=page["NextShardIterator"])["Records"] == []


def test_describe_stream_lists_shards_after_the_exclusive_start(
    ddb: Any, client: Any, make_table: Any
) -> None:
    name = _table(make_table, "NEW_IMAGE")
    streams, arn, shard = _stream(ddb, client, name)
    later = streams.describe_stream(StreamArn=arn, ExclusiveStartShardId=shard)
    assert later["StreamDescription"]["Shards"] == []
    assert later["StreamDescription"]["StreamStatus"] == "ENABLED"
