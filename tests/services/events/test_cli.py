"""The AWS CLI against pocketcloud's EventBridge: rules, targets, events, patterns."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

AWS = str(Path(sys.executable).with_name("aws"))


def aws(endpoint: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test",
           "AWS_DEFAULT_REGION": "us-east-1"}
    return subprocess.run([AWS, "--endpoint-url", endpoint, "--output", "json", "events",
                           *args], capture_output=True, text=True, env=env, timeout=60)


def test_cli_round_trip(endpoint: str) -> None:
    rule = f"cli-{uuid.uuid4().hex[:8]}"
    created = aws(endpoint, "put-rule", "--name", rule, "--schedule-expression",
                  "cron(0 12 * * ? *)")
    assert created.returncode == 0, created.stderr
    assert json.loads(created.stdout)["RuleArn"].endswith(f":rule/{rule}")
    targets = aws(endpoint, "put-targets", "--rule", rule, "--targets",
                  "Id=1,Arn=arn:aws:sqs:us-east-1:000000000000:somewhere")
    assert json.loads(targets.stdout)["FailedEntryCount"] == 0
    listed = json.loads(aws(endpoint, "list-rules", "--name-prefix", rule).stdout)
    assert listed["Rules"][0]["ScheduleExpression"] == "cron(0 12 * * ? *)"
    sent = json.loads(aws(endpoint, "put-events", "--entries",
                          '[{"Source":"cli","DetailType":"t","Detail":"{}"}]').stdout)
    assert sent["FailedEntryCount"] == 0 and sent["Entries"][0]["EventId"]
    event = json.dumps({"id": "1", "account": "000000000000", "source": "cli", "time": "t",
                        "region": "us-east-1", "detail-type": "t", "detail": {}})
    tested = aws(endpoint, "test-event-pattern", "--event-pattern",
                 '{"source":["cli"]}', "--event", event)
    assert json.loads(tested.stdout)["Result"] is True
    refused = aws(endpoint, "delete-rule", "--name", rule)
    assert refused.returncode != 0 and "ValidationException" in refused.stderr
    assert aws(endpoint, "remove-targets", "--rule", rule, "--ids", "1").returncode == 0
    assert aws(endpoint, "delete-rule", "--name", rule).returncode == 0


def cli(endpoint: str, service: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test",
           "AWS_DEFAULT_REGION": "us-east-1"}
    return subprocess.run([AWS, "--endpoint-url", endpoint, "--output", "json", service,
                           *args], capture_output=True, text=True, env=env, timeout=60)


def test_cli_s3_notifications_and_event_source_mappings(endpoint: str) -> None:
    queue = f"cli-{uuid.uuid4().hex[:8]}"
    url = json.loads(cli(endpoint, "sqs", "create-queue", "--queue-name", queue).stdout)[
        "QueueUrl"]
    arn = f"arn:aws:sqs:us-east-1:000000000000:{queue}"
    bucket = f"cli-{uuid.uuid4().hex[:10]}"
    assert cli(endpoint, "s3api", "create-bucket", "--bucket", bucket).returncode == 0
    config = json.dumps({"QueueConfigurations": [{"Id": "q", "QueueArn": arn,
                                                  "Events": ["s3:ObjectCreated:*"]}]})
    put = cli(endpoint, "s3api", "put-bucket-notification-configuration", "--bucket", bucket,
              "--notification-configuration", config)
    assert put.returncode == 0, put.stderr
    got = json.loads(cli(endpoint, "s3api", "get-bucket-notification-configuration",
                         "--bucket", bucket).stdout)
    assert got["QueueConfigurations"][0]["QueueArn"] == arn
    assert url
    missing = cli(endpoint, "lambda", "create-event-source-mapping", "--function-name", "nope",
                  "--event-source-arn", arn)
    assert missing.returncode != 0 and "ResourceNotFoundException" in missing.stderr
    listed = json.loads(cli(endpoint, "lambda", "list-event-source-mappings",
                            "--event-source-arn", arn).stdout)
    assert listed["EventSourceMappings"] == []
