"""Polling a DynamoDB stream for a mapping, in order, with AWS's error handling.

A batch (up to BatchSize records) is invoked; the position (a shard iterator, durable) moves
on only when the batch is done. On a function error the batch is retried, split in halves
first with BisectBatchOnFunctionError, until MaximumRetryAttempts (-1: until the records
expire); then a record describing the batch goes to the OnFailure destination and the
stream moves on. ReportBatchItemFailures checkpoints before the first failed record; AWS
counts such a partial failure as a failed attempt, so it uses up the retries too.
All through DynamoDB Streams' own operations (DescribeStream, GetShardIterator, GetRecords).
"""

from __future__ import annotations

import asyncio
import json
import logging
from datetime import UTC, datetime
from typing import Any

from pocketcloud.errors import AwsError
from pocketcloud.services import internal
from pocketcloud.services.events import outbox
from pocketcloud.services.lambda_.event_sources import invoking
from pocketcloud.services.lambda_.event_sources.schema import ready_store

log = logging.getLogger("pocketcloud.lambda.event_sources")

IDLE_POLL_S = 0.5  # AWS polls each shard about four times a second
RETRY_PAUSE_S = 0.5
RETRIES_PER_ROUND_MAX = 3  # with endless retries, the loop yields between rounds


class Stream:
    def __init__(self, cloud: Any, stream_arn: str) -> None:
        parts = stream_arn.split(":")
        self.cloud, self.arn, self.region, self.account_id = cloud, stream_arn, parts[3], \
            parts[4]
        self.shard_id = ""

    async def call(self, operation: str, params: dict[str, Any]) -> dict[str, Any]:
        return dict(await internal.acall(self.cloud, "dynamodbstreams", operation, params,
                                         account_id=self.account_id, region=self.region))

    async def shard(self) -> str:
        if not self.shard_id:
            described = await self.call("DescribeStream", {"StreamArn": self.arn})
            self.shard_id = str(described["StreamDescription"]["Shards"][0]["ShardId"])
        return self.shard_id

    async def iterator(self, kind: str, sequence: str | None = None) -> str:
        params = {"StreamArn": self.arn, "ShardId": await self.shard(),
                  "ShardIteratorType": kind}
        if sequence is not None:
            params["SequenceNumber"] = sequence
        return str((await self.call("GetShardIterator", params))["ShardIterator"])


def _save(cloud: Any, uuid: str, position: str | None, attempts: int,
          result: str | None = None) -> None:
    with ready_store(cloud.store).write() as tx:
        tx.execute("UPDATE lambda_event_source_mappings SET position = ?, attempts = ? WHERE "
                   "uuid = ?", (position, attempts, uuid))
        if result is not None:
            row = tx.fetchone("SELECT config FROM lambda_event_source_mappings WHERE uuid = ?",
                              (uuid,))
            if row:
                config = json.loads(row[0])
                config["LastProcessingResult"] = result
                tx.execute("UPDATE lambda_event_source_mappings SET config = ? WHERE uuid = ?",
                           (json.dumps(config), uuid))


def _position(cloud: Any, uuid: str) -> tuple[str | None, int]:
    with ready_store(cloud.store).read() as tx:
        row = tx.fetchone("SELECT position, attempts FROM lambda_event_source_mappings WHERE "
                          "uuid = ?", (uuid,))
    return (row[0], int(row[1])) if row else (None, 0)


async def poll(cloud: Any, uuid: str, load: Any) -> None:
    """One mapping's loop; `load(uuid)` gives the current config, or None once it must stop."""
    while True:
        config = load(uuid)
        if config is None:
            return
        stream = Stream(cloud, config["EventSourceArn"])
        try:
            busy = await _step(stream, uuid, config)
        except AwsError as error:
            log.info("reading %s failed: %s", stream.arn, error)
            busy = False
        if not busy:
            await asyncio.sleep(IDLE_POLL_S)


