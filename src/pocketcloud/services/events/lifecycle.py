"""EventBridge's background jobs: scheduled rules and the delivery outbox.

Lambda's event source mappings are started here too, beside the other triggers (their code
lives in services/lambda_/event_sources/), so Lambda's own lifecycle stays the Lambda's.
"""

from __future__ import annotations

from typing import Any

from pocketcloud.services.events import outbox, scheduler
from pocketcloud.services.events.schema import ready_store
from pocketcloud.services.lambda_.event_sources import supervisor

OUTBOX_TICK_S = 1.0


def start(cloud: Any) -> None:
    ready_store(cloud.store)
    cloud.background.every(scheduler.JOB_NAME, scheduler.TICK_S, scheduler.tick)
    cloud.background.every(outbox.JOB_NAME, OUTBOX_TICK_S, outbox.tick)
    cloud.background.every(supervisor.JOB_NAME, supervisor.TICK_S, supervisor.tick)


def stop(cloud: Any) -> None:
    supervisor.stop(cloud)
