"""Lambda asynchronous-invocation destinations that are event buses (and SNS topics)."""

from __future__ import annotations

import json
import uuid
from typing import Any

from tests.services.lambda_.helpers import create


def queue(sqs: Any) -> tuple[str, str]:
    url = sqs.create_queue(QueueName=f"ld-{uuid.uuid4().hex[:10]}")["QueueUrl"]
    return url, sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])[
        "Attributes"]["QueueArn"]


def first_body(sqs: Any, url: str) -> Any:
    for _ in range(8):
        got = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=3).get("Messages", [])
        if got:
            return json.loads(got[0]["Body"])
    raise AssertionError("nothing arrived")


def test_on_success_to_an_event_bus(client: Any) -> None:
    lam, events, sqs = client("lambda"), client("events"), client("sqs")
    url, arn = queue(sqs)
    bus = f"b-{uuid.uuid4().hex[:8]}"
    bus_arn = events.create_event_bus(Name=bus)["EventBusArn"]
    events.put_rule(Name="results", EventBusName=bus, EventPattern=json.dumps(
        {"source": ["lambda"], "detail-type": [{"prefix": "Lambda Function Invocation"}]}))
    events.put_targets(Rule="results", EventBusName=bus, Targets=[{"Id": "q", "Arn": arn}])
    function = create(lam, Timeout=10)
    lam.put_function_event_invoke_config(FunctionName=function, DestinationConfig={
        "OnSuccess": {"Destination": bus_arn}})
    lam.invoke(FunctionName=function, InvocationType="Event",
               Payload=json.dumps({"name": "bus"}))
    event = first_body(sqs, url)
    assert event["source"] == "lambda"
    assert event["detail-type"] == "Lambda Function Invocation Result - Success"
    assert event["resources"][0].endswith(f":function:{function}")
    assert event["detail"]["requestContext"]["condition"] == "Success"
    assert event["detail"]["responsePayload"]["hello"] == "bus"


def test_on_success_to_a_topic(client: Any) -> None:
    lam, sns, sqs = client("lambda"), client("sns"), client("sqs")
    url, arn = queue(sqs)
    topic = sns.create_topic(Name=f"t-{uuid.uuid4().hex[:8]}")["TopicArn"]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn,
                  Attributes={"RawMessageDelivery": "true"})
    function = create(lam, Timeout=10)
    lam.put_function_event_invoke_config(FunctionName=function, DestinationConfig={
        "OnSuccess": {"Destination": topic}})
    lam.invoke(FunctionName=function, InvocationType="Event", Payload=json.dumps({"name": "t"}))
    record = first_body(sqs, url)
    assert record["requestContext"]["condition"] == "Success"
    assert record["responsePayload"]["hello"] == "t"
