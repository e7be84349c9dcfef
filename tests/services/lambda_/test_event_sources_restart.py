"""Event source mappings outlive the server: after kill -9 and a restart, polling resumes."""

from __future__ import annotations

import json
import signal
import time
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config
from tests.services.lambda_.helpers import create
from tests.support import start_server

SEND_TO_QUEUE = '''
import json, os
import boto3

def handler(event, context):
    for record in event["Records"]:
        boto3.client("sqs").send_message(QueueUrl=os.environ["RESULTS"],
                                         MessageBody=record["body"])
'''


def make(endpoint: str, service: str) -> Any:
    return boto3.client(service, region_name="us-east-1", endpoint_url=endpoint,
                        aws_access_key_id="test", aws_secret_access_key="test",
                        config=Config(retries={"max_attempts": 1}, read_timeout=30))


def wait_enabled(lam: Any, uuid: str) -> None:
    deadline = time.monotonic() + 15
    while lam.get_event_source_mapping(UUID=uuid)["State"] != "Enabled":
        assert time.monotonic() < deadline, "mapping never enabled"
        time.sleep(0.2)


def test_sqs_mapping_resumes_after_kill_9(tmp_path: Path) -> None:
    data_dir = tmp_path / "state"
    first = start_server(data_dir)
    try:
        sqs, lam = make(first.endpoint, "sqs"), make(first.endpoint, "lambda")
        results = sqs.create_queue(QueueName="results")["QueueUrl"]
        source = sqs.create_queue(QueueName="source")["QueueUrl"]
        source_arn = sqs.get_queue_attributes(QueueUrl=source, AttributeNames=["QueueArn"])[
            "Attributes"]["QueueArn"]
        function = create(lam, SEND_TO_QUEUE, Timeout=10,
                          Environment={"Variables": {"RESULTS": results}})
        uuid = lam.create_event_source_mapping(EventSourceArn=source_arn,
                                               FunctionName=function)["UUID"]
        wait_enabled(lam, uuid)
    finally:
        first.kill(signal.SIGKILL)
    second = start_server(data_dir)
    try:
        sqs, lam = make(second.endpoint, "sqs"), make(second.endpoint, "lambda")
        assert lam.get_event_source_mapping(UUID=uuid)["State"] == "Enabled"
        sqs.send_message(QueueUrl=sqs.get_queue_url(QueueName="source")["QueueUrl"],
                         MessageBody="after restart")
        results = sqs.get_queue_url(QueueName="results")["QueueUrl"]
        got: list[str] = []
        for _ in range(10):
            got += [m["Body"] for m in sqs.receive_message(
                QueueUrl=results, WaitTimeSeconds=2).get("Messages", [])]
            if got:
                break
        assert got == ["after restart"], json.dumps(got)
    finally:
        second.stop()
