"""Answers checked against responses recorded from real AWS: attribute sets, error wording,
envelopes and dead letters."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError
from tests.services.sns.conftest import receive_all


def error_of(call: Any, **params: Any) -> tuple[str, str]:
    with pytest.raises(ClientError) as caught:
        call(**params)
    return caught.value.response["Error"]["Code"], caught.value.response["Error"]["Message"]


def sqs_subscription(sns: Any, queue_for: Any, unique: Any) -> tuple[str, str]:
    topic = sns.create_topic(Name=unique("t"))["TopicArn"]
    _, queue_arn = queue_for()
    sub = sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn)["SubscriptionArn"]
    return topic, sub


def test_a_new_topic_has_awss_attribute_set(sns: Any, unique: Any) -> None:
    topic = sns.create_topic(Name=unique("t"))["TopicArn"]
    attributes = sns.get_topic_attributes(TopicArn=topic)["Attributes"]
    assert sorted(attributes) == [
        "DisplayName", "EffectiveDeliveryPolicy", "Owner", "Policy", "SubscriptionsConfirmed",
        "SubscriptionsDeleted", "SubscriptionsPending", "TopicArn"]


def test_publish_to_an_empty_topic_arn(sns: Any) -> None:
    assert error_of(sns.publish, TopicArn="", Message="m") == (
        "InvalidParameter",
        "Invalid parameter: TopicArn Reason: An ARN must have at least 6 elements, not 1")


def test_duplicate_tag_keys_are_refused(sns: Any, unique: Any) -> None:
    topic = sns.create_topic(Name=unique("t"))["TopicArn"]
    tags = [{"Key": "k", "Value": "1"}, {"Key": "k", "Value": "2"}]
    assert error_of(sns.tag_resource, ResourceArn=topic, Tags=tags) == (
        "InvalidParameter", "Invalid parameter: Duplicated keys are not allowed.")


def test_unsubscribing_twice_succeeds(sns: Any, queue_for: Any, unique: Any) -> None:
    _, sub = sqs_subscription(sns, queue_for, unique)
    sns.unsubscribe(SubscriptionArn=sub)
    sns.unsubscribe(SubscriptionArn=sub)
    assert error_of(sns.get_subscription_attributes, SubscriptionArn=sub)[0] == "NotFound"


# -- subscription attributes: Subscribe says "Attributes Reason:", the setter does not ----------

def test_subscribe_and_set_word_bad_attributes_differently(sns: Any, queue_for: Any,
                                                           unique: Any) -> None:
    topic, sub = sqs_subscription(sns, queue_for, unique)
    _, other_queue = queue_for()
    assert error_of(sns.subscribe, TopicArn=topic, Protocol="sqs", Endpoint=other_queue,
                    Attributes={"RawMessageDelivery": "wrongvalue"})[1] == (
        "Invalid parameter: Attributes Reason: RawMessageDelivery: Invalid value "
        "[wrongvalue]. Must be true or false.")
    assert error_of(sns.subscribe, TopicArn=topic, Protocol="sqs", Endpoint=other_queue,
                    Attributes={"FilterPolicy": json.dumps({"key": [["value"]]})})[1] == (
        "Invalid parameter: Attributes Reason: FilterPolicy: Match value must be String, "
        "number, true, false, or null")
    assert error_of(sns.set_subscription_attributes, SubscriptionArn=sub,
                    AttributeName="RawMessageDelivery", AttributeValue="test-ValUe")[1] == (
        "Invalid parameter: RawMessageDelivery: Invalid value [test-ValUe]. Must be true or "
        "false.")
    assert error_of(sns.set_subscription_attributes, SubscriptionArn=sub,
                    AttributeName="FilterPolicyScope", AttributeValue="RandomValue")[1] == (
        "Invalid parameter: FilterPolicyScope: Invalid value [RandomValue]. Please use either "
        "MessageBody or MessageAttributes")


def test_nested_policies_need_the_body_scope(sns: Any, queue_for: Any, unique: Any) -> None:
    _, sub = sqs_subscription(sns, queue_for, unique)
    nested = json.dumps({"object": {"key": [{"prefix": "auto-"}]}})

    def set_attribute(name: str, value: str) -> None:
        sns.set_subscription_attributes(SubscriptionArn=sub, AttributeName=name,
                                        AttributeValue=value)

    assert error_of(set_attribute, name="FilterPolicy", value=nested)[1] == (
        "Invalid parameter: Filter policy scope MessageAttributes does not support nested "
        "filter policy")
    set_attribute("FilterPolicyScope", "MessageBody")
    attributes = sns.get_subscription_attributes(SubscriptionArn=sub)["Attributes"]
    assert "FilterPolicyScope" not in attributes  # shown only once there is a policy
    set_attribute("FilterPolicy", nested)
    attributes = sns.get_subscription_attributes(SubscriptionArn=sub)["Attributes"]
    assert attributes["FilterPolicyScope"] == "MessageBody"


@pytest.mark.parametrize(("numeric", "reason"), [
    ([], "Invalid member in numeric match: ]"),
    (["operator"], "Unrecognized numeric range operator: operator"),
    ([1, "<="], "Invalid member in numeric match: 1"),
    (["=", "000"], "Value of equals must be numeric"),
    ([">="], "Value of >= must be numeric"),
    (["<", 100, ">", 10], "Too many elements in numeric expression"),
    ([">=", 1, ">", 2], "Bad numeric range operator: >"),
    ([">", 3, "<", 1], "Bottom must be less than top"),
    ([">", 20, "<="], "Value of <= must be numeric"),
    ([">", 20, 30], "Bad value in numeric range: 30"),
    ([">", 20, "test"], "Bad numeric range operator: test"),
    ([">", "20", "<", "30"], "Value of > must be numeric"),
    ([">", 20, "<", "30"], "Value of < must be numeric"),
    ([">", 20, "<", 30, "<", 50], "Too many terms in numeric range expression"),
])
def test_numeric_filter_wording(sns: Any, queue_for: Any, unique: Any, numeric: list[Any],
                                reason: str) -> None:
    _, sub = sqs_subscription(sns, queue_for, unique)
    policy = json.dumps({"key": [{"numeric": numeric}]})
    assert error_of(sns.set_subscription_attributes, SubscriptionArn=sub,
                    AttributeName="FilterPolicy", AttributeValue=policy) == (
        "InvalidParameter", f"Invalid parameter: FilterPolicy: {reason}")


def test_anything_but_takes_no_suffix(sns: Any, queue_for: Any, unique: Any) -> None:
    _, sub = sqs_subscription(sns, queue_for, unique)
    policy = json.dumps({"key": [{"anything-but": {"suffix": "test"}}]})
    assert error_of(sns.set_subscription_attributes, SubscriptionArn=sub,
                    AttributeName="FilterPolicy", AttributeValue=policy)[1] == (
        "Invalid parameter: FilterPolicy: Unsupported anything-but pattern: suffix")


# -- message attributes: the same answer from Publish and (for the whole batch) PublishBatch ----

@pytest.mark.parametrize(("attributes", "message"), [
    ({"attr1": {"DataType": "String", "StringValue": ""}},
     "The message attribute 'attr1' must contain non-empty message attribute value for message "
     "attribute type 'String'."),
    ({"attr1": {"DataType": "Binary", "BinaryValue": b""}},
     "The message attribute 'attr1' must contain non-empty message attribute value for message "
     "attribute type 'Binary'."),
    ({"attr1": {"DataType": "String", "BinaryValue": b"123"}},
     "The message attribute 'attr1' with type 'String' must use field 'String'."),
    ({"attr1": {"DataType": "Number", "BinaryValue": b"123"}},
     "The message attribute 'attr1' with type 'Number' must use field 'String'."),
    ({"attr1": {"DataType": "Binary", "StringValue": "123"}},
     "The message attribute 'attr1' with type 'Binary' must use field 'Binary'."),
    ({"a" * 257: {"DataType": "String", "StringValue": "1"}},
     "Length of message attribute name must be less than 256 bytes."),
    ({"a^*?": {"DataType": "String", "StringValue": "1"}},
     "Invalid non-alphanumeric character '#x5E' was found in the message attribute name. Can "
     "only include alphanumeric characters, hyphens, underscores, or dots."),
    ({".abc": {"DataType": "String", "StringValue": "1"}},
     "Invalid message attribute name starting with character '.' was found."),
    ({"abc.": {"DataType": "String", "StringValue": "1"}},
     "Invalid message attribute name ending with character '.' was found."),
    ({"a..bc": {"DataType": "String", "StringValue": "1"}},
     "Message attribute name can not have successive '.' character."),
])
def test_bad_message_attributes(sns: Any, unique: Any, attributes: dict[str, Any],
                                message: str) -> None:
    topic = sns.create_topic(Name=unique("t"))["TopicArn"]
    expected = ("ParameterValueInvalid", message)
    assert error_of(sns.publish, TopicArn=topic, Message="m",
                    MessageAttributes=attributes) == expected
    entries = [{"Id": "ok", "Message": "m"},
               {"Id": "bad", "Message": "m", "MessageAttributes": attributes}]
    assert error_of(sns.publish_batch, TopicArn=topic,
                    PublishBatchRequestEntries=entries) == expected


# -- FIFO topics -----------------------------------------------------------------------------

def test_fifo_notifications_are_not_signed(sns: Any, sqs: Any, queue_for: Any,
                                           unique: Any) -> None:
    topic = sns.create_topic(Name=unique("t") + ".fifo",
                             Attributes={"FifoTopic": "true"})["TopicArn"]
    url, queue_arn = queue_for(fifo=True)
    sub = sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn)["SubscriptionArn"]
    sns.publish(TopicArn=topic, Message="Test", MessageGroupId="g", MessageDeduplicationId="d")
    [message] = receive_all(sqs, url, 1)
    body = json.loads(message["Body"])
    assert list(body) == ["Type", "MessageId", "SequenceNumber", "TopicArn", "Message",
                          "Timestamp", "UnsubscribeURL"]
    assert sub in body["UnsubscribeURL"]


def test_a_fifo_topic_needs_a_fifo_dead_letter_queue(sns: Any, queue_for: Any,
                                                      unique: Any) -> None:
    topic = sns.create_topic(Name=unique("t") + ".fifo",
                             Attributes={"FifoTopic": "true"})["TopicArn"]
    _, queue_arn = queue_for(fifo=True)
    _, standard_arn = queue_for()
    assert error_of(sns.subscribe, TopicArn=topic, Protocol="sqs", Endpoint=queue_arn,
                    Attributes={"RedrivePolicy": json.dumps(
                        {"deadLetterTargetArn": standard_arn})})[1] == (
        "Invalid parameter: RedrivePolicy: must use a FIFO queue as DLQ for a FIFO "
        "Subscription to a FIFO Topic.")


# -- dead letters of SQS subscriptions ------------------------------------------------------

@pytest.mark.parametrize("raw", [True, False])
def test_sqs_dead_letters_carry_the_message_only(sns: Any, sqs: Any, queue_for: Any,
                                                 unique: Any, raw: bool) -> None:
    topic = sns.create_topic(Name=unique("t"))["TopicArn"]
    url, queue_arn = queue_for()
    dlq_url, dlq_arn = queue_for()
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn, Attributes={
        "RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn}),
        "RawMessageDelivery": str(raw).lower()})
    sqs.delete_queue(QueueUrl=url)
    attributes = {"attr1": {"DataType": "Number", "StringValue": "111"},
                  "attr2": {"DataType": "Binary", "BinaryValue": b"\x02\x03\x04"}}
    sns.publish(TopicArn=topic, Message="lost", MessageAttributes=attributes)
    [dead] = receive_all(sqs, dlq_url, 1, MessageAttributeNames=["All"])
    if raw:
        assert dead["Body"] == "lost"
        assert dead["MessageAttributes"] == attributes
    else:
        assert json.loads(dead["Body"])["Message"] == "lost"
        assert "MessageAttributes" not in dead
