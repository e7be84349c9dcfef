"""Which Regions each account has enabled: opt-in Regions start disabled, per account, durably.

Regions launched before 2019-03-20 are ENABLED_BY_DEFAULT and cannot change. An opt-in Region is
DISABLED until the account enables it. A row records the state last asked for and when (on the
cloud's clock); the status a reader sees is derived from it: ENABLING (or DISABLING) until
``transition_s`` has passed, then ENABLED (or DISABLED). AWS takes minutes; pocketcloud's
default transition is 0 s, so the change is complete on the next read.

The account service (EnableRegion, ListRegions...) and EC2 (DescribeRegions) both answer from
here, so region enablement is one fact with one owner.
"""

from __future__ import annotations

import threading
import weakref
from typing import Protocol

from pocketcloud.infra.clock import Clock
from pocketcloud.infra.regions import all_regions, get_region
from pocketcloud.store import Store

ENABLED = "ENABLED"
ENABLING = "ENABLING"
DISABLING = "DISABLING"
DISABLED = "DISABLED"
ENABLED_BY_DEFAULT = "ENABLED_BY_DEFAULT"
OPT_STATUSES = (ENABLED, ENABLING, DISABLING, DISABLED, ENABLED_BY_DEFAULT)

DEFAULT_TRANSITION_S = 0.0  # how long ENABLING/DISABLING lasts before it settles

SCHEMA_NAMESPACE = "region_opt_in"
MIGRATIONS = (
    """
    CREATE TABLE region_opt_in (
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        enabled INTEGER NOT NULL,      -- the state last asked for: 1 enable, 0 disable
        changed_at_s REAL NOT NULL,    -- when it was asked for, on the cloud's clock
        PRIMARY KEY (account_id, region)
    );
    """,
)


class CloudState(Protocol):
    """What this module needs from the running cloud (a Cloud, or a test's stand-in)."""

    store: Store
    clock: Clock


class OptStatusConflict(Exception):
    """The Region is mid-way through the opposite change (AWS: ConflictException)."""


class OptStatusUnchangeable(Exception):
    """The Region's current status does not allow the change (AWS: ValidationException)."""


_registered: weakref.WeakSet[Store] = weakref.WeakSet()
_register_lock = threading.Lock()


def ensure_schema(store: Store) -> None:
    """Create this module's table if needed; once per Store, outside any transaction.

    Called lazily on first use; a caller that will first read opt-in state from inside its own
    transaction should call it at start-up instead.
    """
    if store not in _registered:
        with _register_lock:
            if store not in _registered:
                store.register_schema(SCHEMA_NAMESPACE, MIGRATIONS)
                _registered.add(store)


def _store(cloud: CloudState) -> Store:
    ensure_schema(cloud.store)
    return cloud.store


def _status(enabled: bool, changed_at_s: float, now_s: float, transition_s: float | None) -> str:
    if transition_s is None:
        transition_s = DEFAULT_TRANSITION_S  # read at call time, so tests can change it
    settled = now_s >= changed_at_s + transition_s
    if enabled:
        return ENABLED if settled else ENABLING
    return DISABLED if settled else DISABLING


def region_opt_status(
    cloud: CloudState,
    account_id: str,
    region_code: str,
    transition_s: float | None = None,
) -> str:
    """The opt-in status of one commercial Region for one account (KeyError if unknown)."""
    region = get_region(region_code)
    if region is None:
        raise KeyError(region_code)
    if not region.opt_in_required:
        return ENABLED_BY_DEFAULT
    with _store(cloud).read() as tx:
        row = tx.fetchone(
            "SELECT enabled, changed_at_s FROM region_opt_in WHERE account_id = ? AND region = ?",
            (account_id, region_code),
        )
    if row is None:
        return DISABLED
    return _status(bool(row[0]), float(row[1]), cloud.clock.now(), transition_s)


def region_opt_statuses(
    cloud: CloudState, account_id: str, transition_s: float | None = None
) -> dict[str, str]:
    """Every commercial Region's opt-in status for one account, by Region code."""
    with _store(cloud).read() as tx:
        rows = tx.fetchall(
            "SELECT region, enabled, changed_at_s FROM region_opt_in WHERE account_id = ?",
            (account_id,),
        )
    now_s = cloud.clock.now()
    asked = {str(r[0]): _status(bool(r[1]), float(r[2]), now_s, transition_s) for r in rows}
    return {
        region.code: asked.get(region.code, DISABLED) if region.opt_in_required
        else ENABLED_BY_DEFAULT
        for region in all_regions()
    }


def is_region_enabled(
    cloud: CloudState,
    account_id: str,
    region_code: str,
    transition_s: float | None = None,
) -> bool:
    """Whether the account may use the Region now (unknown Regions are not enabled)."""
    region = get_region(region_code)
    if region is None:
        return False
    if not region.opt_in_required:
        return True
    return region_opt_status(cloud, account_id, region_code, transition_s) == ENABLED


def set_region_enabled(
    cloud: CloudState,
    account_id: str,
    region_code: str,
    enabled: bool,
    transition_s: float | None = None,
) -> str:
    """Start enabling (or disabling) an opt-in Region; returns the status right after.

    Raises KeyError for an unknown Region, OptStatusUnchangeable when the Region is enabled
    by default or already in (or moving to) the asked-for state, OptStatusConflict when it is
    moving the other way.
    """
    region = get_region(region_code)
    if region is None:
        raise KeyError(region_code)
    if not region.opt_in_required:
        raise OptStatusUnchangeable(ENABLED_BY_DEFAULT)
    with _store(cloud).write() as tx:
        row = tx.fetchone(
            "SELECT enabled, changed_at_s FROM region_opt_in WHERE account_id = ? AND region = ?",
            (account_id, region_code),
        )
        now_s = cloud.clock.now()
        current = DISABLED if row is None else _status(bool(row[0]), row[1], now_s, transition_s)
        _check_transition(current, enabled)
        tx.execute(
            "INSERT INTO region_opt_in (account_id, region, enabled, changed_at_s) "
            "VALUES (?, ?, ?, ?) ON CONFLICT (account_id, region) DO UPDATE SET "
            "enabled = excluded.enabled, changed_at_s = excluded.changed_at_s",
            (account_id, region_code, int(enabled), now_s),
        )
    return _status(enabled, now_s, now_s, transition_s)


def _check_transition(current: str, enabled: bool) -> None:
    moving_away = DISABLING if enabled else ENABLING
    if current == moving_away:
        raise OptStatusConflict(current)
    allowed_from = DISABLED if enabled else ENABLED
    if current != allowed_from:
        raise OptStatusUnchangeable(current)
