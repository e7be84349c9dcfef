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


MAX_CLOCK_ADVANCE_S = 10 * 366 * 86400  # a bound on one step; call again to go further


async def handle(cloud: Cloud, request: HttpRequest) -> HttpResponse:
    name = request.path[len("/_pocketcloud/") :].strip("/")
    if name == "health" and request.method in ("GET", "HEAD"):
        return _json(200, health(cloud))
    if name == "sns" or name.startswith("sns/"):
        from pocketcloud.services.sns.admin import handle as sns_admin

        return sns_admin(cloud, request, name)
    if name.startswith("sts/issuers/") and request.method in ("GET", "HEAD"):
        from pocketcloud.services.iam.outbound_federation import admin as issuer_admin

        status, document = issuer_admin(cloud, name, request.host or
                                        request.headers.get("host", "127.0.0.1:4566"))
        return _json(status, document)
    if name == "account/outbox" and request.method in ("GET", "HEAD"):
        return _account_outbox(cloud, dict(request.query_pairs()))
    if name == "clock":
        return await _clock(cloud, request)
    if name == "usage/lambda" and request.method in ("GET", "HEAD"):
        from pocketcloud.services.lambda_.metering import usage  # Lambda's own admin view

        return _json(200, usage(cloud))
    if name.startswith("lambda/code/") and request.method in ("GET", "HEAD"):
        from pocketcloud.services.lambda_.code_download import download

        return download(cloud, name)
    if infra_admin.handles(name):  # faults, region advisor, latency
        return infra_admin.handle(cloud, request, name)
    missing: dict[str, object] = {
        "error": f"no pocketcloud endpoint {request.path!r}",
        "see": "/_pocketcloud/health",
    }
    return _json(404, missing)


def _account_outbox(cloud: Cloud, pairs: dict[str, str]) -> HttpResponse:
    """The mail Account Management sent (primary email update codes)."""
    from pocketcloud.services.account.information import read_outbox

    try:
        after, limit = int(pairs.get("after", "0")), int(pairs.get("limit", "100"))
    except ValueError:
        return _json(400, {"error": "after and limit must be integers"})
    return _json(200, {"messages": read_outbox(cloud, after=after, limit=limit,
                                               to=pairs.get("to") or None)})


def health(cloud: Cloud) -> dict[str, object]:
    return {
        "status": "running",
        "version": __version__,
        "uptime_s": round(cloud.uptime_s(), 3),
        "data_dir": str(cloud.data_dir),
        "ephemeral": cloud.settings.ephemeral,
        "services": service_states(),
    }


async def _clock(cloud: Cloud, request: HttpRequest) -> HttpResponse:
    """GET: the cloud's time. POST {"advance_s": N}: move it forward, run background jobs."""
    if request.method == "POST":
        try:
            advance_s = float(json.loads(request.body or b"{}").get("advance_s", 0))
        except (ValueError, TypeError, AttributeError):
            return _json(400, {"error": 'expected JSON like {"advance_s": 3600}'})
        if not 0 <= advance_s <= MAX_CLOCK_ADVANCE_S:
            return _json(400, {"error": f"advance_s must be within 0..{MAX_CLOCK_ADVANCE_S}"
                                        " (the cloud clock never goes backwards)"})
        cloud.clock.advance(advance_s)
        await cloud.background.run_all_now()
    elif request.method not in ("GET", "HEAD"):
        return _json(405, {"error": "use GET to read the clock or POST to advance it"})
    return _json(200, {"now": cloud.clock.now(), "offset_s": cloud.clock.offset_s})


def _json(status: int, document: dict[str, object]) -> HttpResponse:
    body = json.dumps(document, indent=2).encode("utf-8")
    return HttpResponse(status, {"content-type": "application/json"}, body)
