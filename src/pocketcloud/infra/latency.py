"""Network round-trip time from a place to a Region or an edge location, from distance alone.

    rtt_ms = 2 * great_circle_km * ROUTE_FACTOR / FIBRE_KM_PER_MS + FIXED_OVERHEAD_MS

Light in optical fibre travels at about two thirds of c (refractive index ~1.47); cables do not
follow great circles (ROUTE_FACTOR: the detour of real routes, fitted to published
inter-Region measurements); FIXED_OVERHEAD_MS covers switching, the hops inside each metro and
the endpoint's own turnaround. docs/latency.md compares the model with measurements;
tests/infra/test_latency_model.py checks the comparison stays within its target.
"""

from __future__ import annotations

from pocketcloud.infra.locations import ClientLocation, parse_location
from pocketcloud.infra.regions import (
    EdgeLocation,
    Located,
    Region,
    get_edge_location,
    get_region,
    great_circle_km,
)

SPEED_OF_LIGHT_KM_PER_MS = 299.792458
FIBRE_KM_PER_MS = SPEED_OF_LIGHT_KM_PER_MS * 2 / 3  # ~200 km per ms, one way
ROUTE_FACTOR = 1.54  # fibre path length / great-circle distance (fitted; see docs/latency.md)
FIXED_OVERHEAD_MS = 4.0  # per round trip, whatever the distance (fitted likewise)

Place = ClientLocation | Region | EdgeLocation | Located


def rtt_ms(from_location: Place | str, region_or_edge: Place | str) -> float:
    """The modelled round-trip time in milliseconds.

    `from_location` is a place or any text parse_location accepts (city, Region code, IATA code,
    "lat,lon"); `region_or_edge` is a Region code, an edge location (IATA code or CloudFront
    PoP id like "NRT57-P2"), or a place. Raises UnknownLocation / KeyError for unknown names.
    """
    source = parse_location(from_location) if isinstance(from_location, str) else from_location
    target = _target(region_or_edge) if isinstance(region_or_edge, str) else region_or_edge
    return rtt_for_km(great_circle_km(source.latitude, source.longitude,
                                      target.latitude, target.longitude))


def rtt_for_km(distance_km: float) -> float:
    return 2 * distance_km * ROUTE_FACTOR / FIBRE_KM_PER_MS + FIXED_OVERHEAD_MS


def _target(name: str) -> Located:
    region = get_region(name)
    if region is not None:
        return region
    edge = get_edge_location(name) if len(name) >= 3 and name[:3].isalpha() else None
    if edge is not None:
        return edge
    return parse_location(name)
