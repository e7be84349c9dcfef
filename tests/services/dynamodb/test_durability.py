"""kill -9 while writing: every acknowledged write survives, no transaction is half applied."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config
from tests.support import start_server

WRITE_FOR_S = 1.5


def _client(endpoint: str) -> Any:
    config = Config(retries={"max_attempts": 1}, connect_timeout=2, read_timeout=5)
    return boto3.client(
        "dynamodb",
        region_name="us-east-1",
        endpoint_url=endpoint,
        aws_access_key_id="test",
        aws_secret_access_key="test",
        config=config,
    )


def test_acknowledged_writes_and_transactions_survive_kill_9(tmp_path: Path) -> None:
    server = start_server(tmp_path / "data")
    ddb = _client(server.endpoint)
    ddb.create_table(
        TableName="ledger",
        BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
    )
    acknowledged: list[int] = []
    puts: list[int] = []

    def write() -> None:
        i = 0
        while True:
            i += 1
            try:
                ddb.transact_write_items(
                    TransactItems=[
                        {
                            "Put": {
                                "TableName": "ledger",
                                "Item": {"pk": {"S": side}, "n": {"N": str(i)}},
                            }
                        }
                        for side in ("debit", "credit")
                    ]
                )
                acknowledged.append(i)
                ddb.put_item(TableName="ledger", Item={"pk": {"S": f"put{i}"}})
                puts.append(i)
            except Exception:
                return

    writer = threading.Thread(target=write)
    writer.start()
    time.sleep(WRITE_FOR_S)
    server.kill()
    writer.join(timeout=10)
    assert acknowledged, "no write was acknowledged before the kill"

    restarted = start_server(tmp_path / "data")
    try:
        ddb = _client(restarted.endpoint)
        debit = ddb.get_item(TableName="ledger", Key={"pk": {"S": "debit"}})["Item"]
        credit = ddb.get_item(TableName="ledger", Key={"pk": {"S": "credit"}})["Item"]
        assert debit["n"] == credit["n"], "a transaction was half applied"
        assert int(debit["n"]["N"]) >= acknowledged[-1]
        for i in puts:
            assert "Item" in ddb.get_item(TableName="ledger", Key={"pk": {"S": f"put{i}"}})
    finally:
        restarted.stop()
