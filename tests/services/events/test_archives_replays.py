"""Archives fill as PutEvents accepts events; replays send them again to the named rules."""

from __future__ import annotations

import json
import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from tests.services.events.test_delivery import queue, receive_all
from tests.support import advance_clock


@pytest.fixture
def events(client):  # type: ignore[no-untyped-def]
    return client("events")


@pytest.fixture
def sqs(client):  # type: ignore[no-untyped-def]
    return client("sqs")


def _name(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def _error(call: Any, **kwargs: Any) -> tuple[str, str]:
    with pytest.raises(ClientError) as caught:
        call(**kwargs)
    return caught.value.response["Error"]["Code"], caught.value.response["Error"]["Message"]


def _bus(events: Any) -> tuple[str, str]:
    name = _name("bus")
    return name, events.create_event_bus(Name=name)["EventBusArn"]


def _put(events: Any, bus: str, source: str, count: int, **detail: Any) -> None:
    entries = [{"Source": source, "DetailType": "t", "EventBusName": bus,
                "Detail": json.dumps({"n": i, **detail})} for i in range(count)]
    assert events.put_events(Entries=entries)["FailedEntryCount"] == 0


def _wait_state(events: Any, replay: str, states: tuple[str, ...]) -> dict[str, Any]:
    for _ in range(100):
        found = events.describe_replay(ReplayName=replay)
        if found["State"] in states:
            return dict(found)
        time.sleep(0.1)
    raise AssertionError(f"replay {replay} stayed {found['State']}")


def test_archive_lifecycle_and_counts(events: Any) -> None:
    bus, bus_arn = _bus(events)
    name = _name("arc")
    pattern = json.dumps({"source": ["shop"]})
    created = events.create_archive(ArchiveName=name, EventSourceArn=bus_arn,
                                    EventPattern=pattern, RetentionDays=1,
                                    Description="orders")
    assert created["ArchiveArn"] == f"arn:aws:events:us-east-1:000000000000:archive/{name}"
    assert created["State"] == "ENABLED"
    rule = events.describe_rule(Name=f"Events-Archive-{name}", EventBusName=bus)
    assert rule["ManagedBy"] == "events.amazonaws.com"
    assert json.loads(rule["EventPattern"])["replay-name"] == [{"exists": False}]
    assert _error(events.delete_rule, Name=f"Events-Archive-{name}",
                  EventBusName=bus)[0] == "ManagedRuleException"
    _put(events, bus, "shop", 3)
    _put(events, bus, "other", 2)
    found = events.describe_archive(ArchiveName=name)
    assert found["EventCount"] == 3 and found["SizeBytes"] > 0
    assert found["EventPattern"] == pattern and found["Description"] == "orders"
    assert found["EventSourceArn"] == bus_arn and found["RetentionDays"] == 1
    listed = events.list_archives(EventSourceArn=bus_arn)["Archives"]
    assert [a["ArchiveName"] for a in listed] == [name] and listed[0]["EventCount"] == 3
    assert events.list_archives(NamePrefix=name)["Archives"][0]["ArchiveName"] == name
    events.update_archive(ArchiveName=name, EventPattern=json.dumps({"source": ["other"]}),
                          RetentionDays=5)
    _put(events, bus, "other", 1)
    _put(events, bus, "shop", 1)
    found = events.describe_archive(ArchiveName=name)
    assert found["EventCount"] == 4 and found["RetentionDays"] == 5
    events.delete_archive(ArchiveName=name)
    assert _error(events.describe_archive, ArchiveName=name) == (
        "ResourceNotFoundException", f"Archive {name} does not exist.")
    assert not [r for r in events.list_rules(EventBusName=bus)["Rules"]
                if r["Name"].startswith("Events-Archive-")]


def test_archive_errors(events: Any) -> None:
    bus, bus_arn = _bus(events)
    name = _name("arc")
    events.create_archive(ArchiveName=name, EventSourceArn=bus_arn)
    assert _error(events.create_archive, ArchiveName=name, EventSourceArn=bus_arn) == (
        "ResourceAlreadyExistsException", f"Archive {name} already exists.")
    missing = bus_arn + "-gone"
    assert _error(events.create_archive, ArchiveName=_name("a"), EventSourceArn=missing) == (
        "ResourceNotFoundException", f"Event bus {bus}-gone does not exist.")
    assert _error(events.create_archive, ArchiveName=_name("a"), EventSourceArn=bus_arn,
                  EventPattern="{")[0] == "InvalidEventPatternException"
    assert _error(events.create_archive, ArchiveName="x" * 49,
                  EventSourceArn=bus_arn)[0] == "ValidationException"
    assert _error(events.delete_archive, ArchiveName="nope-" + name)[0] == \
        "ResourceNotFoundException"
    assert _error(events.list_archives, NamePrefix="a", State="ENABLED")[0] == \
        "ValidationException"
    assert _error(events.list_archives, EventSourceArn=missing)[0] == \
        "ResourceNotFoundException"


def test_replay_reaches_only_the_filtered_rule(events: Any, sqs: Any) -> None:
    bus, bus_arn = _bus(events)
    archive = _name("arc")
    archive_arn = events.create_archive(ArchiveName=archive,
                                        EventSourceArn=bus_arn)["ArchiveArn"]
    url, queue_arn = queue(sqs)
    other_url, other_arn = queue(sqs)
    for rule, target in (("chosen", queue_arn), ("other", other_arn)):
        events.put_rule(Name=rule, EventBusName=bus, EventPattern=json.dumps(
            {"source": ["shop"]}))
        events.put_targets(Rule=rule, EventBusName=bus, Targets=[{"Id": "q", "Arn": target}])
    start = datetime.now(UTC) - timedelta(minutes=1)
    _put(events, bus, "shop", 3)
    assert len(receive_all(sqs, url, 3)) == 3 and len(receive_all(sqs, other_url, 3)) == 3
    rule_arn = events.describe_rule(Name="chosen", EventBusName=bus)["Arn"]
    replay = _name("rep")
    started = events.start_replay(
        ReplayName=replay, EventSourceArn=archive_arn, EventStartTime=start,
        EventEndTime=datetime.now(UTC) + timedelta(minutes=1), Description="again",
        Destination={"Arn": bus_arn, "FilterArns": [rule_arn]})
    assert started["State"] == "STARTING"
    assert started["ReplayArn"].endswith(f":replay/{replay}")
    replayed = receive_all(sqs, url, 3)
    assert {e["replay-name"] for e in replayed} == {replay}
    assert sorted(e["detail"]["n"] for e in replayed) == [0, 1, 2]
    assert list(replayed[0])[:8] == ["version", "id", "detail-type", "source", "account",
                                     "time", "region", "replay-name"]
    assert not sqs.receive_message(QueueUrl=other_url, WaitTimeSeconds=1).get("Messages")
    found = _wait_state(events, replay, ("COMPLETED",))
    assert found["Destination"] == {"Arn": bus_arn, "FilterArns": [rule_arn]}
    assert found["EventLastReplayedTime"] and found["ReplayEndTime"]
    assert found["Description"] == "again" and found["EventSourceArn"] == archive_arn
    assert events.describe_archive(ArchiveName=archive)["EventCount"] == 3  # replays not kept
    listed = events.list_replays(NamePrefix=replay)["Replays"]
    assert [(r["ReplayName"], r["State"]) for r in listed] == [(replay, "COMPLETED")]
    assert _error(events.cancel_replay, ReplayName=replay) == (
        "IllegalStatusException", f"Replay {replay} is not in a valid state for this operation.")


def test_replay_errors(events: Any) -> None:
    bus, bus_arn = _bus(events)
    _, other_arn = _bus(events)
    archive_arn = events.create_archive(ArchiveName=_name("arc"),
                                        EventSourceArn=bus_arn)["ArchiveArn"]
    now = datetime.now(UTC)
    window = {"EventStartTime": now - timedelta(hours=1), "EventEndTime": now}

    def start(**kwargs: Any) -> tuple[str, str]:
        given = {"ReplayName": _name("rep"), "EventSourceArn": archive_arn,
                 "Destination": {"Arn": bus_arn}, **window, **kwargs}
        return _error(events.start_replay, **given)

    assert start(EventSourceArn=archive_arn + "x") == (
        "ValidationException", "Parameter EventSourceArn is not valid. Reason: Archive "
        f"{archive_arn.rsplit('/', 1)[1]}x does not exist.")
    assert start(EventStartTime=now, EventEndTime=now - timedelta(hours=1)) == (
        "ValidationException", "Parameter EventEndTime is not valid. Reason: EventStartTime "
        "must be before EventEndTime.")
    assert start(Destination={"Arn": other_arn}) == (
        "ValidationException", "Parameter Destination.Arn is not valid. Reason: Cross event "
        "bus replay is not permitted.")
    assert start(Destination={"Arn": bus_arn + "-gone"}) == (
        "ResourceNotFoundException", f"Event bus {bus}-gone does not exist.")
    name = _name("rep")
    events.start_replay(ReplayName=name, EventSourceArn=archive_arn,
                        Destination={"Arn": bus_arn}, **window)
    assert start(ReplayName=name) == ("ResourceAlreadyExistsException",
                                      f"Replay {name} already exists.")
    assert _error(events.describe_replay, ReplayName="nope-" + name) == (
        "ResourceNotFoundException", f"Replay nope-{name} does not exist.")


def test_cancelled_replay_and_retention(own_endpoint: str) -> None:
    events = boto3.client("events", region_name="us-east-1", endpoint_url=own_endpoint,
                          config=Config(retries={"max_attempts": 1}))
    bus, bus_arn = _bus(events)
    archive = _name("arc")
    archive_arn = events.create_archive(ArchiveName=archive, EventSourceArn=bus_arn,
                                        RetentionDays=1)["ArchiveArn"]
    _put(events, bus, "shop", 2)
    name = _name("rep")
    now = datetime.now(UTC)
    events.start_replay(ReplayName=name, EventSourceArn=archive_arn,
                        Destination={"Arn": bus_arn}, EventStartTime=now - timedelta(days=2),
                        EventEndTime=now + timedelta(days=2))
    try:  # the job may finish so small a replay before the cancel arrives
        state = events.cancel_replay(ReplayName=name)["State"]
    except ClientError as error:
        assert error.response["Error"]["Code"] == "IllegalStatusException"
        state = "COMPLETED"
    assert _wait_state(events, name, ("CANCELLED", "COMPLETED"))["State"] == (
        "CANCELLED" if state == "CANCELLING" else "COMPLETED")
    assert events.describe_archive(ArchiveName=archive)["EventCount"] == 2
    advance_clock(own_endpoint, 86400 + 120)
    found = events.describe_archive(ArchiveName=archive)
    assert found["EventCount"] == 0 and found["SizeBytes"] == 0
