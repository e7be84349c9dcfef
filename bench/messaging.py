"""SQS and SNS under load: pocketcloud against moto's server, same requests, same run.

Workloads (each on a freshly started server, set up with boto3, then wrk replaying one
botocore-signed request):
  sqs-send            SendMessage (JSON protocol, as current SDKs send it)
  sqs-send-batch      SendMessageBatch of 10 (requests/s; messages/s is 10x)
  sqs-receive         ReceiveMessage of 1 with VisibilityTimeout 0 on a filled queue
  sqs-receive-batch   ReceiveMessage of up to 10, same
  sns-publish         Publish to a topic with one SQS subscription (raw delivery); after the
                      load, the time until every acknowledged publish is in the queue
  sns-publish-envelope  the same with AWS's signed JSON envelope (one RSA signature each)
Long-poll wake-up: a ReceiveMessage waiting (WaitTimeSeconds=20) on an empty queue, a
SendMessage from another connection; the time from sending to the waiting receive's answer.
"""

from __future__ import annotations

import http.client
import json
import statistics
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import boto3
from botocore.config import Config

from bench import servers
from bench.startup import sts_probe
from bench.throughput import LoadOptions, Measurement, Run
from bench.wrk import HOST, SignedRequest, run_load, signed_call

FILL_MESSAGES = 200
DRAIN_TIMEOUT_S = 120.0
WAKEUP_ROUNDS = 50
WAKEUP_TIMEOUT_S = 25.0


@dataclass
class Extra:
    """What a workload reports beyond req/s: SNS end-to-end delivery."""

    delivered_in_s: float | None = None
    published: int = 0


Setup = Callable[[int], tuple[str, str, dict[str, Any], Callable[[], int] | None]]


def _client(port: int, service: str) -> Any:
    return boto3.client(service, region_name="us-east-1", endpoint_url=f"http://{HOST}:{port}",
                        aws_access_key_id="AKIAIOSFODNN7EXAMPLE",
                        aws_secret_access_key="bench-secret",
                        config=Config(retries={"max_attempts": 2}, read_timeout=60))


def _queue(port: int, name: str, fill: int = 0) -> str:
    sqs = _client(port, "sqs")
    url = str(sqs.create_queue(QueueName=name)["QueueUrl"])
    for start in range(0, fill, 10):
        sqs.send_message_batch(QueueUrl=url, Entries=[
            {"Id": str(i), "MessageBody": f"message {start + i}"} for i in range(10)])
    return url


def _depth(port: int, url: str) -> int:
    attributes = _client(port, "sqs").get_queue_attributes(
        QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages",
                                      "ApproximateNumberOfMessagesNotVisible"])["Attributes"]
    return int(attributes["ApproximateNumberOfMessages"]) + int(
        attributes["ApproximateNumberOfMessagesNotVisible"])


def setup_send(port: int) -> tuple[str, str, dict[str, Any], None]:
    url = _queue(port, "bench-send")
    return "sqs", "send_message", {"QueueUrl": url, "MessageBody": "x" * 200}, None


def setup_send_batch(port: int) -> tuple[str, str, dict[str, Any], None]:
    url = _queue(port, "bench-send-batch")
    entries = [{"Id": str(i), "MessageBody": "x" * 200} for i in range(10)]
    return "sqs", "send_message_batch", {"QueueUrl": url, "Entries": entries}, None


def setup_receive(count: int) -> Setup:
    def setup(port: int) -> tuple[str, str, dict[str, Any], None]:
        url = _queue(port, "bench-receive", FILL_MESSAGES)
        return "sqs", "receive_message", {"QueueUrl": url, "MaxNumberOfMessages": count,
                                          "VisibilityTimeout": 0}, None

    return setup


def setup_publish(raw: bool) -> Setup:
    def setup(port: int) -> tuple[str, str, dict[str, Any], Callable[[], int]]:
        return _publish_setup(port, raw)

    return setup


def _publish_setup(port: int, raw: bool) -> tuple[str, str, dict[str, Any], Callable[[], int]]:
    sns, sqs = _client(port, "sns"), _client(port, "sqs")
    url = _queue(port, "bench-fanout")
    queue_arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])[
        "Attributes"]["QueueArn"]
    topic = sns.create_topic(Name="bench-topic")["TopicArn"]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn,
                  Attributes={"RawMessageDelivery": "true" if raw else "false"})
    return "sns", "publish", {"TopicArn": topic, "Message": "x" * 200}, lambda: _depth(port, url)


WORKLOADS: dict[str, Setup] = {
    "sqs-send": setup_send,
    "sqs-send-batch": setup_send_batch,
    "sqs-receive": setup_receive(1),
    "sqs-receive-batch": setup_receive(10),
    "sns-publish": setup_publish(raw=True),
    "sns-publish-envelope": setup_publish(raw=False),
}


