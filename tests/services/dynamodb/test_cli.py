"""The AWS CLI against DynamoDB: create a table, put an item, read it back."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.services.dynamodb.conftest import unique


def _aws(endpoint: str, *args: str) -> dict[str, object]:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "awscli",
            "--endpoint-url",
            endpoint,
            "--region",
            "us-east-1",
            "--output",
            "json",
            "dynamodb",
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(done.stdout) if done.stdout.strip() else {}


def test_aws_cli_create_put_get(endpoint: str) -> None:
    name = unique("cli")
    created = _aws(
        endpoint,
        "create-table",
        "--table-name",
        name,
        "--attribute-definitions",
        "AttributeName=id,AttributeType=S",
        "--key-schema",
        "AttributeName=id,KeyType=HASH",
        "--billing-mode",
        "PAY_PER_REQUEST",
    )
    assert created["TableDescription"]["TableName"] == name  # type: ignore[index]
    _aws(
        endpoint,
        "put-item",
        "--table-name",
        name,
        "--item",
        json.dumps({"id": {"S": "1"}, "n": {"N": "7.50"}}),
    )
    got = _aws(endpoint, "get-item", "--table-name", name, "--key", json.dumps({"id": {"S": "1"}}))
    assert got["Item"] == {"id": {"S": "1"}, "n": {"N": "7.5"}}


def test_aws_cli_partiql_backup_and_ttl(endpoint: str) -> None:
    name = unique("cli")
    _aws(endpoint, "create-table", "--table-name", name,
         "--attribute-definitions", "AttributeName=id,AttributeType=S",
         "--key-schema", "AttributeName=id,KeyType=HASH", "--billing-mode", "PAY_PER_REQUEST")
    _aws(endpoint, "execute-statement", "--statement",
         f"INSERT INTO \"{name}\" VALUE {{'id': 'a', 'n': 2}}")
    selected = _aws(endpoint, "execute-statement", "--statement",
                    f"SELECT n FROM \"{name}\" WHERE id = ?", "--parameters", '[{"S": "a"}]')
    assert selected["Items"] == [{"n": {"N": "2"}}]
    backup = _aws(endpoint, "create-backup", "--table-name", name, "--backup-name", "cli-backup")
    arn = backup["BackupDetails"]["BackupArn"]  # type: ignore[index]
    described = _aws(endpoint, "describe-backup", "--backup-arn", arn)
    assert described["BackupDescription"]["SourceTableDetails"]["ItemCount"] == 1  # type: ignore[index]
    _aws(endpoint, "update-time-to-live", "--table-name", name,
         "--time-to-live-specification", "Enabled=true,AttributeName=expires")
    ttl = _aws(endpoint, "describe-time-to-live", "--table-name", name)
    assert ttl["TimeToLiveDescription"]["AttributeName"] == "expires"  # type: ignore[index]
    recovery = _aws(endpoint, "update-continuous-backups", "--table-name", name,
                    "--point-in-time-recovery-specification", "PointInTimeRecoveryEnabled=true")
    status = recovery["ContinuousBackupsDescription"]["PointInTimeRecoveryDescription"]  # type: ignore[index]
    assert status["PointInTimeRecoveryStatus"] == "ENABLED"
