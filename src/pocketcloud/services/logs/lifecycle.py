"""CloudWatch Logs at server start: the retention job runs on the cloud's clock, and a query
a crash left Running is Scheduled again (the next GetQueryResults runs it)."""

from __future__ import annotations

from pocketcloud.cloud import Cloud
from pocketcloud.services.logs.retention import INTERVAL_S, expire_events
from pocketcloud.services.logs.schema import ready_store


def start(cloud: Cloud) -> None:
    with ready_store(cloud.store).write() as tx:
        tx.execute("UPDATE logs_queries SET status = 'Scheduled' WHERE status = 'Running'")
    cloud.background.every("logs-retention", INTERVAL_S, _expire)


def _expire(cloud: Cloud) -> None:
    expire_events(cloud)
