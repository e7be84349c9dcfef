"""DynamoDB Streams through boto3: records for every change, with the images asked for."""

from __future__ import annotations

from typing import Any


def test_stream_records_insert_modify_remove_in_order(
    ddb: Any, client: Any, make_table: Any
) -> None:
    name = make_table(
        range=None,
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
    )
    key = {"pk": {"S": "a"}}
    ddb.put_item(TableName=name, Item={**key, "v": {"N": "1"}})
    ddb.update_item(
        TableName=name,
        Key=key,
        UpdateExpression="SET v = :v",
        ExpressionAttributeValues={":v": {"N": "2"}},
    )
    ddb.delete_item(TableName=name, Key=key)
    streams = client("dynamodbstreams")
    arn = ddb.describe_table(TableName=name)["Table"]["LatestStreamArn"]
    assert any(s["StreamArn"] == arn for s in streams.list_streams(TableName=name)["Streams"])
    shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]
    iterator = streams.get_shard_iterator(
        StreamArn=arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
    )["ShardIterator"]
    page = streams.get_records(ShardIterator=iterator)
    records = page["Records"]
    assert [r["eventName"] for r in records] == ["INSERT", "MODIFY", "REMOVE"]
    assert records[1]["dynamodb"]["OldImage"]["v"] == {"N": "1"}
    assert records[1]["dynamodb"]["NewImage"]["v"] == {"N": "2"}
    assert records[2]["dynamodb"]["Keys"] == key
    numbers = [r["dynamodb"]["SequenceNumber"] for r in records]
    assert numbers == sorted(numbers)
    ddb.put_item(TableName=name, Item={**key, "v": {"N": "3"}})
    more = streams.get_records(ShardIterator=page["NextShardIterator"])["Records"]
    assert [r["eventName"] for r in more] == ["INSERT"]
