"""More answers recorded against AWS (a later conformance pass): publish validation, topic and
subscription attribute checks."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError


def error_of(call: Any, **params: Any) -> tuple[str, str]:
    with pytest.raises(ClientError) as caught:
        call(**params)
    return caught.value.response["Error"]["Code"], caught.value.response["Error"]["Message"]


def test_a_default_entry_must_be_a_string(sns: Any, unique: Any) -> None:
    topic = sns.create_topic(Name=unique("t"))["TopicArn"]
    message = json.dumps({"default": {"object": "test"}})
    assert error_of(sns.publish, TopicArn=topic, Message=message, MessageStructure="json") == (
        "InvalidParameter",
        "Invalid parameter: Message Structure - No default entry in JSON message body")
    # duplicate keys are accepted (the last one wins)
    sns.publish(TopicArn=topic, Message='{"default": "a", "default": "b"}',
                MessageStructure="json")
