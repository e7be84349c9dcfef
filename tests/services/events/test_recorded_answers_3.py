"""Refusals compared with answers recorded against AWS: bus names (moto's AWS-verified
create_event_bus cases), rules, targets and PutEvents entries (LocalStack's
tests/aws/services/events recordings)."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from tests.support import refused_error

QUEUE = "arn:aws:sqs:us-east-1:000000000000:q"
PATTERN = json.dumps({"source": ["x"]})


@pytest.fixture
def events(client):  # type: ignore[no-untyped-def]
    return client("events")


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"



def test_a_slash_is_for_partner_buses_only(events: Any) -> None:
    assert refused_error(events.create_event_bus, Name="test/test-bus") == {
        "Code": "ValidationException", "Message": "Event bus name must not contain '/'."}
    partner = "aws.partner/test/test-bus"
    assert refused_error(events.create_event_bus, Name=partner, EventSourceName=partner) == {
        "Code": "ResourceNotFoundException",
        "Message": f"Event source {partner} does not exist."}
    assert refused_error(events.create_event_bus, Name="default") == {
        "Code": "ResourceAlreadyExistsException",
        "Message": "Event bus default already exists."}


@pytest.mark.parametrize("expression", [
    "rate(10 seconds)", "rate(10 years)", "rate(1 minutes)", "rate(1 hours)", "rate(1 days)",
    "rate(10 minute)", "rate(10 hour)", "rate(10 day)", "rate()", "rate(10)",
    "rate(10 minutess)", "rate(foo minutes)", "rate(0 minutes)", "rate(-10 minutes)",
    "rate(10 MINUTES)", "rate( 10 minutes )", " rate(10 minutes)"])
def test_invalid_rates_as_aws_refuses_them(events: Any, expression: str) -> None:
    assert refused_error(events.put_rule, Name=unique("r"), ScheduleExpression=expression) == {
        "Code": "ValidationException", "Message": "Parameter ScheduleExpression is not valid."}


def test_rule_refusals(events: Any) -> None:
    assert refused_error(events.put_rule, Name=unique("r")) == {
        "Code": "ValidationException",
        "Message": "Parameter(s) EventPattern or ScheduleExpression must be specified."}
    bus = unique("bus")
    events.create_event_bus(Name=bus)
    assert refused_error(events.put_rule, Name=unique("r"), EventBusName=bus,
                    ScheduleExpression="rate(1 minute)") == {
        "Code": "ValidationException",
        "Message": "ScheduleExpression is supported only on the default event bus."}
    missing = unique("missing")
    assert refused_error(events.describe_rule, Name=missing) == {
        "Code": "ResourceNotFoundException",
        "Message": f"Rule {missing} does not exist on EventBus default."}


def test_target_refusals_and_a_rule_that_still_has_targets(events: Any) -> None:
    rule = unique("r")
    events.put_rule(Name=rule, EventPattern=PATTERN)
    seven = [{"Id": f"test-target-{i}", "Arn": QUEUE} for i in range(7)]
    assert refused_error(events.put_targets, Rule=rule, Targets=seven) == {
        "Code": "LimitExceededException",
        "Message": "The requested resource exceeds the maximum number allowed."}
    assert refused_error(events.put_targets, Rule=rule,
                    Targets=[{"Id": "t", "Arn": "invalid-arn"}]) == {
        "Code": "ValidationException",
        "Message": "Parameter invalid-arn is not valid. Reason: Provided Arn is not in "
                   "correct format."}
    events.put_targets(Rule=rule, Targets=[{"Id": "t", "Arn": QUEUE}])
    assert refused_error(events.delete_rule, Name=rule) == {
        "Code": "ValidationException", "Message": "Rule can't be deleted since it has targets."}
    assert events.describe_rule(Name=rule)["Name"] == rule


def test_mixed_entries_fail_one_by_one(events: Any) -> None:
    good = {"Detail": '{"key": "value"}', "DetailType": "type", "Source": "source"}
    answer = events.put_events(Entries=[
        {"Source": "source"}, good, {**good, "Detail": "detail"}, good])
    assert answer["FailedEntryCount"] == 2
    entries = answer["Entries"]
    assert entries[0] == {
        "ErrorCode": "InvalidArgument",
        "ErrorMessage": "Parameter DetailType is not valid. Reason: DetailType is a required "
                        "argument."}
    assert entries[2] == {"ErrorCode": "MalformedDetail", "ErrorMessage": "Detail is malformed."}
    assert set(entries[1]) == {"EventId"} and set(entries[3]) == {"EventId"}
