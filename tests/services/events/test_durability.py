"""Acknowledged PutEvents survive kill -9: every matched event reaches its queue after restart."""

from __future__ import annotations

import json
import signal
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config
from tests.support import start_server


def make(endpoint: str, service: str) -> Any:
    return boto3.client(service, region_name="us-east-1", endpoint_url=endpoint,
                        aws_access_key_id="test", aws_secret_access_key="test",
                        config=Config(retries={"max_attempts": 1}, read_timeout=30))


def test_acknowledged_events_are_delivered_after_kill_9(tmp_path: Path) -> None:
    data_dir = tmp_path / "state"
    first = start_server(data_dir)
    try:
        events, sqs = make(first.endpoint, "events"), make(first.endpoint, "sqs")
        url = sqs.create_queue(QueueName="orders")["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])[
            "Attributes"]["QueueArn"]
        events.put_rule(Name="orders", EventPattern=json.dumps({"source": ["shop"]}))
        events.put_targets(Rule="orders", Targets=[{"Id": "q", "Arn": arn}])
        acknowledged = []
        for i in range(30):
            result = events.put_events(Entries=[
                {"Source": "shop", "DetailType": "Order", "Detail": json.dumps({"n": i})}])
            acknowledged.append(result["Entries"][0]["EventId"])
    finally:
        first.kill(signal.SIGKILL)
    second = start_server(data_dir)
    try:
        sqs = make(second.endpoint, "sqs")
        url = sqs.get_queue_url(QueueName="orders")["QueueUrl"]
        seen: set[str] = set()
        for _ in range(20):
            for m in sqs.receive_message(QueueUrl=url, WaitTimeSeconds=2,
                                         MaxNumberOfMessages=10).get("Messages", []):
                seen.add(json.loads(m["Body"])["id"])
                sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
            if seen >= set(acknowledged):
                break
        assert set(acknowledged) <= seen  # at least once: none lost
    finally:
        second.stop()
