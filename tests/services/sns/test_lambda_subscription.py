"""SNS invoking a Lambda function asynchronously with AWS's SNS event record."""

from __future__ import annotations

import json
from typing import Any

from tests.services.lambda_.helpers import create
from tests.services.sns.conftest import receive_all

# The handler forwards the event it got to a queue, so the test can read it.
FORWARD = '''
import json, os
import boto3

def handler(event, context):
    boto3.client("sqs").send_message(QueueUrl=os.environ["QUEUE_URL"],
                                     MessageBody=json.dumps(event))
'''


def test_publish_invokes_the_function_with_an_sns_record(client: Any, sns: Any, sqs: Any,
                                                         unique: Any, queue_for: Any) -> None:
    lam = client("lambda")
    url, _ = queue_for()
    name = create(lam, FORWARD, Timeout=20, Environment={"Variables": {"QUEUE_URL": url}})
    function_arn = lam.get_function(FunctionName=name)["Configuration"]["FunctionArn"]
    topic = sns.create_topic(Name=unique("t"))["TopicArn"]
    sub = sns.subscribe(TopicArn=topic, Protocol="lambda", Endpoint=function_arn)[
        "SubscriptionArn"]
    reply = sns.publish(TopicArn=topic, Message="to lambda", Subject="hi", MessageAttributes={
        "k": {"DataType": "String", "StringValue": "v"}})
    [message] = receive_all(sqs, url, 1, timeout_s=60)
    [record] = json.loads(message["Body"])["Records"]
    assert record["EventSource"] == "aws:sns"
    assert record["EventVersion"] == "1.0"
    assert record["EventSubscriptionArn"] == sub
    assert record["Sns"]["MessageId"] == reply["MessageId"]
    assert record["Sns"]["Message"] == "to lambda"
    assert record["Sns"]["Subject"] == "hi"
    assert record["Sns"]["TopicArn"] == topic
    assert record["Sns"]["MessageAttributes"] == {"k": {"Type": "String", "Value": "v"}}
    assert {"SigningCertUrl", "UnsubscribeUrl", "Signature"} <= set(record["Sns"])


FAILING = '''
def handler(event, context):
    raise RuntimeError("always fails")
'''


def test_lambda_failure_destination_and_dead_letter_topic(client: Any, sns: Any, sqs: Any,
                                                           unique: Any, queue_for: Any) -> None:
    """Lambda's OnFailure destination and its dead-letter target may be SNS topics."""
    lam = client("lambda")
    topic = sns.create_topic(Name=unique("failures"))["TopicArn"]
    url, queue_arn = queue_for()
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn,
                  Attributes={"RawMessageDelivery": "true"})
    name = create(lam, FAILING, DeadLetterConfig={"TargetArn": topic})
    lam.put_function_event_invoke_config(FunctionName=name, MaximumRetryAttempts=0,
                                         DestinationConfig={"OnFailure": {"Destination": topic}})
    lam.invoke(FunctionName=name, InvocationType="Event", Payload=json.dumps({"n": 7}))
    messages = receive_all(sqs, url, 2, timeout_s=60, MessageAttributeNames=["All"])
    bodies = [json.loads(m["Body"]) for m in messages]
    record = next(b for b in bodies if "requestContext" in b)
    assert record["requestContext"]["condition"] == "RetriesExhausted"
    assert record["requestPayload"] == {"n": 7}
    dead = next(m for m in messages if "requestContext" not in json.loads(m["Body"]))
    assert json.loads(dead["Body"]) == {"n": 7}
    assert dead["MessageAttributes"]["ErrorCode"]["StringValue"] == "200"
