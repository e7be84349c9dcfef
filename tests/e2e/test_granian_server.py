"""`pocketcloud start --server granian` serves, and stops cleanly on SIGTERM and Ctrl-C."""

from __future__ import annotations

import importlib.util
import signal
from pathlib import Path

import boto3
import pytest
from tests.support import start_server

pytestmark = pytest.mark.skipif(importlib.util.find_spec("granian") is None,
                                reason="granian is not installed (pip install granian)")


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_granian_serves_and_stops_cleanly(tmp_path: Path, signum: int) -> None:
    server = start_server(tmp_path, "--server", "granian")
    try:
        sqs = boto3.client("sqs", region_name="us-east-1", endpoint_url=server.endpoint)
        url = sqs.create_queue(QueueName="granian")["QueueUrl"]
        sqs.send_message(QueueUrl=url, MessageBody="kept")
        server.process.send_signal(signum)
        assert server.process.wait(timeout=15) == 0
    finally:
        server.stop()
    again = start_server(tmp_path)
    try:
        sqs = boto3.client("sqs", region_name="us-east-1", endpoint_url=again.endpoint)
        url = sqs.get_queue_url(QueueName="granian")["QueueUrl"]
        bodies = [m["Body"] for m in sqs.receive_message(QueueUrl=url).get("Messages", [])]
        assert bodies == ["kept"]
    finally:
        again.stop()
