"""What the infrastructure does to each request before a provider sees it.

One call from the gateway (``await admit(...)``), in this order:

1. the service has no endpoint in the Region (infra/availability.py): unreachable;
2. the Region is down (infra/faults.py): unreachable (global services keep answering);
3. a degrade fault on the service in the Region: added latency, and a seeded draw that may
   answer with a throttling or 5xx error in the service's own error shape;
4. latency simulation (``--latency on``): the modelled round trip from the client's location
   to the Region (infra/latency.py), slept before the request is handled.

Zonal faults are not decided here: a service asks ``is_az_down`` for its zonal resources.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from pocketcloud.errors import AwsError
from pocketcloud.infra.availability import is_global, is_offered
from pocketcloud.infra.fault_errors import injected_error
from pocketcloud.infra.faults import (
    ALL_SERVICES,
    DEGRADE,
    REGION_DOWN,
    Fault,
    FaultBook,
    InjectedError,
    fault_book,
)
from pocketcloud.infra.latency import rtt_ms
from pocketcloud.infra.locations import LOCATION_HEADER, UnknownLocation, request_location
from pocketcloud.infra.regions import is_valid_region
from pocketcloud.infra.unreachable import endpoint_unreachable

if TYPE_CHECKING:
    from pocketcloud.cloud import Cloud
    from pocketcloud.protocol.http import HttpRequest

log = logging.getLogger("pocketcloud.infra")


async def admit(cloud: Cloud, service: str, operation: str, region: str, protocol: str,
                request: HttpRequest, request_id: str, access_key_id: str = "") -> None:
    """Raise the error (or unreachable endpoint) the infrastructure gives this request, after
    sleeping whatever latency it adds; return to let the request through."""
    if not is_valid_region(region):
        return  # the region check answers unknown Regions
    if not is_offered(service, region):
        log.info("%s: %s has no endpoint in %s", request_id, service, region)
        raise endpoint_unreachable(f"{service} is not offered in {region}")
    delay_ms, error = 0.0, None
    book = fault_book(cloud)
    if book.faults():
        active = book.active(cloud.clock.now())
        if not is_global(service) and _region_down(active, region):
            log.info("%s: %s is down", request_id, region)
            raise endpoint_unreachable(f"Region {region} is down (fault injection)")
        delay_ms, error = _degrade(cloud, book, active, service, operation, region, protocol,
                                   request_id)
    if cloud.settings.latency == "on":
        delay_ms += _network_rtt_ms(cloud, request, region, access_key_id)
    if delay_ms > 0:
        await asyncio.sleep(delay_ms / 1000)
    if error is not None:
        raise error


def _region_down(active: list[Fault], region: str) -> bool:
    return any(f.kind == REGION_DOWN and f.region == region for f in active)


def _degrade(cloud: Cloud, book: FaultBook, active: list[Fault], service: str, operation: str,
             region: str, protocol: str, request_id: str) -> tuple[float, AwsError | None]:
    delay_ms, error = 0.0, None
    for fault in active:
        if fault.kind != DEGRADE or fault.region != region:
            continue
        if fault.service not in (service, ALL_SERVICES):
            continue
        delay_ms += fault.latency_ms
        fails, pick = book.draw(fault)
        if fails and error is None:
            error = _error_for(fault, service, protocol, pick)
            book.record(fault, InjectedError(cloud.clock.now(), request_id, service, operation,
                                             error.code))
    return delay_ms, error


def _error_for(fault: Fault, service: str, protocol: str, pick: float) -> AwsError:
    kind = fault.error_kind
    if kind == "mixed":  # the pick decides both the family and, within it, the error
        kind, pick = ("throttling", pick * 2) if pick < 0.5 else ("server", pick * 2 - 1)
    return injected_error(service, protocol, kind, pick)


def _network_rtt_ms(cloud: Cloud, request: HttpRequest, region: str, access_key_id: str
                    ) -> float:
    settings = cloud.settings
    try:
        location = request_location(request.headers, settings.client_location, access_key_id,
                                    settings.client_locations)
    except UnknownLocation as problem:
        raise AwsError("InvalidParameterValue",
                       f"{LOCATION_HEADER}: {problem}", 400) from None
    return 0.0 if location is None else rtt_ms(location, region)
