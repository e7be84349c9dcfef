"""AWS's global infrastructure as data: Regions, Availability Zones, CloudFront edge locations.

The facts live in ``infra/data/regions.json`` and ``infra/data/edge_locations.json`` (each names
its sources). They are read once, on first use, into frozen dataclasses; every lookup after that
is a dict access. Only the commercial partition (``aws``) is described.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, Protocol

COMMERCIAL_PARTITION = "aws"
EARTH_MEAN_RADIUS_KM = 6371.0088  # IUGG mean radius; good to ~0.5% for great-circle distances
ZONE_STATE_AVAILABLE = "available"
ZONE_TYPE_AVAILABILITY_ZONE = "availability-zone"
EDGE_CODE_LENGTH = 3  # CloudFront PoP ids start with an IATA code: IAD89-C1 -> IAD


class Located(Protocol):
    @property
    def latitude(self) -> float: ...

    @property
    def longitude(self) -> float: ...


@dataclass(frozen=True, slots=True)
class AvailabilityZone:
    zone_name: str  # us-east-1a: what an account calls it
    zone_id: str  # use1-az4: the same physical zone in every account
    region_code: str
    region_name: str  # the Region's long name, for the zone group's long name

    @property
    def group_name(self) -> str:
        return f"{self.region_code}-zg-1"

    @property
    def group_long_name(self) -> str:
        return f"{self.region_name} 1"

    @property
    def network_border_group(self) -> str:
        return self.region_code

    @property
    def zone_type(self) -> str:
        return ZONE_TYPE_AVAILABILITY_ZONE


@dataclass(frozen=True, slots=True)
class Region:
    code: str  # us-east-1
    name: str  # US East (N. Virginia)
    partition: str
    area: str  # AWS's grouping: North America, Europe, Asia Pacific...
    geography: str  # what DescribeRegions reports: "United States of America"
    sub_geography: str | None  # "Virginia" where AWS names one
    country: str
    country_code: str  # ISO 3166-1 alpha-2
    jurisdiction: tuple[str, ...]  # country code, plus "EU" for European Union members
    city: str
    latitude: float
    longitude: float
    opt_in_required: bool  # launched after 2019-03-20: each account must enable it
    availability_zones: tuple[AvailabilityZone, ...]

    @property
    def ec2_endpoint(self) -> str:
        return f"ec2.{self.code}.amazonaws.com"

    def zone(self, zone_name: str) -> AvailabilityZone | None:
        return next((z for z in self.availability_zones if z.zone_name == zone_name), None)


@dataclass(frozen=True, slots=True)
class EdgeLocation:
    code: str  # IATA code of the metro area: IAD
    city: str
    country: str
    country_code: str
    area: str
    latitude: float
    longitude: float
    pricing_region: str  # CloudFront's pricing region for requests served here


# -- loading ---------------------------------------------------------------------------------


def _load_json(name: str) -> dict[str, Any]:
    text = resources.files("pocketcloud.infra").joinpath("data", name).read_text("utf-8")
    document = json.loads(text)
    if not isinstance(document, dict) or not document.get("sources"):
        raise ValueError(f"infra/data/{name} must be an object with a non-empty 'sources' list")
    return document


def _region_from(entry: dict[str, Any]) -> Region:
    code, name = str(entry["code"]), str(entry["name"])
    zones = tuple(
        AvailabilityZone(str(z["zone_name"]), str(z["zone_id"]), code, name)
        for z in entry["availability_zones"]
    )
    return Region(
        code=code,
        name=name,
        partition=str(entry["partition"]),
        area=str(entry["area"]),
        geography=str(entry["geography"]),
        sub_geography=entry.get("sub_geography"),
        country=str(entry["country"]),
        country_code=str(entry["country_code"]),
        jurisdiction=tuple(entry["jurisdiction"]),
        city=str(entry["city"]),
        latitude=float(entry["latitude"]),
        longitude=float(entry["longitude"]),
        opt_in_required=bool(entry["opt_in_required"]),
        availability_zones=zones,
    )


def _edge_location_from(entry: dict[str, Any]) -> EdgeLocation:
    return EdgeLocation(
        code=str(entry["code"]),
        city=str(entry["city"]),
        country=str(entry["country"]),
        country_code=str(entry["country_code"]),
        area=str(entry["area"]),
        latitude=float(entry["latitude"]),
        longitude=float(entry["longitude"]),
        pricing_region=str(entry["pricing_region"]),
    )


def _index(items: tuple[Any, ...], key: str, what: str) -> dict[str, Any]:
    index: dict[str, Any] = {}
    for item in items:
        value = getattr(item, key)
        if value in index:
            raise ValueError(f"duplicate {what} {value!r} in infra/data")
        index[value] = item
    return index


@cache
def _regions() -> tuple[Region, ...]:
    return tuple(_region_from(entry) for entry in _load_json("regions.json")["regions"])


@cache
def _regions_by_code() -> dict[str, Region]:
    return _index(_regions(), "code", "region code")


@cache
def _zones_by_name() -> dict[str, AvailabilityZone]:
    zones = tuple(z for r in _regions() for z in r.availability_zones)
    return _index(zones, "zone_name", "zone name")


@cache
def _zones_by_id() -> dict[str, AvailabilityZone]:
    zones = tuple(z for r in _regions() for z in r.availability_zones)
    return _index(zones, "zone_id", "zone id")


@cache
def _edge_locations() -> tuple[EdgeLocation, ...]:
    entries = _load_json("edge_locations.json")["edge_locations"]
    return tuple(_edge_location_from(entry) for entry in entries)


@cache
def _edge_locations_by_code() -> dict[str, EdgeLocation]:
    return _index(_edge_locations(), "code", "edge location code")


# -- lookups ---------------------------------------------------------------------------------


def all_regions() -> tuple[Region, ...]:
    """Every commercial Region, in the data file's order (grouped by area)."""
    return _regions()


