"""kill -9 under load: every acknowledged SendMessage survives, no deleted message returns."""

from __future__ import annotations

import signal
import threading
import time
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config
from tests.support import Server, start_server

SENDERS = 6
MIN_ACKNOWLEDGED = 60  # kill once this many sends are acknowledged and some deletes done
RUN_BEFORE_KILL_S_MAX = 30.0  # however busy the machine is


def sqs_client(server: Server) -> Any:
    return boto3.client("sqs", region_name="us-east-1", endpoint_url=server.endpoint,
                        aws_access_key_id="test", aws_secret_access_key="test",
                        config=Config(retries={"max_attempts": 1}, connect_timeout=2,
                                      read_timeout=5))


def test_kill_minus_nine_loses_no_acknowledged_message(tmp_path: Path) -> None:
    server = start_server(tmp_path / "data")
    try:
        url = sqs_client(server).create_queue(QueueName="durable")["QueueUrl"]
        acknowledged: set[str] = set()
        deleted: set[str] = set()
        stop = threading.Event()

        def produce(worker: int) -> None:
            sqs = sqs_client(server)
            n = 0
            while not stop.is_set():
                try:
                    if n % 3 == 0:
                        reply = sqs.send_message_batch(QueueUrl=url, Entries=[
                            {"Id": str(i), "MessageBody": f"{worker}-{n}-{i}"}
                            for i in range(5)])
                        acknowledged.update(e["MessageId"] for e in reply["Successful"])
                    else:
                        acknowledged.add(sqs.send_message(
                            QueueUrl=url, MessageBody=f"{worker}-{n}")["MessageId"])
                except Exception:
                    return  # the server is gone
                n += 1

        def consume() -> None:
            sqs = sqs_client(server)
            while not stop.is_set():
                try:
                    reply = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10,
                                                VisibilityTimeout=1)
                    for message in reply.get("Messages", []):
                        sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
                        deleted.add(message["MessageId"])
                except Exception:
                    return

        threads = [threading.Thread(target=produce, args=(w,)) for w in range(SENDERS)]
        threads.append(threading.Thread(target=consume))
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + RUN_BEFORE_KILL_S_MAX
        while ((len(acknowledged) < MIN_ACKNOWLEDGED or not deleted)
               and time.monotonic() < deadline):
            time.sleep(0.01)
        server.kill(signal.SIGKILL)
        stop.set()
        for thread in threads:
            thread.join(timeout=10)
        assert len(acknowledged) > 50 and deleted
    finally:
        server.stop()

    restarted = start_server(tmp_path / "data")
    try:
        sqs = sqs_client(restarted)
        found: set[str] = set()
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:  # in-flight messages reappear after 1 s
            reply = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10,
                                        WaitTimeSeconds=2, VisibilityTimeout=60)
            messages = reply.get("Messages", [])
            if not messages and acknowledged - deleted <= found:
                break
            found.update(m["MessageId"] for m in messages)
        assert acknowledged - deleted <= found, "acknowledged messages were lost"
        assert not found & deleted, "deleted messages came back"
    finally:
        restarted.stop()
