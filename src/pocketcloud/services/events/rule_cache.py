"""Each bus's enabled pattern rules (compiled) and their targets, cached for PutEvents.

This process is the store's only writer, so every rule and target write calls `forget`
(after which the next PutEvents reads the bus afresh, inside its own transaction).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from pocketcloud.services.events.patterns import parse_pattern
from pocketcloud.store import Tx

BUSES_CACHED_MAX = 10_000
ARCHIVE_MANAGED_BY = "events.amazonaws.com"
ARCHIVE_RULE_PREFIX = "Events-Archive-"


@dataclass(frozen=True)
class CachedRule:
    name: str
    arn: str
    pattern: dict[str, Any]
    targets: tuple[dict[str, Any], ...]
    archive: str | None = None  # an archive's managed rule feeds that archive, not targets


def archive_of(rule_name: str, config: dict[str, Any]) -> str | None:
    """The archive a rule feeds, if it is an archive's managed rule."""
    if config.get("ManagedBy") == ARCHIVE_MANAGED_BY and \
            rule_name.startswith(ARCHIVE_RULE_PREFIX):
        return rule_name.removeprefix(ARCHIVE_RULE_PREFIX)
    return None


_caches: dict[int, dict[tuple[str, str, str], tuple[CachedRule, ...]]] = {}


def forget(cloud: Any) -> None:
    _caches.pop(id(cloud.store), None)


def bus_rules(tx: Tx, cloud: Any, key: tuple[str, str, str]) -> tuple[CachedRule, ...]:
    cache = _caches.setdefault(id(cloud.store), {})
    found = cache.get(key)
    if found is None:
        found = _load(tx, key)
        if len(cache) >= BUSES_CACHED_MAX:
            cache.clear()
        cache[key] = found
    return found


def _load(tx: Tx, key: tuple[str, str, str]) -> tuple[CachedRule, ...]:
    rows = tx.fetchall("SELECT name, pattern, config FROM events_rules WHERE account_id = ? "
                       "AND region = ? AND bus = ? AND enabled = 1 AND pattern IS NOT NULL",
                       key)
    targets: dict[str, list[dict[str, Any]]] = {}
    for rule, target in tx.fetchall("SELECT rule, target FROM events_targets WHERE "
                                    "account_id = ? AND region = ? AND bus = ? "
                                    "ORDER BY target_id", key):
        targets.setdefault(rule, []).append(json.loads(target))
    found = []
    for name, pattern, config_text in rows:
        config = json.loads(config_text)
        found.append(CachedRule(name, config["Arn"], parse_pattern(pattern),
                                tuple(targets.get(name, ())), archive_of(name, config)))
    return tuple(found)
