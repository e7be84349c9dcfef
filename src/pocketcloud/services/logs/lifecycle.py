"""CloudWatch Logs at server start: the retention job runs on the cloud's clock."""

from __future__ import annotations

from pocketcloud.cloud import Cloud
from pocketcloud.services.logs.retention import INTERVAL_S, expire_events


def start(cloud: Cloud) -> None:
    cloud.background.every("logs-retention", INTERVAL_S, _expire)


def _expire(cloud: Cloud) -> None:
    expire_events(cloud)
