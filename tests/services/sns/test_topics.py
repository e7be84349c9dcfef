"""Topics and subscriptions through boto3: create, attributes, tags, listing, AWS's errors."""

from __future__ import annotations

import json
from typing import Any

from tests.support import refusal


def test_create_topic_is_idempotent_and_has_awss_attributes(sns: Any, unique: Any) -> None:
    name = unique("topic")
    arn = sns.create_topic(Name=name, Attributes={"DisplayName": "Hi"})["TopicArn"]
    assert arn == f"arn:aws:sns:us-east-1:000000000000:{name}"
    assert sns.create_topic(Name=name, Attributes={"DisplayName": "Hi"})["TopicArn"] == arn
    attributes = sns.get_topic_attributes(TopicArn=arn)["Attributes"]
    assert attributes["DisplayName"] == "Hi"
    assert attributes["Owner"] == "000000000000"
    assert attributes["SubscriptionsConfirmed"] == "0"
    policy = json.loads(attributes["Policy"])
    assert policy["Id"] == "__default_policy_ID"
    assert policy["Statement"][0]["Condition"] == {
        "StringEquals": {"AWS:SourceOwner": "000000000000"}}
    assert "FifoTopic" not in attributes
    assert json.loads(attributes["EffectiveDeliveryPolicy"])["http"][
        "defaultHealthyRetryPolicy"]["numRetries"] == 3
    code, message, _ = refusal(sns.create_topic, Name=name,
                               Attributes={"DisplayName": "Other"})
    assert code == "InvalidParameter"
    assert "Topic already exists with different attributes" in message


def test_topic_names_and_fifo_rules(sns: Any, unique: Any) -> None:
    assert refusal(sns.create_topic, Name="bad name")[:2] == (
        "InvalidParameter", "Invalid parameter: Topic Name")
    assert refusal(sns.create_topic, Name="x" * 257)[0] == "InvalidParameter"
    assert refusal(sns.create_topic, Name=unique("n"), Attributes={"FifoTopic": "true"})[0] == \
        "InvalidParameter"
    fifo = sns.create_topic(Name=unique("f") + ".fifo", Attributes={
        "FifoTopic": "true", "ContentBasedDeduplication": "true"})["TopicArn"]
    attributes = sns.get_topic_attributes(TopicArn=fifo)["Attributes"]
    assert attributes["FifoTopic"] == "true"
    assert attributes["ContentBasedDeduplication"] == "true"
    code, message, _ = refusal(sns.create_topic, Name=unique("s"),
                               Attributes={"ContentBasedDeduplication": "true"})
    assert code == "InvalidParameter"


def test_set_topic_attributes(sns: Any, unique: Any) -> None:
    arn = sns.create_topic(Name=unique("t"))["TopicArn"]
    sns.set_topic_attributes(TopicArn=arn, AttributeName="DisplayName", AttributeValue="New")
    sns.set_topic_attributes(TopicArn=arn, AttributeName="SignatureVersion", AttributeValue="2")
    policy = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*",
                                                       "Action": "sns:Publish",
                                                       "Resource": arn}]}
    sns.set_topic_attributes(TopicArn=arn, AttributeName="Policy",
                             AttributeValue=json.dumps(policy))
    attributes = sns.get_topic_attributes(TopicArn=arn)["Attributes"]
    assert attributes["DisplayName"] == "New"
    assert attributes["SignatureVersion"] == "2"
    assert json.loads(attributes["Policy"]) == policy
    assert refusal(sns.set_topic_attributes, TopicArn=arn, AttributeName="Nope",
                   AttributeValue="x")[:2] == ("InvalidParameter",
                                               "Invalid parameter: AttributeName")
    assert refusal(sns.set_topic_attributes, TopicArn=arn, AttributeName="SignatureVersion",
                   AttributeValue="3")[0] == "InvalidParameter"
    assert refusal(sns.set_topic_attributes, TopicArn=arn, AttributeName="Policy",
                   AttributeValue="{")[0] == "InvalidParameter"


