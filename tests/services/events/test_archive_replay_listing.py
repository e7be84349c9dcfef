"""ListArchives and ListReplays: Limit/NextToken paging and their three filters (one at a time),
through boto3, each test in an account of its own so that the lists hold only its resources."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from tests.services.events.test_archives_replays import _error, _wait_state

_ARCHIVE_STATES = ("ENABLED", "DISABLED", "CREATING", "UPDATING", "CREATE_FAILED",
                   "UPDATE_FAILED")
_REPLAY_STATES = ("STARTING", "RUNNING", "CANCELLING", "COMPLETED", "CANCELLED", "FAILED")


@pytest.fixture
def events(client):  # type: ignore[no-untyped-def]
    account = "".join(random.choices("0123456789", k=12))
    return client("events", aws_access_key_id=account)


def _names(listed: dict[str, Any], member: str, key: str) -> list[str]:
    return [item[key] for item in listed[member]]


def _filter_errors(call: Any, operation: str, states: tuple[str, ...], source: str) -> None:
    assert _error(call, NamePrefix="a", State=states[0]) == (
        "ValidationException", f"At most one filter is allowed for {operation}. Use either : "
        "State, EventSourceArn, or NamePrefix.")
    assert _error(call, EventSourceArn=source, NamePrefix="a")[0] == "ValidationException"
    assert _error(call, State="BOGUS") == (
        "ValidationException", "1 validation error detected: Value 'BOGUS' at 'state' failed "
        f"to satisfy constraint: Member must satisfy enum value set: [{', '.join(states)}]")
    assert _error(call, NextToken="not-a-token") == (
        "ValidationException", "The NextToken provided is invalid.")
    code, message = _error(call, Limit=101)
    assert code == "ValidationException" and "less than or equal to 100" in message


def test_list_archives_pages_and_filters(events: Any) -> None:
    bus_arn = events.create_event_bus(Name="listing")["EventBusArn"]
    other_arn = events.create_event_bus(Name="listing-other")["EventBusArn"]
    for name, source in (("b-1", bus_arn), ("a-2", bus_arn), ("a-1", other_arn)):
        events.create_archive(ArchiveName=name, EventSourceArn=source)
    first = events.list_archives(Limit=2)
    assert _names(first, "Archives", "ArchiveName") == ["a-1", "a-2"]
    assert first["NextToken"]
    last = events.list_archives(Limit=2, NextToken=first["NextToken"])
    assert _names(last, "Archives", "ArchiveName") == ["b-1"] and "NextToken" not in last
    whole = events.list_archives()
    assert _names(whole, "Archives", "ArchiveName") == ["a-1", "a-2", "b-1"]
    assert "NextToken" not in whole
    assert _names(events.list_archives(NamePrefix="a-"), "Archives", "ArchiveName") == [
        "a-1", "a-2"]
    assert _names(events.list_archives(EventSourceArn=bus_arn), "Archives",
                  "ArchiveName") == ["a-2", "b-1"]
    assert len(events.list_archives(State="ENABLED")["Archives"]) == 3
    assert events.list_archives(State="DISABLED")["Archives"] == []
    paged = events.list_archives(EventSourceArn=bus_arn, Limit=1)
    assert _names(paged, "Archives", "ArchiveName") == ["a-2"] and paged["NextToken"]
    _filter_errors(events.list_archives, "ListArchives", _ARCHIVE_STATES, bus_arn)


def test_list_replays_pages_and_filters(events: Any) -> None:
    bus_arn = events.create_event_bus(Name="replaying")["EventBusArn"]
    archives = [events.create_archive(ArchiveName=name, EventSourceArn=bus_arn)["ArchiveArn"]
                for name in ("first", "second")]
    now = datetime.now(UTC)
    window = {"EventStartTime": now - timedelta(hours=1), "EventEndTime": now,
              "Destination": {"Arn": bus_arn}}
    for name, archive in (("r-2", archives[0]), ("r-1", archives[1]), ("q-1", archives[0])):
        events.start_replay(ReplayName=name, EventSourceArn=archive, **window)
    for name in ("r-2", "r-1", "q-1"):
        _wait_state(events, name, ("COMPLETED",))
    first = events.list_replays(Limit=2)
    assert _names(first, "Replays", "ReplayName") == ["q-1", "r-1"] and first["NextToken"]
    assert first["Replays"][0]["State"] == "COMPLETED"
    assert first["Replays"][0]["EventSourceArn"] == archives[0]
    last = events.list_replays(Limit=2, NextToken=first["NextToken"])
    assert _names(last, "Replays", "ReplayName") == ["r-2"] and "NextToken" not in last
    assert _names(events.list_replays(NamePrefix="r-"), "Replays", "ReplayName") == [
        "r-1", "r-2"]
    assert _names(events.list_replays(EventSourceArn=archives[0]), "Replays",
                  "ReplayName") == ["q-1", "r-2"]
    assert len(events.list_replays(State="COMPLETED")["Replays"]) == 3
    assert events.list_replays(State="RUNNING")["Replays"] == []
    _filter_errors(events.list_replays, "ListReplays", _REPLAY_STATES, archives[0])
