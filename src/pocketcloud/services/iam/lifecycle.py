"""IAM's background work: writing the recorded last uses in batches (last_access.py)."""

from __future__ import annotations

from typing import Any

from pocketcloud.services.iam import last_access


def start(cloud: Any) -> None:
    cloud.background.every("iam-last-access", last_access.FLUSH_INTERVAL_S, last_access.tick)


def stop(cloud: Any) -> None:
    last_access.flush(cloud)