def test_missing_topics_are_not_found(sns: Any) -> None:
    missing = "arn:aws:sns:us-east-1:000000000000:nope"
    assert refusal(sns.get_topic_attributes, TopicArn=missing) == (
        "NotFound", "Topic does not exist", 404)
    sns.delete_topic(TopicArn=missing)  # AWS: deleting a missing topic succeeds
    assert refusal(sns.publish, TopicArn=missing, Message="x")[0] == "NotFound"
    assert refusal(sns.get_topic_attributes, TopicArn="nope")[:2] == (
        "InvalidParameter",
        "Invalid parameter: TopicArn Reason: An ARN must have at least 6 elements, not 1")
    assert refusal(sns.list_tags_for_resource, ResourceArn=missing)[0] == "ResourceNotFound"


def test_topics_are_regional_and_listed_with_pagination(client: Any, unique: Any) -> None:
    west = client("sns", region_name="eu-west-1")
    prefix = unique("page")
    arns = [west.create_topic(Name=f"{prefix}-{i:03d}")["TopicArn"] for i in range(105)]
    listed: list[str] = []
    for page in west.get_paginator("list_topics").paginate():
        assert len(page["Topics"]) <= 100
        listed += [t["TopicArn"] for t in page["Topics"]]
    assert set(arns) <= set(listed)
    east = client("sns", region_name="us-east-1")
    east_listed = [t["TopicArn"] for p in east.get_paginator("list_topics").paginate()
                   for t in p["Topics"]]
    assert not set(arns) & set(east_listed)
    assert refusal(east.get_topic_attributes, TopicArn=arns[0])[:2] == (
        "InvalidParameter", "Invalid parameter: TopicArn")
    for arn in arns:
        west.delete_topic(TopicArn=arn)


def test_tags(sns: Any, unique: Any) -> None:
    arn = sns.create_topic(Name=unique("t"), Tags=[{"Key": "a", "Value": "1"}])["TopicArn"]
    sns.tag_resource(ResourceArn=arn, Tags=[{"Key": "b", "Value": "2"}])
    tags = sns.list_tags_for_resource(ResourceArn=arn)["Tags"]
    assert sorted((t["Key"], t["Value"]) for t in tags) == [("a", "1"), ("b", "2")]
    sns.untag_resource(ResourceArn=arn, TagKeys=["a"])
    assert sns.list_tags_for_resource(ResourceArn=arn)["Tags"] == [{"Key": "b", "Value": "2"}]
    too_many = [{"Key": f"k{i}", "Value": "v"} for i in range(50)]
    assert refusal(sns.tag_resource, ResourceArn=arn, Tags=too_many)[0] == "TagLimitExceeded"


def test_permissions_edit_the_topic_policy(sns: Any, unique: Any) -> None:
    arn = sns.create_topic(Name=unique("t"))["TopicArn"]
    sns.add_permission(TopicArn=arn, Label="share", AWSAccountId=["111122223333"],
                      ActionName=["Publish"])
    statements = json.loads(sns.get_topic_attributes(TopicArn=arn)["Attributes"]["Policy"])[
        "Statement"]
    assert statements[-1]["Sid"] == "share"
    assert statements[-1]["Principal"] == {"AWS": "arn:aws:iam::111122223333:root"}
    assert refusal(sns.add_permission, TopicArn=arn, Label="share",
                   AWSAccountId=["111122223333"], ActionName=["Publish"])[0] == \
        "InvalidParameter"
    sns.remove_permission(TopicArn=arn, Label="share")
    statements = json.loads(sns.get_topic_attributes(TopicArn=arn)["Attributes"]["Policy"])[
        "Statement"]
    assert [s["Sid"] for s in statements] == ["__default_statement_ID"]


