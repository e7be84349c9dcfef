"""--iam enforce: EventBridge delivers as events.amazonaws.com, so a target queue's policy
must allow it (with the rule's ARN as aws:SourceArn), as in AWS."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from botocore.exceptions import ClientError
from tests.support import Server, enforcing_client


def client(server: Server, service: str) -> Any:
    return enforcing_client(server, service)


def queue_policy(queue_arn: str, rule_arn: str) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Service": "events.amazonaws.com"},
        "Action": "sqs:SendMessage", "Resource": queue_arn,
        "Condition": {"ArnEquals": {"aws:SourceArn": rule_arn}}}]})


def test_queue_policy_decides_delivery(enforcing: Server) -> None:
    events, sqs = client(enforcing, "events"), client(enforcing, "sqs")
    arns = {}
    for name in ("open", "closed"):
        url = sqs.create_queue(QueueName=f"enf-{name}")["QueueUrl"]
        arns[name] = (url, sqs.get_queue_attributes(QueueUrl=url, AttributeNames=[
            "QueueArn"])["Attributes"]["QueueArn"])
    rule_arn = events.put_rule(Name="enf", EventPattern=json.dumps({"source": ["app"]}))[
        "RuleArn"]
    sqs.set_queue_attributes(QueueUrl=arns["open"][0], Attributes={
        "Policy": queue_policy(arns["open"][1], rule_arn)})
    events.put_targets(Rule="enf", Targets=[{"Id": "open", "Arn": arns["open"][1]},
                                            {"Id": "closed", "Arn": arns["closed"][1]}])
    events.put_events(Entries=[{"Source": "app", "DetailType": "d", "Detail": "{}"}])
    got = sqs.receive_message(QueueUrl=arns["open"][0], WaitTimeSeconds=10).get("Messages")
    assert got and json.loads(got[0]["Body"])["source"] == "app"
    time.sleep(1)
    assert not sqs.receive_message(QueueUrl=arns["closed"][0],
                                   WaitTimeSeconds=1).get("Messages")


def test_s3_notification_needs_the_queue_policy(enforcing: Server) -> None:
    s3, sqs = client(enforcing, "s3"), client(enforcing, "sqs")
    s3.create_bucket(Bucket="enf-notify")
    url = sqs.create_queue(QueueName="enf-s3")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])[
        "Attributes"]["QueueArn"]
    config = {"QueueConfigurations": [{"QueueArn": arn, "Events": ["s3:ObjectCreated:*"]}]}
    with pytest.raises(ClientError) as caught:
        s3.put_bucket_notification_configuration(Bucket="enf-notify",
                                                 NotificationConfiguration=config)
    assert caught.value.response["Error"]["Code"] == "InvalidArgument"
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": json.dumps({
        "Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"},
            "Action": "sqs:SendMessage", "Resource": arn,
            "Condition": {"ArnLike": {"aws:SourceArn": "arn:aws:s3:::enf-notify"}}}]})})
    s3.put_bucket_notification_configuration(Bucket="enf-notify",
                                             NotificationConfiguration=config)
    s3.put_object(Bucket="enf-notify", Key="k", Body=b"v")
    bodies = []
    for _ in range(5):
        bodies += [json.loads(m["Body"]) for m in sqs.receive_message(
            QueueUrl=url, WaitTimeSeconds=2, MaxNumberOfMessages=10).get("Messages", [])]
        if any("Records" in b for b in bodies):
            break
    assert any(b.get("Event") == "s3:TestEvent" for b in bodies)
    assert any(b.get("Records", [{}])[0].get("eventName") == "ObjectCreated:Put"
               for b in bodies)


OTHER_ACCOUNT = "111111111111"


def test_cross_account_put_events_needs_the_bus_policy(enforcing: Server) -> None:
    def other(service: str) -> Any:
        return enforcing_client(enforcing, service, OTHER_ACCOUNT)

    events_b, sqs_b = other("events"), other("sqs")
    bus_arn = events_b.create_event_bus(Name="shared")["EventBusArn"]
    url = sqs_b.create_queue(QueueName="shared-in")["QueueUrl"]
    queue_arn = sqs_b.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])[
        "Attributes"]["QueueArn"]
    rule_arn = events_b.put_rule(Name="in", EventBusName="shared",
                                 EventPattern=json.dumps({"source": ["partner"]}))["RuleArn"]
    sqs_b.set_queue_attributes(QueueUrl=url, Attributes={
        "Policy": queue_policy(queue_arn, rule_arn)})
    events_b.put_targets(Rule="in", EventBusName="shared",
                         Targets=[{"Id": "q", "Arn": queue_arn}])
    entry = {"Source": "partner", "DetailType": "d", "Detail": "{}", "EventBusName": bus_arn}
    events_a = client(enforcing, "events")
    with pytest.raises(ClientError) as caught:
        events_a.put_events(Entries=[entry])
    assert caught.value.response["Error"]["Code"] == "AccessDeniedException"
    events_b.put_permission(EventBusName="shared", Action="events:PutEvents",
                            Principal="000000000000", StatementId="account-a")
    assert "account-a" in events_b.describe_event_bus(Name="shared")["Policy"]
    assert events_a.put_events(Entries=[entry])["FailedEntryCount"] == 0
    got = sqs_b.receive_message(QueueUrl=url, WaitTimeSeconds=10).get("Messages")
    assert got and json.loads(got[0]["Body"])["account"] == "000000000000"
    events_b.remove_permission(EventBusName="shared", StatementId="account-a")
    with pytest.raises(ClientError):
        events_a.put_events(Entries=[entry])
