"""Injected faults: an Availability Zone down, a Region down, a service degraded in a Region.

A fault is a durable row (table ``infra_faults``) with a window on the cloud's clock:
active while ``start_at_s <= now < end_at_s`` (no end: until restored). So a fault can be
scheduled ahead, and a test that advances the clock sees it start and end; nothing polls.

Services ask ``is_region_down(cloud, region)`` and ``is_az_down(cloud, zone)``; the gateway
asks ``degrade_effect`` once per request (infra/gate.py). Each fault has a seed: a degrade
fault draws its error decisions from ``random.Random(seed)``, one draw per request it sees,
so the same seed and the same requests replay the same injected errors. Every fault is
logged with its seed when created, when it starts and when it ends.
"""

from __future__ import annotations

import logging
import math
import random
import threading
import weakref
from collections import deque
from dataclasses import asdict, dataclass, field
from typing import Any, Protocol

from pocketcloud.infra.clock import Clock
from pocketcloud.infra.regions import (
    get_availability_zone,
    get_availability_zone_by_id,
    get_region,
)
from pocketcloud.store import Store

log = logging.getLogger("pocketcloud.faults")

AZ_DOWN = "az-down"
REGION_DOWN = "region-down"
DEGRADE = "degrade"
KINDS = (AZ_DOWN, REGION_DOWN, DEGRADE)
ERROR_KINDS = ("throttling", "server", "mixed")
ALL_SERVICES = "*"

MAX_FAULTS = 1000  # rows kept, restored ones included: a bound on the table and the cache
MAX_EVENTS_PER_FAULT = 200  # the injected-error log kept per fault (the newest)
MAX_ADDED_LATENCY_MS = 60_000.0

SCHEMA_NAMESPACE = "infra_faults"
MIGRATIONS = (
    """
    CREATE TABLE infra_faults (
        fault_id TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        region TEXT NOT NULL,
        zone TEXT NOT NULL,           -- az-down: the zone name; '' otherwise
        service TEXT NOT NULL,        -- degrade: botocore service name or '*'; '' otherwise
        error_rate REAL NOT NULL,
        error_kind TEXT NOT NULL,
        latency_ms REAL NOT NULL,
        seed INTEGER NOT NULL,
        created_at_s REAL NOT NULL,
        start_at_s REAL NOT NULL,
        end_at_s REAL                 -- NULL: until restored
    );
    """,
)
_COLUMNS = ("fault_id", "kind", "region", "zone", "service", "error_rate", "error_kind",
            "latency_ms", "seed", "created_at_s", "start_at_s", "end_at_s")


class CloudState(Protocol):
    store: Store
    clock: Clock


class FaultError(ValueError):
    """A fault request that cannot be honoured (unknown Region, bad rate...)."""


@dataclass(frozen=True, slots=True)
class Fault:
    fault_id: str
    kind: str
    region: str
    seed: int
    created_at_s: float
    start_at_s: float
    end_at_s: float | None = None
    zone: str = ""
    service: str = ""
    error_rate: float = 0.0
    error_kind: str = "mixed"
    latency_ms: float = 0.0

    def is_active(self, now_s: float) -> bool:
        return self.start_at_s <= now_s and (self.end_at_s is None or now_s < self.end_at_s)

    def state(self, now_s: float) -> str:
        if self.end_at_s is not None and self.end_at_s <= self.start_at_s:
            return "ended"  # restored before it started: an empty window
        if now_s < self.start_at_s:
            return "scheduled"
        return "active" if self.is_active(now_s) else "ended"

    def describe(self) -> str:
        if self.kind == AZ_DOWN:
            return f"Availability Zone {self.zone} down"
        if self.kind == REGION_DOWN:
            return f"Region {self.region} down"
        what = "every service" if self.service == ALL_SERVICES else self.service
        return (f"{what} in {self.region} degraded: {self.error_rate:.0%} {self.error_kind} "
                f"errors, +{self.latency_ms:g} ms")