def test_subscriptions_listing_attributes_and_unsubscribe(sns: Any, unique: Any,
                                                         queue_for: Any) -> None:
    arn = sns.create_topic(Name=unique("t"))["TopicArn"]
    _, queue_arn = queue_for()
    sub = sns.subscribe(TopicArn=arn, Protocol="sqs", Endpoint=queue_arn,
                       Attributes={"RawMessageDelivery": "true"})["SubscriptionArn"]
    assert sub.startswith(arn + ":")
    again = sns.subscribe(TopicArn=arn, Protocol="sqs", Endpoint=queue_arn,
                         Attributes={"RawMessageDelivery": "true"})["SubscriptionArn"]
    assert again == sub
    assert refusal(sns.subscribe, TopicArn=arn, Protocol="sqs", Endpoint=queue_arn,
                   Attributes={"RawMessageDelivery": "false"})[0] == "InvalidParameter"
    attributes = sns.get_subscription_attributes(SubscriptionArn=sub)["Attributes"]
    assert attributes["RawMessageDelivery"] == "true"
    assert attributes["PendingConfirmation"] == "false"
    assert attributes["Endpoint"] == queue_arn
    assert attributes["TopicArn"] == arn
    listed = sns.list_subscriptions_by_topic(TopicArn=arn)["Subscriptions"]
    assert listed == [{"SubscriptionArn": sub, "Owner": "000000000000", "Protocol": "sqs",
                      "Endpoint": queue_arn, "TopicArn": arn}]
    assert sub in [s["SubscriptionArn"] for p in sns.get_paginator(
        "list_subscriptions").paginate() for s in p["Subscriptions"]]
    topic_attributes = sns.get_topic_attributes(TopicArn=arn)["Attributes"]
    assert topic_attributes["SubscriptionsConfirmed"] == "1"
    sns.unsubscribe(SubscriptionArn=sub)
    assert sns.list_subscriptions_by_topic(TopicArn=arn)["Subscriptions"] == []
    assert refusal(sns.get_subscription_attributes, SubscriptionArn=sub) == (
        "NotFound", "Subscription does not exist", 404)


def test_subscription_attribute_validation(sns: Any, unique: Any, queue_for: Any) -> None:
    arn = sns.create_topic(Name=unique("t"))["TopicArn"]
    _, queue_arn = queue_for()
    sub = sns.subscribe(TopicArn=arn, Protocol="sqs", Endpoint=queue_arn)["SubscriptionArn"]

    def set_attribute(name: str, value: str) -> None:
        sns.set_subscription_attributes(SubscriptionArn=sub, AttributeName=name,
                                       AttributeValue=value)

    set_attribute("FilterPolicy", json.dumps({"a": ["b"]}))
    attributes = sns.get_subscription_attributes(SubscriptionArn=sub)["Attributes"]
    assert attributes["FilterPolicyScope"] == "MessageAttributes"
    set_attribute("FilterPolicyScope", "MessageBody")
    set_attribute("FilterPolicy", json.dumps({"a": {"b": ["c"]}}))  # nesting: body scope only
    assert refusal(set_attribute, name="FilterPolicyScope", value="MessageAttributes")[0] == \
        "InvalidParameter"
    assert refusal(set_attribute, name="FilterPolicyScope", value="Everything")[0] == \
        "InvalidParameter"
    code, message, _ = refusal(set_attribute, name="FilterPolicy",
                               value=json.dumps({f"k{i}": ["v"] for i in range(6)}))
    assert (code, message) == ("InvalidParameter", "Invalid parameter: FilterPolicy: Filter "
                              "policy can not have more than 5 keys")
    assert refusal(set_attribute, name="RawMessageDelivery", value="maybe")[0] == \
        "InvalidParameter"
    assert refusal(set_attribute, name="RedrivePolicy", value='{"deadLetterTargetArn": "x"}')[
        0] == "InvalidParameter"
    assert refusal(set_attribute, name="Bogus", value="x")[:2] == (
        "InvalidParameter", "Invalid parameter: AttributeName")
    assert refusal(set_attribute, name="DeliveryPolicy", value="{}")[0] == "InvalidParameter"
    set_attribute("FilterPolicy", "")
    attributes = sns.get_subscription_attributes(SubscriptionArn=sub)["Attributes"]
    assert "FilterPolicy" not in attributes


