"""The AWS CLI against pocketcloud's SNS: topic, queue subscription, publish, errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.services.sns.conftest import receive_all

AWS = str(Path(sys.executable).with_name("aws"))


def aws(endpoint: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test",
           "AWS_DEFAULT_REGION": "us-east-1"}
    return subprocess.run([AWS, "--endpoint-url", endpoint, "--output", "json", "sns", *args],
                          capture_output=True, text=True, env=env, timeout=60)


def test_cli_round_trip(endpoint: str, sqs: Any, unique: Any, queue_for: Any) -> None:
    created = aws(endpoint, "create-topic", "--name", unique("cli"))
    assert created.returncode == 0, created.stderr
    topic = json.loads(created.stdout)["TopicArn"]
    url, queue_arn = queue_for()
    subscribed = aws(endpoint, "subscribe", "--topic-arn", topic, "--protocol", "sqs",
                     "--notification-endpoint", queue_arn, "--attributes",
                     '{"RawMessageDelivery":"true"}')
    assert subscribed.returncode == 0, subscribed.stderr
    published = aws(endpoint, "publish", "--topic-arn", topic, "--message", "from the cli",
                    "--message-attributes", '{"k":{"DataType":"String","StringValue":"v"}}')
    assert published.returncode == 0, published.stderr
    assert json.loads(published.stdout)["MessageId"]
    [message] = receive_all(sqs, url, 1)
    assert message["Body"] == "from the cli"
    listed = json.loads(aws(endpoint, "list-subscriptions-by-topic", "--topic-arn",
                            topic).stdout)
    assert listed["Subscriptions"][0]["Endpoint"] == queue_arn
    missing = aws(endpoint, "get-topic-attributes", "--topic-arn",
                  "arn:aws:sns:us-east-1:000000000000:missing")
    assert missing.returncode != 0
    assert "NotFound" in missing.stderr
