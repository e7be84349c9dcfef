"""GetGeoLocation and ListGeoLocations: the static list of locations geolocation routing
accepts, from data/geo_locations.json, in AWS's order (the default '*', countries with their
subdivisions right after them, then continents)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from pocketcloud.context import RequestContext
from pocketcloud.errors import AwsError
from pocketcloud.services.route53.common import max_items

DATA_FILE = Path(__file__).parent / "data" / "geo_locations.json"
LIST_DEFAULT = 500  # what ListGeoLocations returns without MaxItems
LIST_CEILING = 1000

Key = tuple[str, str, str]  # (continent, country, subdivision): one location


@cache
def _locations() -> tuple[list[Key], dict[Key, dict[str, str]]]:
    """Every location's key, in listing order, and its details as the API shows them."""
    data = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    order: list[Key] = []
    details: dict[Key, dict[str, str]] = {}
    for code, name in data["countries"]:
        order.append(("", code, ""))
        details[order[-1]] = {"CountryCode": code, "CountryName": name}
        for sub_code, sub_name in data["subdivisions"].get(code, []):
            order.append(("", code, sub_code))
            details[order[-1]] = {"CountryCode": code, "CountryName": name,
                                  "SubdivisionCode": sub_code, "SubdivisionName": sub_name}
    for code, name in data["continents"]:
        order.append((code, "", ""))
        details[order[-1]] = {"ContinentCode": code, "ContinentName": name}
    return order, details


def is_supported(continent: str, country: str, subdivision: str) -> bool:
    return (continent, country, subdivision) in _locations()[1]


def get_geo_location(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    location = _key(params.get("ContinentCode"), params.get("CountryCode"),
                    params.get("SubdivisionCode"))
    found = _locations()[1].get(location)
    if found is None:
        raise AwsError("NoSuchGeoLocation", "The specified geographic location doesn't exist.",
                       404)
    return {"GeoLocationDetails": found}


def _key(continent: Any, country: Any, subdivision: Any) -> Key:
    continent, country, subdivision = continent or "", country or "", subdivision or ""
    if continent and (country or subdivision):
        raise AwsError("InvalidInput", "Invalid request: specify either a continent code or a "
                       "country code, not both.")
    if subdivision and not country:
        raise AwsError("InvalidInput", "Invalid request: a subdivision code needs a country "
                       "code.")
    if not continent and not country:
        raise AwsError("InvalidInput", "Invalid request: specify a continent code or a "
                       "country code.")
    return str(continent), str(country), str(subdivision)


def list_geo_locations(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    limit = max_items(params, LIST_DEFAULT, LIST_CEILING)
    order, details = _locations()
    start = 0
    if any(params.get(k) for k in ("StartContinentCode", "StartCountryCode",
                                   "StartSubdivisionCode")):
        first = _key(params.get("StartContinentCode"), params.get("StartCountryCode"),
                     params.get("StartSubdivisionCode"))
        if first not in details:
            raise AwsError("InvalidInput", "Invalid request: the start location is not a "
                           "supported geographic location.")
        start = order.index(first)
    page = order[start:start + limit]
    result: dict[str, Any] = {"GeoLocationDetailsList": [details[k] for k in page],
                              "IsTruncated": start + limit < len(order),
                              "MaxItems": str(limit)}
    if result["IsTruncated"]:
        continent, country, subdivision = order[start + limit]
        for member, value in (("NextContinentCode", continent), ("NextCountryCode", country),
                              ("NextSubdivisionCode", subdivision)):
            if value:
                result[member] = value
    return result
