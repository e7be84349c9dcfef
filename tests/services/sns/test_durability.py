"""kill -9 under Publish load: every acknowledged publish reaches the subscribed queue."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config
from tests.support import Server, start_server

PUBLISHERS = 6
MIN_ACKNOWLEDGED = 200  # kill once this many publishes are acknowledged
RUN_BEFORE_KILL_S_MAX = 30.0  # however busy the machine is
DRAIN_TIMEOUT_S = 60.0


def client_for(server: Server, service: str) -> Any:
    return boto3.client(service, region_name="us-east-1", endpoint_url=server.endpoint,
                        aws_access_key_id="test", aws_secret_access_key="test",
                        config=Config(retries={"max_attempts": 1}, connect_timeout=2,
                                      read_timeout=5))


def test_kill_minus_nine_loses_no_acknowledged_publish(tmp_path: Path) -> None:
    server = start_server(tmp_path / "data")
    try:
        sns, sqs = client_for(server, "sns"), client_for(server, "sqs")
        topic = sns.create_topic(Name="durable")["TopicArn"]
        url = sqs.create_queue(QueueName="fanout")["QueueUrl"]
        queue_arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])[
            "Attributes"]["QueueArn"]
        sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn,
                      Attributes={"RawMessageDelivery": "true"})
        acknowledged: set[str] = set()
        stop = threading.Event()

        def publish(worker: int) -> None:
            client = client_for(server, "sns")
            n = 0
            while not stop.is_set():
                try:
                    if n % 4 == 0:
                        bodies = [f"{worker}-{n}-{i}" for i in range(5)]
                        reply = client.publish_batch(TopicArn=topic, PublishBatchRequestEntries=[
                            {"Id": str(i), "Message": body} for i, body in enumerate(bodies)])
                        acknowledged.update(bodies[int(s["Id"])] for s in reply["Successful"])
                    else:
                        body = f"{worker}-{n}"
                        client.publish(TopicArn=topic, Message=body)
                        acknowledged.add(body)
                except Exception:
                    return  # the server is gone
                n += 1

        threads = [threading.Thread(target=publish, args=(w,)) for w in range(PUBLISHERS)]
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + RUN_BEFORE_KILL_S_MAX
        while len(acknowledged) < MIN_ACKNOWLEDGED and time.monotonic() < deadline:
            time.sleep(0.01)
        server.kill()
        stop.set()
        for thread in threads:
            thread.join(timeout=10)
        assert len(acknowledged) > 50, "the load never got going"
    finally:
        server.stop()

    restarted = start_server(tmp_path / "data")
    try:
        sqs = client_for(restarted, "sqs")
        received: set[str] = set()
        deadline = time.monotonic() + DRAIN_TIMEOUT_S
        while not acknowledged <= received and time.monotonic() < deadline:
            reply = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1)
            for message in reply.get("Messages", []):
                received.add(message["Body"])
                sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
        missing = acknowledged - received
        assert not missing, f"{len(missing)} acknowledged publishes lost: {sorted(missing)[:5]}"
    finally:
        restarted.stop()
