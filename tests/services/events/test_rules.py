"""Buses, rules and targets through boto3: AWS's answers, limits and errors."""

from __future__ import annotations

import json
import uuid
from typing import Any

import botocore.exceptions
import pytest

PATTERN = json.dumps({"source": ["my.app"]})
QUEUE_ARN = "arn:aws:sqs:us-east-1:000000000000:nowhere"


@pytest.fixture
def events(client):  # type: ignore[no-untyped-def]
    return client("events")


def name() -> str:
    return f"r-{uuid.uuid4().hex[:10]}"


def error_code(call: Any, **kwargs: Any) -> str:
    with pytest.raises(botocore.exceptions.ClientError) as raised:
        call(**kwargs)
    return str(raised.value.response["Error"]["Code"])


def _bus_names(events: Any) -> list[str]:
    """Every bus, page by page (the shared server holds other tests' buses too)."""
    names, token = [], None
    while True:
        page = events.list_event_buses(**({"NextToken": token} if token else {}))
        names += [b["Name"] for b in page["EventBuses"]]
        token = page.get("NextToken")
        if not token:
            return names


def test_buses(events: Any) -> None:
    bus = name()
    arn = events.create_event_bus(Name=bus, Description="mine")["EventBusArn"]
    assert arn == f"arn:aws:events:us-east-1:000000000000:event-bus/{bus}"
    assert error_code(events.create_event_bus, Name=bus) == "ResourceAlreadyExistsException"
    described = events.describe_event_bus(Name=bus)
    assert described["Name"] == bus and described["Description"] == "mine"
    assert events.describe_event_bus()["Name"] == "default"
    names = _bus_names(events)
    assert "default" in names and bus in names
    events.delete_event_bus(Name=bus)
    assert error_code(events.describe_event_bus, Name=bus) == "ResourceNotFoundException"
    assert error_code(events.delete_event_bus, Name="default") == "ValidationException"


def test_rule_lifecycle(events: Any) -> None:
    rule = name()
    arn = events.put_rule(Name=rule, EventPattern=PATTERN, Description="d")["RuleArn"]
    assert arn == f"arn:aws:events:us-east-1:000000000000:rule/{rule}"
    described = events.describe_rule(Name=rule)
    assert described["State"] == "ENABLED" and described["EventPattern"] == PATTERN
    assert described["EventBusName"] == "default"
    events.disable_rule(Name=rule)
    assert events.describe_rule(Name=rule)["State"] == "DISABLED"
    events.enable_rule(Name=rule)
    assert [r["Name"] for r in events.list_rules(NamePrefix=rule)["Rules"]] == [rule]
    events.put_targets(Rule=rule, Targets=[{"Id": "q", "Arn": QUEUE_ARN}])
    assert events.list_targets_by_rule(Rule=rule)["Targets"] == [{"Id": "q", "Arn": QUEUE_ARN}]
    assert events.list_rule_names_by_target(TargetArn=QUEUE_ARN)["RuleNames"] == [rule]
    assert error_code(events.delete_rule, Name=rule) == "ValidationException"
    events.remove_targets(Rule=rule, Ids=["q"])
    events.delete_rule(Name=rule)
    assert error_code(events.describe_rule, Name=rule) == "ResourceNotFoundException"


def test_rules_on_a_custom_bus(events: Any) -> None:
    bus, rule = name(), name()
    events.create_event_bus(Name=bus)
    arn = events.put_rule(Name=rule, EventBusName=bus, EventPattern=PATTERN)["RuleArn"]
    assert arn.endswith(f":rule/{bus}/{rule}")
    assert error_code(events.put_rule, Name=name(), EventBusName=bus,
                      ScheduleExpression="rate(5 minutes)") == "ValidationException"
    assert error_code(events.describe_rule, Name=rule) == "ResourceNotFoundException"
    assert error_code(events.put_rule, Name=rule, EventBusName="nope",
                      EventPattern=PATTERN) == "ResourceNotFoundException"


@pytest.mark.parametrize("expression", [
    "rate(5 minutes)", "rate(1 hour)", "rate(1 day)", "cron(0 12 * * ? *)",
    "cron(0/15 8-17 ? * MON-FRI *)", "cron(0 9 L * ? *)", "cron(0 9 15W * ? *)",
    "cron(0 9 ? * 6L *)", "cron(0 9 ? * 2#1 2027)", "cron(30 2 1 JAN,JUL ? *)",
])
def test_valid_schedules(events: Any, expression: str) -> None:
    events.put_rule(Name=name(), ScheduleExpression=expression)


@pytest.mark.parametrize("expression", [
    "rate(1 minutes)", "rate(5 minute)", "rate(0 minutes)", "rate(5 weeks)", "cron(* * * * *)",
    "cron(0 12 * * * *)", "cron(0 12 ? * ? *)", "cron(60 12 * * ? *)", "cron(0 24 * * ? *)",
    "cron(0 12 32 * ? *)", "cron(0 12 ? * 8 *)", "cron(0 12 * 13 ? *)", "every day",
])
def test_invalid_schedules(events: Any, expression: str) -> None:
    assert error_code(events.put_rule, Name=name(),
                      ScheduleExpression=expression) == "ValidationException"