def measure_once(peer: servers.Peer, setup: Setup, options: LoadOptions) -> tuple[Run, Extra]:
    with servers.running(peer, sts_probe()) as server:
        service, method, params, depth = setup(server.port)
        request = signed_call(server.port, service, method, params)
        load_args = (options.connections, options.threads)
        if options.quiet_wait_s:
            servers.wait_until_quiet(options.quiet_wait_s)
        warm = run_load(server.port, request, options.warmup_s, *load_args)
        cpu_before_s, machine_before_s = servers.cpu_seconds(server.pid), servers.machine_busy_s()
        load = run_load(server.port, request, options.duration_s, *load_args)
        server_cpu_s = servers.cpu_seconds(server.pid) - cpu_before_s
        machine_s = servers.machine_busy_s() - machine_before_s
        extra = Extra()
        if depth is not None:
            extra.published = warm.requests + load.requests - warm.non_2xx - load.non_2xx
            extra.delivered_in_s = _drained_in_s(depth, extra.published)
        if not server.alive():
            raise RuntimeError(f"{peer.name} died under load: {server.last_log_line()}")
        other_cores = max(0.0, machine_s - server_cpu_s - load.wrk_cpu_s) / load.duration_s
        return Run(load, server_cpu_s, servers.peak_rss_mb(server.pid), other_cores), extra


def _drained_in_s(depth: Callable[[], int], published: int) -> float | None:
    """Seconds after the load ended until the queue held every acknowledged publish."""
    started = time.monotonic()
    while time.monotonic() - started < DRAIN_TIMEOUT_S:
        if depth() >= published:
            return time.monotonic() - started
        time.sleep(0.05)
    return None


def measure_messaging(peers: list[servers.Peer], names: list[str], options: LoadOptions,
                      progress: Callable[[str], None]) -> tuple[list[Measurement],
                                                                dict[tuple[str, str], Extra]]:
    results = [Measurement(name, peer.name) for name in names for peer in peers]
    extras: dict[tuple[str, str], Extra] = {}
    for round_index in range(options.repeat):
        for result in results:
            if result.error:
                continue
            peer = next(p for p in peers if p.name == result.peer)
            progress(f"round {round_index + 1}/{options.repeat}: {result.workload}, {peer.name}")
            try:
                run, extra = measure_once(peer, WORKLOADS[result.workload], options)
            except Exception as error:  # a failed peer is a row, not a crashed benchmark
                result.error = str(error).splitlines()[0] if str(error) else repr(error)
                progress(f"failed: {result.error}")
                continue
            result.runs.append(run)
            extras[(result.workload, result.peer)] = extra
    return results, extras


# -- long-poll wake-up ---------------------------------------------------------------------------

def _post(connection: http.client.HTTPConnection, request: SignedRequest) -> bytes:
    connection.request(request.method, "/", body=request.body, headers=request.headers)
    response = connection.getresponse()
    body = response.read()
    if response.status != 200:
        raise RuntimeError(f"HTTP {response.status}: {body[:200]!r}")
    return body


def measure_wakeup(peer: servers.Peer, rounds: int = WAKEUP_ROUNDS) -> list[float]:
    """Milliseconds from starting a SendMessage to the waiting ReceiveMessage's answer."""
    with servers.running(peer, sts_probe()) as server:
        url = _queue(server.port, "bench-wakeup")
        receive = signed_call(server.port, "sqs", "receive_message",
                              {"QueueUrl": url, "WaitTimeSeconds": 20,
                               "MaxNumberOfMessages": 1, "VisibilityTimeout": 0})
        send = signed_call(server.port, "sqs", "send_message",
                           {"QueueUrl": url, "MessageBody": "wake"})
        purge = _client(server.port, "sqs")
        latencies_ms: list[float] = []
        for _ in range(rounds):
            answered: dict[str, float] = {}
            waiter = threading.Thread(target=_wait_for_message,
                                      args=(server.port, receive, answered))
            waiter.start()
            time.sleep(0.2)  # the receive is parked on the server by now
            sent_at = time.perf_counter()
            _post(http.client.HTTPConnection(HOST, server.port, timeout=30), send)
            waiter.join(WAKEUP_TIMEOUT_S)
            if "at" in answered:
                latencies_ms.append((answered["at"] - sent_at) * 1000)
            _drain(purge, url)
        return latencies_ms


def _wait_for_message(port: int, request: SignedRequest, answered: dict[str, float]) -> None:
    connection = http.client.HTTPConnection(HOST, port, timeout=WAKEUP_TIMEOUT_S)
    body = _post(connection, request)
    if b"wake" in body:
        answered["at"] = time.perf_counter()


def _drain(sqs: Any, url: str) -> None:
    while True:
        messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
        if not messages:
            return
        for message in messages:
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])


def wakeup_summary(latencies_ms: list[float]) -> dict[str, Any]:
    if not latencies_ms:
        return {"rounds": 0}
    ordered = sorted(latencies_ms)
    return {"rounds": len(ordered), "median_ms": statistics.median(ordered),
            "p90_ms": ordered[int(0.9 * (len(ordered) - 1))], "max_ms": ordered[-1]}


def as_json(value: Any) -> str:
    return json.dumps(value, indent=2)
