"""GetHealthCheckStatus and GetHealthCheckLastFailureReason: what the checkers saw.

pocketcloud has one checker (this machine); its observation is reported for each of the
check's checker regions, the way AWS lists one observation per checker.
"""

from __future__ import annotations

from typing import Any

from pocketcloud.context import RequestContext
from pocketcloud.errors import AwsError
from pocketcloud.services.route53.common import timestamp
from pocketcloud.services.route53.health_checks import CHECKER_REGIONS, find_health_check
from pocketcloud.services.route53.health_state import HealthState, runtime
from pocketcloud.services.route53.probing import refresh_configs

CHECKER_IP = "127.0.0.1"


def _observations(ctx: RequestContext, params: dict[str, Any], failures: bool
                  ) -> list[dict[str, Any]]:
    check = find_health_check(ctx, params.get("HealthCheckId") or "")
    config = check["HealthCheckConfig"]
    if config["Type"] == "CALCULATED":
        raise AwsError("InvalidInput", "Invalid request: a calculated health check has no "
                       "health checker observations.")
    refresh_configs(ctx.cloud)
    state = runtime(ctx.cloud).health.get(check["Id"]) or HealthState()
    when = state.failure_s if failures else state.checked_s
    words = state.failure if failures else state.status
    if when is None or not words:
        return []
    report = {"Status": words, "CheckedTime": timestamp(when)}
    return [{"Region": region, "IPAddress": CHECKER_IP, "StatusReport": report}
            for region in config.get("Regions") or CHECKER_REGIONS]


def get_health_check_status(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    return {"HealthCheckObservations": _observations(ctx, params, failures=False)}


def get_health_check_last_failure_reason(ctx: RequestContext, params: dict[str, Any]
                                         ) -> dict[str, Any]:
    return {"HealthCheckObservations": _observations(ctx, params, failures=True)}
