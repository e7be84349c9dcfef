"""Publish and PublishBatch delivering to SQS: envelope, signatures, raw delivery, filters."""

from __future__ import annotations

import base64
import json
import urllib.request
from typing import Any

import pytest
from botocore.exceptions import ClientError
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from tests.services.sns.conftest import receive_all


def subscribed(sns: Any, queue_for: Any, unique: Any, **attributes: str) -> tuple[str, str, str]:
    """(topic arn, queue url, subscription arn)."""
    topic = sns.create_topic(Name=unique("t"))["TopicArn"]
    url, queue_arn = queue_for()
    sub = sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn,
                        Attributes=attributes)["SubscriptionArn"]
    return topic, url, sub


def verify_signature(message: dict[str, Any]) -> None:
    """What an SNS message verifier does: fetch the cert, rebuild the string, check it."""
    with urllib.request.urlopen(message["SigningCertURL"], timeout=5) as answer:
        cert = x509.load_pem_x509_certificate(answer.read())
    fields = (["Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"]
              if message["Type"] == "Notification" else
              ["Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type"])
    text = "".join(f"{name}\n{message[name]}\n" for name in fields if name in message)
    algorithm = hashes.SHA256() if message["SignatureVersion"] == "2" else hashes.SHA1()
    key = cert.public_key()
    assert isinstance(key, rsa.RSAPublicKey)
    key.verify(base64.b64decode(message["Signature"]), text.encode(), padding.PKCS1v15(),
               algorithm)


def test_fan_out_to_two_queues_in_awss_envelope(sns: Any, sqs: Any, queue_for: Any,
                                               unique: Any) -> None:
    topic = sns.create_topic(Name=unique("t"))["TopicArn"]
    queues = [queue_for() for _ in range(2)]
    subs = [sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn)["SubscriptionArn"]
            for _, arn in queues]
    reply = sns.publish(TopicArn=topic, Message="hello", Subject="greeting",
                        MessageAttributes={"color": {"DataType": "String",
                                                     "StringValue": "red"},
                                           "n": {"DataType": "Number", "StringValue": "5"},
                                           "bin": {"DataType": "Binary",
                                                   "BinaryValue": b"\x00\x01"}})
    for (url, _), sub in zip(queues, subs, strict=True):
        [message] = receive_all(sqs, url, 1)
        body = json.loads(message["Body"])
        assert list(body) == ["Type", "MessageId", "TopicArn", "Subject", "Message",
                              "Timestamp", "SignatureVersion", "Signature", "SigningCertURL",
                              "UnsubscribeURL", "MessageAttributes"]
        assert body["Type"] == "Notification"
        assert body["MessageId"] == reply["MessageId"]
        assert body["TopicArn"] == topic
        assert body["Message"] == "hello"
        assert body["Subject"] == "greeting"
        assert body["Timestamp"].endswith("Z") and len(body["Timestamp"]) == 24
        assert body["MessageAttributes"] == {
            "color": {"Type": "String", "Value": "red"},
            "n": {"Type": "Number", "Value": "5"},
            "bin": {"Type": "Binary", "Value": base64.b64encode(b"\x00\x01").decode()}}
        assert sub in body["UnsubscribeURL"]
        verify_signature(body)


def test_signature_version_2_uses_sha256(sns: Any, sqs: Any, queue_for: Any,
                                         unique: Any) -> None:
    topic, url, _ = subscribed(sns, queue_for, unique)
    sns.set_topic_attributes(TopicArn=topic, AttributeName="SignatureVersion",
                             AttributeValue="2")
    sns.publish(TopicArn=topic, Message="v2")
    [message] = receive_all(sqs, url, 1)
    body = json.loads(message["Body"])
    assert body["SignatureVersion"] == "2"
    assert "Subject" not in body
    verify_signature(body)


