"""What the health checkers have observed, per health check, in memory.

Route 53 decides a check's health from its checkers' last results: an endpoint changes state
after FailureThreshold consecutive results that disagree with its current state. A new check
starts healthy. State is not kept across restarts (new checkers start fresh, as in AWS when
a check is created); configurations are, in the store.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass, field
from typing import Any

from pocketcloud.cloud import Cloud


@dataclass
class HealthState:
    healthy: bool = True
    disagreeing: int = 0  # consecutive results that contradict `healthy`
    next_due_s: float = 0.0
    checked_s: float | None = None
    status: str = ""  # the last result as AWS words it: "Success: HTTP Status Code 200, OK"
    failure: str | None = None  # the last failure's words and time
    failure_s: float | None = None
    ip_address: str = ""

    def observe(self, ok: bool, status: str, now_s: float, threshold: int) -> None:
        self.checked_s, self.status = now_s, status
        if not ok:
            self.failure, self.failure_s = status, now_s
        if ok == self.healthy:
            self.disagreeing = 0
            return
        self.disagreeing += 1
        if self.disagreeing >= threshold:
            self.healthy, self.disagreeing = ok, 0
            health_changed()


# DNS answers depend on health: cached answers watch this number.
_health_generation = [0]


def health_changed() -> None:
    _health_generation[0] += 1


def health_generation() -> int:
    return _health_generation[0]


@dataclass
class Route53Runtime:
    health: dict[str, HealthState] = field(default_factory=dict)
    configs: dict[str, dict[str, Any]] = field(default_factory=dict)
    tags: dict[str, dict[str, str]] = field(default_factory=dict)
    configs_generation: int = -1


_RUNTIMES: weakref.WeakKeyDictionary[Cloud, Route53Runtime] = weakref.WeakKeyDictionary()


def runtime(cloud: Cloud) -> Route53Runtime:
    found = _RUNTIMES.get(cloud)
    if found is None:
        found = _RUNTIMES[cloud] = Route53Runtime()
    return found


def is_healthy(cloud: Cloud, check_id: str, depth: int = 0) -> bool:
    """The health Route 53 uses for routing: disabled checks count healthy (inverted: not);
    calculated checks count their healthy children; a deleted check counts healthy."""
    state = runtime(cloud)
    config = state.configs.get(check_id)
    if config is None:
        return True
    inverted = bool(config.get("Inverted"))
    if config.get("Disabled"):
        return not inverted
    if config.get("Type") == "CALCULATED":
        healthy = _calculated(cloud, config, depth)
    else:
        healthy = state.health.get(check_id, HealthState()).healthy
    return healthy != inverted


CALCULATED_DEPTH_MAX = 4  # a calculated check's children cannot be calculated in AWS


def _calculated(cloud: Cloud, config: dict[str, Any], depth: int) -> bool:
    if depth >= CALCULATED_DEPTH_MAX:
        return False
    children = config.get("ChildHealthChecks") or []
    healthy = sum(1 for c in children if is_healthy(cloud, c, depth + 1))
    return healthy >= int(config.get("HealthThreshold") or 0)
