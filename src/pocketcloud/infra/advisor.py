"""The region advisor: AWS's four reasons to pick a Region, as a ranking with its reasons.

1. Compliance (data residency): a Region outside the required country or jurisdiction is
   excluded outright, never ranked ("EU", an ISO country code like "DE", or a country name).
2. Proximity: the users' weighted mean round-trip time to the Region (infra/latency.py).
3. Feature availability: the share of the needed services (or features, like
   s3-express-one-zone) the Region offers (infra/availability.py). A Region lacking one
   ranks below every Region that has them all.
4. Price: the Region's price index (infra/data/price_index.json; us-east-1 = 1.00).

Within those tiers Regions are ordered by a score in [0, 1]: the weighted mean of proximity
(best RTT / this RTT), price (cheapest index / this index) and features (share offered).
"""

from __future__ import annotations

import json
import math
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from pocketcloud.infra.availability import is_feature, is_known, offers
from pocketcloud.infra.latency import rtt_ms
from pocketcloud.infra.locations import ClientLocation, UnknownLocation, parse_location
from pocketcloud.infra.regions import Region, all_regions

DEFAULT_WEIGHTS = {"latency": 0.6, "price": 0.3, "features": 0.1}
MAX_USERS = 100
MAX_SERVICES = 50
MAX_RESIDENCY_VALUES = 30


class AdviceError(ValueError):
    """The question cannot be answered as asked (unknown place, bad weight...)."""


@dataclass(frozen=True)
class UserGroup:
    place: ClientLocation
    weight: float


@cache
def price_index() -> dict[str, dict[str, Any]]:
    text = resources.files("pocketcloud.infra").joinpath("data", "price_index.json")
    return dict(json.loads(text.read_text("utf-8"))["regions"])


def advise(
    users: Any = None,
    residency: Any = None,
    services: Any = None,
    top: Any = None,
    weights: Any = None,
) -> dict[str, Any]:
    """Rank the Regions. `users`: [{"location": "Tokyo", "weight": 3}, ...] (or plain names);
    `residency`: a jurisdiction or a list of them (any may match); `services`: botocore names."""
    groups = _user_groups(users)
    allowed = _residency(residency)
    needed = _services(services)
    mix = _weights(weights)
    limit = _top(top)
    eligible, excluded = [], []
    for region in all_regions():
        if allowed and not _complies(region, allowed):
            excluded.append({"region": region.code, "name": region.name,
                             "why": f"compliance: in {region.country}, not in "
                                    f"{' or '.join(allowed)}"})
        else:
            eligible.append(region)
    rows = [_assess(region, groups, needed) for region in eligible]
    _score(rows, mix)
    rows.sort(key=lambda r: (len(r["factors"]["features"]["missing"]), -r["score"]))
    for rank, row in enumerate(rows, start=1):
        row["rank"] = rank
    return {
        "criteria": {
            "users": [{"location": g.place.name, "weight": g.weight} for g in groups],
            "residency": allowed, "services": needed, "weights": mix,
        },
        "ranking": rows[:limit] if limit else rows,
        "excluded": excluded,
    }


def _assess(region: Region, groups: list[UserGroup], needed: list[str]) -> dict[str, Any]:
    price = price_index().get(region.code, {"index": math.nan, "estimated": True})
    missing = [s for s in needed if not offers(region.code, s)]
    per_user = {g.place.name: round(rtt_ms(g.place, region), 1) for g in groups}
    total_weight = sum(g.weight for g in groups)
    weighted = (sum(rtt_ms(g.place, region) * g.weight for g in groups) / total_weight
                if groups else 0.0)
    worst = max(per_user.items(), key=lambda kv: kv[1]) if per_user else ("", 0.0)
    return {
        "region": region.code, "name": region.name, "country": region.country,
        "score": 0.0,
        "factors": {
            "compliance": {"ok": True, "jurisdiction": list(region.jurisdiction),
                           "opt_in_required": region.opt_in_required},
            "proximity": {"weighted_rtt_ms": round(weighted, 1), "worst_rtt_ms": worst[1],
                          "worst_user": worst[0], "per_user_rtt_ms": per_user},
            "features": {"offered": [s for s in needed if s not in missing],
                         "missing": missing},
            "price": {"index": price["index"], "estimated": bool(price.get("estimated"))},
        },
    }


def _score(rows: list[dict[str, Any]], mix: dict[str, float]) -> None:
    if not rows:
        return
    best_rtt = min(r["factors"]["proximity"]["weighted_rtt_ms"] for r in rows)
    cheapest = min(r["factors"]["price"]["index"] for r in rows)
    total = sum(mix.values()) or 1.0
    for row in rows:
        factors = row["factors"]
        rtt = factors["proximity"]["weighted_rtt_ms"]
        proximity = 1.0 if rtt <= 0 else max(best_rtt, 1.0) / max(rtt, 1.0)
        price = cheapest / factors["price"]["index"]
        needed = len(factors["features"]["offered"]) + len(factors["features"]["missing"])
        features = 1.0 if needed == 0 else len(factors["features"]["offered"]) / needed
        factors["proximity"]["score"] = round(proximity, 3)
        factors["price"]["score"] = round(price, 3)
        factors["features"]["score"] = round(features, 3)
        score = (mix["latency"] * proximity + mix["price"] * price
                 + mix["features"] * features) / total
        row["score"] = round(score, 3)
        row["explanation"] = _explain(row)


