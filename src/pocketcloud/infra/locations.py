"""Where a client says it is: a city, a Region, an edge location or coordinates.

A client declares its location per request with the ``X-Pocketcloud-Client-Location`` header,
or once for the whole cloud with ``POCKETCLOUD_CLIENT_LOCATION`` (``--client-location``). The
value is one of, in this order:

- ``lat,lon`` in decimal degrees (``35.68,139.69``);
- a Region code (``ap-northeast-1``): the Region's metro area;
- a city from ``infra/data/cities.json`` (``Tokyo``, ``sao paulo``: case and accents ignored);
- a CloudFront edge location by IATA code (``NRT``) or its city.
"""

from __future__ import annotations

import json
import math
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources

from pocketcloud.infra.regions import all_edge_locations, get_edge_location, get_region

LOCATION_HEADER = "x-pocketcloud-client-location"
MAX_LOCATION_CHARS = 100  # a header value longer than any city name is refused, not parsed


class UnknownLocation(ValueError):
    """The text names no place pocketcloud knows."""


@dataclass(frozen=True, slots=True)
class ClientLocation:
    name: str  # what it was called: "Tokyo", "ap-northeast-1", "35.68,139.69"
    latitude: float
    longitude: float
    country_code: str = ""  # ISO 3166-1 alpha-2 where known


def _fold(text: str) -> str:
    """Lower case without accents or extra spaces: 'São  Paulo' -> 'sao paulo'."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.lower().replace("-", " ").split())


@cache
def _cities() -> dict[str, ClientLocation]:
    text = resources.files("pocketcloud.infra").joinpath("data", "cities.json").read_text("utf-8")
    table: dict[str, ClientLocation] = {}
    for entry in json.loads(text)["cities"]:
        place = ClientLocation(str(entry["name"]), float(entry["latitude"]),
                               float(entry["longitude"]), str(entry["country_code"]))
        table[_fold(place.name)] = place
    for edge in all_edge_locations():  # edge cities not in the table are places too
        table.setdefault(_fold(edge.city), ClientLocation(
            edge.city, edge.latitude, edge.longitude, edge.country_code))
    return table


def known_cities() -> list[str]:
    return sorted(place.name for place in _cities().values())


def parse_location(text: str) -> ClientLocation:
    """The place `text` names; UnknownLocation if none."""
    value = text.strip()
    if not value or len(value) > MAX_LOCATION_CHARS:
        raise UnknownLocation(f"not a location: {text[:MAX_LOCATION_CHARS]!r}")
    found = _coordinates(value) or _region(value) or _city(value) or _edge(value)
    if found is None:
        raise UnknownLocation(
            f"unknown location {value!r}: give a city (e.g. Tokyo), a Region code, an "
            "edge location's IATA code or 'lat,lon'"
        )
    return found


def _coordinates(value: str) -> ClientLocation | None:
    parts = value.split(",")
    if len(parts) != 2:
        return None
    try:
        latitude, longitude = float(parts[0]), float(parts[1])
    except ValueError:
        return None
    if not (math.isfinite(latitude) and math.isfinite(longitude)):
        raise UnknownLocation(f"coordinates must be finite numbers: {value!r}")
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise UnknownLocation(f"latitude must be in [-90, 90], longitude in [-180, 180]: {value!r}")
    return ClientLocation(f"{latitude:g},{longitude:g}", latitude, longitude)


def _region(value: str) -> ClientLocation | None:
    region = get_region(value.lower())
    if region is None:
        return None
    return ClientLocation(region.code, region.latitude, region.longitude, region.country_code)


def _city(value: str) -> ClientLocation | None:
    return _cities().get(_fold(value))


def _edge(value: str) -> ClientLocation | None:
    if len(value) != 3 or not value.isalpha():
        return None
    edge = get_edge_location(value)
    if edge is None:
        return None
    return ClientLocation(edge.code, edge.latitude, edge.longitude, edge.country_code)


def request_location(headers: dict[str, str], default: str = "", access_key_id: str = "",
                     by_access_key: str = "") -> ClientLocation | None:
    """Where the client of a request is: the header, else the place configured for its access
    key (`by_access_key`, see parse_key_locations), else `default`, else None.

    Raises UnknownLocation when the header names no known place (the gateway answers 400).
    """
    declared = headers.get(LOCATION_HEADER, "")
    if declared:
        return parse_location(declared)
    if access_key_id and by_access_key:
        place = parse_key_locations(by_access_key).get(access_key_id)
        if place is not None:
            return place
    return parse_location(default) if default else None


MAX_KEY_LOCATIONS = 1000


@cache
def parse_key_locations(text: str) -> dict[str, ClientLocation]:
    """'AKIDEXAMPLE1=Tokyo;AKIDEXAMPLE2=51.5,-0.13' -> {access key id: place}: a location per
    client, for clients that cannot send a header (the AWS CLI, an unmodified SDK), told apart
    by the access key of their profile. UnknownLocation for an entry that is not KEY=PLACE."""
    found: dict[str, ClientLocation] = {}
    for entry in filter(None, (part.strip() for part in text.split(";"))):
        key, sep, place = entry.partition("=")
        if not sep or not key.strip():
            raise UnknownLocation(f"{entry!r} is not ACCESS_KEY_ID=PLACE")
        found[key.strip()] = parse_location(place)
        if len(found) > MAX_KEY_LOCATIONS:
            raise UnknownLocation(f"at most {MAX_KEY_LOCATIONS} access keys may have a place")
    return found