def test_put_rule_needs_pattern_or_schedule(events: Any) -> None:
    assert error_code(events.put_rule, Name=name()) == "ValidationException"
    assert error_code(events.put_rule, Name=name(),
                      EventPattern='{"a": "b"}') == "InvalidEventPatternException"


def test_target_limits_and_inputs(events: Any) -> None:
    rule = name()
    events.put_rule(Name=rule, EventPattern=PATTERN)
    many = [{"Id": f"t{i}", "Arn": QUEUE_ARN} for i in range(6)]
    assert error_code(events.put_targets, Rule=rule, Targets=many) == "LimitExceededException"
    both = [{"Id": "t", "Arn": QUEUE_ARN, "Input": "{}", "InputPath": "$.detail"}]
    assert error_code(events.put_targets, Rule=rule, Targets=both) == "ValidationException"
    bad_json = [{"Id": "t", "Arn": QUEUE_ARN, "Input": "{nope"}]
    assert error_code(events.put_targets, Rule=rule, Targets=bad_json) == "ValidationException"
    assert error_code(events.put_targets, Rule=name(),
                      Targets=[{"Id": "t", "Arn": QUEUE_ARN}]) == "ResourceNotFoundException"


def test_put_events_per_entry_errors(events: Any) -> None:
    result = events.put_events(Entries=[
        {"Source": "my.app", "DetailType": "t", "Detail": "{}"},
        {"DetailType": "t", "Detail": "{}"},
        {"Source": "my.app", "DetailType": "t", "Detail": "[1]"},
        {"Source": "aws.s3", "DetailType": "t", "Detail": "{}"},
        {"Source": "my.app", "DetailType": "t", "Detail": "{}", "EventBusName": "nope"},
    ])
    assert result["FailedEntryCount"] == 3
    codes = [e.get("ErrorCode") for e in result["Entries"]]
    assert codes == [None, "InvalidArgument", "MalformedDetail",
                     "NotAuthorizedForSourceException", None]
    # AWS accepts an entry for a bus that does not exist (and delivers it nowhere)
    assert "EventId" in result["Entries"][0] and "EventId" in result["Entries"][4]
    too_many = [{"Source": "a", "DetailType": "t", "Detail": "{}"}] * 11
    assert error_code(events.put_events, Entries=too_many) == "ValidationException"
    big = [{"Source": "a", "DetailType": "t",
            "Detail": json.dumps({"x": "y" * 200_000})}] * 2
    assert error_code(events.put_events, Entries=big) == "ValidationException"


def test_tags(events: Any) -> None:
    rule = name()
    arn = events.put_rule(Name=rule, EventPattern=PATTERN, Tags=[{"Key": "team", "Value": "a"}])[
        "RuleArn"]
    events.tag_resource(ResourceARN=arn, Tags=[{"Key": "env", "Value": "prod"}])
    assert events.list_tags_for_resource(ResourceARN=arn)["Tags"] == [
        {"Key": "env", "Value": "prod"}, {"Key": "team", "Value": "a"}]
    events.untag_resource(ResourceARN=arn, TagKeys=["team"])
    assert events.list_tags_for_resource(ResourceARN=arn)["Tags"] == [
        {"Key": "env", "Value": "prod"}]
    bus = name()
    bus_arn = events.create_event_bus(Name=bus, Tags=[{"Key": "k", "Value": "v"}])["EventBusArn"]
    assert events.list_tags_for_resource(ResourceARN=bus_arn)["Tags"] == [
        {"Key": "k", "Value": "v"}]
    assert error_code(events.list_tags_for_resource,
                      ResourceARN=arn + "-gone") == "ResourceNotFoundException"


def test_bus_permissions(events: Any) -> None:
    bus = name()
    events.create_event_bus(Name=bus)
    events.put_permission(EventBusName=bus, Action="events:PutEvents",
                          Principal="111122223333", StatementId="partner")
    policy = json.loads(events.describe_event_bus(Name=bus)["Policy"])
    assert policy["Statement"][0]["Principal"] == {"AWS": "arn:aws:iam::111122223333:root"}
    assert policy["Statement"][0]["Resource"].endswith(f":event-bus/{bus}")
    events.put_permission(EventBusName=bus, Action="events:PutEvents", Principal="*",
                          StatementId="all")  # AWS needs no Condition for '*'
    policy = json.loads(events.describe_event_bus(Name=bus)["Policy"])
    assert policy["Statement"][1] == {
        "Sid": "all", "Effect": "Allow", "Principal": "*", "Action": "events:PutEvents",
        "Resource": f"arn:aws:events:us-east-1:000000000000:event-bus/{bus}"}
    events.remove_permission(EventBusName=bus, StatementId="all")
    assert error_code(events.remove_permission, EventBusName=bus,
                      StatementId="nope") == "ResourceNotFoundException"
    events.remove_permission(EventBusName=bus, StatementId="partner")
    assert "Policy" not in events.describe_event_bus(Name=bus)
