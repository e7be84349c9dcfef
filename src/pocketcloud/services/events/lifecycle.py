"""EventBridge's background jobs: scheduled rules and the delivery outbox."""

from __future__ import annotations

from typing import Any

from pocketcloud.services.events import outbox, scheduler
from pocketcloud.services.events.schema import ready_store

OUTBOX_TICK_S = 1.0


def start(cloud: Any) -> None:
    ready_store(cloud.store)
    cloud.background.every(scheduler.JOB_NAME, scheduler.TICK_S, scheduler.tick)
    cloud.background.every(outbox.JOB_NAME, OUTBOX_TICK_S, outbox.tick)
