"""The serverless cron job: a scheduled rule runs a function when the cloud clock gets there."""

from __future__ import annotations

import json
import urllib.request
import uuid
from datetime import UTC, datetime
from typing import Any

import boto3
from botocore.config import Config
from tests.services.lambda_.helpers import create
from tests.support import advance_clock

SEND_TO_QUEUE = '''
import json, os
import boto3

def handler(event, context):
    boto3.client("sqs").send_message(QueueUrl=os.environ["QUEUE_URL"],
                                     MessageBody=json.dumps(event))
    return "sent"
'''


def make(endpoint: str, service: str) -> Any:
    return boto3.client(service, region_name="us-east-1", endpoint_url=endpoint,
                        aws_access_key_id="test", aws_secret_access_key="test",
                        config=Config(retries={"max_attempts": 1}, read_timeout=30))


def cloud_now(endpoint: str) -> float:
    with urllib.request.urlopen(endpoint + "/_pocketcloud/clock") as r:
        return float(json.load(r)["now"])


def scheduled_function(endpoint: str, schedule: str) -> tuple[Any, str, str, str]:
    events, sqs, lam = (make(endpoint, s) for s in ("events", "sqs", "lambda"))
    url = sqs.create_queue(QueueName=f"cron-{uuid.uuid4().hex[:10]}")["QueueUrl"]
    function = create(lam, SEND_TO_QUEUE, Timeout=10,
                      Environment={"Variables": {"QUEUE_URL": url}})
    function_arn = lam.get_function(FunctionName=function)["Configuration"]["FunctionArn"]
    rule = f"cron-{uuid.uuid4().hex[:8]}"
    rule_arn = events.put_rule(Name=rule, ScheduleExpression=schedule)["RuleArn"]
    lam.add_permission(FunctionName=function, StatementId="cron", Principal="events.amazonaws.com",
                       Action="lambda:InvokeFunction", SourceArn=rule_arn)
    events.put_targets(Rule=rule, Targets=[{"Id": "fn", "Arn": function_arn}])
    return sqs, url, rule, rule_arn


def received(sqs: Any, url: str, wait_s: int = 10) -> list[dict[str, Any]]:
    messages = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=wait_s,
                                   MaxNumberOfMessages=10).get("Messages", [])
    for message in messages:  # else they come back once the clock passes their visibility
        sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    return [json.loads(m["Body"]) for m in messages]


def test_cron_rule_runs_the_function_at_noon(own_endpoint: str) -> None:
    sqs, url, _, rule_arn = scheduled_function(own_endpoint, "cron(0 12 * * ? *)")
    assert received(sqs, url, wait_s=1) == []  # nothing fires before its time
    now = datetime.fromtimestamp(cloud_now(own_endpoint), UTC)
    noon = now.replace(hour=12, minute=0, second=0, microsecond=0)
    until_noon_s = (noon - now).total_seconds() % 86400
    advance_clock(own_endpoint, until_noon_s + 1)
    [event] = received(sqs, url)
    assert event["detail-type"] == "Scheduled Event" and event["source"] == "aws.events"
    assert event["resources"] == [rule_arn] and event["detail"] == {}
    assert event["account"] == "000000000000" and event["region"] == "us-east-1"
    assert event["time"].endswith("T12:00:00Z")


def test_rate_rule_fires_each_period_and_stops_when_disabled(own_endpoint: str) -> None:
    sqs, url, rule, _ = scheduled_function(own_endpoint, "rate(5 minutes)")
    advance_clock(own_endpoint, 301)
    assert [e["detail-type"] for e in received(sqs, url)] == ["Scheduled Event"]
    make(own_endpoint, "events").disable_rule(Name=rule)
    advance_clock(own_endpoint, 600)
    assert received(sqs, url, wait_s=2) == []
