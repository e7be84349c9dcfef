"""The infrastructure's admin endpoints under /_pocketcloud/ (JSON in, JSON out).

    GET    /_pocketcloud/faults              every fault, its state and what it injected
    POST   /_pocketcloud/faults              create: {"kind": "region-down"|"az-down"|"degrade",
                                             "region", "zone", "service", "error_rate",
                                             "error_kind", "latency_ms", "seed", "at" (epoch s on
                                             the cloud clock) or "after_s", "duration_s"}
    GET    /_pocketcloud/faults/{id}         one fault
    DELETE /_pocketcloud/faults/{id}         restore it now
    POST   /_pocketcloud/faults/restore      restore every fault not yet ended
    POST   /_pocketcloud/faults/clear        forget ended faults
    POST   /_pocketcloud/regions/advise      the region advisor (infra/advisor.py)
    GET    /_pocketcloud/latency?from=Tokyo  modelled RTT from a place to every Region
"""

from __future__ import annotations

import json
import math
import random
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

from pocketcloud.infra.advisor import AdviceError, advise
from pocketcloud.infra.faults import Fault, FaultError, fault_book, new_fault
from pocketcloud.infra.latency import rtt_ms
from pocketcloud.infra.locations import UnknownLocation, parse_location
from pocketcloud.infra.regions import all_regions
from pocketcloud.protocol.catalog import catalog
from pocketcloud.protocol.http import HttpRequest, HttpResponse

if TYPE_CHECKING:
    from pocketcloud.cloud import Cloud

PREFIXES = ("faults", "regions/advise", "latency")
MAX_SCHEDULE_AHEAD_S = 366 * 24 * 3600.0  # a fault scheduled further out is a typo


class BadRequest(ValueError):
    pass


def handles(name: str) -> bool:
    return any(name == p or name.startswith(p + "/") for p in PREFIXES)


def handle(cloud: Cloud, request: HttpRequest, name: str) -> HttpResponse:
    try:
        return _route(cloud, request, name)
    except (BadRequest, FaultError, AdviceError, UnknownLocation) as problem:
        return _json(400, {"error": str(problem)})


def _route(cloud: Cloud, request: HttpRequest, name: str) -> HttpResponse:
    method, parts = request.method, name.split("/")
    if name == "regions/advise" and method == "POST":
        return _json(200, advise(**_advice_args(_body(request))))
    if name == "latency" and method == "GET":
        return _json(200, _latency_table(request))
    if name == "faults":
        if method == "GET":
            return _json(200, _fault_list(cloud))
        if method == "POST":
            return _json(201, {"fault": _view(cloud, _create(cloud, _body(request)))})
    if len(parts) == 2 and parts[0] == "faults":
        return _one_fault(cloud, method, parts[1])
    return _json(404 if method in ("GET", "POST", "DELETE") else 405,
                 {"error": f"no pocketcloud endpoint {method} /_pocketcloud/{name}"})


def _one_fault(cloud: Cloud, method: str, which: str) -> HttpResponse:
    book = fault_book(cloud)
    if which == "restore" and method == "POST":
        return _json(200, {"restored": [_view(cloud, f) for f in book.restore(cloud)]})
    if which == "clear" and method == "POST":
        return _json(200, {"removed": book.clear_ended(cloud)})
    fault = book.get(which)
    if fault is None:
        return _json(404, {"error": f"no fault {which!r}"})
    if method == "GET":
        return _json(200, {"fault": _view(cloud, fault)})
    if method == "DELETE":
        book.restore(cloud, fault.fault_id)
        return _json(200, {"restored": [_view(cloud, book.get(fault.fault_id) or fault)]})
    return _json(405, {"error": f"{method} not allowed on a fault"})


