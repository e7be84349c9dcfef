"""The background job behind event source mappings: state moves and one poller per source.

Each tick moves mappings out of their transitional states (Creating, Enabling, Disabling,
Updating -> Enabled or Disabled; Deleting -> gone once its pollers stopped), and keeps the
right pollers running: SQS gets up to ScalingConfig.MaximumConcurrency pollers (bounded by
SQS_POLLERS_MAX), a DynamoDB stream one (its single shard is read in order).
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

from pocketcloud.services.lambda_.event_sources import sqs_poller, streams_poller
from pocketcloud.services.lambda_.event_sources.schema import ready_store

log = logging.getLogger("pocketcloud.lambda.event_sources")

JOB_NAME = "lambda-event-sources"
TICK_S = 1.0
SQS_POLLERS_DEFAULT = 2
SQS_POLLERS_MAX = 5  # bounds the concurrent batches of one queue on this machine
POLLERS_MAX = 200  # across all mappings of the cloud


class _Pollers:
    def __init__(self) -> None:
        self.tasks: dict[str, list[asyncio.Task[None]]] = {}

    def count(self) -> int:
        return sum(len(t) for t in self.tasks.values())

    def ensure(self, cloud: Any, uuid: str, kind: str, wanted: int) -> None:
        running = [t for t in self.tasks.get(uuid, []) if not t.done()]
        load = _loader(cloud)
        poll = sqs_poller.poll if kind == "sqs" else streams_poller.poll
        while len(running) < wanted and self.count() < POLLERS_MAX:
            task = cloud.background.spawn(f"event-source-{uuid}", poll(cloud, uuid, load))
            if task is None:
                break
            running.append(task)
            self.tasks[uuid] = running
        for extra in running[wanted:]:
            extra.cancel()
        self.tasks[uuid] = running[:wanted]

    def stop(self, uuid: str) -> None:
        for task in self.tasks.pop(uuid, []):
            task.cancel()

    def stop_all(self) -> None:
        for uuid in list(self.tasks):
            self.stop(uuid)


_pollers: dict[int, _Pollers] = {}


def pollers(cloud: Any) -> _Pollers:
    return _pollers.setdefault(id(cloud), _Pollers())


def _loader(cloud: Any) -> Any:
    def load(uuid: str) -> dict[str, Any] | None:
        with ready_store(cloud.store).read() as tx:
            row = tx.fetchone("SELECT config, target_state FROM lambda_event_source_mappings "
                              "WHERE uuid = ?", (uuid,))
        if row is None or row[1] != "Enabled":
            return None
        return dict(json.loads(row[0]))
    return load


def _wanted(kind: str, config: dict[str, Any]) -> int:
    if kind != "sqs":
        return 1
    concurrency = (config.get("ScalingConfig") or {}).get("MaximumConcurrency")
    return min(SQS_POLLERS_MAX, concurrency or SQS_POLLERS_DEFAULT)


def tick(cloud: Any) -> None:
    running = pollers(cloud)
    with ready_store(cloud.store).write() as tx:
        rows = tx.fetchall("SELECT uuid, kind, config, target_state FROM "
                           "lambda_event_source_mappings")
        for uuid, kind, config_text, target in rows:
            config = json.loads(config_text)
            if target == "Deleted":
                running.stop(uuid)
                tx.execute("DELETE FROM lambda_event_source_mappings WHERE uuid = ?", (uuid,))
                continue
            if config["State"] != target:
                config["State"] = target
                tx.execute("UPDATE lambda_event_source_mappings SET config = ? WHERE uuid = ?",
                           (json.dumps(config), uuid))
            if target == "Enabled":
                running.ensure(cloud, uuid, kind, _wanted(kind, config))
            else:
                running.stop(uuid)


def wake(cloud: Any) -> None:
    """Move states and start or stop pollers soon (a mapping was created or changed)."""
    cloud.background.wake(JOB_NAME)


def stop(cloud: Any) -> None:
    pollers(cloud).stop_all()
