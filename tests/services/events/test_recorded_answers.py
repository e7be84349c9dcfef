"""Rules, targets and deliveries compared with answers recorded against AWS: validation
messages, input transformer output and the event envelope a queue receives."""

from __future__ import annotations

import json
import re
import uuid
from typing import Any

import botocore.exceptions
import pytest

ENVELOPE_KEYS = ["version", "id", "detail-type", "source", "account", "time", "region",
                 "resources", "detail"]


@pytest.fixture
def events(client):  # type: ignore[no-untyped-def]
    return client("events")


@pytest.fixture
def sqs(client):  # type: ignore[no-untyped-def]
    return client("sqs")


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def error_of(call: Any, **kwargs: Any) -> dict[str, str]:
    with pytest.raises(botocore.exceptions.ClientError) as raised:
        call(**kwargs)
    return dict(raised.value.response["Error"])


def queue(sqs: Any) -> tuple[str, str]:
    url = sqs.create_queue(QueueName=unique("rec"))["QueueUrl"]
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])
    return url, attributes["Attributes"]["QueueArn"]


def bodies(sqs: Any, url: str, count: int) -> list[str]:
    found: list[str] = []
    for _ in range(8):
        for message in sqs.receive_message(QueueUrl=url, WaitTimeSeconds=2,
                                           MaxNumberOfMessages=10).get("Messages", []):
            found.append(message["Body"])
        if len(found) >= count:
            return found
    raise AssertionError(f"only {len(found)} of {count} messages arrived")


def test_target_id_errors_name_the_target_and_the_broken_limit(events: Any) -> None:
    rule = unique("r")
    events.put_rule(Name=rule, EventPattern=json.dumps({"source": ["x"]}))
    good = {"Id": "fine", "Arn": "arn:aws:sqs:us-east-1:000000000000:q"}
    error = error_of(events.put_targets, Rule=rule,
                     Targets=[good, {"Id": "!@#$@!#$", "Arn": good["Arn"]}])
    assert error["Message"] == (
        "1 validation error detected: Value '!@#$@!#$' at 'targets.2.member.id' failed to "
        "satisfy constraint: Member must satisfy regular expression pattern: "
        r"[\.\-_A-Za-z0-9]+")
    long_id = "a" * 65
    error = error_of(events.put_targets, Rule=rule, Targets=[{"Id": long_id, "Arn": good["Arn"]}])
    assert error["Message"] == (
        f"1 validation error detected: Value '{long_id}' at 'targets.1.member.id' failed to "
        "satisfy constraint: Member must have length less than or equal to 64")


def test_template_placeholder_without_a_path_is_refused(events: Any) -> None:
    rule = unique("r")
    events.put_rule(Name=rule, EventPattern=json.dumps({"source": ["x"]}))
    transformer = {"InputPathsMap": {"detail-type": "$.detail-type"},
                   "InputTemplate": '"Event of <detail-type> with <notdefinedkey>"'}
    error = error_of(events.put_targets, Rule=rule, Targets=[
        {"Id": "t1", "Arn": "arn:aws:sqs:us-east-1:000000000000:q",
         "InputTransformer": transformer}])
    assert error == {"Code": "ValidationException", "Message": "InputTemplate for target t1 "
                     "contains invalid placeholder notdefinedkey."}
    # the reserved variables need no path
    events.put_targets(Rule=rule, Targets=[
        {"Id": "t1", "Arn": "arn:aws:sqs:us-east-1:000000000000:q", "InputTransformer": {
            "InputTemplate": '"<aws.events.rule-name> <aws.events.event.ingestion-time>"'}}])


def test_eleven_entries_are_listed_as_aws_prints_them(events: Any) -> None:
    entry = {"Source": "a", "DetailType": "b", "Detail": "{}", "EventBusName": "bus"}
    error = error_of(events.put_events, Entries=[entry] * 11)
    shown = ("PutEventsRequestEntry(time=null, source=a, resources=null, detailType=b, "
             "detail={}, eventBusName=bus, traceHeader=null, kmsKeyIdentifier=null, "
             "internalMetadata=null)")
    assert error["Message"] == (
        f"1 validation error detected: Value '[{', '.join([shown] * 11)}]' at 'entries' "
        "failed to satisfy constraint: Member must have length less than or equal to 10")


def test_transformer_output_as_aws_delivers_it(events: Any, sqs: Any) -> None:
    url, arn = queue(sqs)
    bus = unique("bus")
    events.create_event_bus(Name=bus)
    rule = unique("r")
    events.put_rule(Name=rule, EventBusName=bus, EventPattern=json.dumps({"source": ["core"]}))
    paths = {"detail-type": "$.detail-type", "command": "$.detail.missing"}
    templates = {
        "text": '"Event of <detail-type> type, detail <command>"',
        "json": '{"detailType": <detail-type>, "command": <command>}',
        "names": '"<aws.events.rule-arn> <aws.events.rule-name>"',
        "event": '{"originalEvent": <aws.events.event>}',
    }
    events.put_targets(Rule=rule, EventBusName=bus, Targets=[
        {"Id": key, "Arn": arn, "InputTransformer": {"InputPathsMap": paths,
                                                     "InputTemplate": template}}
        for key, template in templates.items()])
    event_id = events.put_events(Entries=[{"EventBusName": bus, "Source": "core",
                                           "DetailType": "update", "Detail": "{}"}])[
        "Entries"][0]["EventId"]
    got = bodies(sqs, url, 4)
    rule_arn = f"arn:aws:events:us-east-1:000000000000:rule/{bus}/{rule}"
    assert '"Event of update type, detail "' in got
    assert f'"{rule_arn} {rule}"' in got
    parsed = [json.loads(b) for b in got if b.startswith("{")]
    assert {"detailType": "update", "command": ""} in parsed  # a missing path gives ""
    original = next(p["originalEvent"] for p in parsed if "originalEvent" in p)
    assert list(original) == ["id", "account", "detailType", "time", "source", "region",
                              "resources", "version"]
    assert original["id"] == event_id and original["detailType"] == "update"


def test_queue_receives_the_event_envelope(events: Any, sqs: Any) -> None:
    url, arn = queue(sqs)
    rule = unique("r")
    events.put_rule(Name=rule, EventPattern=json.dumps({"source": ["envelope.test"]}))
    events.put_targets(Rule=rule, Targets=[{"Id": "q", "Arn": arn}])
    events.put_events(Entries=[{"Source": "envelope.test", "DetailType": "kind",
                                "Detail": json.dumps({"command": "go"})}])
    event = json.loads(bodies(sqs, url, 1)[0])
    assert list(event) == ENVELOPE_KEYS
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", event["time"])
    assert (event["version"], event["account"], event["region"]) == (
        "0", "000000000000", "us-east-1")
    assert event["resources"] == [] and event["detail"] == {"command": "go"}
