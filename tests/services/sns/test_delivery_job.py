"""The delivery job in-process on a real cloud: FIFO order survives a retry, sweeps run."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest

import pocketcloud.services.sqs.provider as sqs
from pocketcloud.cloud import Cloud
from pocketcloud.config import Settings
from pocketcloud.context import RequestContext
from pocketcloud.protocol.http import HttpRequest
from pocketcloud.services.sns import delivery
from pocketcloud.services.sns import provider as sns
from pocketcloud.services.sns.schema import ready_store


@pytest.fixture
def ctx() -> Iterator[RequestContext]:
    cloud = Cloud(Settings(ephemeral=True))
    yield RequestContext(cloud=cloud, request_id="r", account_id="000000000000",
                         region="us-east-1", service="sns", protocol="query",
                         request=HttpRequest("POST", "/", host="localhost:4566"))
    cloud.close()


def fifo_subscription(ctx: RequestContext) -> tuple[str, str]:
    url = sqs.create_queue(ctx, {"QueueName": "ordered.fifo",
                                 "Attributes": {"FifoQueue": "true"}})["QueueUrl"]
    topic = sns.create_topic(ctx, {"Name": "ordered.fifo",
                                   "Attributes": {"FifoTopic": "true"}})["TopicArn"]
    sns.subscribe(ctx, {"TopicArn": topic, "Protocol": "sqs", "Endpoint":
                        "arn:aws:sqs:us-east-1:000000000000:ordered.fifo",
                        "Attributes": {"RawMessageDelivery": "true"}})
    return topic, url


def bodies(ctx: RequestContext, url: str) -> list[str]:
    result: Any = asyncio.run(sqs.receive_message(ctx, {"QueueUrl": url,
                                                       "MaxNumberOfMessages": 10}))
    return [m["Body"] for m in result.get("Messages", [])]


def test_a_fifo_message_waiting_for_a_retry_holds_back_the_later_ones(
        ctx: RequestContext) -> None:
    topic, url = fifo_subscription(ctx)
    for i in range(3):
        sns.publish(ctx, {"TopicArn": topic, "Message": f"m{i}", "MessageGroupId": "g",
                          "MessageDeduplicationId": str(i)})
    store = ready_store(ctx.cloud.store)
    with store.write() as tx:  # as if the first delivery had failed and waits 20 s
        first = tx.fetchvalue("SELECT MIN(delivery_id) FROM sns_deliveries")
        tx.execute("UPDATE sns_deliveries SET attempts = 1, next_attempt_s = ? "
                   "WHERE delivery_id = ?", (ctx.cloud.clock.now() + 20, first))
    asyncio.run(delivery.tick(ctx.cloud))
    assert bodies(ctx, url) == []
    ctx.cloud.clock.advance(21)
    asyncio.run(delivery.tick(ctx.cloud))
    assert bodies(ctx, url) == ["m0", "m1", "m2"]


def test_expired_deduplication_records_are_swept(ctx: RequestContext) -> None:
    topic, _ = fifo_subscription(ctx)
    first = sns.publish(ctx, {"TopicArn": topic, "Message": "x", "MessageGroupId": "g",
                              "MessageDeduplicationId": "d"})["MessageId"]
    store = ready_store(ctx.cloud.store)
    ctx.cloud.clock.advance(301)
    asyncio.run(delivery.tick(ctx.cloud))
    with store.read() as tx:
        assert tx.fetchvalue("SELECT COUNT(*) FROM sns_deduplication") == 0
    again = sns.publish(ctx, {"TopicArn": topic, "Message": "x", "MessageGroupId": "g",
                              "MessageDeduplicationId": "d"})
    assert again["MessageId"] != first  # a new message after the window, not the old one


def test_confirmation_tokens_last_three_days(ctx: RequestContext) -> None:
    from pocketcloud.errors import AwsError
    from pocketcloud.services.sns.model import book

    topic = sns.create_topic(ctx, {"Name": "late"})["TopicArn"]
    for address in ("early@example.com", "late@example.com"):
        sns.subscribe(ctx, {"TopicArn": topic, "Protocol": "email", "Endpoint": address})
    subs = {s.endpoint: s for s in book(ctx.cloud.store).subscriptions_of(topic)}
    ctx.cloud.clock.advance(3 * 86400 - 60)
    early = sns.confirm_subscription(ctx, {"TopicArn": topic,
                                           "Token": subs["early@example.com"].token})
    assert early["SubscriptionArn"] == subs["early@example.com"].arn
    ctx.cloud.clock.advance(120)
    with pytest.raises(AwsError) as caught:
        sns.confirm_subscription(ctx, {"TopicArn": topic,
                                       "Token": subs["late@example.com"].token})
    assert caught.value.message == "Invalid parameter: Token"
