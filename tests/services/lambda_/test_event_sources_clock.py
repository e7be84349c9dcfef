"""Event source mappings on the cloud clock: stream records past MaximumRecordAgeInSeconds
go to the on-failure destination instead of the function."""

from __future__ import annotations

import json
import uuid
from typing import Any

import boto3
from botocore.config import Config
from tests.services.lambda_.helpers import create
from tests.support import advance_clock


def make(endpoint: str, service: str) -> Any:
    return boto3.client(service, region_name="us-east-1", endpoint_url=endpoint,
                        aws_access_key_id="test", aws_secret_access_key="test",
                        config=Config(retries={"max_attempts": 1}, read_timeout=30))


def test_old_stream_records_go_to_on_failure(own_endpoint: str) -> None:
    ddb, sqs, lam = (make(own_endpoint, s) for s in ("dynamodb", "sqs", "lambda"))
    failures = sqs.create_queue(QueueName=f"f-{uuid.uuid4().hex[:8]}")["QueueUrl"]
    failures_arn = sqs.get_queue_attributes(QueueUrl=failures, AttributeNames=["QueueArn"])[
        "Attributes"]["QueueArn"]
    table = f"t-{uuid.uuid4().hex[:8]}"
    stream_arn = ddb.create_table(
        TableName=table, BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"},
    )["TableDescription"]["LatestStreamArn"]
    ddb.put_item(TableName=table, Item={"id": {"S": "old"}})
    advance_clock(own_endpoint, 3600)
    function = create(lam, "def handler(event, context):\n    return 'ok'\n", Timeout=10)
    lam.create_event_source_mapping(
        EventSourceArn=stream_arn, FunctionName=function, StartingPosition="TRIM_HORIZON",
        MaximumRecordAgeInSeconds=60,
        DestinationConfig={"OnFailure": {"Destination": failures_arn}})
    found: list[Any] = []
    for _ in range(10):
        found += [json.loads(m["Body"]) for m in sqs.receive_message(
            QueueUrl=failures, WaitTimeSeconds=2).get("Messages", [])]
        if found:
            break
    assert found and found[0]["requestContext"]["condition"] == "RecordAgeExceeded"
    assert found[0]["DDBStreamBatchInfo"]["batchSize"] == 1


RECORD_TO_QUEUE = '''
import json, os
import boto3

def handler(event, context):
    boto3.client("sqs").send_message(QueueUrl=os.environ["RESULTS"],
                                     MessageBody=json.dumps(len(event["Records"])))
'''


def test_stream_batching_window_waits_for_the_clock(own_endpoint: str) -> None:
    ddb, sqs, lam = (make(own_endpoint, s) for s in ("dynamodb", "sqs", "lambda"))
    results = sqs.create_queue(QueueName=f"r-{uuid.uuid4().hex[:8]}")["QueueUrl"]
    table = f"t-{uuid.uuid4().hex[:8]}"
    stream_arn = ddb.create_table(
        TableName=table, BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"},
    )["TableDescription"]["LatestStreamArn"]
    function = create(lam, RECORD_TO_QUEUE, Timeout=10,
                      Environment={"Variables": {"RESULTS": results}})
    lam.create_event_source_mapping(EventSourceArn=stream_arn, FunctionName=function,
                                    StartingPosition="TRIM_HORIZON", BatchSize=10,
                                    MaximumBatchingWindowInSeconds=120)
    ddb.put_item(TableName=table, Item={"id": {"S": "a"}})
    ddb.put_item(TableName=table, Item={"id": {"S": "b"}})
    assert not sqs.receive_message(QueueUrl=results, WaitTimeSeconds=3).get("Messages")
    advance_clock(own_endpoint, 121)
    got: list[Any] = []
    for _ in range(10):
        got += [json.loads(m["Body"]) for m in sqs.receive_message(
            QueueUrl=results, WaitTimeSeconds=2).get("Messages", [])]
        if got:
            break
    assert got == [2]
