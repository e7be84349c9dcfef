"""SendMessage and SendMessageBatch: validating a message, FIFO deduplication, the insert.

A batch is written in one transaction, committed before the response: an acknowledged
message is durable."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any

from pocketcloud.errors import AwsError
from pocketcloud.services.sqs.digests import (
    attributes_size,
    check_characters,
    md5_hex,
    md5_of_attributes,
    valid_message_attributes,
    valid_system_attributes,
)
from pocketcloud.services.sqs.queues import Queue
from pocketcloud.services.sqs.state import SqsState
from pocketcloud.store import Tx

DEDUPLICATION_WINDOW_S = 300.0
DEDUP_SWEEP_INTERVAL_S = 60.0
MAX_DELAY_S = 900
MAX_FIFO_ID_LENGTH = 128
SEQUENCE_NUMBER_BASE = 18_000_000_000_000_000_000
SEQUENCE_NUMBER_STEP = 65_536
_FIFO_ID = re.compile(r"[A-Za-z0-9!\"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~]{1,128}")

_INSERT = (
    "INSERT INTO sqs_messages (queue_key, seq, message_id, body, message_attributes,"
    " system_attributes, md5_body, md5_attributes, md5_system_attributes, sender_id, sent_s,"
    " enqueued_s, visible_at_s, receive_count, first_receive_s, group_id, dedup_id,"
    " sequence_number, dead_letter_source_arn)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


@dataclass
class OutgoingMessage:
    body: str
    attributes: dict[str, dict[str, Any]]
    system_attributes: dict[str, dict[str, Any]]
    delay_s: int
    group_id: str | None
    dedup_id: str | None
    md5_body: str
    md5_attributes: str | None
    md5_system_attributes: str | None
    size_bytes: int


def prepare(queue: Queue, entry: dict[str, Any]) -> OutgoingMessage:
    """A message checked against AWS's rules for this queue; AwsError if it breaks one."""
    body = entry.get("MessageBody")
    if body is None or body == "":
        raise AwsError("MissingParameter", "The request must contain the parameter MessageBody.")
    check_characters(body)
    attributes = valid_message_attributes(entry.get("MessageAttributes"))
    system_attributes = valid_system_attributes(entry.get("MessageSystemAttributes"))
    body_bytes = body.encode("utf-8")
    size_bytes = len(body_bytes) + attributes_size(attributes)
    if size_bytes > queue.maximum_message_size:
        raise AwsError(
            "InvalidParameterValue",
            "One or more parameters are invalid. Reason: Message must be shorter than "
            f"{queue.maximum_message_size} bytes.",
        )
    delay_s = _delay(queue, entry.get("DelaySeconds"))
    group_id, dedup_id = _fifo_ids(queue, entry, body_bytes)
    return OutgoingMessage(
        body, attributes, system_attributes, delay_s, group_id, dedup_id, md5_hex(body_bytes),
        md5_of_attributes(attributes), md5_of_attributes(system_attributes), size_bytes,
    )


def _delay(queue: Queue, requested: int | None) -> int:
    if requested is None or (queue.fifo and requested == 0):
        return queue.delay_s  # FIFO queues take no per-message delay, but 0 is accepted
    if queue.fifo:
        raise AwsError(
            "InvalidParameterValue",
            f"Value {requested} for parameter DelaySeconds is invalid. Reason: The request "
            "include parameter that is not valid for this queue type.",
        )
    if not 0 <= requested <= MAX_DELAY_S:
        raise AwsError(
            "InvalidParameterValue",
            f"Value {requested} for parameter DelaySeconds is invalid. Reason: DelaySeconds "
            f"must be >= 0 and <= {MAX_DELAY_S}.",
        )
    return int(requested)


def _fifo_ids(queue: Queue, entry: dict[str, Any], body: bytes) -> tuple[str | None, str | None]:
    group_id = entry.get("MessageGroupId")
    dedup_id = entry.get("MessageDeduplicationId")
    for name, value in (("MessageGroupId", group_id), ("MessageDeduplicationId", dedup_id)):
        if value is not None and not _FIFO_ID.fullmatch(value):
            raise AwsError(
                "InvalidParameterValue",
                f"Value {value} for parameter {name} is invalid. Reason: {name} can only "
                "include alphanumeric and punctuation characters. 1 to 128 in length.",
            )
    if not queue.fifo:
        if dedup_id is not None:
            raise AwsError(
                "InvalidParameterValue",
                f"Value {dedup_id} for parameter MessageDeduplicationId is invalid. Reason: "
                "The request include parameter that is not valid for this queue type.",
            )
        return group_id, None
    if group_id is None:
        raise AwsError(
            "MissingParameter", "The request must contain the parameter MessageGroupId.")
    if dedup_id is None:
        if not queue.content_based_deduplication:
            raise AwsError(
                "InvalidParameterValue",
                "The queue should either have ContentBasedDeduplication enabled or "
                "MessageDeduplicationId provided explicitly",
            )
        dedup_id = hashlib.sha256(body).hexdigest()
    return group_id, dedup_id