def get_region(code: str) -> Region | None:
    return _regions_by_code().get(code)


def is_valid_region(code: str) -> bool:
    return code in _regions_by_code()


def get_availability_zone(zone_name: str) -> AvailabilityZone | None:
    return _zones_by_name().get(zone_name)


def get_availability_zone_by_id(zone_id: str) -> AvailabilityZone | None:
    return _zones_by_id().get(zone_id)


def all_edge_locations() -> tuple[EdgeLocation, ...]:
    return _edge_locations()


def get_edge_location(code: str) -> EdgeLocation | None:
    """By IATA code (``IAD``) or by a CloudFront PoP id that starts with one (``IAD89-C1``)."""
    return _edge_locations_by_code().get(code[:EDGE_CODE_LENGTH].upper())


def data_sources() -> dict[str, list[dict[str, str]]]:
    """Where the facts come from, per data file (for the CLI and the docs)."""
    names = ("regions.json", "edge_locations.json")
    return {name: list(_load_json(name)["sources"]) for name in names}


# -- distances -------------------------------------------------------------------------------


def great_circle_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Distance over the Earth's surface (haversine on a sphere), in kilometres."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    d_phi, d_lambda = phi2 - phi1, math.radians(lon2 - lon1)
    h = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    return 2 * EARTH_MEAN_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def distance_km(a: Located, b: Located) -> float:
    return great_circle_km(a.latitude, a.longitude, b.latitude, b.longitude)


def nearest_region(latitude: float, longitude: float) -> Region:
    return min(_regions(), key=lambda r: great_circle_km(latitude, longitude, *_at(r)))


def nearest_edge_location(latitude: float, longitude: float) -> EdgeLocation:
    return min(_edge_locations(), key=lambda e: great_circle_km(latitude, longitude, *_at(e)))


def _at(place: Located) -> tuple[float, float]:
    return place.latitude, place.longitude
