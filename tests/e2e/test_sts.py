"""STS GetCallerIdentity end to end: the first real operation, through boto3 and the AWS CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys


def test_caller_identity_is_the_default_account_for_test_keys(client) -> None:
    identity = client("sts").get_caller_identity()
    assert identity["Account"] == "000000000000"
    assert identity["Arn"] == "arn:aws:iam::000000000000:root"
    assert identity["UserId"] == "000000000000"
    assert identity["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert identity["ResponseMetadata"]["RequestId"]


def test_twelve_digit_access_key_is_that_account(client) -> None:
    sts = client("sts", aws_access_key_id="111122223333")
    assert sts.get_caller_identity()["Account"] == "111122223333"


def test_each_region_answers(client) -> None:
    for region in ("eu-west-1", "ap-southeast-2", "sa-east-1"):
        assert client("sts", region_name=region).get_caller_identity()["Account"]


def test_aws_cli_get_caller_identity(endpoint: str) -> None:
    env = {**os.environ, "AWS_ACCESS_KEY_ID": "444455556666", "AWS_SECRET_ACCESS_KEY": "x"}
    result = subprocess.run(
        [sys.executable, "-m", "awscli", "--endpoint-url", endpoint, "--region", "eu-central-1",
         "sts", "get-caller-identity", "--output", "json"],
        capture_output=True, text=True, env=env, timeout=60,
    )
    assert result.returncode == 0, result.stderr
    identity = json.loads(result.stdout)
    assert identity["Account"] == "444455556666"
    assert identity["Arn"] == "arn:aws:iam::444455556666:root"
