"""Lambda at server start and stop: background jobs, queued events resumed, workers closed."""

from __future__ import annotations

from pocketcloud.cloud import Cloud
from pocketcloud.services.lambda_ import async_events, log_delivery, metering
from pocketcloud.services.lambda_.event_sources import supervisor
from pocketcloud.services.lambda_.schema import ready_store

ASYNC_EVENTS_INTERVAL_S = 1.0


def start(cloud: Cloud) -> None:
    ready_store(cloud.store)
    cloud.background.every(async_events.JOB_NAME, ASYNC_EVENTS_INTERVAL_S, async_events.tick)
    cloud.background.every(log_delivery.JOB_NAME, log_delivery.FLUSH_INTERVAL_S,
                           log_delivery.flush)
    cloud.background.every(metering.JOB_NAME, metering.FLUSH_INTERVAL_S, metering.flush)
    cloud.background.every(supervisor.JOB_NAME, supervisor.TICK_S, supervisor.tick)
    async_events.resume_pending(cloud)


async def stop(cloud: Cloud) -> None:
    from pocketcloud.services.lambda_.running import close_runtime

    async_events.stop(cloud)
    supervisor.stop(cloud)
    close_runtime(cloud)  # workers' last output is in the log buffer once they are gone
    await log_delivery.flush(cloud)
    metering.flush(cloud)