def encode_attributes(attributes: dict[str, dict[str, Any]]) -> str | None:
    if not attributes:
        return None
    rows = []
    for name, value in attributes.items():
        if "BinaryValue" in value:
            encoded = base64.b64encode(value["BinaryValue"]).decode()
            rows.append([name, value["DataType"], "B", encoded])
        else:
            rows.append([name, value["DataType"], "S", value["StringValue"]])
    return json.dumps(rows, separators=(",", ":"), ensure_ascii=False)


def decode_attributes(text: str | None) -> dict[str, dict[str, Any]]:
    if not text:
        return {}
    decoded: dict[str, dict[str, Any]] = {}
    for name, data_type, kind, value in json.loads(text):
        if kind == "B":
            decoded[name] = {"DataType": data_type, "BinaryValue": base64.b64decode(value)}
        else:
            decoded[name] = {"DataType": data_type, "StringValue": value}
    return decoded


@dataclass
class Sent:
    message_id: str
    sequence_number: str | None


def enqueue(
    state: SqsState, queue: Queue, messages: list[OutgoingMessage], message_ids: list[str],
    sender_id: str, now_s: float,
) -> list[Sent]:
    """Insert the messages (deduplicated on FIFO queues) in one committed transaction."""
    first_seq = state.take_seq(queue.key, len(messages))
    results: list[Sent] = []
    with state.store.write() as tx:
        if queue.fifo:
            _sweep_deduplication(state, tx, queue, now_s)
        for offset, (message, message_id) in enumerate(zip(messages, message_ids, strict=True)):
            seq = first_seq + offset
            sequence_number = (
                str(SEQUENCE_NUMBER_BASE + seq * SEQUENCE_NUMBER_STEP) if queue.fifo else None)
            if queue.fifo:
                duplicate = _deduplicate(tx, queue, message, message_id, sequence_number, now_s)
                if duplicate is not None:
                    results.append(duplicate)
                    continue
            tx.execute(_INSERT, _row(queue, seq, message, message_id, sequence_number,
                                     sender_id, now_s))
            results.append(Sent(message_id, sequence_number))
    state.notify(queue.key)
    return results


def _row(
    queue: Queue, seq: int, message: OutgoingMessage, message_id: str,
    sequence_number: str | None, sender_id: str, now_s: float,
) -> tuple[Any, ...]:
    return (
        queue.key, seq, message_id, message.body, encode_attributes(message.attributes),
        encode_attributes(message.system_attributes), message.md5_body, message.md5_attributes,
        message.md5_system_attributes, sender_id, now_s, now_s, now_s + message.delay_s, 0, None,
        message.group_id, message.dedup_id, sequence_number, None,
    )


def _deduplicate(
    tx: Tx, queue: Queue, message: OutgoingMessage, message_id: str,
    sequence_number: str | None, now_s: float,
) -> Sent | None:
    """The earlier send's result if this is a duplicate inside the window; else record it."""
    scope_key = (f"{message.group_id}\x00{message.dedup_id}" if queue.deduplication_per_group
                 else str(message.dedup_id))
    row = tx.fetchone(
        "SELECT message_id, sequence_number, expires_s FROM sqs_deduplication "
        "WHERE queue_key = ? AND scope_key = ?",
        (queue.key, scope_key),
    )
    if row is not None and float(row[2]) > now_s:
        return Sent(str(row[0]), row[1])
    tx.execute(
        "INSERT INTO sqs_deduplication (queue_key, scope_key, message_id, sequence_number,"
        " expires_s) VALUES (?, ?, ?, ?, ?) ON CONFLICT (queue_key, scope_key) DO UPDATE SET"
        " message_id = excluded.message_id, sequence_number = excluded.sequence_number,"
        " expires_s = excluded.expires_s",
        (queue.key, scope_key, message_id, sequence_number, now_s + DEDUPLICATION_WINDOW_S),
    )
    return None


def _sweep_deduplication(state: SqsState, tx: Tx, queue: Queue, now_s: float) -> None:
    if now_s - state.dedup_swept_s.get(queue.key, 0.0) < DEDUP_SWEEP_INTERVAL_S:
        return
    state.dedup_swept_s[queue.key] = now_s
    tx.execute("DELETE FROM sqs_deduplication WHERE queue_key = ? AND expires_s <= ?",
               (queue.key, now_s))