def test_raw_delivery_passes_message_and_attributes(sns: Any, sqs: Any, queue_for: Any,
                                                    unique: Any) -> None:
    topic, url, _ = subscribed(sns, queue_for, unique, RawMessageDelivery="true")
    sns.publish(TopicArn=topic, Message='{"raw": true}', MessageAttributes={
        "k": {"DataType": "String", "StringValue": "v"},
        "b": {"DataType": "Binary", "BinaryValue": b"\xff"}})
    [message] = receive_all(sqs, url, 1, MessageAttributeNames=["All"])
    assert message["Body"] == '{"raw": true}'
    assert message["MessageAttributes"]["k"] == {"StringValue": "v", "DataType": "String"}
    assert message["MessageAttributes"]["b"] == {"BinaryValue": b"\xff", "DataType": "Binary"}


def test_unsubscribe_url_works_with_a_plain_get(sns: Any, sqs: Any, queue_for: Any,
                                                unique: Any) -> None:
    topic, url, sub = subscribed(sns, queue_for, unique)
    sns.publish(TopicArn=topic, Message="bye")
    [message] = receive_all(sqs, url, 1)
    with urllib.request.urlopen(json.loads(message["Body"])["UnsubscribeURL"], timeout=5) as r:
        assert b"UnsubscribeResponse" in r.read()
    assert sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"] == []
    assert sub


def test_attribute_filter_policy_end_to_end(sns: Any, sqs: Any, queue_for: Any,
                                            unique: Any) -> None:
    policy = {"store": ["example_corp"], "price_usd": [{"numeric": [">=", 100]}]}
    topic, url, _ = subscribed(sns, queue_for, unique, FilterPolicy=json.dumps(policy),
                               RawMessageDelivery="true")

    def send(body: str, **values: Any) -> None:
        attributes = {k: {"DataType": "Number" if isinstance(v, int) else "String",
                          "StringValue": str(v)} for k, v in values.items()}
        sns.publish(TopicArn=topic, Message=body, MessageAttributes=attributes)

    send("cheap", store="example_corp", price_usd=5)
    send("other store", store="another", price_usd=500)
    send("no attributes")
    send("match", store="example_corp", price_usd=150)
    messages = receive_all(sqs, url, 2, timeout_s=4)
    assert [m["Body"] for m in messages] == ["match"]


def test_payload_filter_policy_end_to_end(sns: Any, sqs: Any, queue_for: Any,
                                          unique: Any) -> None:
    policy = {"order": {"status": [{"anything-but": "cancelled"}],
                        "region": [{"prefix": "eu-"}]}}
    topic, url, _ = subscribed(sns, queue_for, unique, FilterPolicy=json.dumps(policy),
                               FilterPolicyScope="MessageBody", RawMessageDelivery="true")
    bodies = [{"order": {"status": "placed", "region": "eu-west-1"}},
              {"order": {"status": "cancelled", "region": "eu-west-1"}},
              {"order": {"status": "placed", "region": "us-east-1"}},
              "not json"]
    for body in bodies:
        sns.publish(TopicArn=topic, Message=body if isinstance(body, str) else json.dumps(body))
    messages = receive_all(sqs, url, 2, timeout_s=4)
    assert [json.loads(m["Body"]) for m in messages] == [bodies[0]]


def test_message_structure_json_per_protocol(sns: Any, sqs: Any, queue_for: Any,
                                             unique: Any) -> None:
    topic, url, _ = subscribed(sns, queue_for, unique, RawMessageDelivery="true")
    sns.publish(TopicArn=topic, MessageStructure="json",
                Message=json.dumps({"default": "for everyone", "sqs": "for queues"}))
    [message] = receive_all(sqs, url, 1)
    assert message["Body"] == "for queues"
    with pytest.raises(ClientError) as caught:
        sns.publish(TopicArn=topic, MessageStructure="json", Message='{"sqs": "x"}')
    assert caught.value.response["Error"]["Message"] == (
        "Invalid parameter: Message Structure - No default entry in JSON message body")
    with pytest.raises(ClientError) as caught:
        sns.publish(TopicArn=topic, MessageStructure="json", Message="{oops")
    assert "failed to parse" in caught.value.response["Error"]["Message"]