def test_subscribe_endpoint_validation(sns: Any, unique: Any, queue_for: Any) -> None:
    arn = sns.create_topic(Name=unique("t"))["TopicArn"]
    assert refusal(sns.subscribe, TopicArn=arn, Protocol="carrier-pigeon", Endpoint="x")[
        :2] == ("InvalidParameter", "Invalid parameter: Amazon SNS does not support this "
                "protocol string: carrier-pigeon")
    assert refusal(sns.subscribe, TopicArn=arn, Protocol="sqs", Endpoint="queue")[:2] == (
        "InvalidParameter", "Invalid parameter: SQS endpoint ARN")
    assert refusal(sns.subscribe, TopicArn=arn, Protocol="http", Endpoint="ftp://x")[0] == \
        "InvalidParameter"
    assert refusal(sns.subscribe, TopicArn=arn, Protocol="email", Endpoint="nobody")[0] == \
        "InvalidParameter"
    assert refusal(sns.subscribe, TopicArn=arn, Protocol="lambda", Endpoint="f")[0] == \
        "InvalidParameter"
    _, fifo_queue = queue_for(fifo=True)
    assert "FIFO SQS Queues can not be subscribed to standard SNS topics" in refusal(
        sns.subscribe, TopicArn=arn, Protocol="sqs", Endpoint=fifo_queue)[1]
    fifo_topic = sns.create_topic(Name=unique("f") + ".fifo",
                                 Attributes={"FifoTopic": "true"})["TopicArn"]
    assert refusal(sns.subscribe, TopicArn=fifo_topic, Protocol="http",
                   Endpoint="http://127.0.0.1:9/x")[0] == "InvalidParameter"


def test_delete_topic_removes_its_subscriptions(sns: Any, unique: Any, queue_for: Any) -> None:
    arn = sns.create_topic(Name=unique("t"))["TopicArn"]
    _, queue_arn = queue_for()
    sub = sns.subscribe(TopicArn=arn, Protocol="sqs", Endpoint=queue_arn)["SubscriptionArn"]
    sns.delete_topic(TopicArn=arn)
    assert refusal(sns.get_subscription_attributes, SubscriptionArn=sub)[0] == "NotFound"
    assert arn not in [t["TopicArn"] for p in sns.get_paginator("list_topics").paginate()
                      for t in p["Topics"]]


def test_a_queue_of_another_account_confirms_through_the_queue(client: Any, sns: Any,
                                                               unique: Any) -> None:
    other_sqs = client("sqs", aws_access_key_id="111111111111")
    url = other_sqs.create_queue(QueueName=unique("foreign"))["QueueUrl"]
    queue_arn = other_sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])[
        "Attributes"]["QueueArn"]
    assert ":111111111111:" in queue_arn
    topic = sns.create_topic(Name=unique("t"))["TopicArn"]
    assert sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn)[
        "SubscriptionArn"] == "pending confirmation"
    reply = other_sqs.receive_message(QueueUrl=url, WaitTimeSeconds=10)
    [message] = reply["Messages"]
    confirmation = json.loads(message["Body"])
    assert confirmation["Type"] == "SubscriptionConfirmation"
    other_sns = client("sns", aws_access_key_id="111111111111")
    sub = other_sns.confirm_subscription(TopicArn=topic, Token=confirmation["Token"])[
        "SubscriptionArn"]
    assert sns.get_subscription_attributes(SubscriptionArn=sub)["Attributes"][
        "PendingConfirmation"] == "false"
    own = client("sns", aws_access_key_id="111111111111").subscribe(
        TopicArn=topic, Protocol="sqs", Endpoint=queue_arn.replace("foreign", "other"))
    assert own["SubscriptionArn"].startswith(topic)  # the queue's owner subscribing: confirmed
