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
