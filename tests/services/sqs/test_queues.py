"""Queues through boto3: create (idempotent, validated), find, list, attributes, tags, purge."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError


def error_code(raised: pytest.ExceptionInfo[ClientError]) -> str:
    """The modeled shape's name (boto3's QueryErrorCode), else the query code: AWS sends
    InvalidParameterValue with the JSON type InvalidParameterValueException."""
    error = raised.value.response["Error"]
    query_code = str(error.get("QueryErrorCode") or error["Code"])
    if query_code == f"{error['Code']}Exception" or query_code.startswith("MissingRequired"):
        return str(error["Code"])
    return query_code


def test_create_queue_has_aws_defaults(sqs: Any, unique: Callable[[str], str]) -> None:
    name = unique("defaults")
    url = sqs.create_queue(QueueName=name)["QueueUrl"]

    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]

    assert url.endswith(f"/000000000000/{name}")
    assert attributes["VisibilityTimeout"] == "30"
    assert attributes["MessageRetentionPeriod"] == "345600"
    assert attributes["MaximumMessageSize"] == "1048576"
    assert attributes["DelaySeconds"] == "0"
    assert attributes["ReceiveMessageWaitTimeSeconds"] == "0"
    assert attributes["SqsManagedSseEnabled"] == "true"
    assert attributes["QueueArn"] == f"arn:aws:sqs:us-east-1:000000000000:{name}"
    assert attributes["ApproximateNumberOfMessages"] == "0"
    assert abs(int(attributes["CreatedTimestamp"]) - time.time()) < 60
    assert "FifoQueue" not in attributes


def test_create_is_idempotent_with_same_attributes(sqs: Any, unique: Callable[[str], str]) -> None:
    name = unique("idem")
    first = sqs.create_queue(QueueName=name, Attributes={"VisibilityTimeout": "60"})["QueueUrl"]
    again = sqs.create_queue(QueueName=name, Attributes={"VisibilityTimeout": "60"})["QueueUrl"]
    assert first == again
    with pytest.raises(ClientError) as raised:
        sqs.create_queue(QueueName=name, Attributes={"VisibilityTimeout": "61"})
    assert error_code(raised) == "QueueNameExists"


@pytest.mark.parametrize(
    ("attribute", "value"),
    [("VisibilityTimeout", "43201"), ("DelaySeconds", "901"), ("MaximumMessageSize", "1023"),
     ("MaximumMessageSize", "1048577"), ("MessageRetentionPeriod", "59"),
     ("ReceiveMessageWaitTimeSeconds", "21"), ("VisibilityTimeout", "ten")],
)
def test_create_rejects_out_of_range_attributes(
    sqs: Any, unique: Callable[[str], str], attribute: str, value: str
) -> None:
    with pytest.raises(ClientError) as raised:
        sqs.create_queue(QueueName=unique("bad"), Attributes={attribute: value})
    assert error_code(raised) == "InvalidAttributeValue"


def test_maximum_message_size_accepts_one_mebibyte(sqs: Any, unique: Callable[[str], str]) -> None:
    url = sqs.create_queue(QueueName=unique("big"),
                           Attributes={"MaximumMessageSize": "1048576"})["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody="x" * 1_048_576)
    with pytest.raises(ClientError) as raised:
        sqs.send_message(QueueUrl=url, MessageBody="x" * 1_048_577)
    assert error_code(raised) == "InvalidParameterValue"


@pytest.mark.parametrize("name", ["", "a" * 81, "has space", "dot.name", "x.fifo"])
def test_invalid_queue_names(sqs: Any, name: str) -> None:
    with pytest.raises(ClientError) as raised:
        sqs.create_queue(QueueName=name)
    assert error_code(raised) == "InvalidParameterValue"


def test_unknown_attribute_and_fifo_only_attribute_on_standard(
    sqs: Any, unique: Callable[[str], str]
) -> None:
    for attributes in ({"Colour": "blue"}, {"ContentBasedDeduplication": "true"}):
        with pytest.raises(ClientError) as raised:
            sqs.create_queue(QueueName=unique("unknown"), Attributes=attributes)
        assert error_code(raised) == "InvalidAttributeName"


def test_fifo_queue_attributes(sqs: Any, unique: Callable[[str], str]) -> None:
    name = unique("fifo") + ".fifo"
    url = sqs.create_queue(QueueName=name, Attributes={
        "FifoQueue": "true", "DeduplicationScope": "messageGroup",
        "FifoThroughputLimit": "perMessageGroupId"})["QueueUrl"]
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert attributes["FifoQueue"] == "true"
    assert attributes["ContentBasedDeduplication"] == "false"
    assert attributes["DeduplicationScope"] == "messageGroup"
    assert attributes["FifoThroughputLimit"] == "perMessageGroupId"
    with pytest.raises(ClientError) as raised:
        sqs.create_queue(QueueName=unique("notfifo"), Attributes={"FifoQueue": "true"})
    assert error_code(raised) == "InvalidParameterValue"


def test_get_queue_url_and_missing_queue(sqs: Any, unique: Callable[[str], str]) -> None:
    name = unique("find")
    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    assert sqs.get_queue_url(QueueName=name)["QueueUrl"] == url
    assert sqs.get_queue_url(QueueName=name, QueueOwnerAWSAccountId="000000000000")[
        "QueueUrl"] == url
    with pytest.raises(sqs.exceptions.QueueDoesNotExist):
        sqs.get_queue_url(QueueName=unique("missing"))
    with pytest.raises(sqs.exceptions.QueueDoesNotExist):
        sqs.send_message(QueueUrl=url + "-nope", MessageBody="x")


def test_aws_and_localstack_shaped_urls_reach_the_queue(
    sqs: Any, unique: Callable[[str], str]
) -> None:
    name = unique("shapes")
    sqs.create_queue(QueueName=name)
    for url in (f"https://sqs.us-east-1.amazonaws.com/000000000000/{name}",
                f"http://sqs.us-east-1.localhost.localstack.cloud:4566/000000000000/{name}",
                f"http://localhost:4566/000000000000/{name}"):
        sqs.send_message(QueueUrl=url, MessageBody="hi")
    attributes = sqs.get_queue_attributes(
        QueueUrl=f"https://sqs.us-east-1.amazonaws.com/000000000000/{name}",
        AttributeNames=["ApproximateNumberOfMessages"])["Attributes"]
    assert attributes == {"ApproximateNumberOfMessages": "3"}


def test_queues_are_per_region_and_account(client: Any, unique: Callable[[str], str]) -> None:
    name = unique("scoped")
    east = client("sqs", region_name="us-east-1")
    west = client("sqs", region_name="eu-west-1")
    other = client("sqs", region_name="us-east-1", aws_access_key_id="111122223333")
    east.create_queue(QueueName=name)
    for elsewhere in (west, other):
        with pytest.raises(elsewhere.exceptions.QueueDoesNotExist):
            elsewhere.get_queue_url(QueueName=name)
    url = other.get_queue_url(QueueName=name, QueueOwnerAWSAccountId="000000000000")["QueueUrl"]
    assert "/000000000000/" in url


def test_list_queues_prefix_and_pages(sqs: Any, unique: Callable[[str], str]) -> None:
    prefix = unique("list")
    urls = sorted(sqs.create_queue(QueueName=f"{prefix}-{i}")["QueueUrl"] for i in range(5))
    assert sorted(sqs.list_queues(QueueNamePrefix=prefix)["QueueUrls"]) == urls
    pages = sqs.get_paginator("list_queues").paginate(
        QueueNamePrefix=prefix, PaginationConfig={"PageSize": 2})
    seen = [url for page in pages for url in page.get("QueueUrls", [])]
    assert seen == urls
    assert "QueueUrls" not in sqs.list_queues(QueueNamePrefix=unique("none"))


def test_delete_queue_then_recreate_too_soon(sqs: Any, unique: Callable[[str], str]) -> None:
    name = unique("gone")
    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    sqs.delete_queue(QueueUrl=url)
    with pytest.raises(sqs.exceptions.QueueDoesNotExist):
        sqs.get_queue_url(QueueName=name)
    with pytest.raises(ClientError) as raised:
        sqs.create_queue(QueueName=name)
    assert error_code(raised) == "QueueDeletedRecently"


def test_set_queue_attributes_and_last_modified(sqs: Any, unique: Callable[[str], str]) -> None:
    url = sqs.create_queue(QueueName=unique("set"))["QueueUrl"]
    policy = json.dumps({"Version": "2012-10-17", "Statement": []})
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"VisibilityTimeout": "5",
                                                       "Policy": policy})
    got = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["VisibilityTimeout", "Policy"])
    assert got["Attributes"] == {"VisibilityTimeout": "5", "Policy": policy}
    with pytest.raises(ClientError) as raised:
        sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["Nope"])
    assert error_code(raised) == "InvalidAttributeName"
    with pytest.raises(ClientError) as raised:
        sqs.set_queue_attributes(QueueUrl=url, Attributes={"FifoQueue": "true"})
    assert error_code(raised) == "InvalidAttributeName"  # as AWS: unknown on a standard queue


def test_tags(sqs: Any, unique: Callable[[str], str]) -> None:
    url = sqs.create_queue(QueueName=unique("tags"), tags={"team": "a"})["QueueUrl"]
    sqs.tag_queue(QueueUrl=url, Tags={"env": "test", "team": "b"})
    assert sqs.list_queue_tags(QueueUrl=url)["Tags"] == {"team": "b", "env": "test"}
    sqs.untag_queue(QueueUrl=url, TagKeys=["team"])
    assert sqs.list_queue_tags(QueueUrl=url)["Tags"] == {"env": "test"}


def test_purge_removes_messages_and_limits_to_one_a_minute(
    sqs: Any, unique: Callable[[str], str]
) -> None:
    url = sqs.create_queue(QueueName=unique("purge"))["QueueUrl"]
    for i in range(3):
        sqs.send_message(QueueUrl=url, MessageBody=str(i))
    sqs.purge_queue(QueueUrl=url)
    assert "Messages" not in sqs.receive_message(QueueUrl=url)
    with pytest.raises(sqs.exceptions.PurgeQueueInProgress):
        sqs.purge_queue(QueueUrl=url)