def _create(cloud: Cloud, body: dict[str, Any]) -> Fault:
    kind = _text(body, "kind")
    seed = body.get("seed")
    if seed is None:
        seed = derived_seed(cloud.ids.seed, len(fault_book(cloud).faults()))
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < 2**63:
        raise BadRequest("seed must be an integer in [0, 2**63)")
    service = _text(body, "service")
    if service and service != "*" and service not in catalog.services:
        raise BadRequest(f"unknown service {service!r}: use botocore's name (e.g. dynamodb)")
    fault = new_fault(
        cloud, kind,
        fault_id=f"fault-{cloud.ids.hex(12)}",
        seed=seed,
        region=_text(body, "region"),
        zone=_text(body, "zone"),
        service=service,
        error_rate=_number(body, "error_rate", 0.0),
        error_kind=_text(body, "error_kind") or "mixed",
        latency_ms=_number(body, "latency_ms", 0.0),
        start_at_s=_start(cloud, body),
        duration_s=_number(body, "duration_s", None),
    )
    return fault_book(cloud).add(cloud, fault)


def derived_seed(cloud_seed: int, ordinal: int) -> int:
    """The seed of a fault given none: a function of the cloud's seed (--seed) and how many
    faults the cloud holds, so a run started with the same --seed and the same fault commands
    gets the same seeds, however many requests came between them."""
    return random.Random(cloud_seed * 1_000_003 + ordinal).getrandbits(62)


def _start(cloud: Cloud, body: dict[str, Any]) -> float | None:
    now = cloud.clock.now()
    at, after = _number(body, "at", None), _number(body, "after_s", None)
    if at is not None and after is not None:
        raise BadRequest("give 'at' or 'after_s', not both")
    if after is not None:
        if after < 0:
            raise BadRequest("after_s must not be negative")
        at = now + after
    if at is not None and at > now + MAX_SCHEDULE_AHEAD_S:
        raise BadRequest("a fault can be scheduled at most a year ahead")
    return at


def _fault_list(cloud: Cloud) -> dict[str, Any]:
    book = fault_book(cloud)
    book.active(cloud.clock.now())  # logs starts and ends the clock has passed
    return {"now": cloud.clock.now(), "faults": [_view(cloud, f) for f in book.faults()]}


def _view(cloud: Cloud, fault: Fault) -> dict[str, Any]:
    view: dict[str, Any] = {
        "fault_id": fault.fault_id, "kind": fault.kind, "state": fault.state(cloud.clock.now()),
        "description": fault.describe(), "region": fault.region, "seed": fault.seed,
        "created_at": fault.created_at_s, "start_at": fault.start_at_s, "end_at": fault.end_at_s,
    }
    if fault.zone:
        view["zone"] = fault.zone
    if fault.kind == "degrade":
        view.update(service=fault.service, error_rate=fault.error_rate,
                    error_kind=fault.error_kind, latency_ms=fault.latency_ms,
                    **fault_book(cloud).runtime_of(fault.fault_id))
    return view


def _latency_table(request: HttpRequest) -> dict[str, Any]:
    query = dict(parse_qsl(request.query_string))
    place = parse_location(query.get("from", ""))
    rows = sorted(((r.code, round(rtt_ms(place, r), 1)) for r in all_regions()),
                  key=lambda row: row[1])
    return {"from": {"name": place.name, "latitude": place.latitude,
                     "longitude": place.longitude},
            "rtt_ms": dict(rows)}


def _advice_args(body: dict[str, Any]) -> dict[str, Any]:
    allowed = {"users", "residency", "services", "top", "weights"}
    unknown = set(body) - allowed
    if unknown:
        raise BadRequest(f"unknown field(s) {sorted(unknown)}; expected {sorted(allowed)}")
    return body


# -- JSON helpers ---------------------------------------------------------------------------


def _body(request: HttpRequest) -> dict[str, Any]:
    if not request.body.strip():
        return {}
    try:
        document = json.loads(request.body)
    except (ValueError, UnicodeDecodeError) as problem:
        raise BadRequest(f"the body is not JSON: {problem}") from None
    if not isinstance(document, dict):
        raise BadRequest("the body must be a JSON object")
    return document


def _text(body: dict[str, Any], key: str) -> str:
    value = body.get(key, "")
    if value is None:
        return ""
    if not isinstance(value, str):
        raise BadRequest(f"{key} must be a string")
    return value


def _number(body: dict[str, Any], key: str, default: float | None) -> Any:
    value = body.get(key)
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise BadRequest(f"{key} must be a finite number")
    return float(value)


def _json(status: int, document: dict[str, Any]) -> HttpResponse:
    body = json.dumps(document, indent=2).encode("utf-8")
    return HttpResponse(status, {"content-type": "application/json"}, body)