async def _step(stream: Stream, uuid: str, config: dict[str, Any]) -> bool:
    position, attempts = _position(stream.cloud, uuid)
    if position is None:
        position = await stream.iterator(config.get("StartingPosition", "LATEST"))
        _save(stream.cloud, uuid, position, 0)
    page = await stream.call("GetRecords", {"ShardIterator": position,
                                            "Limit": int(config.get("BatchSize", 100))})
    records = [_in_aws_order(r, stream.arn) for r in page.get("Records") or []]
    following = page.get("NextShardIterator") or position
    if not records:
        if following != position:
            _save(stream.cloud, uuid, following, 0)
        return False
    if _gathering(stream, config, records):
        return False
    await stream.shard()  # named in on-failure records
    records = invoking.kept(config, _expired(stream, config, records))
    if not records:  # every record filtered out: move on without invoking
        _save(stream.cloud, uuid, following, 0)
        return True
    outcome = await _process(stream, config, records, attempts)
    if outcome is None:  # still failing with retries left: same position, next round
        _save(stream.cloud, uuid, position, attempts + RETRIES_PER_ROUND_MAX)
        await asyncio.sleep(RETRY_PAUSE_S)
        return True
    if outcome:  # a checkpoint: a failed attempt, retried from the first failed record
        _save(stream.cloud, uuid, await stream.iterator("AT_SEQUENCE_NUMBER", outcome),
              attempts + 1, "PROBLEM: Function call failed")
        await asyncio.sleep(RETRY_PAUSE_S)
        return True
    _save(stream.cloud, uuid, following, 0, "OK")
    return True


_RECORD_ORDER = ("eventID", "eventName", "eventVersion", "eventSource", "awsRegion", "dynamodb")
_CHANGE_ORDER = ("ApproximateCreationDateTime", "Keys", "NewImage", "OldImage", "SequenceNumber",
                 "SizeBytes", "StreamViewType")


def _in_aws_order(record: dict[str, Any], stream_arn: str) -> dict[str, Any]:
    """A stream record with its members in the order AWS delivers them to a function."""
    change = record.get("dynamodb") or {}
    ordered = {k: record[k] for k in _RECORD_ORDER if k in record}
    ordered["dynamodb"] = {**{k: change[k] for k in _CHANGE_ORDER if k in change}, **change}
    return {**ordered, **record, "dynamodb": ordered["dynamodb"], "eventSourceARN": stream_arn}


async def _process(stream: Stream, config: dict[str, Any], records: list[dict[str, Any]],
                   attempts: int) -> str | None:
    """"" when the batch is done (succeeded, or sent to OnFailure), a sequence number to
    resume at, or None to retry the batch in a later round."""
    max_retries = int(config.get("MaximumRetryAttempts", -1))
    tried = attempts
    for _ in range(RETRIES_PER_ROUND_MAX):
        result = await invoking.invoke(stream.cloud, config["FunctionArn"],
                                       invoking.encode({"Records": records}))
        tried += 1
        if result.ok:
            checkpoint = _checkpoint(config, result, records)
            if checkpoint and max_retries != -1 and tried > max_retries:
                failed = [r for r in records if int(r["dynamodb"]["SequenceNumber"])
                          >= int(checkpoint)]
                _send_failure(stream, config, failed, result, tried)
                return ""
            if checkpoint is not None:
                return checkpoint
        elif config.get("BisectBatchOnFunctionError") and len(records) > 1 \
                and result.function_error:
            half = len(records) // 2
            first = await _process(stream, config, records[:half], tried)
            if first != "":
                return first
            return await _process(stream, config, records[half:], tried)
        if max_retries != -1 and tried > max_retries:
            _send_failure(stream, config, records, result, tried)
            return ""
        await asyncio.sleep(RETRY_PAUSE_S)
    return None


def _checkpoint(config: dict[str, Any], result: invoking.Result,
                records: list[dict[str, Any]]) -> str | None:
    """"" if every record succeeded; a sequence number to resume at; None if malformed."""
    if "ReportBatchItemFailures" not in (config.get("FunctionResponseTypes") or []):
        return ""
    sequences = [r["dynamodb"]["SequenceNumber"] for r in records]
    failed = invoking.reported_failures(result, sequences)
    if failed is None:
        return None
    return min(failed, key=int) if failed else ""


