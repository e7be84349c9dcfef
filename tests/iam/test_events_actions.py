"""IAM actions and resources for EventBridge, event source mappings and S3 notifications."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from pocketcloud.cloud import Cloud
from pocketcloud.config import Settings
from pocketcloud.context import RequestContext
from pocketcloud.iam.actions import authorization_target


@pytest.fixture(scope="module")
def ctx() -> Iterator[RequestContext]:
    cloud = Cloud(Settings(ephemeral=True))
    yield RequestContext(cloud=cloud, request_id="r", account_id="111122223333",
                         region="eu-west-1", service="events")
    cloud.close()


def test_events(ctx: RequestContext) -> None:
    rule = authorization_target("events", "PutRule", {"Name": "nightly"}, ctx)
    assert rule.action == "events:PutRule"
    assert rule.resources == ["arn:aws:events:eu-west-1:111122223333:rule/nightly"]
    targets = authorization_target("events", "PutTargets",
                                   {"Rule": "r", "EventBusName": "orders"}, ctx)
    assert targets.resources == ["arn:aws:events:eu-west-1:111122223333:rule/orders/r"]
    put = authorization_target("events", "PutEvents", {"Entries": [
        {"Source": "a"}, {"Source": "b", "EventBusName": "orders"}]}, ctx)
    assert put.resources == ["arn:aws:events:eu-west-1:111122223333:event-bus/default",
                             "arn:aws:events:eu-west-1:111122223333:event-bus/orders"]
    bus = authorization_target("events", "CreateEventBus", {"Name": "orders"}, ctx)
    assert bus.resources == ["arn:aws:events:eu-west-1:111122223333:event-bus/orders"]
    assert authorization_target("events", "ListRules", {}, ctx).resources == ["*"]


def test_event_source_mappings(ctx: RequestContext) -> None:
    create = authorization_target("lambda", "CreateEventSourceMapping",
                                  {"FunctionName": "f", "EventSourceArn": "x"}, ctx)
    assert create.action == "lambda:CreateEventSourceMapping" and create.resources == ["*"]
    uuid = "14e0db71-5d35-4eb5-b481-8945cf9d10c2"
    update = authorization_target("lambda", "UpdateEventSourceMapping",
                                  {"UUID": uuid, "FunctionName": "f"}, ctx)
    assert update.resources == [
        f"arn:aws:lambda:eu-west-1:111122223333:event-source-mapping:{uuid}"]


def test_s3_notifications(ctx: RequestContext) -> None:
    put = authorization_target("s3", "PutBucketNotificationConfiguration", {"Bucket": "b"}, ctx)
    assert put.action == "s3:PutBucketNotification"
    assert put.resources == ["arn:aws:s3:::b"]
    get = authorization_target("s3", "GetBucketNotificationConfiguration", {"Bucket": "b"}, ctx)
    assert get.action == "s3:GetBucketNotification"
