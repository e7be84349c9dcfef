"""Event source mappings end to end: SQS batches (partial failures) and DynamoDB streams."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

import botocore.exceptions
import pytest
from tests.services.lambda_.helpers import create

# Records every batch it gets on a result queue; fails the messages whose body says "fail".
SQS_HANDLER = '''
import json, os
import boto3

def handler(event, context):
    boto3.client("sqs").send_message(QueueUrl=os.environ["RESULTS"], MessageBody=json.dumps(event))
    failed = [r["messageId"] for r in event["Records"] if r["body"] == "fail"]
    return {"batchItemFailures": [{"itemIdentifier": m} for m in failed]}
'''

STREAM_HANDLER = '''
import json, os
import boto3

def handler(event, context):
    boto3.client("sqs").send_message(QueueUrl=os.environ["RESULTS"], MessageBody=json.dumps(event))
    for record in event["Records"]:
        if record["dynamodb"].get("NewImage", {}).get("poison"):
            raise RuntimeError("poison record")
    return "ok"
'''


@pytest.fixture
def lam(client):  # type: ignore[no-untyped-def]
    return client("lambda")


@pytest.fixture
def sqs(client):  # type: ignore[no-untyped-def]
    return client("sqs")


@pytest.fixture
def ddb(client):  # type: ignore[no-untyped-def]
    return client("dynamodb")


def queue(sqs: Any, **attributes: str) -> tuple[str, str]:
    url = sqs.create_queue(QueueName=f"esm-{uuid.uuid4().hex[:12]}",
                           Attributes=attributes)["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])
    return url, arn["Attributes"]["QueueArn"]


def drain(sqs: Any, url: str, until: Any, timeout_s: float = 30) -> list[Any]:
    found: list[Any] = []
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        for m in sqs.receive_message(QueueUrl=url, WaitTimeSeconds=2,
                                     MaxNumberOfMessages=10).get("Messages", []):
            found.append(json.loads(m["Body"]))
            sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
        if until(found):
            return found
    raise AssertionError(f"condition not met; got {found}")


def wait_state(lam: Any, mapping: str, state: str, timeout_s: float = 15) -> dict[str, Any]:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        found = lam.get_event_source_mapping(UUID=mapping)
        if found["State"] == state:
            return dict(found)
        time.sleep(0.2)
    raise AssertionError(f"mapping never reached {state}")


def wait_remaining(sqs: Any, url: str, count: int, timeout_s: float = 10) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        counts = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
        if int(counts["ApproximateNumberOfMessages"]) + int(
                counts["ApproximateNumberOfMessagesNotVisible"]) == count:
            return True
        time.sleep(0.2)
    return False


def error_code(call: Any, **kwargs: Any) -> str:
    with pytest.raises(botocore.exceptions.ClientError) as raised:
        call(**kwargs)
    return str(raised.value.response["Error"]["Code"])


def test_sqs_batches_with_partial_failure(lam: Any, sqs: Any) -> None:
    results_url, _ = queue(sqs)
    dlq_url, dlq_arn = queue(sqs)
    source_url, source_arn = queue(sqs, VisibilityTimeout="10", RedrivePolicy=json.dumps(
        {"deadLetterTargetArn": dlq_arn, "maxReceiveCount": "1"}))
    function = create(lam, SQS_HANDLER, Timeout=10,
                      Environment={"Variables": {"RESULTS": results_url}})
    mapping = lam.create_event_source_mapping(
        EventSourceArn=source_arn, FunctionName=function, BatchSize=10,
        FunctionResponseTypes=["ReportBatchItemFailures"])
    assert mapping["State"] == "Creating" and mapping["BatchSize"] == 10
    assert mapping["FunctionArn"].endswith(f":function:{function}")
    wait_state(lam, mapping["UUID"], "Enabled")
    sqs.send_message_batch(QueueUrl=source_url, Entries=[
        {"Id": "1", "MessageBody": "ok-1", "MessageAttributes": {
            "kind": {"DataType": "String", "StringValue": "order"}}},
        {"Id": "2", "MessageBody": "fail"},
        {"Id": "3", "MessageBody": "ok-2"}])
    batches = drain(sqs, results_url,
                    lambda got: sum(len(b["Records"]) for b in got) >= 3)
    records = [r for b in batches for r in b["Records"]]
    assert sorted(r["body"] for r in records) == ["fail", "ok-1", "ok-2"]
    first = next(r for r in records if r["body"] == "ok-1")
    assert first["eventSource"] == "aws:sqs" and first["eventSourceARN"] == source_arn
    assert first["awsRegion"] == "us-east-1" and first["attributes"]["ApproximateReceiveCount"]
    assert first["messageAttributes"]["kind"]["stringValue"] == "order"
    assert first["messageAttributes"]["kind"]["dataType"] == "String"
    assert first["md5OfBody"] and first["receiptHandle"]
    # Only the failed message stays (the handler reports before the poller deletes the rest):
    # in flight until its visibility timeout, then the DLQ.
    assert wait_remaining(sqs, source_url, 1)
    lam.update_event_source_mapping(UUID=mapping["UUID"], Enabled=False)
    assert lam.get_event_source_mapping(UUID=mapping["UUID"])["State"] in ("Disabling",
                                                                           "Disabled")
    wait_state(lam, mapping["UUID"], "Disabled")
    deleted = lam.delete_event_source_mapping(UUID=mapping["UUID"])
    assert deleted["State"] == "Deleting"


def test_sqs_mapping_validation(lam: Any, sqs: Any) -> None:
    _, arn = queue(sqs, VisibilityTimeout="5")
    function = create(lam, SQS_HANDLER, Timeout=10)
    assert error_code(lam.create_event_source_mapping, EventSourceArn=arn,
                      FunctionName=function) == "InvalidParameterValueException"  # VT < timeout
    _, arn = queue(sqs)
    assert error_code(lam.create_event_source_mapping, EventSourceArn=arn, FunctionName=function,
                      BatchSize=100) == "InvalidParameterValueException"  # needs a window
    assert error_code(lam.create_event_source_mapping, EventSourceArn=arn,
                      FunctionName="nope") == "ResourceNotFoundException"
    missing = arn + "-missing"
    assert error_code(lam.create_event_source_mapping, EventSourceArn=missing,
                      FunctionName=function) == "InvalidParameterValueException"
    first = lam.create_event_source_mapping(EventSourceArn=arn, FunctionName=function,
                                            BatchSize=50, MaximumBatchingWindowInSeconds=1)
    assert first["MaximumBatchingWindowInSeconds"] == 1
    assert error_code(lam.create_event_source_mapping, EventSourceArn=arn,
                      FunctionName=function) == "ResourceConflictException"
    fifo = sqs.create_queue(QueueName=f"esm-{uuid.uuid4().hex[:8]}.fifo",
                            Attributes={"FifoQueue": "true"})["QueueUrl"]
    fifo_arn = sqs.get_queue_attributes(QueueUrl=fifo, AttributeNames=["QueueArn"])[
        "Attributes"]["QueueArn"]
    for options in ({"BatchSize": 11, "MaximumBatchingWindowInSeconds": 1},
                    {"MaximumBatchingWindowInSeconds": 5},
                    {"StartingPosition": "LATEST"}):
        assert error_code(lam.create_event_source_mapping, EventSourceArn=fifo_arn,
                          FunctionName=function, **options) == "InvalidParameterValueException"
    listed = lam.list_event_source_mappings(EventSourceArn=arn)["EventSourceMappings"]
    assert [m["UUID"] for m in listed] == [first["UUID"]]
    assert error_code(lam.get_event_source_mapping,
                      UUID=str(uuid.uuid4())) == "ResourceNotFoundException"
    lam.delete_event_source_mapping(UUID=first["UUID"])


def test_dynamodb_stream_to_function(lam: Any, sqs: Any, ddb: Any) -> None:
    results_url, _ = queue(sqs)
    failures_url, failures_arn = queue(sqs)
    table = f"t-{uuid.uuid4().hex[:8]}"
    stream_arn = ddb.create_table(
        TableName=table, BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
    )["TableDescription"]["LatestStreamArn"]
    ddb.put_item(TableName=table, Item={"id": {"S": "before"}})
    function = create(lam, STREAM_HANDLER, Timeout=10,
                      Environment={"Variables": {"RESULTS": results_url}})
    assert error_code(lam.create_event_source_mapping, EventSourceArn=stream_arn,
                      FunctionName=function) == "InvalidParameterValueException"  # no position
    mapping = lam.create_event_source_mapping(
        EventSourceArn=stream_arn, FunctionName=function, StartingPosition="TRIM_HORIZON",
        BatchSize=2, MaximumRetryAttempts=1, BisectBatchOnFunctionError=True,
        DestinationConfig={"OnFailure": {"Destination": failures_arn}})
    assert mapping["StartingPosition"] == "TRIM_HORIZON" and mapping["BatchSize"] == 2
    assert mapping["MaximumRetryAttempts"] == 1 and mapping["BisectBatchOnFunctionError"]
    assert mapping["StateTransitionReason"] == "User action"  # streams' wording, not SQS's
    wait_state(lam, mapping["UUID"], "Enabled")
    ddb.put_item(TableName=table, Item={"id": {"S": "a"}, "n": {"N": "1"}})
    ddb.put_item(TableName=table, Item={"id": {"S": "a"}, "n": {"N": "2"}})
    ddb.delete_item(TableName=table, Key={"id": {"S": "a"}})
    batches = drain(sqs, results_url,
                    lambda got: sum(len(b["Records"]) for b in got) >= 4)
    records = [r for b in batches for r in b["Records"]]
    assert [r["eventName"] for r in records][:4] == ["INSERT", "INSERT", "MODIFY", "REMOVE"]
    modify = records[2]
    assert modify["eventSource"] == "aws:dynamodb" and modify["eventSourceARN"] == stream_arn
    assert modify["eventVersion"] == "1.1" and modify["awsRegion"] == "us-east-1"
    assert modify["dynamodb"]["NewImage"]["n"] == {"N": "2"}
    assert modify["dynamodb"]["OldImage"]["n"] == {"N": "1"}
    assert modify["dynamodb"]["Keys"] == {"id": {"S": "a"}}
    assert all(len(b["Records"]) <= 2 for b in batches)
    # A poison record is retried, bisected, then reported to the on-failure queue.
    ddb.put_item(TableName=table, Item={"id": {"S": "p"}, "poison": {"BOOL": True}})
    ddb.put_item(TableName=table, Item={"id": {"S": "after"}})
    [failure] = drain(sqs, failures_url, lambda got: len(got) >= 1, timeout_s=40)
    assert failure["requestContext"]["condition"] == "RetryAttemptsExhausted"
    info = failure["DDBStreamBatchInfo"]
    assert info["streamArn"] == stream_arn and info["batchSize"] == 1
    assert info["shardId"].startswith("shardId-")
    later = drain(sqs, results_url, lambda got: any(
        r["dynamodb"]["Keys"]["id"]["S"] == "after" for b in got for r in b["Records"]))
    assert later
    lam.delete_event_source_mapping(UUID=mapping["UUID"])


def test_sqs_filter_criteria(lam: Any, sqs: Any) -> None:
    results_url, _ = queue(sqs)
    source_url, source_arn = queue(sqs, VisibilityTimeout="10")
    function = create(lam, SQS_HANDLER, Timeout=10,
                      Environment={"Variables": {"RESULTS": results_url}})
    assert error_code(lam.create_event_source_mapping, EventSourceArn=source_arn,
                      FunctionName=function, FilterCriteria={"Filters": [
                          {"Pattern": "not json"}]}) == "InvalidParameterValueException"
    mapping = lam.create_event_source_mapping(
        EventSourceArn=source_arn, FunctionName=function,
        FilterCriteria={"Filters": [{"Pattern": json.dumps({"body": {"kind": ["keep"]}})}]})
    wait_state(lam, mapping["UUID"], "Enabled")
    sqs.send_message(QueueUrl=source_url, MessageBody=json.dumps({"kind": "drop"}))
    sqs.send_message(QueueUrl=source_url, MessageBody=json.dumps({"kind": "keep"}))
    batches = drain(sqs, results_url, lambda got: len(got) >= 1)
    assert [json.loads(r["body"]) for b in batches for r in b["Records"]] == [{"kind": "keep"}]
    assert wait_remaining(sqs, source_url, 0), "the filtered-out message stayed on the queue"
    lam.delete_event_source_mapping(UUID=mapping["UUID"])


def test_sqs_many_messages_all_processed_once(lam: Any, sqs: Any) -> None:
    results_url, _ = queue(sqs)
    source_url, source_arn = queue(sqs, VisibilityTimeout="30")
    function = create(lam, SQS_HANDLER, Timeout=10,
                      Environment={"Variables": {"RESULTS": results_url}})
    mapping = lam.create_event_source_mapping(
        EventSourceArn=source_arn, FunctionName=function, BatchSize=10,
        ScalingConfig={"MaximumConcurrency": 3})
    assert mapping["ScalingConfig"] == {"MaximumConcurrency": 3}
    wait_state(lam, mapping["UUID"], "Enabled")
    for start in range(0, 60, 10):
        sqs.send_message_batch(QueueUrl=source_url, Entries=[
            {"Id": str(i), "MessageBody": f"m{start + i}"} for i in range(10)])
    batches = drain(sqs, results_url,
                    lambda got: sum(len(b["Records"]) for b in got) >= 60, timeout_s=60)
    bodies = [r["body"] for b in batches for r in b["Records"]]
    assert sorted(bodies) == sorted(f"m{i}" for i in range(60))
    assert all(len(b["Records"]) <= 10 for b in batches)
    lam.delete_event_source_mapping(UUID=mapping["UUID"])


# Records each batch; reports the records marked "bad" as failed items.
STREAM_PARTIAL_HANDLER = '''
import json, os
import boto3

def handler(event, context):
    boto3.client("sqs").send_message(QueueUrl=os.environ["RESULTS"], MessageBody=json.dumps(event))
    bad = [r for r in event["Records"] if r["dynamodb"]["NewImage"]["bad"]["BOOL"]]
    return {"batchItemFailures": [{"itemIdentifier": r["dynamodb"]["SequenceNumber"]} for r in bad]}
'''


def test_stream_partial_failures_use_up_the_retries(lam: Any, sqs: Any, ddb: Any) -> None:
    results_url, _ = queue(sqs)
    failures_url, failures_arn = queue(sqs)
    table = f"t-{uuid.uuid4().hex[:8]}"
    stream_arn = ddb.create_table(
        TableName=table, BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"},
    )["TableDescription"]["LatestStreamArn"]
    for key, bad in [("a", False), ("bad", True), ("c", False)]:
        ddb.put_item(TableName=table, Item={"id": {"S": key}, "bad": {"BOOL": bad}})
    function = create(lam, STREAM_PARTIAL_HANDLER, Timeout=10,
                      Environment={"Variables": {"RESULTS": results_url}})
    mapping = lam.create_event_source_mapping(
        EventSourceArn=stream_arn, FunctionName=function, StartingPosition="TRIM_HORIZON",
        BatchSize=10, MaximumRetryAttempts=1, FunctionResponseTypes=["ReportBatchItemFailures"],
        DestinationConfig={"OnFailure": {"Destination": failures_arn}})
    # The first try checkpoints at "bad"; the one retry starts there; then it is given up.
    [failure] = drain(sqs, failures_url, lambda got: len(got) >= 1)
    assert failure["requestContext"]["condition"] == "RetryAttemptsExhausted"
    assert failure["DDBStreamBatchInfo"]["batchSize"] == 2  # "bad" and "c"
    ddb.put_item(TableName=table, Item={"id": {"S": "after"}, "bad": {"BOOL": False}})
    batches = drain(sqs, results_url, lambda got: any(
        r["dynamodb"]["Keys"]["id"]["S"] == "after" for b in got for r in b["Records"]))
    keys = [[r["dynamodb"]["Keys"]["id"]["S"] for r in b["Records"]] for b in batches]
    assert keys == [["a", "bad", "c"], ["bad", "c"], ["after"]]
    lam.delete_event_source_mapping(UUID=mapping["UUID"])
