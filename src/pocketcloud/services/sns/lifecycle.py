"""SNS keeps delivering between requests: the delivery job starts with the server and picks up
every delivery a previous run acknowledged but had not finished."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pocketcloud.services.sns import delivery
from pocketcloud.services.sns.outbound import JOB_NAME

if TYPE_CHECKING:
    from pocketcloud.cloud import Cloud

TICK_INTERVAL_S = 1.0  # retries come due on the cloud clock; new work wakes the job at once


def start(cloud: Cloud) -> None:
    cloud.background.every(JOB_NAME, TICK_INTERVAL_S, delivery.tick)


async def stop(cloud: Cloud) -> None:
    await delivery.close(cloud)
