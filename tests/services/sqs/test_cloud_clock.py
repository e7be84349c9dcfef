"""Time-driven rules on the cloud clock, run in-process against a real Cloud and store so
minutes pass instantly: retention, the 5-minute deduplication window, the purge and
re-create waits."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest

import pocketcloud.services.sqs.provider as provider
from pocketcloud.cloud import Cloud
from pocketcloud.config import Settings
from pocketcloud.context import RequestContext
from pocketcloud.errors import AwsError
from pocketcloud.protocol.http import HttpRequest


@pytest.fixture
def ctx() -> Iterator[RequestContext]:
    cloud = Cloud(Settings(ephemeral=True))
    yield RequestContext(cloud=cloud, request_id="r-1", account_id="000000000000",
                         region="us-east-1", service="sqs", protocol="json",
                         request=HttpRequest("POST", "/", host="localhost:4566"))
    cloud.close()


def receive(ctx: RequestContext, url: str, **params: Any) -> list[dict[str, Any]]:
    result = asyncio.run(provider.receive_message(ctx, {"QueueUrl": url, **params}))
    return list(result.get("Messages", []))


def test_messages_expire_after_retention_period(ctx: RequestContext) -> None:
    url = provider.create_queue(ctx, {"QueueName": "short", "Attributes": {
        "MessageRetentionPeriod": "60"}})["QueueUrl"]
    provider.send_message(ctx, {"QueueUrl": url, "MessageBody": "old"})
    ctx.cloud.clock.advance(30)
    provider.send_message(ctx, {"QueueUrl": url, "MessageBody": "young"})
    ctx.cloud.clock.advance(31)
    counts = provider.get_queue_attributes(ctx, {"QueueUrl": url, "AttributeNames": ["All"]})
    assert counts["Attributes"]["ApproximateNumberOfMessages"] == "1"
    assert [m["Body"] for m in receive(ctx, url, MaxNumberOfMessages=10)] == ["young"]


def test_deduplication_window_is_five_minutes(ctx: RequestContext) -> None:
    url = provider.create_queue(ctx, {"QueueName": "d.fifo", "Attributes": {
        "FifoQueue": "true"}})["QueueUrl"]
    entry = {"QueueUrl": url, "MessageBody": "x", "MessageGroupId": "g",
             "MessageDeduplicationId": "once"}
    first = provider.send_message(ctx, entry)
    ctx.cloud.clock.advance(299)
    assert provider.send_message(ctx, entry)["MessageId"] == first["MessageId"]
    ctx.cloud.clock.advance(2)
    assert provider.send_message(ctx, entry)["MessageId"] != first["MessageId"]


def test_purge_and_recreate_waits(ctx: RequestContext) -> None:
    url = provider.create_queue(ctx, {"QueueName": "p"})["QueueUrl"]
    provider.purge_queue(ctx, {"QueueUrl": url})
    with pytest.raises(AwsError) as raised:
        provider.purge_queue(ctx, {"QueueUrl": url})
    assert raised.value.code == "PurgeQueueInProgress"
    ctx.cloud.clock.advance(61)
    provider.purge_queue(ctx, {"QueueUrl": url})
    provider.delete_queue(ctx, {"QueueUrl": url})
    with pytest.raises(AwsError):
        provider.create_queue(ctx, {"QueueName": "p"})
    ctx.cloud.clock.advance(61)
    assert provider.create_queue(ctx, {"QueueName": "p"})["QueueUrl"] == url


def test_state_survives_a_new_process_view(ctx: RequestContext) -> None:
    """Queue metadata and sequence counters come back from the store, not only the cache."""
    url = provider.create_queue(ctx, {"QueueName": "reload.fifo", "Attributes": {
        "FifoQueue": "true", "ContentBasedDeduplication": "true"}})["QueueUrl"]
    first = provider.send_message(ctx, {"QueueUrl": url, "MessageBody": "a",
                                        "MessageGroupId": "g"})
    import pocketcloud.services.sqs.state as sqs_state_module

    sqs_state_module._states.clear()  # what a restart does to memory
    second = provider.send_message(ctx, {"QueueUrl": url, "MessageBody": "b",
                                         "MessageGroupId": "g"})
    assert int(second["SequenceNumber"]) > int(first["SequenceNumber"])
    assert [m["Body"] for m in receive(ctx, url, MaxNumberOfMessages=10)] == ["a", "b"]
