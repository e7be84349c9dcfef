"""Event source mapping errors worded as AWS words them (recorded against real AWS)."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

import botocore.exceptions
import pytest
from tests.services.lambda_.helpers import create


@pytest.fixture
def lam(client):  # type: ignore[no-untyped-def]
    return client("lambda")


def failure(call: Any, **kwargs: Any) -> tuple[str, str, int]:
    with pytest.raises(botocore.exceptions.ClientError) as raised:
        call(**kwargs)
    response = raised.value.response
    return (str(response["Error"]["Code"]), str(response["Error"]["Message"]),
            int(response["ResponseMetadata"]["HTTPStatusCode"]))


def queue_arn(client: Any) -> str:
    sqs = client("sqs")
    url = sqs.create_queue(QueueName=f"esmw-{uuid.uuid4().hex[:12]}")["QueueUrl"]
    found = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])
    return str(found["Attributes"]["QueueArn"])


def stream_arn(client: Any) -> str:
    return str(client("dynamodb").create_table(
        TableName=f"esmw-{uuid.uuid4().hex[:8]}", BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"},
    )["TableDescription"]["LatestStreamArn"])


ENUM_MESSAGE = ("1 validation error detected: Value '0' at 'startingPosition' failed to satisfy "
                "constraint: Member must satisfy enum value set: [LATEST, AT_TIMESTAMP, "
                "TRIM_HORIZON]")
WHEN = datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC)


@pytest.mark.parametrize("kind", ["sqs", "dynamodb"])
def test_starting_position_outside_the_enum(lam: Any, client: Any, kind: str) -> None:
    source = queue_arn(client) if kind == "sqs" else stream_arn(client)
    function = create(lam)
    assert failure(lam.create_event_source_mapping, EventSourceArn=source,
                   FunctionName=function, StartingPosition="0") == (
        "ValidationException", ENUM_MESSAGE, 400)


def test_starting_position_on_a_queue(lam: Any, client: Any) -> None:
    source, function = queue_arn(client), create(lam)
    for options in ({"StartingPosition": "LATEST"},
                    {"StartingPosition": "TRIM_HORIZON", "StartingPositionTimestamp": WHEN},
                    {"StartingPosition": "AT_TIMESTAMP", "StartingPositionTimestamp": WHEN}):
        assert failure(lam.create_event_source_mapping, EventSourceArn=source,
                       FunctionName=function, **options) == (
            "InvalidParameterValueException",
            "StartingPosition is not valid for SQS event sources.", 400)


def test_starting_position_on_a_dynamodb_stream(lam: Any, client: Any) -> None:
    source, function = stream_arn(client), create(lam)
    assert failure(lam.create_event_source_mapping, EventSourceArn=source,
                   FunctionName=function, StartingPosition="TRIM_HORIZON",
                   StartingPositionTimestamp=WHEN) == (
        "InvalidParameterValueException",
        "Timestamp only valid with StartingPosition AT_TIMESTAMP", 400)
    assert failure(lam.create_event_source_mapping, EventSourceArn=source,
                   FunctionName=function, StartingPosition="AT_TIMESTAMP",
                   StartingPositionTimestamp=WHEN) == (
        "InvalidParameterValueException",
        f"Unsupported starting position for arn type: {source}", 400)


def test_missing_function(lam: Any, client: Any) -> None:
    source = queue_arn(client)
    assert failure(lam.create_event_source_mapping, EventSourceArn=source,
                   FunctionName=f"missing-{uuid.uuid4().hex[:8]}") == (
        "ResourceNotFoundException", "Function does not exist", 404)
    mapping = lam.create_event_source_mapping(EventSourceArn=source,
                                              FunctionName=create(lam), Enabled=False)
    try:
        code, message, status = failure(lam.update_event_source_mapping, UUID=mapping["UUID"],
                                        FunctionName=f"missing-{uuid.uuid4().hex[:8]}")
        # Either the mapping is still being created or the function is reported missing.
        assert (code, message, status) in (
            ("ResourceNotFoundException", "Function does not exist", 404),
            ("ResourceInUseException", message, 400))
    finally:
        lam.delete_event_source_mapping(UUID=mapping["UUID"])
