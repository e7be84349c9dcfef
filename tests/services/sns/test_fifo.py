"""FIFO topics: group order kept into FIFO queues, deduplication, sequence numbers."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError
from tests.services.sns.conftest import receive_all


def fifo_topic(sns: Any, unique: Any, content_based: bool = False) -> str:
    return str(sns.create_topic(Name=unique("f") + ".fifo", Attributes={
        "FifoTopic": "true",
        "ContentBasedDeduplication": "true" if content_based else "false"})["TopicArn"])


def test_fifo_topic_to_fifo_queue_keeps_group_order(sns: Any, sqs: Any, unique: Any,
                                                    queue_for: Any) -> None:
    topic = fifo_topic(sns, unique)
    url, queue_arn = queue_for(fifo=True)
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn)
    sequence_numbers = []
    for i in range(20):
        reply = sns.publish(TopicArn=topic, Message=f"m{i}", MessageGroupId=f"g{i % 2}",
                            MessageDeduplicationId=f"d{i}")
        sequence_numbers.append(int(reply["SequenceNumber"]))
    assert sequence_numbers == sorted(sequence_numbers)
    assert len(reply["SequenceNumber"]) == 20
    messages = receive_all(sqs, url, 20, AttributeNames=["All"])
    by_group: dict[str, list[str]] = {}
    for message in messages:
        body = json.loads(message["Body"])
        assert body["SequenceNumber"]
        group = message["Attributes"]["MessageGroupId"]
        by_group.setdefault(group, []).append(body["Message"])
    assert by_group == {"g0": [f"m{i}" for i in range(0, 20, 2)],
                        "g1": [f"m{i}" for i in range(1, 20, 2)]}


def test_fifo_deduplication_within_five_minutes(sns: Any, sqs: Any, unique: Any,
                                                queue_for: Any) -> None:
    topic = fifo_topic(sns, unique, content_based=True)
    url, queue_arn = queue_for(fifo=True)
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn,
                  Attributes={"RawMessageDelivery": "true"})
    first = sns.publish(TopicArn=topic, Message="same", MessageGroupId="g")
    again = sns.publish(TopicArn=topic, Message="same", MessageGroupId="g")
    assert again["MessageId"] == first["MessageId"]
    assert again["SequenceNumber"] == first["SequenceNumber"]
    explicit = sns.publish(TopicArn=topic, Message="same", MessageGroupId="g",
                           MessageDeduplicationId="other")
    assert explicit["MessageId"] != first["MessageId"]
    messages = receive_all(sqs, url, 3, timeout_s=4, AttributeNames=["All"])
    assert [m["Body"] for m in messages] == ["same", "same"]
    assert messages[0]["Attributes"]["MessageDeduplicationId"] != \
        messages[1]["Attributes"]["MessageDeduplicationId"]


def test_fifo_publish_rules(sns: Any, unique: Any) -> None:
    topic = fifo_topic(sns, unique)

    def message_of(**kwargs: Any) -> str:
        with pytest.raises(ClientError) as caught:
            sns.publish(TopicArn=topic, Message="x", **kwargs)
        return str(caught.value.response["Error"]["Message"])

    assert message_of() == ("Invalid parameter: The MessageGroupId parameter is required for "
                            "FIFO topics")
    assert "ContentBasedDeduplication" in message_of(MessageGroupId="g")
    with pytest.raises(ClientError) as caught:  # AWS refuses the whole batch
        sns.publish_batch(TopicArn=topic, PublishBatchRequestEntries=[
            {"Id": "a", "Message": "x", "MessageGroupId": "g", "MessageDeduplicationId": "1"},
            {"Id": "b", "Message": "y"}])
    assert caught.value.response["Error"]["Message"] == (
        "Invalid parameter: The MessageGroupId parameter is required for FIFO topics")
    batch = sns.publish_batch(TopicArn=topic, PublishBatchRequestEntries=[
        {"Id": "a", "Message": "x", "MessageGroupId": "g", "MessageDeduplicationId": "1"}])
    assert [s["Id"] for s in batch["Successful"]] == ["a"]
    assert batch["Successful"][0]["SequenceNumber"]
    assert batch["Failed"] == []
