"""PutEvents -> rule -> targets, end to end: SQS queues and Lambda functions receive events."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from tests.services.lambda_.helpers import create

SEND_TO_QUEUE = '''
import json, os
import boto3

def handler(event, context):
    boto3.client("sqs").send_message(QueueUrl=os.environ["QUEUE_URL"],
                                     MessageBody=json.dumps(event))
    return "sent"
'''


@pytest.fixture
def events(client):  # type: ignore[no-untyped-def]
    return client("events")


@pytest.fixture
def sqs(client):  # type: ignore[no-untyped-def]
    return client("sqs")


@pytest.fixture
def lam(client):  # type: ignore[no-untyped-def]
    return client("lambda")


def queue(sqs: Any) -> tuple[str, str]:
    url = sqs.create_queue(QueueName=f"ev-{uuid.uuid4().hex[:12]}")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])
    return url, arn["Attributes"]["QueueArn"]


def receive_all(sqs: Any, url: str, count: int, wait_s: int = 5) -> list[Any]:
    found: list[Any] = []
    for _ in range(6):
        messages = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=wait_s,
                                       MaxNumberOfMessages=10).get("Messages", [])
        for message in messages:
            found.append(json.loads(message["Body"]))
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
        if len(found) >= count:
            return found
    raise AssertionError(f"only {len(found)} of {count} messages arrived")


def test_put_events_reaches_a_queue(events: Any, sqs: Any) -> None:
    url, arn = queue(sqs)
    rule = f"r-{uuid.uuid4().hex[:8]}"
    source = f"shop.{uuid.uuid4().hex[:6]}"
    events.put_rule(Name=rule, EventPattern=json.dumps(
        {"source": [source], "detail": {"total": [{"numeric": [">", 100]}]}}))
    events.put_targets(Rule=rule, Targets=[{"Id": "q", "Arn": arn}])
    result = events.put_events(Entries=[
        {"Source": source, "DetailType": "Order Placed", "Detail": json.dumps({"total": 250}),
         "Resources": ["arn:aws:shop:order/1"]},
        {"Source": source, "DetailType": "Order Placed", "Detail": json.dumps({"total": 5})},
    ])
    assert result["FailedEntryCount"] == 0
    [event] = receive_all(sqs, url, 1)
    assert event["id"] == result["Entries"][0]["EventId"]
    assert event["source"] == source and event["detail-type"] == "Order Placed"
    assert event["detail"] == {"total": 250} and event["version"] == "0"
    assert event["account"] == "000000000000" and event["region"] == "us-east-1"
    assert event["resources"] == ["arn:aws:shop:order/1"]
    assert event["time"].endswith("Z")
    assert not sqs.receive_message(QueueUrl=url, WaitTimeSeconds=1).get("Messages")


def test_input_shaping(events: Any, sqs: Any) -> None:
    url, arn = queue(sqs)
    rule = f"r-{uuid.uuid4().hex[:8]}"
    source = f"shop.{uuid.uuid4().hex[:6]}"
    events.put_rule(Name=rule, EventPattern=json.dumps({"source": [source]}))
    events.put_targets(Rule=rule, Targets=[
        {"Id": "constant", "Arn": arn, "Input": '{"fixed": true}'},
        {"Id": "path", "Arn": arn, "InputPath": "$.detail.order"},
        {"Id": "transform", "Arn": arn, "InputTransformer": {
            "InputPathsMap": {"id": "$.detail.order.id", "kind": "$.detail-type"},
            "InputTemplate": '{"text": "order <id> is <kind>", "id": <id>, '
                             '"rule": "<aws.events.rule-name>"}'}},
    ])
    events.put_events(Entries=[{"Source": source, "DetailType": "Shipped",
                                "Detail": json.dumps({"order": {"id": 7}})}])
    bodies = receive_all(sqs, url, 3)
    assert {"fixed": True} in bodies
    assert {"id": 7} in bodies
    assert {"text": "order 7 is Shipped", "id": 7, "rule": rule} in bodies


def test_put_events_invokes_a_function(events: Any, sqs: Any, lam: Any) -> None:
    url, _ = queue(sqs)
    function = create(lam, SEND_TO_QUEUE, Timeout=10,
                      Environment={"Variables": {"QUEUE_URL": url}})
    function_arn = lam.get_function(FunctionName=function)["Configuration"]["FunctionArn"]
    rule = f"r-{uuid.uuid4().hex[:8]}"
    rule_arn = events.put_rule(Name=rule, EventPattern=json.dumps(
        {"detail-type": [{"prefix": "Order"}]}))["RuleArn"]
    lam.add_permission(FunctionName=function, StatementId="events", Action="lambda:InvokeFunction",
                       Principal="events.amazonaws.com", SourceArn=rule_arn)
    events.put_targets(Rule=rule, Targets=[{"Id": "fn", "Arn": function_arn}])
    events.put_events(Entries=[{"Source": "shop", "DetailType": "Order Cancelled",
                                "Detail": json.dumps({"id": 9})}])
    [event] = receive_all(sqs, url, 1)
    assert event["detail-type"] == "Order Cancelled" and event["detail"] == {"id": 9}


def test_custom_bus_routing(events: Any, sqs: Any) -> None:
    url, arn = queue(sqs)
    bus = f"b-{uuid.uuid4().hex[:8]}"
    events.create_event_bus(Name=bus)
    events.put_rule(Name="all", EventBusName=bus, EventPattern=json.dumps({"source": ["x"]}))
    events.put_targets(Rule="all", EventBusName=bus, Targets=[{"Id": "q", "Arn": arn}])
    events.put_events(Entries=[{"Source": "x", "DetailType": "d", "Detail": "{}"}])  # default
    events.put_events(Entries=[{"Source": "x", "DetailType": "d", "Detail": '{"n": 1}',
                                "EventBusName": bus}])
    [event] = receive_all(sqs, url, 1)
    assert event["detail"] == {"n": 1}


def test_undeliverable_events_go_to_the_dead_letter_queue(events: Any, sqs: Any) -> None:
    dlq_url, dlq_arn = queue(sqs)
    rule = f"r-{uuid.uuid4().hex[:8]}"
    rule_arn = events.put_rule(Name=rule, EventPattern=json.dumps({"source": ["dlq.test"]}))[
        "RuleArn"]
    missing = "arn:aws:lambda:us-east-1:000000000000:function:does-not-exist"
    events.put_targets(Rule=rule, Targets=[{"Id": "gone", "Arn": missing,
                                            "DeadLetterConfig": {"Arn": dlq_arn}}])
    events.put_events(Entries=[{"Source": "dlq.test", "DetailType": "d", "Detail": "{}"}])
    got = []
    for _ in range(5):
        got = sqs.receive_message(QueueUrl=dlq_url, WaitTimeSeconds=3,
                                  MessageAttributeNames=["All"]).get("Messages", [])
        if got:
            break
    assert got, "nothing reached the dead-letter queue"
    attributes = {k: v["StringValue"] for k, v in got[0]["MessageAttributes"].items()}
    assert attributes["RULE_ARN"] == rule_arn and attributes["TARGET_ARN"] == missing
    assert attributes["ERROR_CODE"] == "ResourceNotFoundException"
    assert json.loads(got[0]["Body"])["source"] == "dlq.test"


def test_rule_changes_apply_to_the_next_event(events: Any, sqs: Any) -> None:
    url, arn = queue(sqs)
    rule = f"r-{uuid.uuid4().hex[:8]}"
    events.put_rule(Name=rule, EventPattern=json.dumps({"source": ["v1"]}))
    events.put_targets(Rule=rule, Targets=[{"Id": "q", "Arn": arn}])
    events.put_events(Entries=[{"Source": "v1", "DetailType": "d", "Detail": '{"n": 1}'}])
    events.put_rule(Name=rule, EventPattern=json.dumps({"source": ["v2"]}))
    events.put_events(Entries=[{"Source": "v1", "DetailType": "d", "Detail": '{"n": 2}'}])
    events.put_events(Entries=[{"Source": "v2", "DetailType": "d", "Detail": '{"n": 3}'}])
    events.disable_rule(Name=rule)
    events.put_events(Entries=[{"Source": "v2", "DetailType": "d", "Detail": '{"n": 4}'}])
    events.enable_rule(Name=rule)
    events.remove_targets(Rule=rule, Ids=["q"])
    events.put_events(Entries=[{"Source": "v2", "DetailType": "d", "Detail": '{"n": 5}'}])
    got = sorted(e["detail"]["n"] for e in receive_all(sqs, url, 2))
    assert got == [1, 3]
    assert not sqs.receive_message(QueueUrl=url, WaitTimeSeconds=1).get("Messages")


def test_plain_text_template_and_event_variables(events: Any, sqs: Any) -> None:
    url, arn = queue(sqs)
    rule = f"r-{uuid.uuid4().hex[:8]}"
    events.put_rule(Name=rule, EventPattern=json.dumps({"source": ["ec2.like"]}))
    events.put_targets(Rule=rule, Targets=[
        {"Id": "text", "Arn": arn, "InputTransformer": {
            "InputPathsMap": {"instance": "$.detail.instance", "state": "$.detail.state"},
            "InputTemplate": '<instance> is in state "<state>"'}},
        {"Id": "event", "Arn": arn, "InputTransformer": {
            "InputTemplate": '{"event": <aws.events.event>, "full": <aws.events.event.json>}'}},
    ])
    events.put_events(Entries=[{"Source": "ec2.like", "DetailType": "d",
                                "Detail": json.dumps({"instance": "i-1", "state": "up"})}])
    bodies = []
    for _ in range(6):
        for m in sqs.receive_message(QueueUrl=url, WaitTimeSeconds=3,
                                     MaxNumberOfMessages=10).get("Messages", []):
            bodies.append(m["Body"])
        if len(bodies) >= 2:
            break
    assert 'i-1 is in state "up"' in bodies
    shaped = json.loads(next(b for b in bodies if b.startswith("{")))
    assert "detail" not in shaped["event"] and shaped["event"]["source"] == "ec2.like"
    assert shaped["full"]["detail"] == {"instance": "i-1", "state": "up"}
