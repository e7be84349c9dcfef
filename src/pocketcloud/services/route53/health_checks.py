"""Health checks: create, get, list, update, delete, count (their probing is in probing.py).

Deliberate difference from AWS: AWS refuses loopback and private addresses as endpoints; here
every endpoint is on this machine, so 127.0.0.1 is what a health check is meant to probe.
"""

from __future__ import annotations

import ipaddress
import json
from typing import Any

from pocketcloud.context import RequestContext
from pocketcloud.errors import AwsError
from pocketcloud.services.route53.common import bump_generation, max_items, store
from pocketcloud.services.route53.limits import check_health_check_quota
from pocketcloud.store import Tx

ENDPOINT_TYPES = frozenset({"HTTP", "HTTPS", "HTTP_STR_MATCH", "HTTPS_STR_MATCH", "TCP"})
SERVED_TYPES = ENDPOINT_TYPES | {"CALCULATED"}
REQUEST_INTERVALS_S = (10, 30)
FAILURE_THRESHOLD_RANGE = range(1, 11)
CHILDREN_MAX = 256
CHECKER_REGIONS = ("us-east-1", "us-west-1", "us-west-2", "eu-west-1", "ap-southeast-1",
                   "ap-southeast-2", "ap-northeast-1", "sa-east-1")
CHECKER_REGIONS_MIN = 3
SEARCH_STRING_LENGTH_MAX = 255
RESOURCE_PATH_LENGTH_MAX = 255
CALLER_REFERENCE_LENGTH_MAX = 64
LIST_HEALTH_CHECKS_DEFAULT = 100
LIST_HEALTH_CHECKS_MAX = 1000
_UPDATABLE = ("IPAddress", "Port", "ResourcePath", "FullyQualifiedDomainName", "SearchString",
              "FailureThreshold", "Inverted", "Disabled", "HealthThreshold", "ChildHealthChecks",
              "EnableSNI", "Regions", "InsufficientDataHealthStatus")
_RESETTABLE = {"FullyQualifiedDomainName", "Regions", "ResourcePath", "ChildHealthChecks"}


