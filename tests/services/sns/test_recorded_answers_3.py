"""Answers recorded against AWS (LocalStack's tests/aws/services/sns/test_sns.snapshot.json):
a third conformance pass."""

from __future__ import annotations

from typing import Any

from tests.support import refusal


def test_a_custom_type_needs_a_label_after_the_dot(sns: Any, unique: Any) -> None:
    """test_message_attributes_prefixes: "String." is refused, "String.  prefixed." is not."""
    topic = sns.create_topic(Name=unique("t"))["TopicArn"]
    for data_type in ("String.", "Number.", "Binary."):
        field = "BinaryValue" if data_type == "Binary." else "StringValue"
        value: Any = b"1" if field == "BinaryValue" else "1"
        attributes = {"attr1": {"DataType": data_type, field: value}}
        assert refusal(sns.publish, TopicArn=topic, Message="m",
                        MessageAttributes=attributes) == (
            "ParameterValueInvalid", "The message attribute 'attr1' has an invalid message "
            "attribute type, the set of supported type prefixes is Binary, Number, and String.",
            400)
        assert refusal(sns.publish_batch, TopicArn=topic, PublishBatchRequestEntries=[
            {"Id": "1", "Message": "m", "MessageAttributes": attributes}])[0] == \
            "ParameterValueInvalid"
    for data_type in ("String.prefixed", "String.  prefixed."):
        assert sns.publish(TopicArn=topic, Message="m", MessageAttributes={
            "attr1": {"DataType": data_type, "StringValue": "prefixed-1"}})["MessageId"]


def test_a_token_not_shaped_as_one_is_an_invalid_token(sns: Any, unique: Any) -> None:
    """test_sns_confirm_subscription_wrong_token."""
    topic = sns.create_topic(Name=unique("t"))["TopicArn"]
    assert refusal(sns.confirm_subscription, TopicArn=topic, Token="randomtoken") == (
        "InvalidParameter", "Invalid token", 400)
    unknown = "51b2ff3edb475b7d91550e0ab6edf0c1de2a34e6ebaf6c2262a001bcb7e051c4" * 4
    assert refusal(sns.confirm_subscription, TopicArn=topic, Token=unknown) == (
        "InvalidParameter", "Invalid parameter: Token", 400)
    assert refusal(sns.confirm_subscription, TopicArn=topic[:-1] + "i", Token=unknown) == (
        "InvalidParameter", "Invalid parameter: Token", 400)
