"""API destinations: an HTTP endpoint, a method and a rate, called through a connection.

AWS requires HTTPS endpoints. So that a laptop can be the endpoint, pocketcloud also takes
plain ``http://`` to a loopback host (127.0.0.1, ::1, localhost) and nothing else: no other
scheme, and no plain HTTP to anything a real deployment could mean. The state a destination
reports follows its connection: ACTIVE while the connection is AUTHORIZED, else INACTIVE.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import urlsplit

from pocketcloud.arns import arn
from pocketcloud.context import RequestContext
from pocketcloud.errors import AwsError
from pocketcloud.services.events.buses import page, page_limit, page_start, store, validation
from pocketcloud.services.events.connections import check_name
from pocketcloud.store import Tx

API_DESTINATIONS_PER_REGION_MAX = 3000  # AWS's default quota per account and region
DEFAULT_RATE_PER_S = 300
ENDPOINT_CHARS_MAX = 2048
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "::1", "localhost"})
_METHODS = ("HEAD", "POST", "PATCH", "DELETE", "PUT", "GET", "OPTIONS")
_CONNECTION_ARN = re.compile(r"arn:aws([a-z]|\-)*:events:([a-z]|\d|\-)*:([0-9]{12})?:"
                             r"connection/[\.\-_A-Za-z0-9]+/[\-A-Za-z0-9]+")
_CONNECTION_ARN_TEXT = (r"^arn:aws([a-z]|\-)*:events:([a-z]|\d|\-)*:([0-9]{12})?:connection\/"
                        r"[\.\-_A-Za-z0-9]+\/[\-A-Za-z0-9]+$")


def check_endpoint(url: str, member: str = "InvocationEndpoint") -> None:
    parts = urlsplit(url) if len(url) <= ENDPOINT_CHARS_MAX else None
    if parts is None or not parts.hostname or any(c.isspace() for c in url):
        raise AwsError("ValidationException", f"Parameter {member} is not valid. Reason: "
                       "The endpoint is not a valid URL.")
    if parts.scheme == "https" or (parts.scheme == "http"
                                   and parts.hostname in LOOPBACK_HOSTS):
        return
    raise AwsError("ValidationException", f"Parameter {member} is not valid. Reason: Only "
                   "HTTPS endpoints are supported (and, in pocketcloud, http to a loopback "
                   "host).")


def not_found(name: str) -> AwsError:
    return AwsError("ResourceNotFoundException", "Failed to describe the api-destination(s). "
                    f"An api-destination '{name}' does not exist.")


def _check(params: dict[str, Any]) -> None:
    errors = []
    if "ConnectionArn" in params and not _CONNECTION_ARN.fullmatch(params["ConnectionArn"]):
        errors.append(f"Value '{params['ConnectionArn']}' at 'connectionArn' failed to satisfy "
                      "constraint: Member must satisfy regular expression pattern: "
                      + _CONNECTION_ARN_TEXT)
    if "HttpMethod" in params and params["HttpMethod"] not in _METHODS:
        errors.append(f"Value '{params['HttpMethod']}' at 'httpMethod' failed to satisfy "
                      f"constraint: Member must satisfy enum value set: [{', '.join(_METHODS)}]")
    if errors:
        count = f"{len(errors)} validation error{'s' if len(errors) > 1 else ''}"
        raise AwsError("ValidationException", f"{count} detected: " + "; ".join(errors))
    if "InvocationEndpoint" in params:
        check_endpoint(params["InvocationEndpoint"])
    rate = params.get("InvocationRateLimitPerSecond")
    if rate is not None and rate < 1:
        raise validation("invocationRateLimitPerSecond", rate,
                         "Member must have value greater than or equal to 1")
    if len(params.get("Description") or "") > 512:
        raise validation("description", params["Description"],
                         "Member must have length less than or equal to 512")


def _connection_state(tx: Tx, ctx: RequestContext, connection_arn: str) -> str | None:
    """The state of the connection an ARN names (in the caller's account), or None."""
    parts = connection_arn.split(":", 5)
    if parts[3] != ctx.region or parts[4] != ctx.account_id:
        return None
    name = parts[5].split("/")[1]
    row = tx.fetchone("SELECT state, config FROM events_connections WHERE account_id = ? AND "
                      "region = ? AND name = ?", (ctx.account_id, ctx.region, name))
    if row is None or json.loads(row[1])["ConnectionArn"] != connection_arn:
        return None
    return str(row[0])


def _require_connection(tx: Tx, ctx: RequestContext, connection_arn: str) -> str:
    state = _connection_state(tx, ctx, connection_arn)
    if state is None:
        name = connection_arn.split(":", 5)[5].split("/")[1]
        raise AwsError("ResourceNotFoundException", f"Connection '{name}' does not exist.")
    return state


def _state(connection_state: str | None) -> str:
    return "ACTIVE" if connection_state == "AUTHORIZED" else "INACTIVE"


def create_api_destination(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = check_name(params["Name"])
    _check(params)
    now = ctx.cloud.clock.now()
    arn_text = arn("events", ctx.region, ctx.account_id,
                   f"api-destination/{name}/{ctx.cloud.ids.uuid4()}")
    config = {"ApiDestinationArn": arn_text, "Name": name,
              "ConnectionArn": params["ConnectionArn"],
              "InvocationEndpoint": params["InvocationEndpoint"],
              "HttpMethod": params["HttpMethod"],
              "InvocationRateLimitPerSecond": params.get("InvocationRateLimitPerSecond")
              or DEFAULT_RATE_PER_S, "CreationTime": now, "LastModifiedTime": now}
    if params.get("Description"):
        config["Description"] = params["Description"]
    with store(ctx).write() as tx:
        connection_state = _require_connection(tx, ctx, params["ConnectionArn"])
        if _row(tx, ctx, name) is not None:
            raise AwsError("ResourceAlreadyExistsException",
                           f"An api-destination '{name}' already exists.")
        if tx.fetchvalue("SELECT COUNT(*) FROM events_api_destinations WHERE account_id = ? "
                         "AND region = ?", (ctx.account_id, ctx.region)) >= \
                API_DESTINATIONS_PER_REGION_MAX:
            raise AwsError("LimitExceededException",
                           "The requested resource exceeds the maximum number allowed.")
        _write(tx, ctx, config)
    return _brief(config, connection_state)


def _write(tx: Tx, ctx: RequestContext, config: dict[str, Any]) -> None:
    tx.execute("INSERT OR REPLACE INTO events_api_destinations (account_id, region, name, "
               "config) VALUES (?, ?, ?, ?)",
               (ctx.account_id, ctx.region, config["Name"], json.dumps(config)))


def _row(tx: Tx, ctx: RequestContext, name: str) -> dict[str, Any] | None:
    text = tx.fetchvalue("SELECT config FROM events_api_destinations WHERE account_id = ? AND "
                         "region = ? AND name = ?", (ctx.account_id, ctx.region, name))
    return None if text is None else dict(json.loads(text))


def _load(tx: Tx, ctx: RequestContext, name: str) -> dict[str, Any]:
    config = _row(tx, ctx, name)
    if config is None:
        raise not_found(name)
    return config


def _brief(config: dict[str, Any], connection_state: str | None) -> dict[str, Any]:
    return {"ApiDestinationArn": config["ApiDestinationArn"],
            "ApiDestinationState": _state(connection_state),
            "CreationTime": config["CreationTime"],
            "LastModifiedTime": config["LastModifiedTime"]}


def describe_api_destination(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = check_name(params["Name"])
    with store(ctx).read() as tx:
        config = _load(tx, ctx, name)
        state = _connection_state(tx, ctx, config["ConnectionArn"])
    return {**config, "ApiDestinationState": _state(state)}


def list_api_destinations(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    prefix, connection = params.get("NamePrefix") or "", params.get("ConnectionArn")
    limit, start = page_limit(params), page_start(params)
    with store(ctx).read() as tx:
        rows = tx.fetchall("SELECT name, config FROM events_api_destinations WHERE "
                           "account_id = ? AND region = ? ORDER BY name",
                           (ctx.account_id, ctx.region))
        found = []
        for name, text in rows:
            config = json.loads(text)
            if name.startswith(prefix) and connection in (None, config["ConnectionArn"]):
                state = _connection_state(tx, ctx, config["ConnectionArn"])
                config.pop("Description", None)  # the list leaves descriptions out, as AWS's
                found.append({**config, "ApiDestinationState": _state(state)})
    return page(found, start, limit, "ApiDestinations")


def update_api_destination(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = check_name(params["Name"])
    _check(params)
    with store(ctx).write() as tx:
        config = _load(tx, ctx, name)
        if params.get("ConnectionArn"):
            _require_connection(tx, ctx, params["ConnectionArn"])
        for key in ("Description", "ConnectionArn", "InvocationEndpoint", "HttpMethod",
                    "InvocationRateLimitPerSecond"):
            if params.get(key) is not None:
                config[key] = params[key]
        config["LastModifiedTime"] = ctx.cloud.clock.now()
        _write(tx, ctx, config)
        state = _connection_state(tx, ctx, config["ConnectionArn"])
    return _brief(config, state)


def delete_api_destination(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = check_name(params["Name"])
    with store(ctx).write() as tx:
        if not tx.execute("DELETE FROM events_api_destinations WHERE account_id = ? AND "
                          "region = ? AND name = ?", (ctx.account_id, ctx.region, name)):
            raise AwsError("ResourceNotFoundException",
                           f"An api-destination '{name}' does not exist.")
    return {}
