"""Delivering to API destinations: one HTTP request per event, with the connection's
authorization, through the outbox (so RetryPolicy and the dead-letter queue apply).

The request carries the target's HttpParameters (``*`` in the endpoint filled in order by
PathParameterValues, headers, query string) and the connection's InvocationHttpParameters
(which win over the target's, as AWS documents). As AWS does, 401, 407, 409, 429 and 5xx
answers and timeouts (5 s) are retried; any other non-2xx answer fails at once. A destination
never gets more than InvocationRateLimitPerSecond requests in one second of the cloud clock:
the rest wait in the outbox without using up retries. OAuth client-credentials tokens are
fetched from the connection's endpoint and kept (in memory) until they expire or a 401/407
says they are stale.
"""

from __future__ import annotations

import asyncio
import base64
import json
import logging
from collections import OrderedDict
from typing import Any
from urllib.parse import urlsplit

import httpx

from pocketcloud.errors import AwsError
from pocketcloud.services.events.api_destinations import LOOPBACK_HOSTS
from pocketcloud.services.events.schema import ready_store

log = logging.getLogger("pocketcloud.events.api_delivery")

TIMEOUT_S = 5.0  # AWS times out an API destination's request after 5 seconds
USER_AGENT = "Amazon/EventBridge/ApiDestinations"
CONTENT_TYPE = "application/json; charset=utf-8"
RETRIED_STATUSES = frozenset({401, 407, 409, 429})
TOKEN_LIFETIME_DEFAULT_S = 3600.0
TOKENS_KEPT_MAX = 10_000
DESTINATIONS_THROTTLED_MAX = 10_000
AUTHORIZATIONS_PER_TICK_MAX = 16
RESPONSE_TEXT_MAX = 1000
_BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})


class Deferred(Exception):
    """Not now (the destination's rate is used up): try again shortly, costing no retry."""

    def __init__(self, delay_s: float) -> None:
        super().__init__(f"deferred {delay_s} s")
        self.delay_s = delay_s


class Failure(AwsError):
    """A failed invocation; `retriable` says whether the RetryPolicy applies."""

    def __init__(self, code: str, message: str, retriable: bool) -> None:
        super().__init__(code, message, 500 if retriable else 400)
        self.retriable = retriable


_tokens: OrderedDict[str, tuple[str, float]] = OrderedDict()  # connection ARN -> (token, until)
_fetching: dict[str, asyncio.Lock] = {}  # connection ARN -> held while its token is fetched
_windows: OrderedDict[str, tuple[int, int]] = OrderedDict()  # destination ARN -> (second, n)


def forget_token(connection_arn: str) -> None:
    _tokens.pop(connection_arn, None)


def _allow(destination_arn: str, per_second: int, now_s: float) -> bool:
    second = int(now_s)
    window, count = _windows.get(destination_arn, (second, 0))
    if window != second:
        count = 0
    if count >= per_second:
        return False
    _windows[destination_arn] = (second, count + 1)
    _windows.move_to_end(destination_arn)
    while len(_windows) > DESTINATIONS_THROTTLED_MAX:
        _windows.popitem(last=False)
    return True


def _load(cloud: Any, target_arn: str) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any],
                                                str]:
    """(destination, connection, its secrets, its state) for an API destination's ARN."""
    _, _, _, region, account_id, resource = target_arn.split(":", 5)
    name = resource.split("/")[1] if resource.count("/") >= 1 else ""
    with ready_store(cloud.store).read() as tx:
        text = tx.fetchvalue("SELECT config FROM events_api_destinations WHERE account_id = ? "
                             "AND region = ? AND name = ?", (account_id, region, name))
        destination = json.loads(text) if text else None
        if destination is None or destination["ApiDestinationArn"] != target_arn:
            raise Failure("ResourceNotFoundException",
                          f"API destination {target_arn} does not exist.", False)
        connection_name = destination["ConnectionArn"].split(":", 5)[5].split("/")[1]
        row = tx.fetchone("SELECT config, secrets, state FROM events_connections WHERE "
                          "account_id = ? AND region = ? AND name = ?",
                          (account_id, region, connection_name))
    if row is None:
        raise Failure("ResourceNotFoundException",
                      f"Connection {destination['ConnectionArn']} does not exist.", False)
    return destination, json.loads(row[0]), json.loads(row[1]), row[2]


