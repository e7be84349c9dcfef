"""Shared pieces of the Route 53 provider: ids, paging numbers, changes, the cache generation."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pocketcloud.cloud import Cloud
from pocketcloud.errors import AwsError
from pocketcloud.services.route53.schema import ready_store
from pocketcloud.store import Store, Tx

CHANGE_INSYNC_AFTER_S = 2.0  # how long a change reports PENDING before INSYNC
ZONE_ID_LENGTH = 21  # Z + 20: the length of today's hosted zone ids
CHANGE_ID_LENGTH = 21
HOSTED_ZONE_PREFIX = "/hostedzone/"
CHANGE_PREFIX = "/change/"


def store(cloud: Cloud) -> Store:
    return ready_store(cloud.store)


def new_zone_id(cloud: Cloud) -> str:
    return "Z" + cloud.ids.upper_alnum(ZONE_ID_LENGTH - 1)


def bare_id(value: str, prefix: str) -> str:
    """botocore strips '/hostedzone/' from ids it sends; the AWS CLI with some inputs not."""
    return value[len(prefix):] if value.startswith(prefix) else value


def timestamp(epoch_s: float) -> datetime:
    return datetime.fromtimestamp(epoch_s, UTC)


def max_items(params: dict[str, Any], default: int, ceiling: int) -> int:
    raw = params.get("MaxItems")
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except (TypeError, ValueError):
        raise AwsError("InvalidInput",
                       f"Invalid request: MaxItems {raw!r} is not a number.") from None
    if value < 1:
        raise AwsError("InvalidInput", "1 validation error detected: Value '" + str(raw) +
                       "' at 'maxItems' failed to satisfy constraint: Member must be greater "
                       "than or equal to 1")
    return min(value, ceiling)


def max_results(params: dict[str, Any], ceiling: int) -> int:
    """The newer list operations' MaxResults (a string on the wire), at most `ceiling`."""
    raw = params.get("MaxResults")
    if raw is None or raw == "":
        return ceiling
    try:
        value = int(raw)
    except (TypeError, ValueError):
        raise AwsError("InvalidInput",
                       f"Invalid request: MaxResults {raw!r} is not a number.") from None
    if value < 1:
        raise AwsError("InvalidInput", "Invalid request: MaxResults must be at least 1.")
    return min(value, ceiling)


def record_change(cloud: Cloud, tx: Tx, account_id: str, comment: str | None) -> dict[str, Any]:
    """A new change (PENDING until CHANGE_INSYNC_AFTER_S has passed on the cloud clock)."""
    change_id = "C" + cloud.ids.upper_alnum(CHANGE_ID_LENGTH - 1)
    now = cloud.clock.now()
    tx.execute("INSERT INTO route53_changes VALUES (?, ?, ?, ?)",
               (change_id, account_id, comment, now))
    return change_info(cloud, change_id, now, comment)


def change_info(
    cloud: Cloud, change_id: str, submitted_s: float, comment: str | None
) -> dict[str, Any]:
    pending = cloud.clock.now() < submitted_s + CHANGE_INSYNC_AFTER_S
    info: dict[str, Any] = {
        "Id": CHANGE_PREFIX + change_id,
        "Status": "PENDING" if pending else "INSYNC",
        "SubmittedAt": timestamp(submitted_s),
    }
    if comment:
        info["Comment"] = comment
    return info


# In-process caches (the DNS server's view of the zones) watch this number: every write
# that changes what DNS answers bumps it; a write to one zone's records also bumps that
# zone's own number, so only that zone is re-read.
_generation = [0]
_zone_versions: dict[str, int] = {}
_zone_changes: dict[str, list[tuple[int, frozenset[str] | None]]] = {}
_zone_changes_dropped: dict[str, int] = {}  # the newest generation no longer in the history
ZONE_CHANGES_KEPT = 64  # per zone; an index further behind re-reads the whole zone


def bump_generation(zone_id: str | None = None, names: set[str] | None = None) -> None:
    """A write happened; with a zone, its record sets at `names` (None: any) changed.
    The zone's history is written before the generation moves: a reader that sees the new
    generation (another thread) also sees what changed."""
    new = _generation[0] + 1
    if zone_id is not None:
        history = _zone_changes.setdefault(zone_id, [])
        history.append((new, frozenset(names) if names is not None else None))
        if len(history) > ZONE_CHANGES_KEPT:
            _zone_changes_dropped[zone_id] = history[-ZONE_CHANGES_KEPT - 1][0]
            del history[:-ZONE_CHANGES_KEPT]
        _zone_versions[zone_id] = new
    _generation[0] = new


def generation() -> int:
    return _generation[0]


def zone_version(zone_id: str) -> int:
    return _zone_versions.get(zone_id, 0)


def names_changed_since(zone_id: str, since: int) -> set[str] | None:
    """The names whose record sets changed after generation `since`; None: re-read it all."""
    history = list(_zone_changes.get(zone_id, ()))  # a snapshot: writers append meanwhile
    if _zone_changes_dropped.get(zone_id, 0) > since:
        return None
    changed: set[str] = set()
    for when, names in history:
        if when > since:
            if names is None:
                return None
            changed |= names
    return changed