def test_publish_validation(sns: Any, unique: Any) -> None:
    topic = sns.create_topic(Name=unique("t"))["TopicArn"]

    def code_of(**kwargs: Any) -> tuple[str, str]:
        with pytest.raises(ClientError) as caught:
            sns.publish(TopicArn=topic, **kwargs)
        error = caught.value.response["Error"]
        return error["Code"], error["Message"]

    assert code_of(Message="") == ("InvalidParameter", "Invalid parameter: Empty message")
    assert code_of(Message="x" * (256 * 1024 + 1)) == (
        "InvalidParameter", "Invalid parameter: Message too long")
    sns.publish(TopicArn=topic, Message="x" * (256 * 1024))
    assert code_of(Message="x", Subject="line\nbreak")[0] == "InvalidParameter"
    assert code_of(Message="x", Subject="s" * 101)[0] == "InvalidParameter"
    assert code_of(Message="x", MessageAttributes={
        "n": {"DataType": "Number", "StringValue": "abc"}}) == (
        "ParameterValueInvalid", "Could not cast message attribute 'n' value to number.")
    assert code_of(Message="x", MessageAttributes={
        "n": {"DataType": "Float", "StringValue": "1"}})[0] == "ParameterValueInvalid"
    assert code_of(Message="x", MessageAttributes={
        "AWS.x": {"DataType": "String", "StringValue": "1"}})[0] == "ParameterValueInvalid"
    assert code_of(Message="x", MessageDeduplicationId="d")[0] == "InvalidParameter"


def test_publish_batch(sns: Any, sqs: Any, queue_for: Any, unique: Any) -> None:
    topic, url, _ = subscribed(sns, queue_for, unique, RawMessageDelivery="true")
    bad = {"Id": "bad", "Message": "two", "MessageAttributes": {
        "n": {"DataType": "Number", "StringValue": "NaNx"}}}
    with pytest.raises(ClientError) as caught:  # one bad entry: AWS refuses the whole batch
        sns.publish_batch(TopicArn=topic, PublishBatchRequestEntries=[
            {"Id": "ok0", "Message": "zero"}, bad])
    assert caught.value.response["Error"] == {
        "Code": "ParameterValueInvalid", "Type": "Sender",
        "Message": "Could not cast message attribute 'n' value to number."}
    reply = sns.publish_batch(TopicArn=topic, PublishBatchRequestEntries=[
        {"Id": "ok1", "Message": "one"},
        {"Id": "ok2", "Message": "three", "Subject": "s"},
    ])
    assert [s["Id"] for s in reply["Successful"]] == ["ok1", "ok2"]
    assert reply["Failed"] == []
    bodies = sorted(m["Body"] for m in receive_all(sqs, url, 2))
    assert bodies == ["one", "three"]


@pytest.mark.parametrize(("entries", "code"), [
    ([], "EmptyBatchRequest"),
    ([{"Id": str(i), "Message": "m"} for i in range(11)], "TooManyEntriesInBatchRequest"),
    ([{"Id": "a", "Message": "m"}, {"Id": "a", "Message": "n"}], "BatchEntryIdsNotDistinct"),
    ([{"Id": "bad id!", "Message": "m"}], "InvalidBatchEntryId"),
    ([{"Id": str(i), "Message": "x" * 30_000} for i in range(10)], "BatchRequestTooLong"),
])
def test_publish_batch_limits(sns: Any, unique: Any, entries: list[dict[str, Any]],
                              code: str) -> None:
    topic = sns.create_topic(Name=unique("t"))["TopicArn"]
    with pytest.raises(ClientError) as caught:
        sns.publish_batch(TopicArn=topic, PublishBatchRequestEntries=entries)
    assert caught.value.response["Error"]["Code"] == code
