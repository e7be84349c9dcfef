"""Polling an SQS queue for a mapping: long-poll, batch, invoke, delete what succeeded.

As in AWS: a batch is up to BatchSize messages gathered within MaximumBatchingWindowInSeconds;
if the function succeeds, every message is deleted; if it fails, none is, and each returns to
the queue when its visibility timeout ends (the queue's redrive policy then applies). With
ReportBatchItemFailures, only the messages the function names stay; a malformed answer
fails the whole batch. All through SQS's own operations (ReceiveMessage, DeleteMessageBatch).
"""

from __future__ import annotations

import asyncio
import base64
import logging
from typing import Any

from pocketcloud.errors import AwsError
from pocketcloud.services import internal
from pocketcloud.services.lambda_.event_sources import invoking

log = logging.getLogger("pocketcloud.lambda.event_sources")

RECEIVE_MAX = 10  # SQS's per-receive limit
LONG_POLL_S = 5  # short enough that a disabled mapping lets go quickly
ERROR_PAUSE_S = 1.0


class Queue:
    def __init__(self, cloud: Any, queue_arn: str) -> None:
        _, _, _, self.region, self.account_id, self.name = queue_arn.split(":", 5)
        self.cloud, self.arn = cloud, queue_arn
        self.url = f"https://sqs.{self.region}.amazonaws.com/{self.account_id}/{self.name}"

    async def call(self, operation: str, params: dict[str, Any]) -> dict[str, Any]:
        result = await internal.acall(self.cloud, "sqs", operation,
                                      {"QueueUrl": self.url, **params},
                                      account_id=self.account_id, region=self.region)
        return dict(result or {})


async def gather_batch(queue: Queue, config: dict[str, Any]) -> list[dict[str, Any]]:
    batch_size = int(config.get("BatchSize", 10))
    window_s = float(config.get("MaximumBatchingWindowInSeconds", 0))
    loop = asyncio.get_running_loop()
    messages: list[dict[str, Any]] = []
    size = 0
    deadline: float | None = None
    while len(messages) < batch_size:
        wait_s = LONG_POLL_S if deadline is None else max(0.0, deadline - loop.time())
        found = (await queue.call("ReceiveMessage", {
            "MaxNumberOfMessages": min(RECEIVE_MAX, batch_size - len(messages)),
            "WaitTimeSeconds": int(wait_s), "MessageSystemAttributeNames": ["All"],
            "MessageAttributeNames": ["All"]})).get("Messages") or []
        for message in found:
            size += len(message.get("Body", "")) + 512
            if size > invoking.PAYLOAD_BYTES_MAX - 1024:
                await _release(queue, [message])  # over one invocation's payload: next batch
            else:
                messages.append(message)
        if not messages:
            return []
        if deadline is None:
            deadline = loop.time() + window_s
        if window_s == 0 or loop.time() >= deadline or size > invoking.PAYLOAD_BYTES_MAX // 2:
            break
    return messages


