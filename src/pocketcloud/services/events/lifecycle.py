"""EventBridge's background jobs: scheduled rules, replays, connection authorization,
archive retention and the delivery outbox (last, so a clock move delivers what the others
queued)."""

from __future__ import annotations

from typing import Any

from pocketcloud.services.events import api_delivery, archives, outbox, replays, scheduler
from pocketcloud.services.events.connections import AUTHORIZE_JOB
from pocketcloud.services.events.schema import ready_store

OUTBOX_TICK_S = 1.0
AUTHORIZE_TICK_S = 5.0


def start(cloud: Any) -> None:
    ready_store(cloud.store)
    cloud.background.every(scheduler.JOB_NAME, scheduler.TICK_S, scheduler.tick)
    cloud.background.every(replays.JOB_NAME, replays.TICK_S, replays.tick)
    cloud.background.every(AUTHORIZE_JOB, AUTHORIZE_TICK_S, api_delivery.authorize_pending)
    cloud.background.every(archives.JOB_NAME, archives.TICK_S, archives.expire)
    cloud.background.every(outbox.JOB_NAME, OUTBOX_TICK_S, outbox.tick)
