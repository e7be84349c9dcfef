"""S3's background work: lifecycle rules, applied on the cloud clock (see lifecycle_run), restore
notifications (restore_events.py) and replication (replication.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pocketcloud.services.s3 import replication
from pocketcloud.services.s3.lifecycle_run import run_lifecycle
from pocketcloud.services.s3.restore_events import run_restore_events

if TYPE_CHECKING:
    from pocketcloud.cloud import Cloud

# AWS applies lifecycle rules about once a day; a shorter pass here costs little (the
# clock-advance admin call runs it at once in tests).
LIFECYCLE_INTERVAL_S = 300.0


def _tick(cloud: Cloud) -> None:
    run_lifecycle(cloud)
    run_restore_events(cloud)  # restores completing and expiring, on the same clock


def start(cloud: Cloud) -> None:
    cloud.background.every("s3-lifecycle", LIFECYCLE_INTERVAL_S, _tick)
    replication.start(cloud)
