"""CloudWatch Logs at server start: the retention job runs on the cloud's clock, and a query
a crash left Running is Scheduled again (the next GetQueryResults runs it), unfinished export
tasks resume."""

from __future__ import annotations

from pocketcloud.cloud import Cloud
from pocketcloud.services.logs.exports import resume
from pocketcloud.services.logs.retention import INTERVAL_S, expire_events
from pocketcloud.services.logs.schema import ready_store


def start(cloud: Cloud) -> None:
    with ready_store(cloud.store).write() as tx:
        tx.execute("UPDATE logs_queries SET status = 'Scheduled' WHERE status = 'Running'")
    resume(cloud)  # export tasks a restart interrupted
    cloud.background.every("logs-retention", INTERVAL_S, _expire)


def _expire(cloud: Cloud) -> None:
    expire_events(cloud)