@dataclass
class InjectedError:
    at_s: float
    request_id: str
    service: str
    operation: str
    code: str


@dataclass
class _Runtime:
    """What a degrade fault accumulates in memory: its random stream and what it injected."""

    rng: random.Random
    requests_seen: int = 0
    errors_injected: int = 0
    events: deque[InjectedError] = field(default_factory=lambda: deque(maxlen=MAX_EVENTS_PER_FAULT))


class FaultBook:
    """The faults of one cloud: the durable rows, cached in memory, plus per-fault runtime.
    It keeps no reference to the cloud (so a cloud's store can go): callers pass it in."""

    def __init__(self, store: Store) -> None:
        self._lock = threading.Lock()
        self._faults: tuple[Fault, ...] = ()
        # (from_s, until_s, active faults): the clock window the list holds for
        self._window: tuple[float, float, list[Fault]] = (0.0, 0.0, [])
        self._runtime: dict[str, _Runtime] = {}
        self._announced: dict[str, str] = {}  # fault_id -> last state logged
        store.register_schema(SCHEMA_NAMESPACE, MIGRATIONS)
        self._reload(store)

    # -- reading ------------------------------------------------------------------------------

    def faults(self) -> tuple[Fault, ...]:
        return self._faults

    def active(self, now_s: float) -> list[Fault]:
        """The faults active at `now_s`. Cached until the clock reaches the next start or end
        of any fault: the hot path (every request) is two comparisons."""
        if not self._faults:
            return []
        valid_from_s, valid_until_s, active = self._window
        if not valid_from_s <= now_s < valid_until_s:
            active = self._recompute(now_s)
        return active

    def _recompute(self, now_s: float) -> list[Fault]:
        faults = self._faults
        edges = [f.start_at_s for f in faults]
        edges += [f.end_at_s for f in faults if f.end_at_s is not None]
        active = [f for f in faults if f.is_active(now_s)]
        # one assignment, so another thread (the DNS server) never sees half a window
        self._window = (max((e for e in edges if e <= now_s), default=-math.inf),
                        min((e for e in edges if e > now_s), default=math.inf), active)
        self._announce(now_s)
        return active

    def get(self, fault_id: str) -> Fault | None:
        return next((f for f in self._faults if f.fault_id == fault_id), None)

    def runtime_of(self, fault_id: str) -> dict[str, Any]:
        runtime = self._runtime.get(fault_id)
        if runtime is None:
            return {"requests_seen": 0, "errors_injected": 0, "injected": []}
        return {
            "requests_seen": runtime.requests_seen,
            "errors_injected": runtime.errors_injected,
            "injected": [asdict(e) for e in runtime.events],
        }

    # -- writing ------------------------------------------------------------------------------

    def add(self, cloud: CloudState, fault: Fault) -> Fault:
        with self._lock, cloud.store.write() as tx:
            count = tx.fetchvalue("SELECT COUNT(*) FROM infra_faults", (), default=0)
            if int(count) >= MAX_FAULTS:
                raise FaultError(f"at most {MAX_FAULTS} faults are kept: delete ended ones first "
                                 "(pocketcloud fault clear)")
            tx.execute(f"INSERT INTO infra_faults ({', '.join(_COLUMNS)}) VALUES "
                       f"({', '.join('?' for _ in _COLUMNS)})",
                       tuple(getattr(fault, c) for c in _COLUMNS))
        self._reload(cloud.store)
        log.warning("fault %s created: %s, seed %d, from %.3f%s", fault.fault_id,
                    fault.describe(), fault.seed, fault.start_at_s,
                    f" to {fault.end_at_s:.3f}" if fault.end_at_s is not None else "")
        return fault

    def restore(self, cloud: CloudState, fault_id: str | None = None) -> list[Fault]:
        """End one fault (or every fault not yet ended) now; returns those ended."""
        now = cloud.clock.now()
        ending = [f for f in self._faults if (fault_id is None or f.fault_id == fault_id)
                  and f.state(now) != "ended"]
        with self._lock, cloud.store.write() as tx:
            for fault in ending:
                # a scheduled fault that never started ends at its start: an empty window
                tx.execute("UPDATE infra_faults SET end_at_s = ? WHERE fault_id = ?",
                           (max(now, fault.start_at_s), fault.fault_id))
        self._reload(cloud.store)
        for fault in ending:
            log.warning("fault %s restored (seed %d): %s", fault.fault_id, fault.seed,
                        fault.describe())
        return ending

    def clear_ended(self, cloud: CloudState) -> int:
        now = cloud.clock.now()
        with self._lock, cloud.store.write() as tx:
            removed = tx.execute("DELETE FROM infra_faults WHERE end_at_s IS NOT NULL AND "
                                 "(end_at_s <= ? OR end_at_s <= start_at_s)", (now,))
        self._reload(cloud.store)
        return removed

    # -- degrade decisions ------------------------------------------------------------------

    def draw(self, fault: Fault) -> tuple[bool, float]:
        """One request's draws from the fault's stream: (inject an error?, a second draw
        that picks which error). Two draws per request always, so a replay stays in step."""
        with self._lock:
            runtime = self._runtime_for(fault)
            runtime.requests_seen += 1
            first, second = runtime.rng.random(), runtime.rng.random()
        return first < fault.error_rate, second

    def record(self, fault: Fault, event: InjectedError) -> None:
        with self._lock:
            runtime = self._runtime_for(fault)
            runtime.errors_injected += 1
            runtime.events.append(event)

    def _runtime_for(self, fault: Fault) -> _Runtime:
        runtime = self._runtime.get(fault.fault_id)
        if runtime is None:
            runtime = self._runtime[fault.fault_id] = _Runtime(random.Random(fault.seed))
        return runtime

    # -- internals ----------------------------------------------------------------------------

    def _reload(self, store: Store) -> None:
        with store.read() as tx:
            rows = tx.fetchall(f"SELECT {', '.join(_COLUMNS)} FROM infra_faults "
                               "ORDER BY created_at_s, fault_id", ())
        self._faults = tuple(Fault(**dict(zip(_COLUMNS, row, strict=True))) for row in rows)
        self._window = (0.0, 0.0, [])  # recompute on the next question

    def _announce(self, now_s: float) -> None:
        """Log each fault's start and end as the clock passes them (once each)."""
        for fault in self._faults:
            state = fault.state(now_s)
            if self._announced.get(fault.fault_id) == state:
                continue
            previous = self._announced.get(fault.fault_id)
            self._announced[fault.fault_id] = state
            if state == "active" or (state == "ended" and previous == "active"):
                log.warning("fault %s %s (seed %d): %s", fault.fault_id,
                            "started" if state == "active" else "ended", fault.seed,
                            fault.describe())


