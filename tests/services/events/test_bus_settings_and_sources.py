"""UpdateEventBus, and the partner event source calls of an account without partners."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from botocore.exceptions import ClientError


@pytest.fixture
def events(client):  # type: ignore[no-untyped-def]
    return client("events")


def _error(call: Any, **kwargs: Any) -> tuple[str, str]:
    with pytest.raises(ClientError) as caught:
        call(**kwargs)
    return caught.value.response["Error"]["Code"], caught.value.response["Error"]["Message"]


def test_update_event_bus(events: Any) -> None:
    name = f"bus-{uuid.uuid4().hex[:8]}"
    events.create_event_bus(Name=name, Description="first")
    dlq = "arn:aws:sqs:us-east-1:000000000000:bus-dlq"
    answer = events.update_event_bus(Name=name, Description="second",
                                     DeadLetterConfig={"Arn": dlq},
                                     KmsKeyIdentifier="alias/mine")
    assert answer["Name"] == name and answer["Arn"].endswith(f":event-bus/{name}")
    assert answer["DeadLetterConfig"] == {"Arn": dlq}
    found = events.describe_event_bus(Name=name)
    assert found["Description"] == "second" and found["KmsKeyIdentifier"] == "alias/mine"
    assert found["DeadLetterConfig"] == {"Arn": dlq}
    events.update_event_bus(Name=name, LogConfig={"Level": "INFO", "IncludeDetail": "FULL"})
    found = events.describe_event_bus(Name=name)
    assert found["LogConfig"] == {"Level": "INFO", "IncludeDetail": "FULL"}
    assert found["KmsKeyIdentifier"] == "alias/mine"  # members left out keep their values
    assert events.list_event_buses(NamePrefix=name)["EventBuses"][0]["Description"] == "second"
    assert _error(events.update_event_bus, Name=name + "-gone") == (
        "ResourceNotFoundException", f"Event bus {name}-gone does not exist.")
    assert _error(events.update_event_bus, Name=name, DeadLetterConfig={
        "Arn": "arn:aws:sns:us-east-1:000000000000:t"})[0] == "ValidationException"
    assert _error(events.update_event_bus, Name=name, LogConfig={"Level": "LOUD"})[0] == \
        "ValidationException"
    created = events.create_event_bus(Name=name + "-k", KmsKeyIdentifier="alias/k")
    assert created["KmsKeyIdentifier"] == "alias/k"
    assert events.describe_event_bus(Name=name + "-k")["KmsKeyIdentifier"] == "alias/k"


def test_partner_event_sources_are_empty(events: Any) -> None:
    assert events.list_event_sources()["EventSources"] == []
    assert events.list_partner_event_sources(NamePrefix="aws.partner/example.com/")[
        "PartnerEventSources"] == []
    # the model's pattern wants a partner name after the prefix
    assert _error(events.list_partner_event_sources, NamePrefix="aws.partner/")[0] == (
        "ValidationException")
    name = "aws.partner/example.com/123/orders"
    for call, member in ((events.describe_event_source, "Name"),
                         (events.describe_partner_event_source, "Name"),
                         (events.activate_event_source, "Name"),
                         (events.deactivate_event_source, "Name"),
                         (events.list_partner_event_source_accounts, "EventSourceName")):
        assert _error(call, **{member: name}) == (
            "ResourceNotFoundException", f"Event source {name} does not exist.")
    assert _error(events.list_event_sources, NextToken="not-a-token")[0] == "ValidationException"