async def deliver(cloud: Any, target: dict[str, Any], payload: str) -> None:
    destination, connection, secrets, state = _load(cloud, target["Arn"])
    if state == "AUTHORIZING":
        await _authorize(cloud, connection, secrets)
        destination, connection, secrets, state = _load(cloud, target["Arn"])
    if state != "AUTHORIZED":
        raise Failure("ConnectionDeauthorized", f"Connection {connection['Name']} is "
                      f"{state}, not AUTHORIZED.", False)
    if not _allow(destination["ApiDestinationArn"],
                  destination["InvocationRateLimitPerSecond"], cloud.clock.now()):
        raise Deferred(1.0)
    request = _request(destination, connection, secrets, target, payload)
    request.headers.update(await _auth_headers(cloud, connection, secrets))
    status, text = await _send(request)
    if 200 <= status < 300:
        return
    if status in (401, 407):
        forget_token(connection["ConnectionArn"])
    raise Failure(f"HTTP_{status}" if status else "TIMEOUT",
                  text[:RESPONSE_TEXT_MAX] or f"the endpoint answered HTTP {status}",
                  status == 0 or status >= 500 or status in RETRIED_STATUSES)


def _request(destination: dict[str, Any], connection: dict[str, Any],
             secrets: dict[str, Any], target: dict[str, Any], payload: str) -> httpx.Request:
    given = target.get("HttpParameters") or {}
    url = destination["InvocationEndpoint"]
    for value in given.get("PathParameterValues") or []:
        url = url.replace("*", value, 1)
    invocation = secrets.get("InvocationHttpParameters") or \
        connection["AuthParameters"].get("InvocationHttpParameters") or {}
    headers = {"content-type": CONTENT_TYPE, "user-agent": USER_AGENT,
               "range": "bytes=0-1048575", "accept-encoding": "gzip,deflate"}
    headers.update(given.get("HeaderParameters") or {})
    headers.update(_pairs(invocation.get("HeaderParameters")))
    query = {**(given.get("QueryStringParameters") or {}),
             **_pairs(invocation.get("QueryStringParameters"))}
    method = destination["HttpMethod"]
    body = _body(payload, _pairs(invocation.get("BodyParameters")))
    return httpx.Request(method, url, params=query or None, headers=headers,
                         content=body.encode() if method in _BODY_METHODS else None)


def _pairs(parameters: list[dict[str, Any]] | None) -> dict[str, str]:
    return {p["Key"]: str(p.get("Value", "")) for p in parameters or []}


def _body(payload: str, extra: dict[str, str]) -> str:
    """The payload, with the connection's body parameters added when it is a JSON object."""
    if not extra:
        return payload
    try:
        document = json.loads(payload)
    except ValueError:
        return payload
    if not isinstance(document, dict):
        return payload
    return json.dumps({**document, **extra})


async def _send(request: httpx.Request) -> tuple[int, str]:
    """(status, response text); (0, why) when no answer came."""
    host = urlsplit(str(request.url)).hostname
    if request.url.scheme != "https" and host not in LOOPBACK_HOSTS:
        return 400, "only HTTPS endpoints are invoked"
    try:
        async with httpx.AsyncClient(timeout=TIMEOUT_S, follow_redirects=False) as client:
            response = await client.send(request)
    except httpx.HTTPError as error:
        return 0, f"{type(error).__name__}: {error}"
    return response.status_code, response.text


async def _auth_headers(cloud: Any, connection: dict[str, Any],
                        secrets: dict[str, Any]) -> dict[str, str]:
    kind = connection["AuthorizationType"]
    if kind == "BASIC":
        basic = secrets.get("BasicAuthParameters") or {}
        pair = f"{basic.get('Username', '')}:{basic.get('Password', '')}".encode()
        return {"authorization": "Basic " + base64.b64encode(pair).decode()}
    if kind == "API_KEY":
        key = secrets.get("ApiKeyAuthParameters") or {}
        return {key.get("ApiKeyName", "x-api-key"): key.get("ApiKeyValue", "")}
    return {"authorization": "Bearer " + await _token(cloud, connection, secrets)}


