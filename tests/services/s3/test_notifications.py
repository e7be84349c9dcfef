"""S3 event notifications end to end: configuration, validation, SQS and EventBridge."""

from __future__ import annotations

import json
import uuid
from typing import Any

import botocore.exceptions
import pytest


@pytest.fixture
def s3(client):  # type: ignore[no-untyped-def]
    return client("s3")


@pytest.fixture
def sqs(client):  # type: ignore[no-untyped-def]
    return client("sqs")


@pytest.fixture
def events(client):  # type: ignore[no-untyped-def]
    return client("events")


def queue(sqs: Any) -> tuple[str, str]:
    url = sqs.create_queue(QueueName=f"s3n-{uuid.uuid4().hex[:12]}")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])
    return url, arn["Attributes"]["QueueArn"]


def bucket(s3: Any) -> str:
    name = f"notify-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(Bucket=name)
    return name


def messages(sqs: Any, url: str, count: int) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for _ in range(8):
        for m in sqs.receive_message(QueueUrl=url, WaitTimeSeconds=3,
                                     MaxNumberOfMessages=10).get("Messages", []):
            found.append(json.loads(m["Body"]))
            sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
        if len(found) >= count:
            return found
    raise AssertionError(f"only {len(found)} of {count} messages arrived: {found}")


def configure(s3: Any, name: str, queue_arn: str, events: list[str],
              rules: list[dict[str, str]] | None = None) -> None:
    entry: dict[str, Any] = {"Id": "to-queue", "QueueArn": queue_arn, "Events": events}
    if rules:
        entry["Filter"] = {"Key": {"FilterRules": rules}}
    s3.put_bucket_notification_configuration(
        Bucket=name, NotificationConfiguration={"QueueConfigurations": [entry]})


def test_put_object_notifies_the_queue(s3: Any, sqs: Any) -> None:
    url, arn = queue(sqs)
    name = bucket(s3)
    configure(s3, name, arn, ["s3:ObjectCreated:*"],
              [{"Name": "prefix", "Value": "images/"}, {"Name": "suffix", "Value": ".jpg"}])
    [test_event] = messages(sqs, url, 1)
    assert test_event["Event"] == "s3:TestEvent" and test_event["Bucket"] == name
    assert test_event["Service"] == "Amazon S3"
    got = s3.get_bucket_notification_configuration(Bucket=name)["QueueConfigurations"]
    assert got[0]["Id"] == "to-queue" and got[0]["QueueArn"] == arn
    assert got[0]["Filter"]["Key"]["FilterRules"] == [{"Name": "Prefix", "Value": "images/"},
                                                      {"Name": "Suffix", "Value": ".jpg"}]
    s3.put_object(Bucket=name, Key="images/not-matching.png", Body=b"x")
    put = s3.put_object(Bucket=name, Key="images/my cat.jpg", Body=b"meow")
    [event] = messages(sqs, url, 1)
    [record] = event["Records"]
    assert record["eventVersion"] == "2.1" and record["eventSource"] == "aws:s3"
    assert record["eventName"] == "ObjectCreated:Put" and record["awsRegion"] == "us-east-1"
    assert record["eventTime"].endswith("Z")
    assert record["requestParameters"]["sourceIPAddress"] == "127.0.0.1"
    assert record["s3"]["configurationId"] == "to-queue"
    assert record["s3"]["bucket"] == {"name": name, "ownerIdentity": {
        "principalId": "000000000000"}, "arn": f"arn:aws:s3:::{name}"}
    obj = record["s3"]["object"]
    assert obj["key"] == "images/my+cat.jpg" and obj["size"] == 4
    assert obj["eTag"] == put["ETag"].strip('"') and obj["sequencer"]


def test_copy_multipart_and_delete_events(s3: Any, sqs: Any) -> None:
    url, arn = queue(sqs)
    name = bucket(s3)
    configure(s3, name, arn, ["s3:ObjectCreated:*", "s3:ObjectRemoved:*"])
    messages(sqs, url, 1)  # the test event
    s3.put_object(Bucket=name, Key="a", Body=b"1")
    s3.copy_object(Bucket=name, Key="b", CopySource={"Bucket": name, "Key": "a"})
    upload = s3.create_multipart_upload(Bucket=name, Key="c")["UploadId"]
    part = s3.upload_part(Bucket=name, Key="c", UploadId=upload, PartNumber=1, Body=b"z")
    s3.complete_multipart_upload(Bucket=name, Key="c", UploadId=upload, MultipartUpload={
        "Parts": [{"PartNumber": 1, "ETag": part["ETag"]}]})
    s3.delete_object(Bucket=name, Key="a")
    s3.delete_objects(Bucket=name, Delete={"Objects": [{"Key": "b"}]})
    names = sorted((r["eventName"], r["s3"]["object"]["key"])
                   for e in messages(sqs, url, 5) for r in e["Records"])
    assert names == [("ObjectCreated:CompleteMultipartUpload", "c"),
                     ("ObjectCreated:Copy", "b"), ("ObjectCreated:Put", "a"),
                     ("ObjectRemoved:Delete", "a"), ("ObjectRemoved:Delete", "b")]


