"""The DNS server's view of every public hosted zone, built from the store and cached.

Rebuilt only when a Route 53 write has changed something (common.generation), so a query
costs dict lookups, never SQL. Names are dnspython Names (compared case-insensitively); record
values are parsed to rdata once, here, not per query.
"""

from __future__ import annotations

import json
import logging
import threading
from dataclasses import dataclass, field
from typing import Any

import dns.name
import dns.rdata
import dns.rdatatype
import dns.rrset
from dns.rdatatype import RdataType

from pocketcloud.cloud import Cloud
from pocketcloud.services.route53 import names
from pocketcloud.services.route53.common import (
    generation,
    names_changed_since,
    store,
    zone_version,
)
from pocketcloud.services.route53.validation import parse_rdata
from pocketcloud.store import Tx

log = logging.getLogger("pocketcloud.route53")


Key = tuple[bytes, ...]  # a name's labels, lower-cased, root label included: cheap to hash


def dns_name(text: str) -> dns.name.Name:
    """A Route 53 name (octal escapes) as a dnspython Name."""
    return dns.name.Name([label.encode("utf-8") for label in names.split_labels(text)] + [b""])


def key(name: dns.name.Name) -> Key:
    return tuple(label.lower() for label in name.labels)


def within(name: Key, origin: Key) -> bool:
    return len(name) >= len(origin) and name[len(name) - len(origin):] == origin


@dataclass
class RecordSetView:
    rrset: dict[str, Any]  # as the API stores it
    rdtype: RdataType
    ttl: int
    rdatas: list[dns.rdata.Rdata]
    alias: dict[str, Any] | None
    health_check_id: str | None
    owner: dns.name.Name
    prebuilt: dns.rrset.RRset | None = None  # the answer when this set alone answers its name
    alias_name: dns.name.Name | None = None

    @property
    def set_identifier(self) -> str | None:
        return self.rrset.get("SetIdentifier")


@dataclass
class ZoneView:
    zone_id: str
    origin: dns.name.Name
    origin_key: Key
    soa: RecordSetView | None = None
    nodes: dict[Key, dict[RdataType, list[RecordSetView]]] = field(default_factory=dict)
    empty_non_terminals: set[Key] = field(default_factory=set)
    delegations: set[Key] = field(default_factory=set)  # NS below the apex

    def add(self, view: RecordSetView) -> None:
        self.nodes.setdefault(key(view.owner), {}).setdefault(view.rdtype, []).append(view)

    def finish(self) -> ZoneView:
        """Derive the apex SOA, delegations and empty non-terminals from the nodes."""
        self.empty_non_terminals, self.delegations = set(), set()
        apex = self.nodes.get(self.origin_key, {}).get(dns.rdatatype.SOA)
        self.soa = apex[0] if apex else None
        for owner, node in self.nodes.items():
            if dns.rdatatype.NS in node and owner != self.origin_key:
                self.delegations.add(owner)
            for i in range(1, len(owner) - len(self.origin_key)):
                self.empty_non_terminals.add(owner[i:])
        return self


@dataclass
class ZoneIndex:
    generation: int
    zones: dict[Key, ZoneView]  # by apex; the oldest zone wins a shared name
    by_id: dict[str, ZoneView]

    def zone_for(self, qname: Key) -> ZoneView | None:
        for i in range(len(qname)):
            zone = self.zones.get(qname[i:])
            if zone is not None:
                return zone
        return None


_lock = threading.Lock()
_cached: dict[int, ZoneIndex] = {}


def zone_index(cloud: Cloud) -> ZoneIndex:
    current = generation()
    found = _cached.get(id(cloud))
    if found is not None and found.generation == current:
        return found
    with _lock:
        index = _build(cloud, current, found)
        _cached[id(cloud)] = index
    return index


def _build(cloud: Cloud, current: int, previous: ZoneIndex | None) -> ZoneIndex:
    """Zones whose records did not change since `previous` are reused, not re-read."""
    zones: dict[Key, ZoneView] = {}
    by_id: dict[str, ZoneView] = {}
    with store(cloud).read() as tx:
        for zone_id, name in tx.fetchall("SELECT zone_id, name FROM route53_zones WHERE "
                                         "private = 0 ORDER BY created_s, zone_id"):
            kept = previous.by_id.get(zone_id) if previous is not None else None
            if kept is None or previous is None:
                kept = _read_zone(tx, zone_id, name)
            elif zone_version(zone_id) > previous.generation:
                changed = names_changed_since(zone_id, previous.generation)
                kept = _read_zone(tx, zone_id, name) if changed is None else \
                    _update_zone(tx, kept, changed)
            by_id[zone_id] = kept
            zones.setdefault(kept.origin_key, kept)
    return ZoneIndex(current, zones, by_id)


def _read_zone(tx: Tx, zone_id: str, name: str) -> ZoneView:
    origin = dns_name(name)
    view = ZoneView(zone_id, origin, key(origin))
    for (data,) in tx.fetchall("SELECT data FROM route53_records WHERE zone_id = ?",
                               (zone_id,)):
        _add(view, json.loads(data))
    return view.finish()


NAMES_PER_QUERY = 500


def _update_zone(tx: Tx, old: ZoneView, changed: set[str]) -> ZoneView:
    """A copy of `old` with the record sets at `changed` names read again (copy on write:
    other threads may be answering from `old`)."""
    view = ZoneView(old.zone_id, old.origin, old.origin_key, nodes=dict(old.nodes))
    for name in changed:
        view.nodes.pop(key(dns_name(name)), None)
    sort_names = sorted(names.sort_key(n) for n in changed)
    for i in range(0, len(sort_names), NAMES_PER_QUERY):
        chunk = sort_names[i:i + NAMES_PER_QUERY]
        for (data,) in tx.fetchall(
                "SELECT data FROM route53_records WHERE zone_id = ? AND sort_name IN "
                f"({', '.join('?' * len(chunk))})", (old.zone_id, *chunk)):
            _add(view, json.loads(data))
    return view.finish()


def _add(zone: ZoneView, rrset: dict[str, Any]) -> None:
    try:
        rdtype = dns.rdatatype.from_text(rrset["Type"])
        values = [r["Value"] for r in rrset.get("ResourceRecords", ())]
        rdatas = [parse_rdata(rrset["Type"], v) for v in values]
        alias = rrset.get("AliasTarget")
        view = RecordSetView(rrset, rdtype, int(rrset.get("TTL", 60)), rdatas, alias,
                             rrset.get("HealthCheckId"), dns_name(rrset["Name"]))
        if alias is not None:
            view.alias_name = dns_name(alias["DNSName"])
        else:
            view.prebuilt = dns.rrset.from_rdata_list(view.owner, view.ttl, rdatas)
        zone.add(view)
    except Exception:  # a value stored before a validation fix must not stop DNS for all
        log.warning("route53: cannot serve record set %s %s", rrset.get("Name"),
                    rrset.get("Type"), exc_info=True)