async def _token(cloud: Any, connection: dict[str, Any], secrets: dict[str, Any]) -> str:
    arn = connection["ConnectionArn"]
    kept = _kept_token(cloud, arn)
    if kept is not None:
        return kept
    if len(_fetching) >= TOKENS_KEPT_MAX:  # bounded: drop the locks nobody holds
        for idle in [a for a, lock in _fetching.items() if not lock.locked()]:
            del _fetching[idle]
    # one fetch per connection at a time: deliveries and the authorizing job that need a
    # token together wait for the same answer instead of each asking the endpoint
    async with _fetching.setdefault(arn, asyncio.Lock()):
        kept = _kept_token(cloud, arn)
        return kept if kept is not None else await _fetch_token(cloud, arn, secrets)


def _kept_token(cloud: Any, arn: str) -> str | None:
    kept = _tokens.get(arn)
    return kept[0] if kept and kept[1] > cloud.clock.now() else None


async def _fetch_token(cloud: Any, arn: str, secrets: dict[str, Any]) -> str:
    oauth = secrets.get("OAuthParameters") or {}
    client = oauth.get("ClientParameters") or {}
    pair = f"{client.get('ClientID', '')}:{client.get('ClientSecret', '')}".encode()
    extra = oauth.get("OAuthHttpParameters") or {}
    headers = {"authorization": "Basic " + base64.b64encode(pair).decode(),
               "user-agent": USER_AGENT, **_pairs(extra.get("HeaderParameters"))}
    body = _pairs(extra.get("BodyParameters"))
    method = oauth.get("HttpMethod", "POST")
    request = httpx.Request(method, oauth.get("AuthorizationEndpoint", ""), headers=headers,
                            params=_pairs(extra.get("QueryStringParameters")) or None,
                            data=body if method != "GET" and body else None)
    status, text = await _send(request)
    try:
        answer = json.loads(text) if 200 <= status < 300 else None
    except ValueError:
        answer = None
    if not isinstance(answer, dict) or not isinstance(answer.get("access_token"), str):
        raise Failure("OAuthTokenFailure", f"The OAuth endpoint answered HTTP {status} "
                      "without an access_token.", True)
    lifetime = answer.get("expires_in")
    until = cloud.clock.now() + (float(lifetime) if isinstance(lifetime, int | float)
                                 else TOKEN_LIFETIME_DEFAULT_S)
    _tokens[arn] = (answer["access_token"], until)
    while len(_tokens) > TOKENS_KEPT_MAX:
        _tokens.popitem(last=False)
    return str(answer["access_token"])


async def _authorize(cloud: Any, connection: dict[str, Any], secrets: dict[str, Any]) -> None:
    """An AUTHORIZING connection becomes AUTHORIZED once a token came, else DEAUTHORIZED."""
    try:
        await _token(cloud, connection, secrets)
        state, reason = "AUTHORIZED", None
    except Failure as error:
        state, reason = "DEAUTHORIZED", error.message
    _, _, _, region, account_id, resource = connection["ConnectionArn"].split(":", 5)
    with ready_store(cloud.store).write() as tx:
        row = tx.fetchone("SELECT config, state FROM events_connections WHERE account_id = ? "
                          "AND region = ? AND name = ?",
                          (account_id, region, connection["Name"]))
        if row is None or row[1] != "AUTHORIZING":
            return
        config = json.loads(row[0])
        if config["ConnectionArn"] != connection["ConnectionArn"]:
            return
        config["LastAuthorizedTime"] = cloud.clock.now()
        if reason:
            config["StateReason"] = reason
        tx.execute("UPDATE events_connections SET config = ?, state = ? WHERE account_id = ? "
                   "AND region = ? AND name = ?",
                   (json.dumps(config), state, account_id, region, connection["Name"]))


async def authorize_pending(cloud: Any) -> None:
    """The background job: authorize the connections that are AUTHORIZING (bounded)."""
    with ready_store(cloud.store).read() as tx:
        rows = tx.fetchall("SELECT config, secrets FROM events_connections WHERE state = "
                           "'AUTHORIZING' LIMIT ?", (AUTHORIZATIONS_PER_TICK_MAX,))
    for config, secrets in rows:
        await _authorize(cloud, json.loads(config), json.loads(secrets))
