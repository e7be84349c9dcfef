"""Retention: a background job deletes events older than their group's retention period,
decided on the cloud's clock (so a test that advances the clock sees them expire)."""

from __future__ import annotations

from pocketcloud.cloud import Cloud
from pocketcloud.services.logs.schema import ready_store

INTERVAL_S = 60.0
MAX_DELETED_PER_GROUP = 50_000  # per run, so one run stays short; the next run goes on
_DAY_MS = 86_400_000


def expire_events(cloud: Cloud) -> int:
    """Delete expired events in every group with a retention policy; returns how many."""
    now_ms = int(cloud.clock.now() * 1000)
    deleted = 0
    with ready_store(cloud.store).write() as tx:
        groups = tx.fetchall("SELECT account_id, region, name, retention_days FROM logs_groups "
                             "WHERE retention_days IS NOT NULL")
        for account_id, region, name, days in groups:
            cutoff = now_ms - int(days) * _DAY_MS
            gone = tx.execute(
                "DELETE FROM logs_events WHERE event_id IN (SELECT event_id FROM logs_events "
                "WHERE account_id = ? AND region = ? AND group_name = ? AND timestamp_ms < ? "
                "LIMIT ?)", (account_id, region, name, cutoff, MAX_DELETED_PER_GROUP))
            if gone:  # storedBytes of the group's streams, counted again only when it changed
                _refresh_streams(tx, account_id, region, name)
            deleted += gone
    return deleted


def _refresh_streams(tx: object, account_id: str, region: str, group: str) -> None:
    tx.execute(  # type: ignore[attr-defined]
        "UPDATE logs_streams SET stored_bytes = coalesce((SELECT sum(length(CAST(message AS "
        "BLOB))) FROM logs_events e WHERE e.account_id = logs_streams.account_id AND "
        "e.region = logs_streams.region AND e.group_name = logs_streams.group_name AND "
        "e.stream_name = logs_streams.name), 0) WHERE account_id = ? AND region = ? AND "
        "group_name = ?", (account_id, region, group))