def test_validation(s3: Any, sqs: Any) -> None:
    _, arn = queue(sqs)
    name = bucket(s3)

    def code(config: dict[str, Any]) -> str:
        with pytest.raises(botocore.exceptions.ClientError) as raised:
            s3.put_bucket_notification_configuration(Bucket=name,
                                                     NotificationConfiguration=config)
        return str(raised.value.response["Error"]["Code"])

    missing = arn + "-missing"
    assert code({"QueueConfigurations": [{"QueueArn": missing,
                                          "Events": ["s3:ObjectCreated:*"]}]}) == "InvalidArgument"
    assert code({"QueueConfigurations": [{"QueueArn": arn,
                                          "Events": ["s3:Nope"]}]}) == "InvalidArgument"
    overlapping = {"QueueConfigurations": [
        {"QueueArn": arn, "Events": ["s3:ObjectCreated:*"]},
        {"QueueArn": arn, "Events": ["s3:ObjectCreated:Put"],
         "Filter": {"Key": {"FilterRules": [{"Name": "prefix", "Value": "x/"}]}}}]}
    assert code(overlapping) == "InvalidArgument"
    s3.put_bucket_notification_configuration(
        Bucket=name, SkipDestinationValidation=True, NotificationConfiguration={
            "QueueConfigurations": [{"QueueArn": missing, "Events": ["s3:ObjectCreated:*"]}]})
    s3.put_bucket_notification_configuration(Bucket=name, NotificationConfiguration={})
    assert "QueueConfigurations" not in s3.get_bucket_notification_configuration(Bucket=name)


def test_eventbridge_notifications(s3: Any, sqs: Any, events: Any) -> None:
    url, arn = queue(sqs)
    name = bucket(s3)
    rule = f"s3-{uuid.uuid4().hex[:8]}"
    events.put_rule(Name=rule, EventPattern=json.dumps({
        "source": ["aws.s3"], "detail-type": ["Object Created"],
        "detail": {"bucket": {"name": [name]}}}))
    events.put_targets(Rule=rule, Targets=[{"Id": "q", "Arn": arn}])
    s3.put_bucket_notification_configuration(
        Bucket=name, NotificationConfiguration={"EventBridgeConfiguration": {}})
    assert s3.get_bucket_notification_configuration(Bucket=name)[
        "EventBridgeConfiguration"] == {}
    s3.put_object(Bucket=name, Key="report.csv", Body=b"a,b")
    [event] = messages(sqs, url, 1)
    assert event["source"] == "aws.s3" and event["detail-type"] == "Object Created"
    assert event["resources"] == [f"arn:aws:s3:::{name}"]
    assert event["detail"]["object"]["key"] == "report.csv"
    assert event["detail"]["object"]["size"] == 3
    assert event["detail"]["reason"] == "PutObject"


SEND_TO_QUEUE = '''
import json, os
import boto3

def handler(event, context):
    boto3.client("sqs").send_message(QueueUrl=os.environ["QUEUE_URL"],
                                     MessageBody=json.dumps(event))
'''


def test_put_object_invokes_a_function(s3: Any, sqs: Any, client: Any) -> None:
    from tests.services.lambda_.helpers import create

    lam = client("lambda")
    url, _ = queue(sqs)
    function = create(lam, SEND_TO_QUEUE, Timeout=10,
                      Environment={"Variables": {"QUEUE_URL": url}})
    function_arn = lam.get_function(FunctionName=function)["Configuration"]["FunctionArn"]
    name = bucket(s3)
    lam.add_permission(FunctionName=function, StatementId="s3", Action="lambda:InvokeFunction",
                       Principal="s3.amazonaws.com", SourceArn=f"arn:aws:s3:::{name}")
    s3.put_bucket_notification_configuration(Bucket=name, NotificationConfiguration={
        "LambdaFunctionConfigurations": [{"LambdaFunctionArn": function_arn,
                                          "Events": ["s3:ObjectRemoved:*"]}]})
    with pytest.raises(botocore.exceptions.ClientError):
        s3.put_bucket_notification_configuration(Bucket=name, NotificationConfiguration={
            "LambdaFunctionConfigurations": [{"LambdaFunctionArn": function_arn + "-gone",
                                              "Events": ["s3:ObjectRemoved:*"]}]})
    s3.put_object(Bucket=name, Key="k", Body=b"x")  # not configured: no event
    s3.delete_object(Bucket=name, Key="k")
    [event] = messages(sqs, url, 1)
    [record] = event["Records"]
    assert record["eventName"] == "ObjectRemoved:Delete"
    assert record["s3"]["object"]["key"] == "k" and "size" not in record["s3"]["object"]
    assert record["s3"]["configurationId"]