async def _release(queue: Queue, messages: list[dict[str, Any]]) -> None:
    """Make messages visible again at once (the mapping stopped or the batch is full)."""
    for start in range(0, len(messages), RECEIVE_MAX):
        chunk = messages[start:start + RECEIVE_MAX]
        try:
            await queue.call("ChangeMessageVisibilityBatch", {"Entries": [
                {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"], "VisibilityTimeout": 0}
                for i, m in enumerate(chunk)]})
        except AwsError as error:
            log.info("could not release messages on %s: %s", queue.arn, error)


def sqs_event(queue: Queue, messages: list[dict[str, Any]],
              window_s: float = 0) -> dict[str, Any]:
    return {"Records": [_record(queue, m, window_s) for m in messages]}


# The order AWS lists a record's system attributes in; any others follow.
_ATTRIBUTE_ORDER = ("ApproximateReceiveCount", "SentTimestamp", "SenderId",
                    "ApproximateFirstReceiveTimestamp")


def _record(queue: Queue, message: dict[str, Any], window_s: float) -> dict[str, Any]:
    attributes = message.get("Attributes") or {}
    ordered = {k: attributes[k] for k in _ATTRIBUTE_ORDER if k in attributes}
    record: dict[str, Any] = {
        "messageId": message["MessageId"], "receiptHandle": message["ReceiptHandle"],
        "body": message.get("Body", ""), "attributes": {**ordered, **attributes},
        "messageAttributes": {k: _attribute(v) for k, v in
                              (message.get("MessageAttributes") or {}).items()},
    }
    # Recorded AWS events carry md5OfMessageAttributes: null for attribute-less messages
    # when the mapping batches over a window, and leave the key out when it does not.
    if message.get("MD5OfMessageAttributes") or window_s > 0:
        record["md5OfMessageAttributes"] = message.get("MD5OfMessageAttributes")
    record.update({"md5OfBody": message.get("MD5OfBody"), "eventSource": "aws:sqs",
                   "eventSourceARN": queue.arn, "awsRegion": queue.region})
    return record


def _attribute(value: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    if "StringValue" in value:
        found["stringValue"] = value["StringValue"]
    if "BinaryValue" in value:
        found["binaryValue"] = base64.b64encode(bytes(value["BinaryValue"])).decode()
    found.update({"stringListValues": [], "binaryListValues": [],
                  "dataType": value.get("DataType")})
    return found


async def run_batch(queue: Queue, config: dict[str, Any],
                    messages: list[dict[str, Any]]) -> None:
    event = sqs_event(queue, messages, float(config.get("MaximumBatchingWindowInSeconds", 0)))
    records = invoking.kept(config, event["Records"], "body")
    if len(records) < len(messages):  # filtered-out messages are deleted, as in AWS
        chosen = {r["messageId"] for r in records}
        await _delete(queue, [m for m in messages if m["MessageId"] not in chosen])
        messages = [m for m in messages if m["MessageId"] in chosen]
        if not messages:
            return
        event = {"Records": records}
    payload = invoking.encode(event)
    result = await invoking.invoke(queue.cloud, config["FunctionArn"], payload)
    if not result.ok:
        if result.error:  # not run at all (throttled...): back to the queue at once
            await _release(queue, messages)
            await asyncio.sleep(ERROR_PAUSE_S)
        return  # a function error: the messages return after their visibility timeout
    done = messages
    if "ReportBatchItemFailures" in (config.get("FunctionResponseTypes") or []):
        failed = invoking.reported_failures(result, [m["MessageId"] for m in messages])
        if failed is None:
            log.info("malformed batchItemFailures from %s: whole batch failed",
                     config["FunctionArn"])
            return
        done = [m for m in messages if m["MessageId"] not in set(failed)]
    await _delete(queue, done)


async def _delete(queue: Queue, messages: list[dict[str, Any]]) -> None:
    for start in range(0, len(messages), RECEIVE_MAX):
        chunk = messages[start:start + RECEIVE_MAX]
        try:
            await queue.call("DeleteMessageBatch", {"Entries": [
                {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]}
                for i, m in enumerate(chunk)]})
        except AwsError as error:
            log.warning("could not delete processed messages on %s: %s", queue.arn, error)


async def poll(cloud: Any, uuid: str, load: Any) -> None:
    """One poller's loop; `load(uuid)` gives the current config, or None once it must stop."""
    while True:
        config = load(uuid)
        if config is None:
            return
        queue = Queue(cloud, config["EventSourceArn"])
        try:
            messages = await gather_batch(queue, config)
        except AwsError as error:
            log.info("receive from %s failed: %s", config["EventSourceArn"], error)
            await asyncio.sleep(ERROR_PAUSE_S)
            continue
        if not messages:
            continue
        if load(uuid) is None:
            await _release(queue, messages)
            return
        await run_batch(queue, config, messages)

