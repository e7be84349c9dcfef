"""DynamoDB's background work: TTL deletions, point-in-time history compaction, and exports
to and imports from S3."""

from __future__ import annotations

from typing import Any

from pocketcloud.services.dynamodb import backups, exports, imports, ttl

HISTORY_COMPACT_INTERVAL_S = 60.0
TRANSFER_INTERVAL_S = 5.0  # requests wake the job at once; the interval is a fallback


async def transfers_tick(cloud: Any) -> None:
    """Exports and imports still IN_PROGRESS (also those a restart interrupted)."""
    await exports.run_pending(cloud)
    await imports.run_pending(cloud)


def start(cloud: Any) -> None:
    cloud.background.every("dynamodb-ttl", ttl.TICK_INTERVAL_S, ttl.tick)
    cloud.background.every(
        "dynamodb-pitr-compact", HISTORY_COMPACT_INTERVAL_S, backups.compact_tick
    )
    cloud.background.every(exports.JOB_NAME, TRANSFER_INTERVAL_S, transfers_tick)
