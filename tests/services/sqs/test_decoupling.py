"""AWS's decoupling story, for real: the consumer process goes down, the producer keeps
sending (retrying some sends, as producers do), the consumer comes back and drains every
message exactly once, in order within each group."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

CONSUMER = Path(__file__).with_name("consumer.py")
GROUPS = ("orders", "refunds")


def start_consumer(endpoint: str, url: str, out: Path, *extra: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, str(CONSUMER), "--endpoint", endpoint,
                             "--queue-url", url, "--out", str(out), *extra])


def send(sqs: Any, url: str, numbers: range) -> None:
    for n in numbers:
        group = GROUPS[n % 2]
        entry = {"QueueUrl": url, "MessageBody": f"{n}", "MessageGroupId": group,
                 "MessageDeduplicationId": f"event-{n}"}
        sqs.send_message(**entry)
        if n % 5 == 0:
            sqs.send_message(**entry)  # a retried send: deduplicated by the queue


def test_consumer_down_producer_continues_nothing_lost(
    sqs: Any, endpoint: str, unique: Callable[[str], str], tmp_path: Path
) -> None:
    url = sqs.create_queue(QueueName=unique("decouple") + ".fifo",
                           Attributes={"FifoQueue": "true"})["QueueUrl"]
    out = tmp_path / "handled.txt"
    send(sqs, url, range(0, 20))
    first = start_consumer(endpoint, url, out, "--max", "8")
    assert first.wait(timeout=60) == 0  # the consumer goes down after 8 messages

    send(sqs, url, range(20, 60))  # the producer never noticed
    backlog = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=[
        "ApproximateNumberOfMessages"])["Attributes"]["ApproximateNumberOfMessages"]
    assert backlog == "52"

    second = start_consumer(endpoint, url, out, "--idle-s", "1.5")
    assert second.wait(timeout=60) == 0
    lines = out.read_text().splitlines()
    handled = [int(line.split()[1]) for line in lines]
    assert sorted(handled) == list(range(60))  # each exactly once
    for group in GROUPS:
        in_group = [int(line.split()[1]) for line in lines if line.startswith(group + " ")]
        assert in_group == sorted(in_group)
