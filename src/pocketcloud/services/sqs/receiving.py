"""ReceiveMessage's core: choosing messages (FIFO groups in order, one group in flight at a
time), dead-letter moves, retention expiry, and the receipt handles they are given."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from typing import Any

from pocketcloud.errors import AwsError
from pocketcloud.services.sqs.queues import Queue
from pocketcloud.services.sqs.state import SqsState
from pocketcloud.store import Tx

RETENTION_CHECK_INTERVAL_S = 1.0
FIFO_SCAN_PAGE = 200
FIFO_SCAN_PAGES_MAX = 50  # bounds a receive's walk past in-flight groups

MESSAGE_COLUMNS = (
    "seq, message_id, body, message_attributes, system_attributes, md5_body, sender_id,"
    " sent_s, receive_count, first_receive_s, group_id, dedup_id, sequence_number,"
    " dead_letter_source_arn, md5_attributes, md5_system_attributes, enqueued_s"
)


@dataclass
class StoredMessage:
    seq: int
    message_id: str
    body: str
    message_attributes: str | None
    system_attributes: str | None
    md5_body: str
    sender_id: str
    sent_s: float
    receive_count: int
    first_receive_s: float | None
    group_id: str | None
    dedup_id: str | None
    sequence_number: str | None
    dead_letter_source_arn: str | None
    md5_attributes: str | None
    md5_system_attributes: str | None
    enqueued_s: float

    @classmethod
    def from_row(cls, row: tuple[Any, ...]) -> StoredMessage:
        return cls(*row)


def receipt_handle(queue: Queue, message: StoredMessage) -> str:
    raw = f"{queue.key}:{message.seq}:{message.receive_count}:{message.message_id}"
    return base64.urlsafe_b64encode(raw.encode()).decode()


def parse_receipt_handle(queue: Queue, handle: str) -> tuple[int, int, str]:
    """(seq, receive count, message id) of a handle this queue gave out."""
    try:
        raw = base64.urlsafe_b64decode(handle.encode("ascii")).decode()
        key, seq, count, message_id = raw.split(":", 3)
        if int(key) != queue.key:
            raise ValueError(handle)
        return int(seq), int(count), message_id
    except (ValueError, UnicodeError, binascii.Error):
        raise AwsError(
            "ReceiptHandleIsInvalid",
            f'The input receipt handle "{handle}" is not a valid receipt handle.',
        ) from None


def expire_old_messages(state: SqsState, queue: Queue, now_s: float) -> None:
    """Drop messages older than the retention period; cheap unless some are due (the oldest
    message by seq is the oldest enqueued)."""
    if now_s - state.retention_checked_s.get(queue.key, 0.0) < RETENTION_CHECK_INTERVAL_S:
        return
    state.retention_checked_s[queue.key] = now_s
    cutoff_s = now_s - queue.retention_s
    with state.store.read() as tx:
        oldest = tx.fetchvalue(
            "SELECT enqueued_s FROM sqs_messages WHERE queue_key = ? ORDER BY seq LIMIT 1",
            (queue.key,),
        )
    if oldest is not None and float(oldest) < cutoff_s:
        with state.store.write() as wtx:
            wtx.execute("DELETE FROM sqs_messages WHERE queue_key = ? AND enqueued_s < ?",
                        (queue.key, cutoff_s))


def take_messages(
    state: SqsState, queue: Queue, count: int, visibility_timeout_s: int, now_s: float,
    dead_letter_queue: Queue | None,
) -> list[StoredMessage]:
    """Make up to `count` visible messages in flight; messages past maxReceiveCount go to
    the dead-letter queue instead. One committed transaction."""
    taken: list[StoredMessage] = []
    moved = False
    with state.store.write() as tx:
        candidates = (_fifo_candidates(tx, queue, count, now_s) if queue.fifo
                      else _standard_candidates(tx, queue, count, now_s))
        for message in candidates:
            if dead_letter_queue is not None and message.receive_count >= queue.max_receive_count:
                move_to_queue(state, tx, queue, message, dead_letter_queue, now_s)
                moved = True
                continue
            message.receive_count += 1
            if message.first_receive_s is None:
                message.first_receive_s = now_s
            taken.append(message)
        tx.executemany(
            "UPDATE sqs_messages SET visible_at_s = ?, receive_count = ?, first_receive_s = ? "
            "WHERE queue_key = ? AND seq = ?",
            [(now_s + visibility_timeout_s, m.receive_count, m.first_receive_s, queue.key, m.seq)
             for m in taken],
        )
    if moved and dead_letter_queue is not None:
        state.notify(dead_letter_queue.key)
    return taken


def _standard_candidates(tx: Tx, queue: Queue, count: int, now_s: float) -> list[StoredMessage]:
    rows = tx.fetchall(
        f"SELECT {MESSAGE_COLUMNS} FROM sqs_messages WHERE queue_key = ? AND visible_at_s <= ? "
        "ORDER BY visible_at_s LIMIT ?",
        (queue.key, now_s, count),
    )
    return [StoredMessage.from_row(row) for row in rows]


def _fifo_candidates(tx: Tx, queue: Queue, count: int, now_s: float) -> list[StoredMessage]:
    """Oldest group first; like AWS, as many messages of one group as possible, in order,
    before the next group's. A group waits while its oldest message is in flight or delayed,
    and stops at its first such message: one made visible again (ChangeMessageVisibility 0)
    frees the group even while later ones stay in flight, as AWS answers."""
    blocked: set[str | None] = set()
    by_group: dict[str | None, list[StoredMessage]] = {}  # in order of each group's head
    found = 0
    after_seq = 0
    for _ in range(FIFO_SCAN_PAGES_MAX):
        rows = tx.fetchall(
            f"SELECT {MESSAGE_COLUMNS}, visible_at_s FROM sqs_messages "
            "WHERE queue_key = ? AND seq > ? ORDER BY seq LIMIT ?",
            (queue.key, after_seq, FIFO_SCAN_PAGE),
        )
        for row in rows:
            message = StoredMessage.from_row(row[:-1])
            if message.group_id in blocked:
                continue
            if float(row[-1]) > now_s:  # in flight or delayed: later ones of its group wait
                blocked.add(message.group_id)
                continue
            by_group.setdefault(message.group_id, []).append(message)
            found += 1
        if found >= count or len(rows) < FIFO_SCAN_PAGE:
            break
        after_seq = int(rows[-1][0])
    return [message for group in by_group.values() for message in group][:count]


def move_to_queue(
    state: SqsState, tx: Tx, source: Queue, message: StoredMessage, target: Queue, now_s: float,
    *, source_arn: str | None = None, reset_receives: bool = False,
) -> None:
    """Move one message (same id, body, attributes) to another queue. A dead-letter move
    keeps its receive count (AWS counts receives across queues); a redrive starts afresh."""
    seq = state.take_seq(target.key)
    tx.execute(
        "INSERT INTO sqs_messages (queue_key, seq, message_id, body, message_attributes,"
        " system_attributes, md5_body, md5_attributes, md5_system_attributes, sender_id,"
        " sent_s, enqueued_s, visible_at_s, receive_count, first_receive_s, group_id, dedup_id,"
        " sequence_number, dead_letter_source_arn)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (target.key, seq, message.message_id, message.body, message.message_attributes,
         message.system_attributes, message.md5_body, message.md5_attributes,
         message.md5_system_attributes, message.sender_id, message.sent_s, now_s,
         now_s, 0 if reset_receives else message.receive_count,
         None if reset_receives else message.first_receive_s, message.group_id,
         message.dedup_id, message.sequence_number,
         source.arn if source_arn is None else source_arn or None),
    )
    tx.execute("DELETE FROM sqs_messages WHERE queue_key = ? AND seq = ?",
               (source.key, message.seq))


def delete_message(state: SqsState, queue: Queue, handle: str, now_s: float) -> None:
    seq, count, message_id = parse_receipt_handle(queue, handle)
    with state.store.write() as tx:
        row = tx.fetchone(
            "SELECT message_id, receive_count, visible_at_s FROM sqs_messages "
            "WHERE queue_key = ? AND seq = ?",
            (queue.key, seq),
        )
        if row is None or row[0] != message_id:
            return  # already deleted: AWS answers success
        if queue.fifo and (int(row[1]) != count or float(row[2]) <= now_s):
            raise AwsError(
                "InvalidParameterValue",
                f"Value {handle} for parameter ReceiptHandle is invalid. Reason: The receipt "
                "handle has expired.",
            )
        tx.execute("DELETE FROM sqs_messages WHERE queue_key = ? AND seq = ?", (queue.key, seq))
    if queue.fifo:
        state.notify(queue.key)  # the message's group may now be free


def change_visibility(
    state: SqsState, queue: Queue, handle: str, visibility_timeout_s: int, now_s: float
) -> None:
    seq, count, message_id = parse_receipt_handle(queue, handle)
    with state.store.write() as tx:
        row = tx.fetchone(
            "SELECT message_id, receive_count, visible_at_s FROM sqs_messages "
            "WHERE queue_key = ? AND seq = ?",
            (queue.key, seq),
        )
        if row is None or row[0] != message_id or int(row[1]) != count:
            raise AwsError(
                "InvalidParameterValue",
                f"Value {handle} for parameter ReceiptHandle is invalid. Reason: Message does "
                "not exist or is not available for visibility timeout change.",
            )
        if queue.fifo and float(row[2]) <= now_s:
            raise AwsError(
                "MessageNotInflight", "The message referred to isn't in flight.")
        # A standard queue's message whose timeout ran out takes the change while no one has
        # received it again (AWS answers 200; a later receive's new count makes this handle
        # stale above).
        tx.execute(
            "UPDATE sqs_messages SET visible_at_s = ? WHERE queue_key = ? AND seq = ?",
            (now_s + visibility_timeout_s, queue.key, seq),
        )
    if visibility_timeout_s == 0:
        state.notify(queue.key)


def message_counts(state: SqsState, queue: Queue, now_s: float) -> tuple[int, int, int]:
    """(visible, in flight, delayed), each an index range count."""
    with state.store.read() as tx:
        visible = tx.fetchvalue(
            "SELECT COUNT(*) FROM sqs_messages WHERE queue_key = ? AND visible_at_s <= ?",
            (queue.key, now_s), 0)
        rows = tx.fetchall(
            "SELECT receive_count > 0, COUNT(*) FROM sqs_messages "
            "WHERE queue_key = ? AND visible_at_s > ? GROUP BY receive_count > 0",
            (queue.key, now_s))
    hidden = {bool(flag): int(n) for flag, n in rows}
    return int(visible), hidden.get(True, 0), hidden.get(False, 0)


def next_visible_in_s(state: SqsState, queue: Queue, now_s: float) -> float | None:
    """Seconds until the next hidden message becomes visible, if any is hidden."""
    with state.store.read() as tx:
        soonest = tx.fetchvalue(
            "SELECT MIN(visible_at_s) FROM sqs_messages WHERE queue_key = ? AND visible_at_s > ?",
            (queue.key, now_s))
    return None if soonest is None else max(0.0, float(soonest) - now_s)


def purge(state: SqsState, queue: Queue) -> None:
    """Every message, and the FIFO deduplication history: AWS accepts a purged message's
    deduplication id again at once."""
    with state.store.write() as tx:
        tx.execute("DELETE FROM sqs_messages WHERE queue_key = ?", (queue.key,))
        tx.execute("DELETE FROM sqs_deduplication WHERE queue_key = ?", (queue.key,))


def messages_in_flight(
    state: SqsState, queue: Queue, handed_out: list[tuple[int, int]], now_s: float
) -> list[StoredMessage] | None:
    """The messages an earlier receive handed out, if all are still in flight, unchanged."""
    found: list[StoredMessage] = []
    with state.store.read() as tx:
        for seq, count in handed_out:
            row = tx.fetchone(
                f"SELECT {MESSAGE_COLUMNS}, visible_at_s FROM sqs_messages "
                "WHERE queue_key = ? AND seq = ?",
                (queue.key, seq),
            )
            if row is None or float(row[-1]) <= now_s:
                return None
            message = StoredMessage.from_row(row[:-1])
            if message.receive_count != count:
                return None
            found.append(message)
    return found


def hide_until(state: SqsState, queue: Queue, seqs: list[int], visible_at_s: float) -> None:
    with state.store.write() as tx:
        tx.executemany(
            "UPDATE sqs_messages SET visible_at_s = ? WHERE queue_key = ? AND seq = ?",
            [(visible_at_s, queue.key, seq) for seq in seqs],
        )
