"""The AWS CLI against pocketcloud's SQS: create, send, receive, errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

AWS = str(Path(sys.executable).with_name("aws"))


def aws(endpoint: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test",
           "AWS_DEFAULT_REGION": "us-east-1"}
    return subprocess.run([AWS, "--endpoint-url", endpoint, "--output", "json", "sqs", *args],
                          capture_output=True, text=True, env=env, timeout=60)


def test_cli_round_trip(endpoint: str, unique: Callable[[str], str]) -> None:
    created = aws(endpoint, "create-queue", "--queue-name", unique("cli"),
                  "--attributes", "VisibilityTimeout=45")
    url = json.loads(created.stdout)["QueueUrl"]
    sent = aws(endpoint, "send-message", "--queue-url", url, "--message-body", "hi",
               "--message-attributes", '{"k":{"DataType":"String","StringValue":"v"}}')
    assert sent.returncode == 0, sent.stderr
    received = json.loads(aws(endpoint, "receive-message", "--queue-url", url,
                              "--message-attribute-names", "All").stdout)
    assert received["Messages"][0]["Body"] == "hi"
    assert received["Messages"][0]["MessageAttributes"]["k"]["StringValue"] == "v"
    missing = aws(endpoint, "get-queue-url", "--queue-name", unique("missing"))
    assert missing.returncode != 0
    assert "AWS.SimpleQueueService.NonExistentQueue" in missing.stderr  # AWS's query-era code