# store id -> (the store, weakly: a later store may reuse a collected one's id; its book).
# A plain dict: a WeakKeyDictionary lookup is Python code, and this is asked on every request.
_books: dict[int, tuple[weakref.ref[Any], FaultBook]] = {}
_books_lock = threading.Lock()


def fault_book(cloud: CloudState) -> FaultBook:
    """The cloud's FaultBook (one per store), created with its table on first use: outside
    any transaction, as registering a schema must be."""
    store = cloud.store
    found = _books.get(id(store))
    if found is not None and found[0]() is store:
        return found[1]
    with _books_lock:
        found = _books.get(id(store))
        if found is None or found[0]() is not store:
            for stale in [k for k, (ref, _) in _books.items() if ref() is None]:
                del _books[stale]  # bounded: books of collected stores go
            found = _books[id(store)] = (weakref.ref(store), FaultBook(store))
    return found[1]


def active_faults(cloud: CloudState) -> list[Fault]:
    return fault_book(cloud).active(cloud.clock.now())


# -- the questions services ask -------------------------------------------------------------


def is_region_down(cloud: CloudState, region: str) -> bool:
    """Whether a region-down fault is active for `region` now (on the cloud's clock)."""
    return any(f.kind == REGION_DOWN and f.region == region for f in active_faults(cloud))


