"""Queues: names, URLs, the durable rows and an in-memory cache of their metadata.

The cache is keyed by (account, region, name) and is the truth for this process: every
change goes through `QueueBook`, which writes the row and refreshes its entry.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from pocketcloud.arns import arn
from pocketcloud.context import RequestContext
from pocketcloud.errors import AwsError
from pocketcloud.store import Store

MAX_QUEUE_NAME_LENGTH = 80
_NAME = re.compile(r"[A-Za-z0-9_-]{1,80}")
_ACCOUNT = re.compile(r"\d{12}")
_COLUMNS = "queue_key, account_id, region, name, attributes, tags, created_s, modified_s, purged_s"


@dataclass
class Queue:
    key: int
    account_id: str
    region: str
    name: str
    attributes: dict[str, str]
    tags: dict[str, str]
    created_s: float
    modified_s: float
    purged_s: float
    arn: str = ""
    fifo: bool = False
    visibility_timeout_s: int = 30
    delay_s: int = 0
    retention_s: int = 345_600
    maximum_message_size: int = 1_048_576
    wait_time_s: int = 0
    content_based_deduplication: bool = False
    deduplication_per_group: bool = False
    dead_letter_target_arn: str | None = None
    max_receive_count: int = 0
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.arn = arn("sqs", self.region, self.account_id, self.name)
        self.refresh()

    def refresh(self) -> None:
        """Derive the typed settings the hot paths use from the attribute strings."""
        a = self.attributes
        self.fifo = a.get("FifoQueue") == "true"
        self.visibility_timeout_s = int(a["VisibilityTimeout"])
        self.delay_s = int(a["DelaySeconds"])
        self.retention_s = int(a["MessageRetentionPeriod"])
        self.maximum_message_size = int(a["MaximumMessageSize"])
        self.wait_time_s = int(a["ReceiveMessageWaitTimeSeconds"])
        self.content_based_deduplication = a.get("ContentBasedDeduplication") == "true"
        self.deduplication_per_group = a.get("DeduplicationScope") == "messageGroup"
        redrive = json.loads(a["RedrivePolicy"]) if a.get("RedrivePolicy") else None
        self.dead_letter_target_arn = redrive["deadLetterTargetArn"] if redrive else None
        self.max_receive_count = int(redrive["maxReceiveCount"]) if redrive else 0


def valid_queue_name(name: str, fifo: bool) -> str:
    base = name[: -len(".fifo")] if name.endswith(".fifo") else name
    if fifo != name.endswith(".fifo") or not _NAME.fullmatch(base) or len(name) > 80:
        if fifo or name.endswith(".fifo"):
            raise AwsError(
                "InvalidParameterValue",
                "The name of a FIFO queue can only include alphanumeric characters, hyphens, "
                "or underscores, must end with .fifo suffix and be 1 to 80 in length.",
            )
        raise AwsError(
            "InvalidParameterValue",
            "Can only include alphanumeric characters, hyphens, or underscores. "
            "1 to 80 in length",
        )
    return name


def queue_url(ctx: RequestContext, account_id: str, name: str) -> str:
    """A URL the caller can use again: the Host it reached us through, then account/name."""
    host = ctx.request.host if ctx.request is not None and ctx.request.host else ""
    if not host:
        return f"https://sqs.{ctx.region}.amazonaws.com/{account_id}/{name}"
    scheme = "https" if host.endswith(".amazonaws.com") else "http"
    return f"{scheme}://{host}/{account_id}/{name}"


def parse_queue_url(url: str) -> tuple[str, str]:
    """(account, name) from AWS-, LocalStack- or pocketcloud-shaped queue URLs."""
    path = urlsplit(url).path if "://" in url else url
    parts = [part for part in path.split("/") if part]
    if len(parts) < 2 or not _ACCOUNT.fullmatch(parts[-2]):
        raise AwsError("InvalidAddress", f"The address {url} is not valid for this endpoint.")
    return parts[-2], parts[-1]


def parse_queue_arn(queue_arn: str) -> tuple[str, str, str] | None:
    """(region, account, name) of an SQS queue ARN, or None if it is not one."""
    parts = queue_arn.split(":")
    if len(parts) != 6 or parts[0] != "arn" or parts[2] != "sqs":
        return None
    return parts[3], parts[4], parts[5]


class QueueBook:
    """The queues of one store, cached; every read and write of a queue row goes here."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._cache: dict[tuple[str, str, str], Queue] = {}

    def get(self, account_id: str, region: str, name: str) -> Queue | None:
        key = (account_id, region, name)
        queue = self._cache.get(key)
        if queue is None:
            with self.store.read() as tx:
                row = tx.fetchone(
                    f"SELECT {_COLUMNS} FROM sqs_queues "
                    "WHERE account_id = ? AND region = ? AND name = ?",
                    key,
                )
            if row is None:
                return None
            queue = _from_row(row)
            self._cache[key] = queue
        return queue

    def by_arn(self, queue_arn: str) -> Queue | None:
        parsed = parse_queue_arn(queue_arn)
        return self.get(parsed[1], parsed[0], parsed[2]) if parsed else None

    def create(
        self, account_id: str, region: str, name: str, attributes: dict[str, str],
        tags: dict[str, str], now_s: float,
    ) -> Queue:
        with self.store.write() as tx:
            row = tx.fetchone(
                "INSERT INTO sqs_queues (account_id, region, name, attributes, tags, created_s,"
                " modified_s) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING queue_key",
                (account_id, region, name, json.dumps(attributes), json.dumps(tags), now_s, now_s),
            )
        assert row is not None
        queue = Queue(int(row[0]), account_id, region, name, attributes, tags, now_s, now_s, 0.0)
        self._cache[(account_id, region, name)] = queue
        return queue

    def save(self, queue: Queue, now_s: float, *, modified: bool = True) -> None:
        if modified:
            queue.modified_s = now_s
        with self.store.write() as tx:
            tx.execute(
                "UPDATE sqs_queues SET attributes = ?, tags = ?, modified_s = ?, purged_s = ? "
                "WHERE queue_key = ?",
                (json.dumps(queue.attributes), json.dumps(queue.tags), queue.modified_s,
                 queue.purged_s, queue.key),
            )
        queue.refresh()

    def delete(self, queue: Queue) -> None:
        with self.store.write() as tx:
            tx.execute("DELETE FROM sqs_messages WHERE queue_key = ?", (queue.key,))
            tx.execute("DELETE FROM sqs_deduplication WHERE queue_key = ?", (queue.key,))
            tx.execute("DELETE FROM sqs_queues WHERE queue_key = ?", (queue.key,))
        self._cache.pop((queue.account_id, queue.region, queue.name), None)

    def names(self, account_id: str, region: str, prefix: str) -> list[str]:
        with self.store.read() as tx:
            rows = tx.fetchall(
                "SELECT name FROM sqs_queues WHERE account_id = ? AND region = ? "
                "AND substr(name, 1, ?) = ? ORDER BY name",
                (account_id, region, len(prefix), prefix),
            )
        return [str(row[0]) for row in rows]

    def all_in(self, account_id: str, region: str) -> list[Queue]:
        found = []
        for name in self.names(account_id, region, ""):
            queue = self.get(account_id, region, name)
            if queue is not None:
                found.append(queue)
        return found


def _from_row(row: tuple[Any, ...]) -> Queue:
    key, account_id, region, name, attributes, tags, created_s, modified_s, purged_s = row
    return Queue(
        int(key), str(account_id), str(region), str(name), json.loads(attributes),
        json.loads(tags), float(created_s), float(modified_s), float(purged_s),
    )
