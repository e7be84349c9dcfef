"""AWS's quotas and pairing rules, checked in-process (many resources, fast)."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from pocketcloud.cloud import Cloud
from pocketcloud.config import Settings
from pocketcloud.context import RequestContext
from pocketcloud.errors import AwsError
from pocketcloud.services.sns import provider as sns


@pytest.fixture
def ctx() -> Iterator[RequestContext]:
    cloud = Cloud(Settings(ephemeral=True))
    yield RequestContext(cloud=cloud, request_id="r", account_id="000000000000",
                         region="us-east-1", service="sns")
    cloud.close()


def queue(i: int, fifo: bool = False) -> str:
    return f"arn:aws:sqs:us-east-1:000000000000:q{i}" + (".fifo" if fifo else "")


def test_two_hundred_filter_policies_per_topic(ctx: RequestContext) -> None:
    topic = sns.create_topic(ctx, {"Name": "busy"})["TopicArn"]
    policy = json.dumps({"k": ["v"]})
    for i in range(200):
        sns.subscribe(ctx, {"TopicArn": topic, "Protocol": "sqs", "Endpoint": queue(i),
                            "Attributes": {"FilterPolicy": policy}})
    with pytest.raises(AwsError) as caught:
        sns.subscribe(ctx, {"TopicArn": topic, "Protocol": "sqs", "Endpoint": queue(200),
                            "Attributes": {"FilterPolicy": policy}})
    assert (caught.value.code, caught.value.status_code) == ("FilterPolicyLimitExceeded", 403)
    plain = sns.subscribe(ctx, {"TopicArn": topic, "Protocol": "sqs",
                                "Endpoint": queue(201)})["SubscriptionArn"]
    with pytest.raises(AwsError):
        sns.set_subscription_attributes(ctx, {"SubscriptionArn": plain,
                                              "AttributeName": "FilterPolicy",
                                              "AttributeValue": policy})


def test_dead_letter_queues_match_the_topic_type(ctx: RequestContext) -> None:
    fifo = sns.create_topic(ctx, {"Name": "f.fifo", "Attributes": {"FifoTopic": "true"}})[
        "TopicArn"]
    standard = sns.create_topic(ctx, {"Name": "s"})["TopicArn"]
    for topic, endpoint, dlq in ((fifo, queue(1, True), queue(2)),
                                 (standard, queue(3), queue(4, True))):
        with pytest.raises(AwsError) as caught:
            sns.subscribe(ctx, {"TopicArn": topic, "Protocol": "sqs", "Endpoint": endpoint,
                                "Attributes": {"RedrivePolicy": json.dumps(
                                    {"deadLetterTargetArn": dlq})}})
        assert caught.value.code == "InvalidParameter"
    sns.subscribe(ctx, {"TopicArn": fifo, "Protocol": "sqs", "Endpoint": queue(5, True),
                        "Attributes": {"RedrivePolicy": json.dumps(
                            {"deadLetterTargetArn": queue(6, True)})}})