def create_health_check(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    reference = params.get("CallerReference") or ""
    if not 1 <= len(reference) <= CALLER_REFERENCE_LENGTH_MAX:
        raise AwsError("InvalidInput", "Invalid request: CallerReference must be 1 to "
                       f"{CALLER_REFERENCE_LENGTH_MAX} characters long.")
    config = checked_config(params.get("HealthCheckConfig") or {})
    cloud = ctx.cloud
    with store(cloud).write() as tx:
        row = tx.fetchone("SELECT health_check_id, config FROM route53_health_checks WHERE "
                          "account_id = ? AND caller_reference = ?", (ctx.account_id, reference))
        if row is not None:
            if json.loads(row[1]) != config:
                raise AwsError("HealthCheckAlreadyExists", "A health check with the specified "
                               "CallerReference already exists and has a different "
                               "configuration.", 409)
            return {"HealthCheck": _find(tx, ctx.account_id, row[0]), "Location": _location(row[0])}
        _check_children(tx, ctx.account_id, config)
        check_health_check_quota(tx, ctx.account_id)
        check_id = cloud.ids.uuid4()
        tx.execute("INSERT INTO route53_health_checks VALUES (?, ?, ?, ?, 1, ?)",
                   (check_id, ctx.account_id, reference, json.dumps(config), cloud.clock.now()))
        check = _find(tx, ctx.account_id, check_id)
    bump_generation()
    return {"HealthCheck": check, "Location": _location(check_id)}


def checked_config(raw: dict[str, Any]) -> dict[str, Any]:
    """The configuration with AWS's defaults filled in; InvalidInput when it cannot work."""
    config = {k: v for k, v in raw.items() if v is not None}
    kind = config.get("Type")
    if kind not in SERVED_TYPES:
        raise AwsError("InvalidInput", f"Invalid request: health check type {kind!r} is not "
                       f"supported; use one of {', '.join(sorted(SERVED_TYPES))}.")
    if kind == "CALCULATED":
        return _calculated(config)
    config.setdefault("RequestInterval", 30)
    config.setdefault("FailureThreshold", 3)
    config.setdefault("MeasureLatency", False)
    config.setdefault("Inverted", False)
    config.setdefault("Disabled", False)
    config.setdefault("Port", 443 if kind.startswith("HTTPS") else 80)
    if kind.startswith("HTTP"):  # AWS shows EnableSNI on HTTP checks too, as false
        config.setdefault("EnableSNI", kind.startswith("HTTPS"))
    _check_endpoint(config)
    return config


def _check_endpoint(config: dict[str, Any]) -> None:
    kind = config["Type"]
    if config["RequestInterval"] not in REQUEST_INTERVALS_S:
        raise AwsError("InvalidInput", "Invalid request: RequestInterval must be 10 or 30.")
    if config["FailureThreshold"] not in FAILURE_THRESHOLD_RANGE:
        raise AwsError("InvalidInput", "Invalid request: FailureThreshold must be between 1 "
                       "and 10.")
    if not 1 <= int(config["Port"]) <= 65535:
        raise AwsError("InvalidInput", "Invalid request: Port must be between 1 and 65535.")
    if not config.get("IPAddress") and not config.get("FullyQualifiedDomainName"):
        raise AwsError("InvalidInput", "Invalid request: Either IPAddress or "
                       "FullyQualifiedDomainName must be specified.")
    if config.get("IPAddress"):
        try:
            ipaddress.ip_address(config["IPAddress"])
        except ValueError:
            raise AwsError("InvalidInput", f"Invalid IP address: {config['IPAddress']}") from None
    if kind.endswith("STR_MATCH") and not 1 <= len(config.get("SearchString") or "") <= \
            SEARCH_STRING_LENGTH_MAX:
        raise AwsError("InvalidInput", "Invalid request: SearchString is required for "
                       f"{kind} health checks (1 to {SEARCH_STRING_LENGTH_MAX} characters).")
    regions = config.get("Regions")
    if regions is not None and (len(regions) < CHECKER_REGIONS_MIN or
                                set(regions) - set(CHECKER_REGIONS)):
        raise AwsError("InvalidInput", f"Invalid request: Regions must list at least "
                       f"{CHECKER_REGIONS_MIN} of {', '.join(CHECKER_REGIONS)}.")
    if kind == "TCP" and config.get("ResourcePath"):
        raise AwsError("InvalidInput", "Invalid request: ResourcePath is not valid for TCP "
                       "health checks.")
    if len(config.get("ResourcePath") or "") > RESOURCE_PATH_LENGTH_MAX:
        raise AwsError("InvalidInput", "Invalid request: ResourcePath is longer than "
                       f"{RESOURCE_PATH_LENGTH_MAX} characters.")


def _calculated(config: dict[str, Any]) -> dict[str, Any]:
    children = config.get("ChildHealthChecks") or []
    if len(children) > CHILDREN_MAX:
        raise AwsError("InvalidInput", f"Invalid request: at most {CHILDREN_MAX} child health "
                       "checks.")
    threshold = config.get("HealthThreshold", 0)
    if not 0 <= int(threshold) <= CHILDREN_MAX:
        raise AwsError("InvalidInput", "Invalid request: HealthThreshold must be between 0 "
                       f"and {CHILDREN_MAX}.")
    config["ChildHealthChecks"] = children
    config["HealthThreshold"] = int(threshold)
    config.setdefault("Inverted", False)
    config.setdefault("Disabled", False)
    return config


def _check_children(tx: Tx, account_id: str, config: dict[str, Any]) -> None:
    for child in config.get("ChildHealthChecks") or ():
        if tx.fetchvalue("SELECT 1 FROM route53_health_checks WHERE health_check_id = ? AND "
                         "account_id = ?", (child, account_id)) is None:
            raise AwsError("NoSuchHealthCheck", f"A health check with id {child} does not "
                           "exist.", 404)


def _location(check_id: str) -> str:
    return f"https://route53.amazonaws.com/2013-04-01/healthcheck/{check_id}"


def _find(tx: Tx, account_id: str, check_id: str) -> dict[str, Any]:
    row = tx.fetchone("SELECT caller_reference, config, version FROM route53_health_checks "
                      "WHERE health_check_id = ? AND account_id = ?", (check_id, account_id))
    if row is None:
        raise AwsError("NoSuchHealthCheck", f"A health check with id {check_id} does not "
                       "exist.", 404)
    return {"Id": check_id, "CallerReference": row[0], "HealthCheckConfig": json.loads(row[1]),
            "HealthCheckVersion": row[2]}


def find_health_check(ctx: RequestContext, check_id: str) -> dict[str, Any]:
    with store(ctx.cloud).read() as tx:
        return _find(tx, ctx.account_id, check_id)


def get_health_check(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    return {"HealthCheck": find_health_check(ctx, params.get("HealthCheckId") or "")}


def get_health_check_count(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    with store(ctx.cloud).read() as tx:
        count = tx.fetchvalue("SELECT COUNT(*) FROM route53_health_checks WHERE "
                              "account_id = ?", (ctx.account_id,))
    return {"HealthCheckCount": int(count)}


def list_health_checks(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    limit = max_items(params, LIST_HEALTH_CHECKS_DEFAULT, LIST_HEALTH_CHECKS_MAX)
    marker = params.get("Marker") or ""
    with store(ctx.cloud).read() as tx:
        ids = [r[0] for r in tx.fetchall(
            "SELECT health_check_id FROM route53_health_checks WHERE account_id = ? AND "
            "health_check_id >= ? ORDER BY health_check_id LIMIT ?",
            (ctx.account_id, marker, limit + 1))]
        checks = [_find(tx, ctx.account_id, i) for i in ids[:limit]]
    result: dict[str, Any] = {"HealthChecks": checks, "Marker": marker,
                              "IsTruncated": len(ids) > limit, "MaxItems": str(limit)}
    if len(ids) > limit:
        result["NextMarker"] = ids[limit]
    return result


def update_health_check(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    check_id = params.get("HealthCheckId") or ""
    with store(ctx.cloud).write() as tx:
        current = _find(tx, ctx.account_id, check_id)
        version = params.get("HealthCheckVersion")
        if version is not None and int(version) != current["HealthCheckVersion"]:
            raise AwsError("HealthCheckVersionMismatch", "The value of HealthCheckVersion in "
                           "the request doesn't match the value of HealthCheckVersion in the "
                           "health check.", 409)
        config = dict(current["HealthCheckConfig"])
        for element in params.get("ResetElements") or ():
            if element not in _RESETTABLE:
                raise AwsError("InvalidInput", f"Invalid request: {element} cannot be reset.")
            config.pop(element, None)
        config.update({k: params[k] for k in _UPDATABLE if params.get(k) is not None})
        config = checked_config(config)
        _check_children(tx, ctx.account_id, config)
        tx.execute("UPDATE route53_health_checks SET config = ?, version = version + 1 WHERE "
                   "health_check_id = ?", (json.dumps(config), check_id))
        check = _find(tx, ctx.account_id, check_id)
    bump_generation()
    return {"HealthCheck": check}


def delete_health_check(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """AWS lets a health check go even while record sets name it: they then count healthy."""
    check_id = params.get("HealthCheckId") or ""
    with store(ctx.cloud).write() as tx:
        _find(tx, ctx.account_id, check_id)
        tx.execute("DELETE FROM route53_health_checks WHERE health_check_id = ?", (check_id,))
        tx.execute("DELETE FROM route53_tags WHERE resource_type = 'healthcheck' AND "
                   "resource_id = ?", (check_id,))
    bump_generation()
    return {}


def all_health_checks(tx: Tx) -> dict[str, dict[str, Any]]:
    """Every account's health checks by id (what the prober walks)."""
    return {r[0]: json.loads(r[1]) for r in tx.fetchall(
        "SELECT health_check_id, config FROM route53_health_checks")}


def health_check_tags(tx: Tx) -> dict[str, dict[str, str]]:
    tags: dict[str, dict[str, str]] = {}
    for rid, key, value in tx.fetchall("SELECT resource_id, key, value FROM route53_tags "
                                       "WHERE resource_type = 'healthcheck'"):
        tags.setdefault(rid, {})[key] = value
    return tags