def _gathering(stream: Stream, config: dict[str, Any], records: list[dict[str, Any]]) -> bool:
    """Wait for more records while the batch is short and its first record is younger than
    MaximumBatchingWindowInSeconds (on the cloud clock)."""
    window_s = int(config.get("MaximumBatchingWindowInSeconds", 0))
    if not window_s or len(records) >= int(config.get("BatchSize", 100)):
        return False
    first_s = _created_s(records[0]["dynamodb"].get("ApproximateCreationDateTime"))
    return first_s != float("inf") and stream.cloud.clock.now() - first_s < window_s


def _expired(stream: Stream, config: dict[str, Any],
             records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Records older than MaximumRecordAgeInSeconds go to OnFailure unprocessed, as in AWS."""
    age_s = int(config.get("MaximumRecordAgeInSeconds", -1))
    if age_s == -1:
        return records
    oldest_s = stream.cloud.clock.now() - age_s
    expired: list[dict[str, Any]] = []
    fresh: list[dict[str, Any]] = []
    for record in records:
        created_s = _created_s(record["dynamodb"].get("ApproximateCreationDateTime"))
        (expired if created_s < oldest_s else fresh).append(record)
    if expired:
        _send_failure(stream, config, expired, invoking.Result(False), 0, "RecordAgeExceeded")
    return fresh


def _created_s(value: Any) -> float:
    if isinstance(value, datetime):
        return value.timestamp()
    return float(value) if isinstance(value, (int, float)) else float("inf")


def _send_failure(stream: Stream, config: dict[str, Any], records: list[dict[str, Any]],
                  result: invoking.Result, tried: int,
                  condition: str = "RetryAttemptsExhausted") -> None:
    target = ((config.get("DestinationConfig") or {}).get("OnFailure") or {}).get("Destination")
    if not target:
        log.warning("batch of %d records from %s dropped after %d attempts", len(records),
                    stream.arn, tried)
        return
    cloud = stream.cloud
    first, last = records[0]["dynamodb"], records[-1]["dynamodb"]
    record = {
        "requestContext": {"requestId": cloud.ids.uuid4(), "functionArn": config["FunctionArn"],
                           "condition": condition,
                           "approximateInvokeCount": tried},
        # A function that ran but answered a malformed batchItemFailures has no error.
        "responseContext": {"statusCode": 200, "executedVersion": result.executed_version,
                            "functionError": None if result.ok else
                            result.function_error or "Unhandled"},
        "version": "1.0",
        "timestamp": _iso(cloud.clock.now()),
        "DDBStreamBatchInfo": {
            "shardId": stream.shard_id, "startSequenceNumber": first["SequenceNumber"],
            "endSequenceNumber": last["SequenceNumber"],
            "approximateArrivalOfFirstRecord": _iso(first.get("ApproximateCreationDateTime"),
                                                    "seconds"),
            "approximateArrivalOfLastRecord": _iso(last.get("ApproximateCreationDateTime"),
                                                   "seconds"),
            "batchSize": len(records), "streamArn": stream.arn},
    }
    parts = target.split(":")
    with outbox.store(cloud).write() as tx:
        outbox.enqueue(tx, cloud, [outbox.Delivery(
            parts[4], parts[3], {"Arn": target}, json.dumps(record), "lambda.amazonaws.com",
            config["EventSourceMappingArn"])])
    outbox.wake(cloud)


def _iso(value: Any, timespec: str = "milliseconds") -> str:
    """AWS stamps the failure record in milliseconds and the records' arrivals in seconds."""
    if isinstance(value, datetime):
        value = value.timestamp()
    if not isinstance(value, (int, float)):
        return ""
    return datetime.fromtimestamp(value, UTC).isoformat(timespec=timespec).replace(
        "+00:00", "Z")
