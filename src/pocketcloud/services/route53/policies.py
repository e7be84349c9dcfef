"""Routing policies: which of a name's record sets answer a query.

Rules from Route 53's documentation:
- simple: the one record set, all its values;
- weighted: one set drawn with probability weight / total among healthy sets (all weights 0:
  equal chances); if none is healthy, all count as healthy;
- latency: the healthy set whose region has the lowest latency from the client;
- failover: the primary when healthy, else the secondary when healthy, else the primary;
- geolocation: the most specific match (subdivision, country, continent, default '*') that
  is healthy; no match answers no records;
- multivalue answer: up to 8 healthy sets chosen at random; if none is healthy, up to 8 of all.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from pocketcloud.services.route53.places import ClientPlace
from pocketcloud.services.route53.zone_index import RecordSetView

MULTIVALUE_ANSWERS_MAX = 8

Healthy = Callable[[RecordSetView], bool]
Latency = Callable[[str], float]


def is_random(view: RecordSetView) -> bool:
    """Whether answers for this record set's group are drawn at random."""
    return "Weight" in view.rrset or "MultiValueAnswer" in view.rrset


def select(sets: list[RecordSetView], healthy: Healthy, place: ClientPlace,
           latency_ms: Latency, rng: random.Random) -> list[RecordSetView]:
    first = sets[0].rrset
    if "Weight" in first:
        return _weighted(sets, healthy, rng)
    if "Region" in first:
        return _latency(sets, healthy, latency_ms)
    if "Failover" in first:
        return _failover(sets, healthy)
    if "GeoLocation" in first:
        return _geolocation(sets, healthy, place)
    if "MultiValueAnswer" in first:
        return _multivalue(sets, healthy, rng)
    return sets[:1]


def _healthy_or_all(sets: list[RecordSetView], healthy: Healthy) -> list[RecordSetView]:
    alive = [s for s in sets if healthy(s)]
    return alive or sets


def _weighted(sets: list[RecordSetView], healthy: Healthy,
              rng: random.Random) -> list[RecordSetView]:
    candidates = [s for s in sets if s.rrset["Weight"] > 0] or sets
    candidates = _healthy_or_all(candidates, healthy)
    weights = [s.rrset["Weight"] for s in candidates]
    if not any(weights):
        return [rng.choice(candidates)]
    return rng.choices(candidates, weights=weights, k=1)


def _latency(sets: list[RecordSetView], healthy: Healthy,
             latency_ms: Latency) -> list[RecordSetView]:
    candidates = _healthy_or_all(sets, healthy)
    return [min(candidates, key=lambda s: latency_ms(s.rrset["Region"]))]


def _failover(sets: list[RecordSetView], healthy: Healthy) -> list[RecordSetView]:
    primary = next((s for s in sets if s.rrset["Failover"] == "PRIMARY"), None)
    secondary = next((s for s in sets if s.rrset["Failover"] == "SECONDARY"), None)
    if primary is not None and healthy(primary):
        return [primary]
    if secondary is not None and healthy(secondary):
        return [secondary]
    fallback = primary or secondary
    return [fallback] if fallback is not None else []


def _geolocation(sets: list[RecordSetView], healthy: Healthy,
                 place: ClientPlace) -> list[RecordSetView]:
    def rank(view: RecordSetView) -> int | None:
        geo = view.rrset["GeoLocation"]
        country, sub = geo.get("CountryCode"), geo.get("SubdivisionCode")
        if sub:
            return 0 if country == place.country_code and sub == place.subdivision_code else None
        if country == "*":
            return 3
        if country:
            return 1 if country == place.country_code else None
        return 2 if geo.get("ContinentCode") == place.continent_code else None

    ranked = sorted((r, i, s) for i, s in enumerate(sets) if (r := rank(s)) is not None)
    for _, _, view in ranked:
        if healthy(view):
            return [view]
    return [ranked[0][2]] if ranked else []  # none healthy: the most specific match


def _multivalue(sets: list[RecordSetView], healthy: Healthy,
                rng: random.Random) -> list[RecordSetView]:
    candidates = _healthy_or_all(sets, healthy)
    return rng.sample(candidates, min(MULTIVALUE_ANSWERS_MAX, len(candidates)))
