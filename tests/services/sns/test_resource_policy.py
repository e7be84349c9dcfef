"""The topic policy the gateway's IAM enforcement evaluates for a topic (or subscription)."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from pocketcloud.cloud import Cloud
from pocketcloud.config import Settings
from pocketcloud.context import RequestContext
from pocketcloud.services.sns.provider import create_topic, set_topic_attributes
from pocketcloud.services.sns.resource_policy import resource_policy


@pytest.fixture
def ctx() -> Iterator[RequestContext]:
    cloud = Cloud(Settings(ephemeral=True))
    yield RequestContext(cloud=cloud, request_id="r", account_id="111122223333",
                         region="eu-west-1", service="sns")
    cloud.close()


def test_default_and_set_topic_policies(ctx: RequestContext) -> None:
    topic = create_topic(ctx, {"Name": "orders"})["TopicArn"]
    default = json.loads(resource_policy(ctx.cloud, topic) or "{}")
    assert default["Statement"][0]["Resource"] == topic
    assert "SNS:Publish" in default["Statement"][0]["Action"]
    mine = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"},
         "Action": "sns:Publish", "Resource": topic}]}
    set_topic_attributes(ctx, {"TopicArn": topic, "AttributeName": "Policy",
                               "AttributeValue": json.dumps(mine)})
    assert json.loads(resource_policy(ctx.cloud, topic) or "{}") == mine
    assert resource_policy(ctx.cloud, topic + ":sub-id") == resource_policy(ctx.cloud, topic)
    assert resource_policy(ctx.cloud, "arn:aws:sns:eu-west-1:111122223333:none") is None
