"""Where things are, for Route 53: the DNS client's location, an endpoint's region, faults.

The infra layer owns client locations, latency and fault injection. This module asks it
through a small interface and falls back when that part of infra is not there:

- ``pocketcloud.infra.faults.is_region_down(cloud, region) -> bool``; without it no region is
  ever down.
- ``pocketcloud.infra.latency.rtt_ms(place, region) -> float``; without it, round-trip time is
  estimated from great-circle distance over fibre.
- ``pocketcloud.infra.locations.parse_location(text)`` (cities, region codes, ``lat,lon``);
  without it, a region code or ``lat,lon``.

The DNS client's location is ``--dns-client-location``, else infra's ``--client-location``,
else the default region's city. Latency and geolocation routing answer for that place; its
country is the one the location names, its continent that of the nearest region.
"""

from __future__ import annotations

import importlib
import logging
import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from pocketcloud.cloud import Cloud
from pocketcloud.infra.regions import get_region, great_circle_km, nearest_region

log = logging.getLogger("pocketcloud.route53")

REGION_TAG = "pocketcloud:region"  # a health check tag placing its endpoint in a region
FIBRE_KM_PER_MS = 200.0  # light in glass: about two thirds of c
ROUTE_FACTOR = 1.5  # cables do not follow great circles
_REGION_LABEL = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d$")
_AREA_CONTINENT = {"North America": "NA", "South America": "SA", "Europe": "EU",
                   "Africa": "AF", "Middle East": "AS", "Asia Pacific": "AS"}
_OCEANIA = frozenset({"AU", "NZ"})
_US_STATES = {"Virginia": "VA", "Ohio": "OH", "California": "CA", "Oregon": "OR"}


@dataclass(frozen=True)
class ClientPlace:
    latitude: float
    longitude: float
    country_code: str
    continent_code: str
    subdivision_code: str | None


def _optional(module: str, name: str) -> Any:
    try:
        return getattr(importlib.import_module(module), name, None)
    except ImportError:
        return None


def is_region_down(cloud: Cloud, region: str) -> bool:
    check = _optional("pocketcloud.infra.faults", "is_region_down")
    return bool(check(cloud, region)) if check is not None else False


def endpoint_region(config: dict[str, Any], tags: dict[str, str]) -> str | None:
    """The region a health check's endpoint is in: its tag, or a region label in its name."""
    if tags.get(REGION_TAG) and get_region(tags[REGION_TAG]):
        return tags[REGION_TAG]
    for label in (config.get("FullyQualifiedDomainName") or "").lower().split("."):
        if _REGION_LABEL.match(label) and get_region(label):
            return label
    return None


def rtt_ms(cloud: Cloud, place: ClientPlace, region: str) -> float:
    measured = _optional("pocketcloud.infra.latency", "rtt_ms")
    if measured is not None:
        try:
            return float(measured(place, region))
        except Exception:  # infra's model is optional here; distance still ranks regions
            log.debug("infra.latency.rtt_ms failed; using distance", exc_info=True)
    where = get_region(region)
    if where is None:
        return float("inf")
    km = great_circle_km(place.latitude, place.longitude, where.latitude, where.longitude)
    return 2 * km * ROUTE_FACTOR / FIBRE_KM_PER_MS


def client_place(cloud: Cloud) -> ClientPlace:
    settings = cloud.settings
    text = settings.dns_client_location or getattr(settings, "client_location", "")
    try:
        return _place(text or settings.default_region)
    except ValueError:  # an unknown place: say so once, answer for the default region
        if text not in _warned:
            _warned.add(text)
            log.warning("dns: client location %r is unknown; answering as if in %s", text,
                        settings.default_region)
        return _place(settings.default_region)


_warned: set[str] = set()


@cache
def _place(text: str) -> ClientPlace:
    region = get_region(text.strip())
    country = ""
    if region is None:
        latitude, longitude, country = _parse(text)
        region = nearest_region(latitude, longitude)
    else:
        latitude, longitude = region.latitude, region.longitude
    country = country or region.country_code
    continent = "OC" if country in _OCEANIA else _AREA_CONTINENT[region.area]
    subdivision = _US_STATES.get(region.sub_geography or "") if country == "US" and \
        region.country_code == "US" else None
    return ClientPlace(latitude, longitude, country, continent, subdivision)


def _parse(text: str) -> tuple[float, float, str]:
    parse = _optional("pocketcloud.infra.locations", "parse_location")
    if parse is not None:
        found = parse(text)
        return float(found.latitude), float(found.longitude), str(found.country_code or "")
    latitude, longitude = _coordinates(text)
    return latitude, longitude, ""


def _coordinates(text: str) -> tuple[float, float]:
    try:
        lat_text, lon_text = text.split(",")
        latitude, longitude = float(lat_text), float(lon_text)
    except ValueError:
        raise ValueError(f"a DNS client location is a region code or 'lat,lon', not {text!r}")\
            from None
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise ValueError(f"coordinates out of range: {text!r}")
    return latitude, longitude
