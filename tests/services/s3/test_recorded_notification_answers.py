"""S3 notifications held to what AWS was recorded sending (LocalStack's
test_s3_notifications_sqs snapshots): tag and ACL events carry no sequencer, an unchanged
ACL sends no event, responseElements name the answer's own request ids, the X-Ray header
reaches the queue, a restore's start is an event, and refused configurations read as S3's."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError
from tests.services.s3.test_notifications import bucket, configure, messages, queue

TRACE = "Root=1-3152b799-8954dae64eda91bc9a23a7e8;Parent=7fa8c0f79203be72;Sampled=1"


@pytest.fixture
def sqs(client):  # type: ignore[no-untyped-def]
    return client("sqs")


def records(sqs: Any, url: str, count: int) -> list[dict[str, Any]]:
    found = [m for m in messages(sqs, url, count) if m.get("Event") != "s3:TestEvent"]
    return [record for m in found for record in m["Records"]]


def test_tag_and_acl_events_carry_no_sequencer(s3: Any, sqs: Any) -> None:
    name = bucket(s3)
    s3.delete_bucket_ownership_controls(Bucket=name)
    s3.delete_public_access_block(Bucket=name)
    url, arn = queue(sqs)
    configure(s3, name, arn, ["s3:ObjectTagging:*", "s3:ObjectAcl:Put"])
    messages(sqs, url, 1)  # the s3:TestEvent
    s3.put_object(Bucket=name, Key="k", Body=b"FooBarBlitz")
    s3.put_object_tagging(Bucket=name, Key="k", Tagging={"TagSet": [{"Key": "a", "Value": "b"}]})
    s3.delete_object_tagging(Bucket=name, Key="k")
    s3.put_object_acl(Bucket=name, Key="k", ACL="private")  # as it was: no event
    s3.put_object_acl(Bucket=name, Key="k", ACL="public-read")
    found = records(sqs, url, 3)
    assert [r["eventName"] for r in found] == [
        "ObjectTagging:Put", "ObjectTagging:Delete", "ObjectAcl:Put"]
    for record in found:
        assert record["eventVersion"] == "2.3"
        assert record["s3"]["object"] == {"key": "k", "eTag": "f3e6da48d914f3f04f6bd9cb092c044d"}


def test_response_elements_are_the_answers_ids(s3: Any, sqs: Any) -> None:
    name = bucket(s3)
    url, arn = queue(sqs)
    configure(s3, name, arn, ["s3:ObjectCreated:*"])
    test_event = messages(sqs, url, 1)[0]
    assert test_event["Event"] == "s3:TestEvent" and set(test_event) == {
        "Service", "Event", "Time", "Bucket", "RequestId", "HostId"}
    headers = s3.put_object(Bucket=name, Key="k", Body=b"x")["ResponseMetadata"]["HTTPHeaders"]
    record = records(sqs, url, 1)[0]
    assert record["responseElements"] == {
        "x-amz-request-id": headers["x-amz-request-id"], "x-amz-id-2": headers["x-amz-id-2"]}
    assert set(record["s3"]["object"]) == {"key", "size", "eTag", "sequencer"}


def test_trace_header_reaches_the_queue(s3: Any, sqs: Any) -> None:
    name = bucket(s3)
    url, arn = queue(sqs)
    configure(s3, name, arn, ["s3:ObjectCreated:*"])
    messages(sqs, url, 1)

    def add_trace(request: Any, **_: Any) -> None:
        request.headers["X-Amzn-Trace-Id"] = TRACE

    s3.meta.events.register("before-send.s3.PutObject", add_trace)
    s3.put_object(Bucket=name, Key="traced", Body=b"x")
    answer = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=5, AttributeNames=["All"])
    message = answer["Messages"][0]
    assert message["Attributes"]["AWSTraceHeader"] == TRACE
    assert json.loads(message["Body"])["Records"][0]["s3"]["object"]["key"] == "traced"


def test_restore_start_is_an_event(s3: Any, sqs: Any) -> None:
    name = bucket(s3)
    url, arn = queue(sqs)
    configure(s3, name, arn, ["s3:ObjectRestore:*"])
    messages(sqs, url, 1)
    s3.put_object(Bucket=name, Key="cold", Body=b"something", StorageClass="GLACIER")
    s3.restore_object(Bucket=name, Key="cold", RestoreRequest={
        "Days": 1, "GlacierJobParameters": {"Tier": "Expedited"}})
    record = records(sqs, url, 1)[0]
    assert (record["eventName"], record["eventVersion"]) == ("ObjectRestore:Post", "2.1")
    assert record["s3"]["object"]["size"] == 9 and "sequencer" in record["s3"]["object"]


def _refusal(s3: Any, name: str, entries: list[dict[str, Any]], **kwargs: Any) -> dict[str, Any]:
    with pytest.raises(ClientError) as caught:
        s3.put_bucket_notification_configuration(
            Bucket=name, NotificationConfiguration={"QueueConfigurations": entries}, **kwargs)
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    error: dict[str, Any] = caught.value.response["Error"]
    assert error.pop("Code") == "InvalidArgument"
    return error


def test_refused_configurations(s3: Any) -> None:
    name = bucket(s3)
    missing = "arn:aws:sqs:us-east-1:000000000000:my-queue"
    entry = {"Events": ["s3:ObjectCreated:*"], "QueueArn": "invalid-queue"}
    unparsable = {"Message": "The ARN could not be parsed", "ArgumentName": "Queue",
                  "ArgumentValue": "invalid-queue"}
    assert _refusal(s3, name, [entry]) == unparsable
    assert _refusal(s3, name, [entry], SkipDestinationValidation=True) == unparsable
    assert _refusal(s3, name, [{**entry, "QueueArn": missing}]) == {
        "Message": "Unable to validate the following destination configurations",
        "ArgumentName1": missing, "ArgumentValue1": "The destination queue does not exist"}
    removed = {"Events": ["s3:ObjectRemoved:*"]}
    two = [{**entry, "QueueArn": missing}, {**removed, "QueueArn": missing + "-2"}]
    assert _refusal(s3, name, [two[0], {**removed, "QueueArn": "invalid_arn_2"}])[
        "ArgumentValue"] == "invalid_arn_2"  # every ARN is read before any queue is asked
    error = _refusal(s3, name, two)
    assert (error["ArgumentName2"], error["ArgumentValue2"]) == (
        missing + "-2", "The destination queue does not exist")
    rules = {"Key": {"FilterRules": [{"Name": "INVALID", "Value": "does not matter"}]}}
    assert _refusal(s3, name, [{**entry, "QueueArn": missing, "Filter": rules}],
                    SkipDestinationValidation=True) == {
        "Message": "filter rule name must be either prefix or suffix",
        "ArgumentName": "FilterRule.Name", "ArgumentValue": "INVALID"}
