"""EventBridge's background jobs: scheduled rules and the delivery outbox."""

from __future__ import annotations

from typing import Any

from pocketcloud.services.events import outbox, scheduler

OUTBOX_TICK_S = 1.0


def start(cloud: Any) -> None:
    cloud.background.every("events-schedules", scheduler.TICK_S, scheduler.tick)
    cloud.background.every("events-outbox", OUTBOX_TICK_S, outbox.tick)