def is_az_down(cloud: CloudState, az_name: str) -> bool:
    """Whether the zone (by name ``us-east-1a`` or id ``use1-az4``) is down: an az-down
    fault on it, or its whole Region down."""
    zone = get_availability_zone(az_name) or get_availability_zone_by_id(az_name)
    if zone is None:
        return False
    for fault in active_faults(cloud):
        if fault.kind == REGION_DOWN and fault.region == zone.region_code:
            return True
        if fault.kind == AZ_DOWN and fault.zone == zone.zone_name:
            return True
    return False


ZONE_IMPAIRED = "impaired"
ZONE_AVAILABLE = "available"


def zone_state(cloud: CloudState, az_name: str) -> tuple[str, list[str]]:
    """DescribeAvailabilityZones' State and Messages for a zone: 'impaired' with a message
    while it is down (AWS's state for a zone in trouble), else 'available' and none."""
    if not is_az_down(cloud, az_name):
        return ZONE_AVAILABLE, []
    return ZONE_IMPAIRED, [f"{az_name} is impaired: instances and other zonal resources in "
                           "this zone are not reachable."]


# -- making faults ----------------------------------------------------------------------------


def new_fault(
    cloud: CloudState,
    kind: str,
    *,
    fault_id: str,
    seed: int,
    region: str = "",
    zone: str = "",
    service: str = "",
    error_rate: float = 0.0,
    error_kind: str = "mixed",
    latency_ms: float = 0.0,
    start_at_s: float | None = None,
    duration_s: float | None = None,
) -> Fault:
    """A validated Fault (not yet stored): FaultError says what is wrong."""
    now = cloud.clock.now()
    start = now if start_at_s is None else float(start_at_s)
    if duration_s is not None and not duration_s > 0:
        raise FaultError("duration must be more than 0 seconds")
    end = None if duration_s is None else start + float(duration_s)
    if kind == AZ_DOWN:
        region, zone = _zone_target(zone)
    elif kind in (REGION_DOWN, DEGRADE):
        if get_region(region) is None:
            raise FaultError(f"unknown Region {region!r}")
        zone = ""
    else:
        raise FaultError(f"unknown fault kind {kind!r}; expected one of {', '.join(KINDS)}")
    if kind == DEGRADE:
        _check_degrade(service, error_rate, error_kind, latency_ms)
    else:
        service, error_rate, latency_ms = "", 0.0, 0.0
    return Fault(fault_id=fault_id, kind=kind, region=region, seed=int(seed), created_at_s=now,
                 start_at_s=start, end_at_s=end, zone=zone, service=service,
                 error_rate=float(error_rate), error_kind=error_kind,
                 latency_ms=float(latency_ms))


def _zone_target(name: str) -> tuple[str, str]:
    zone = get_availability_zone(name) or get_availability_zone_by_id(name)
    if zone is None:
        raise FaultError(f"unknown Availability Zone {name!r}")
    return zone.region_code, zone.zone_name


def _check_degrade(service: str, error_rate: float, error_kind: str, latency_ms: float) -> None:
    if not service:
        raise FaultError("a degrade fault needs a service (botocore's name, or '*' for all)")
    if not 0.0 <= float(error_rate) <= 1.0:
        raise FaultError("error rate must be between 0 and 1")
    if error_kind not in ERROR_KINDS:
        raise FaultError(f"error kind must be one of {', '.join(ERROR_KINDS)}")
    if not 0.0 <= float(latency_ms) <= MAX_ADDED_LATENCY_MS:
        raise FaultError(f"added latency must be between 0 and {MAX_ADDED_LATENCY_MS:g} ms")
