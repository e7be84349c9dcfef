"""DynamoDB's background work: TTL deletions and point-in-time history compaction."""

from __future__ import annotations

from typing import Any

from pocketcloud.services.dynamodb import backups, ttl

HISTORY_COMPACT_INTERVAL_S = 60.0


def start(cloud: Any) -> None:
    cloud.background.every("dynamodb-ttl", ttl.TICK_INTERVAL_S, ttl.tick)
    cloud.background.every(
        "dynamodb-pitr-compact", HISTORY_COMPACT_INTERVAL_S, backups.compact_tick
    )