def _explain(row: dict[str, Any]) -> dict[str, str]:
    f = row["factors"]
    compliance = f"in {row['country']} ({', '.join(f['compliance']['jurisdiction'])})"
    if f["compliance"]["opt_in_required"]:
        compliance += "; an opt-in Region: the account must enable it first"
    p = f["proximity"]
    if p["per_user_rtt_ms"]:
        proximity = (f"{p['weighted_rtt_ms']:.0f} ms weighted round trip to users; worst "
                     f"{p['worst_rtt_ms']:.0f} ms ({p['worst_user']})")
    else:
        proximity = "no user locations given"
    if f["features"]["missing"]:
        features = "lacks " + ", ".join(f["features"]["missing"])
    elif len(f["features"]["offered"]) == 1:
        features = "offers the needed " + f["features"]["offered"][0]
    elif f["features"]["offered"]:
        features = f"offers all {len(f['features']['offered'])} needed services"
    else:
        features = "no services asked for"
    estimated = " (estimated)" if f["price"]["estimated"] else ""
    price = f"price index {f['price']['index']:.2f} x us-east-1{estimated}"
    return {"compliance": compliance, "proximity": proximity, "features": features,
            "price": price}


# -- input checking ----------------------------------------------------------------------------


def _user_groups(users: Any) -> list[UserGroup]:
    if users is None:
        return []
    if not isinstance(users, list) or len(users) > MAX_USERS:
        raise AdviceError(f"users must be a list of at most {MAX_USERS} locations")
    groups = []
    for entry in users:
        if isinstance(entry, str):
            entry = {"location": entry}
        if not isinstance(entry, dict) or not isinstance(entry.get("location"), str):
            raise AdviceError('each user is {"location": "<city|region|lat,lon>", "weight": n}')
        weight = entry.get("weight", 1)
        if isinstance(weight, bool) or not isinstance(weight, int | float) \
                or not math.isfinite(weight) or weight <= 0:
            raise AdviceError(f"weight of {entry['location']!r} must be a positive number")
        try:
            groups.append(UserGroup(parse_location(entry["location"]), float(weight)))
        except UnknownLocation as problem:
            raise AdviceError(str(problem)) from None
    return groups


def _residency(residency: Any) -> list[str]:
    if residency is None or residency == "":
        return []
    values = [residency] if isinstance(residency, str) else residency
    if not isinstance(values, list) or len(values) > MAX_RESIDENCY_VALUES \
            or not all(isinstance(v, str) and 0 < len(v) <= 60 for v in values):
        raise AdviceError("residency is a jurisdiction (EU, an ISO country code, a country "
                          "name) or a list of them")
    return [v.strip() for v in values]


def _complies(region: Region, allowed: list[str]) -> bool:
    for value in allowed:
        if value.upper() in region.jurisdiction or _fold(value) == _fold(region.country):
            return True
    return False


def _services(services: Any) -> list[str]:
    if services is None:
        return []
    if not isinstance(services, list) or len(services) > MAX_SERVICES \
            or not all(isinstance(s, str) and 0 < len(s) <= 64 for s in services):
        raise AdviceError(f"services is a list of at most {MAX_SERVICES} service names")
    unknown = [s for s in services if not is_known(s) and not is_feature(s)]
    if unknown:
        raise AdviceError(f"unknown service(s) {unknown}: use botocore's names (e.g. lambda, "
                          "dynamodb, apprunner) or a feature (s3-express-one-zone)")
    return list(dict.fromkeys(services))


def _weights(weights: Any) -> dict[str, float]:
    mix = dict(DEFAULT_WEIGHTS)
    if weights is None:
        return mix
    if not isinstance(weights, dict) or not set(weights) <= set(DEFAULT_WEIGHTS):
        raise AdviceError(f"weights has keys {sorted(DEFAULT_WEIGHTS)}")
    for key, value in weights.items():
        if isinstance(value, bool) or not isinstance(value, int | float) \
                or not math.isfinite(value) or value < 0:
            raise AdviceError(f"weight {key} must be a non-negative number")
        mix[key] = float(value)
    return mix


def _top(top: Any) -> int:
    if top is None:
        return 0
    if isinstance(top, bool) or not isinstance(top, int) or top < 1:
        raise AdviceError("top must be a positive integer")
    return top


def _fold(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text)
    return "".join(c for c in plain if not unicodedata.combining(c)).strip().lower()
