"""pocketcloud's own endpoints under /_pocketcloud/: health now, more as services arrive."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from pocketcloud import __version__
from pocketcloud.infra import admin_api as infra_admin
from pocketcloud.protocol.http import HttpRequest, HttpResponse
from pocketcloud.services.registry import service_states

if TYPE_CHECKING:
    from pocketcloud.cloud import Cloud


def handle(cloud: Cloud, request: HttpRequest) -> HttpResponse:
    name = request.path[len("/_pocketcloud/") :].strip("/")
    if name == "health" and request.method in ("GET", "HEAD"):
        return _json(200, health(cloud))
    if infra_admin.handles(name):  # faults, region advisor, latency
        return infra_admin.handle(cloud, request, name)
    missing: dict[str, object] = {
        "error": f"no pocketcloud endpoint {request.path!r}",
        "see": "/_pocketcloud/health",
    }
    return _json(404, missing)


def health(cloud: Cloud) -> dict[str, object]:
    return {
        "status": "running",
        "version": __version__,
        "uptime_s": round(cloud.uptime_s(), 3),
        "data_dir": str(cloud.data_dir),
        "ephemeral": cloud.settings.ephemeral,
        "services": service_states(),
    }


def _json(status: int, document: dict[str, object]) -> HttpResponse:
    body = json.dumps(document, indent=2).encode("utf-8")
    return HttpResponse(status, {"content-type": "application/json"}, body)
