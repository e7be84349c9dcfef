"""Archives, connections and API destinations: answers recorded against AWS that pocketcloud
once gave differently."""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest
from tests.support import refused_error


@pytest.fixture
def events(client):  # type: ignore[no-untyped-def]
    return client("events")


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"



def test_api_destination_methods_are_listed_in_aws_order(events: Any) -> None:
    error = refused_error(events.create_api_destination, Name=unique("d"),
                     ConnectionArn="invalid-connection-arn", HttpMethod="INVALID_METHOD",
                     InvocationEndpoint="invalid-endpoint")
    assert error["Code"] == "ValidationException"
    assert error["Message"] == (
        "2 validation errors detected: Value 'invalid-connection-arn' at 'connectionArn' "
        "failed to satisfy constraint: Member must satisfy regular expression pattern: "
        r"^arn:aws([a-z]|\-)*:events:([a-z]|\d|\-)*:([0-9]{12})?:connection\/"
        r"[\.\-_A-Za-z0-9]+\/[\-A-Za-z0-9]+$; Value 'INVALID_METHOD' at 'httpMethod' failed "
        "to satisfy constraint: Member must satisfy enum value set: "
        "[HEAD, POST, PATCH, DELETE, PUT, GET, OPTIONS]")


def test_archive_of_another_accounts_bus_is_not_found(events: Any) -> None:
    bus = unique("doesnotexist")
    assert refused_error(events.create_archive, ArchiveName=unique("a"),
                    EventSourceArn=f"arn:aws:events:us-east-1:123456789012:event-bus/{bus}",
                    RetentionDays=1) == {"Code": "ResourceNotFoundException",
                                         "Message": f"Event bus {bus} does not exist."}


def test_describe_connection_names_its_secret(events: Any) -> None:
    name = unique("c")
    events.create_connection(Name=name, AuthorizationType="BASIC", AuthParameters={
        "BasicAuthParameters": {"Username": "user", "Password": "pass"}})
    secret_arn = events.describe_connection(Name=name)["SecretArn"]
    assert re.fullmatch(rf"arn:aws:secretsmanager:us-east-1:\d{{12}}:secret:events!connection/"
                        rf"{name}/[0-9a-f-]{{36}}-\w{{6}}", secret_arn)
    events.update_connection(Name=name, AuthorizationType="BASIC", AuthParameters={
        "BasicAuthParameters": {"Username": "new_user", "Password": "new_pass"}})
    assert events.describe_connection(Name=name)["SecretArn"] == secret_arn
    listed = events.list_connections(NamePrefix=name)["Connections"]
    assert [c["Name"] for c in listed] == [name] and "SecretArn" not in listed[0]
