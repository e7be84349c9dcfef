"""SQS's in-memory side for one store: the queue cache, per-queue sequence counters,
long-poll wake-ups and the short-lived records AWS keeps (recent deletions, receive
attempts). Everything runs on the event loop thread, so plain dicts are enough."""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from dataclasses import dataclass, field

from pocketcloud.context import RequestContext
from pocketcloud.services.sqs.queues import QueueBook
from pocketcloud.services.sqs.schema import ready_store
from pocketcloud.store import Store

MAX_RECEIVE_ATTEMPTS_REMEMBERED = 10_000
RECEIVE_ATTEMPT_WINDOW_S = 300.0
DELETED_QUEUE_NAME_HOLD_S = 60.0
MAX_LONG_POLL_WAITERS = 10_000  # across all queues; beyond it a receive answers at once


class QueueSignal:
    """Wakes every receive waiting on one queue; an event per generation, so a waiter
    that took the current event before looking for messages never misses a send."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def current(self) -> asyncio.Event:
        return self._event

    def notify(self) -> None:
        self._event.set()
        self._event = asyncio.Event()


@dataclass
class ReceiveAttempt:
    expires_s: float
    messages: list[tuple[int, int]]  # (seq, receive count) handed out by the attempt


@dataclass
class SqsState:
    store: Store
    queues: QueueBook
    next_seq: dict[int, int] = field(default_factory=dict)
    signals: dict[int, QueueSignal] = field(default_factory=dict)
    deleted_names: dict[tuple[str, str, str], float] = field(default_factory=dict)
    receive_attempts: OrderedDict[tuple[int, str], ReceiveAttempt] = field(
        default_factory=OrderedDict)
    dedup_swept_s: dict[int, float] = field(default_factory=dict)
    retention_checked_s: dict[int, float] = field(default_factory=dict)
    waiters: int = 0

    def take_seq(self, queue_key: int, count: int = 1) -> int:
        """The first of `count` new sequence numbers for a queue (monotonic, durable via rows)."""
        first = self.next_seq.get(queue_key)
        if first is None:
            with self.store.read() as tx:
                highest = tx.fetchvalue(
                    "SELECT MAX(seq) FROM sqs_messages WHERE queue_key = ?", (queue_key,))
            first = int(highest or 0) + 1
        self.next_seq[queue_key] = first + count
        return first

    def signal(self, queue_key: int) -> QueueSignal:
        found = self.signals.get(queue_key)
        if found is None:
            found = self.signals[queue_key] = QueueSignal()
        return found

    def notify(self, queue_key: int) -> None:
        found = self.signals.get(queue_key)
        if found is not None:
            found.notify()

    def forget_queue(self, queue_key: int) -> None:
        self.next_seq.pop(queue_key, None)
        self.dedup_swept_s.pop(queue_key, None)
        self.retention_checked_s.pop(queue_key, None)
        self.notify(queue_key)
        self.signals.pop(queue_key, None)

    def remember_attempt(self, key: tuple[int, str], attempt: ReceiveAttempt) -> None:
        self.receive_attempts[key] = attempt
        self.receive_attempts.move_to_end(key)
        while len(self.receive_attempts) > MAX_RECEIVE_ATTEMPTS_REMEMBERED:
            self.receive_attempts.popitem(last=False)


_states: dict[int, SqsState] = {}


def sqs_state(ctx: RequestContext) -> SqsState:
    store = ctx.cloud.store
    state = _states.get(id(store))
    if state is None or state.store is not store:
        ready_store(store)
        state = _states[id(store)] = SqsState(store, QueueBook(store))
    return state
