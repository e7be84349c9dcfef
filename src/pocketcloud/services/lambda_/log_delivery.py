"""Each invocation's output, sent to CloudWatch Logs as Lambda sends it: one event per line
(INIT_START, the function's output, START, END, REPORT) in the function's log group
(``/aws/lambda/<name>`` unless LoggingConfig names another) and the worker's log stream.

Off the invoke path: lines wait in a bounded buffer that a background job drains through the
logs service's own operations (CreateLogGroup, CreateLogStream, PutLogEvents), never its tables.
"""

from __future__ import annotations

import logging
from collections import deque
from dataclasses import dataclass, field

from pocketcloud.cloud import Cloud
from pocketcloud.errors import AwsError
from pocketcloud.services.internal import acall

log = logging.getLogger("pocketcloud.lambda.logs")

JOB_NAME = "lambda-logs"
FLUSH_INTERVAL_S = 1.0
MAX_BUFFERED_EVENTS = 100_000  # beyond this the oldest lines are dropped (and counted)
FLUSH_EARLY_EVENTS = 5_000  # this many waiting lines wake the job before its interval
MAX_BATCH_EVENTS = 10_000
MAX_BATCH_BYTES = 1_048_576
EVENT_OVERHEAD_BYTES = 26
MAX_MESSAGE_BYTES = 256 * 1024 - EVENT_OVERHEAD_BYTES
MAX_BATCH_SPAN_MS = 24 * 3600 * 1000 - 1


@dataclass
class _Buffer:
    lines: deque[tuple[tuple[str, str, str, str], int, str]] = field(default_factory=deque)
    known: set[tuple[str, str, str, str]] = field(default_factory=set)  # groups/streams made
    dropped: int = 0


_buffers: dict[int, _Buffer] = {}


def _buffer(cloud: Cloud) -> _Buffer:
    found = _buffers.get(id(cloud))
    if found is None:
        found = _buffers[id(cloud)] = _Buffer()
    return found


def deliver(cloud: Cloud, account_id: str, region: str, group: str, stream: str,
            text: str) -> None:
    """Queue an invocation's log text; the background job sends it shortly."""
    if not text or not stream:
        return
    buffer = _buffer(cloud)
    now_ms = int(cloud.clock.now() * 1000)
    key = (account_id, region, group, stream)
    for line in text.split("\n"):
        if line:
            buffer.lines.append((key, now_ms, _clip(line)))
    while len(buffer.lines) > MAX_BUFFERED_EVENTS:
        buffer.lines.popleft()
        buffer.dropped += 1
    if len(buffer.lines) >= FLUSH_EARLY_EVENTS:  # else the next interval sends them, batched
        cloud.background.wake(JOB_NAME)


async def flush(cloud: Cloud) -> None:
    """Send every buffered line (the background job's tick; also run at shutdown)."""
    buffer = _buffer(cloud)
    if buffer.dropped:
        log.warning("dropped %d Lambda log lines: CloudWatch Logs fell behind", buffer.dropped)
        buffer.dropped = 0
    by_stream: dict[tuple[str, str, str, str], list[dict[str, object]]] = {}
    while buffer.lines:
        key, stamp, message = buffer.lines.popleft()
        by_stream.setdefault(key, []).append({"timestamp": stamp, "message": message})
    for key, events in by_stream.items():
        try:
            await _send(cloud, buffer, key, events)
        except AwsError as error:
            log.warning("Lambda logs for %s/%s not delivered: %s", key[2], key[3], error)


async def _send(cloud: Cloud, buffer: _Buffer, key: tuple[str, str, str, str],
                events: list[dict[str, object]]) -> None:
    account_id, region, group, stream = key
    for batch in _batches(events):
        params = {"logGroupName": group, "logStreamName": stream, "logEvents": batch}
        if key not in buffer.known:
            await _make_stream(cloud, key)
            buffer.known.add(key)
        try:
            await acall(cloud, "logs", "PutLogEvents", params, account_id=account_id,
                        region=region)
        except AwsError as error:
            if error.code != "ResourceNotFoundException":
                raise
            await _make_stream(cloud, key)  # the group or stream was deleted meanwhile
            await acall(cloud, "logs", "PutLogEvents", params, account_id=account_id,
                        region=region)


async def _make_stream(cloud: Cloud, key: tuple[str, str, str, str]) -> None:
    account_id, region, group, stream = key
    await _create(cloud, "CreateLogGroup", {"logGroupName": group}, account_id, region)
    await _create(cloud, "CreateLogStream", {"logGroupName": group, "logStreamName": stream},
                  account_id, region)


async def _create(cloud: Cloud, operation: str, params: dict[str, object], account_id: str,
                  region: str) -> None:
    try:
        await acall(cloud, "logs", operation, params, account_id=account_id, region=region)
    except AwsError as error:
        if error.code != "ResourceAlreadyExistsException":
            raise


def _batches(events: list[dict[str, object]]) -> list[list[dict[str, object]]]:
    """PutLogEvents-sized, chronological batches (events of one stream, in arrival order)."""
    events.sort(key=lambda e: int(str(e["timestamp"])))
    batches: list[list[dict[str, object]]] = [[]]
    size = 0
    for event in events:
        current = batches[-1]
        event_bytes = len(str(event["message"]).encode()) + EVENT_OVERHEAD_BYTES
        too_long = current and int(str(event["timestamp"])) - int(
            str(current[0]["timestamp"])) > MAX_BATCH_SPAN_MS
        if current and (len(current) >= MAX_BATCH_EVENTS or size + event_bytes > MAX_BATCH_BYTES
                        or too_long):
            batches.append([])
            size = 0
        batches[-1].append(event)
        size += event_bytes
    return [batch for batch in batches if batch]


def _clip(line: str) -> str:
    data = line.encode("utf-8")
    if len(data) <= MAX_MESSAGE_BYTES:
        return line
    return data[:MAX_MESSAGE_BYTES].decode("utf-8", errors="ignore")
