"""Connections: how API destinations authorize (BASIC, API_KEY, OAUTH_CLIENT_CREDENTIALS).

Secrets (a password, an API key's value, a client secret, parameters marked IsValueSecret) are
kept in the connection's ``secrets`` column and never returned. BASIC and API_KEY connections
are AUTHORIZED at once; an OAuth connection is AUTHORIZING until the authorization job
(api_delivery.authorize_pending) got a token from its endpoint, then AUTHORIZED (or
DEAUTHORIZED, with the reason). DeauthorizeConnection drops the secrets.

DescribeConnection names, as AWS does, the Secrets Manager secret AWS keeps them in
(``events!connection/<name>/<uuid>``); pocketcloud has no Secrets Manager yet, so that ARN
says where they would be, not a secret one can read.
"""

from __future__ import annotations

import json
import re
from typing import Any

from pocketcloud.arns import arn
from pocketcloud.context import RequestContext
from pocketcloud.errors import AwsError
from pocketcloud.services.events.buses import page, page_limit, page_start, store, validation
from pocketcloud.store import Tx

CONNECTIONS_PER_REGION_MAX = 50  # AWS's default quota of connections per account and region
AUTHORIZE_JOB = "events-connections"
_NAME = re.compile(r"[\.\-_A-Za-z0-9]{1,64}")
_TYPES = ("BASIC", "OAUTH_CLIENT_CREDENTIALS", "API_KEY")
_STATES = ("CREATING", "UPDATING", "DELETING", "AUTHORIZED", "DEAUTHORIZED", "AUTHORIZING",
           "DEAUTHORIZING", "ACTIVE", "FAILED_CONNECTIVITY")
_OAUTH_METHODS = ("GET", "POST", "PUT")
_AUTH_MEMBER = {"BASIC": "BasicAuthParameters", "API_KEY": "ApiKeyAuthParameters",
                "OAUTH_CLIENT_CREDENTIALS": "OAuthParameters"}
_SECRET_MEMBERS = {"BasicAuthParameters": ("Password",), "ApiKeyAuthParameters":
                   ("ApiKeyValue",)}


def connection_arn(ctx: RequestContext, name: str, uuid: str) -> str:
    return arn("events", ctx.region, ctx.account_id, f"connection/{name}/{uuid}")


def _secret_arn(ctx: RequestContext, name: str) -> str:
    """Secrets Manager's form: a secret name plus '-' and six random characters."""
    secret = f"events!connection/{name}/{ctx.cloud.ids.uuid4()}-{ctx.cloud.ids.hex(6)}"
    return arn("secretsmanager", ctx.region, ctx.account_id, f"secret:{secret}")


def check_name(name: str) -> str:
    if not _NAME.fullmatch(name):
        raise validation("name", name, r"Member must satisfy regular expression pattern: "
                         r"[\.\-_A-Za-z0-9]+")
    return name


def not_found(name: str) -> AwsError:
    return AwsError("ResourceNotFoundException",
                    f"Failed to describe the connection(s). Connection '{name}' does not exist.")


_REQUIRED = {"BasicAuthParameters": ("Username", "Password"),
             "ApiKeyAuthParameters": ("ApiKeyName", "ApiKeyValue"),
             "OAuthParameters": ("ClientParameters", "AuthorizationEndpoint", "HttpMethod")}


def _check_auth(kind: str, auth: dict[str, Any]) -> None:
    member = _AUTH_MEMBER[kind]
    given = [m for m in _AUTH_MEMBER.values() if m in auth]
    if given and given != [member]:
        raise AwsError("ValidationException", f"Only {member} can be specified for "
                       f"AuthorizationType {kind}.")
    if member not in auth:
        raise AwsError("ValidationException", f"{member} is required for AuthorizationType "
                       f"{kind}.")
    params = auth[member]
    missing = [m for m in _REQUIRED[member] if not params.get(m)]
    if kind == "OAUTH_CLIENT_CREDENTIALS" and not missing:
        client = params["ClientParameters"]
        missing = [f"ClientParameters.{m}" for m in ("ClientID", "ClientSecret")
                   if not client.get(m)]
    if missing:
        raise AwsError("ValidationException", f"{member}.{missing[0]} is required for "
                       f"AuthorizationType {kind}.")
    if kind == "OAUTH_CLIENT_CREDENTIALS":
        from pocketcloud.services.events.api_destinations import check_endpoint

        check_endpoint(params["AuthorizationEndpoint"], "AuthorizationEndpoint")
        if params["HttpMethod"] not in _OAUTH_METHODS:
            raise validation("authParameters.oAuthParameters.httpMethod", params["HttpMethod"],
                             f"Member must satisfy enum value set: {list(_OAUTH_METHODS)}")


def _split(auth: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(what DescribeConnection shows, the whole parameters kept as secrets)."""
    shown: dict[str, Any] = {}
    for member, value in auth.items():
        if member in _SECRET_MEMBERS:
            shown[member] = {k: v for k, v in value.items()
                             if k not in _SECRET_MEMBERS[member]}
        elif member == "OAuthParameters":
            shown[member] = {k: v for k, v in value.items() if k != "ClientParameters"}
            shown[member]["ClientParameters"] = {
                "ClientID": value["ClientParameters"]["ClientID"]}
            if "OAuthHttpParameters" in value:
                shown[member]["OAuthHttpParameters"] = _public_http(value["OAuthHttpParameters"])
        elif member == "InvocationHttpParameters":
            shown[member] = _public_http(value)
        else:
            shown[member] = value
    return shown, auth


def _public_http(parameters: dict[str, Any]) -> dict[str, Any]:
    """Http parameters with the values marked IsValueSecret left out."""
    return {member: [{k: v for k, v in p.items() if not (k == "Value" and p.get("IsValueSecret"))}
                     for p in values] for member, values in parameters.items()}


def _initial_state(kind: str) -> str:
    return "AUTHORIZING" if kind == "OAUTH_CLIENT_CREDENTIALS" else "AUTHORIZED"


def create_connection(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = check_name(params["Name"])
    kind = params["AuthorizationType"]
    if kind not in _TYPES:
        raise validation("authorizationType", kind,
                         f"Member must satisfy enum value set: [{', '.join(_TYPES)}]")
    _check_auth(kind, params["AuthParameters"])
    if len(params.get("Description") or "") > 512:
        raise validation("description", params["Description"],
                         "Member must have length less than or equal to 512")
    shown, secrets = _split(params["AuthParameters"])
    now = ctx.cloud.clock.now()
    state = _initial_state(kind)
    config = {"Name": name, "ConnectionArn": connection_arn(ctx, name, ctx.cloud.ids.uuid4()),
              "AuthorizationType": kind, "AuthParameters": shown, "CreationTime": now,
              "LastModifiedTime": now, "LastAuthorizedTime": now,
              "SecretArn": _secret_arn(ctx, name)}
    for key in ("Description", "KmsKeyIdentifier", "InvocationConnectivityParameters"):
        if params.get(key):
            config[key] = params[key]
    with store(ctx).write() as tx:
        if _row(tx, ctx, name) is not None:
            raise AwsError("ResourceAlreadyExistsException", f"Connection {name} already exists.")
        if tx.fetchvalue("SELECT COUNT(*) FROM events_connections WHERE account_id = ? AND "
                         "region = ?", (ctx.account_id, ctx.region)) >= \
                CONNECTIONS_PER_REGION_MAX:
            raise AwsError("LimitExceededException",
                           "The requested resource exceeds the maximum number allowed.")
        _write(tx, ctx, name, config, secrets, state)
    ctx.cloud.background.wake(AUTHORIZE_JOB)
    return {"ConnectionArn": config["ConnectionArn"], "ConnectionState": state,
            "CreationTime": now, "LastModifiedTime": now}


def _write(tx: Tx, ctx: RequestContext, name: str, config: dict[str, Any],
           secrets: dict[str, Any], state: str) -> None:
    tx.execute("INSERT OR REPLACE INTO events_connections (account_id, region, name, config, "
               "secrets, state) VALUES (?, ?, ?, ?, ?, ?)",
               (ctx.account_id, ctx.region, name, json.dumps(config), json.dumps(secrets),
                state))


def _row(tx: Tx, ctx: RequestContext, name: str) -> tuple[Any, ...] | None:
    return tx.fetchone("SELECT config, secrets, state FROM events_connections WHERE "
                       "account_id = ? AND region = ? AND name = ?",
                       (ctx.account_id, ctx.region, name))


def load(tx: Tx, ctx: RequestContext, name: str) -> tuple[dict[str, Any], dict[str, Any], str]:
    row = _row(tx, ctx, name)
    if row is None:
        raise not_found(name)
    return json.loads(row[0]), json.loads(row[1]), row[2]


def _times(config: dict[str, Any], state: str) -> dict[str, Any]:
    return {"ConnectionArn": config["ConnectionArn"], "ConnectionState": state,
            "CreationTime": config["CreationTime"],
            "LastModifiedTime": config["LastModifiedTime"],
            "LastAuthorizedTime": config["LastAuthorizedTime"]}


def describe_connection(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = check_name(params["Name"])
    with store(ctx).read() as tx:
        config, _, state = load(tx, ctx, name)
    found = {k: v for k, v in config.items() if k != "StateReason" or state == "DEAUTHORIZED"}
    found.update(_times(config, state))
    return found


def list_connections(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    state = params.get("ConnectionState")
    if state and state not in _STATES:
        raise validation("connectionState", state,
                         f"Member must satisfy enum value set: [{', '.join(_STATES)}]")
    prefix = params.get("NamePrefix") or ""
    limit, start = page_limit(params), page_start(params)
    with store(ctx).read() as tx:
        rows = tx.fetchall("SELECT name, config, state FROM events_connections WHERE "
                           "account_id = ? AND region = ? ORDER BY name",
                           (ctx.account_id, ctx.region))
    found = []
    for name, config_text, row_state in rows:
        if name.startswith(prefix) and state in (None, row_state):
            config = json.loads(config_text)
            entry = {"Name": name, "AuthorizationType": config["AuthorizationType"],
                     **_times(config, row_state)}
            if config.get("StateReason") and row_state == "DEAUTHORIZED":
                entry["StateReason"] = config["StateReason"]
            found.append(entry)
    return page(found, start, limit, "Connections")


def update_connection(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = check_name(params["Name"])
    now = ctx.cloud.clock.now()
    with store(ctx).write() as tx:
        config, secrets, state = load(tx, ctx, name)
        kind = params.get("AuthorizationType") or config["AuthorizationType"]
        if kind not in _TYPES:
            raise validation("authorizationType", kind,
                             f"Member must satisfy enum value set: [{', '.join(_TYPES)}]")
        if params.get("AuthParameters") or kind != config["AuthorizationType"]:
            secrets = _merged(secrets, params.get("AuthParameters") or {}, kind)
            _check_auth(kind, secrets)
            config["AuthParameters"] = _split(secrets)[0]
            state = _initial_state(kind)
            config["LastAuthorizedTime"] = now
            config.pop("StateReason", None)
        config["AuthorizationType"] = kind
        for key in ("Description", "KmsKeyIdentifier", "InvocationConnectivityParameters"):
            if key in params:
                config[key] = params[key]
        config["LastModifiedTime"] = now
        _write(tx, ctx, name, config, secrets, state)
    from pocketcloud.services.events import api_delivery

    api_delivery.forget_token(config["ConnectionArn"])
    ctx.cloud.background.wake(AUTHORIZE_JOB)
    return _times(config, state)


def _merged(old: dict[str, Any], new: dict[str, Any], kind: str) -> dict[str, Any]:
    """UpdateConnection's AuthParameters over the kept ones, member by member."""
    merged = {k: v for k, v in old.items()
              if k not in _AUTH_MEMBER.values() or k == _AUTH_MEMBER[kind]}
    for member, value in new.items():
        if isinstance(value, dict) and isinstance(merged.get(member), dict):
            merged[member] = {**merged[member], **value}
        else:
            merged[member] = value
    return merged


def delete_connection(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = check_name(params["Name"])
    with store(ctx).write() as tx:
        config, _, _ = load(tx, ctx, name)
        tx.execute("DELETE FROM events_connections WHERE account_id = ? AND region = ? AND "
                   "name = ?", (ctx.account_id, ctx.region, name))
    return _times(config, "DELETING")


def deauthorize_connection(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = check_name(params["Name"])
    with store(ctx).write() as tx:
        config, _, _ = load(tx, ctx, name)
        config["LastModifiedTime"] = ctx.cloud.clock.now()
        config["StateReason"] = "Connection was deauthorized by the user."
        _write(tx, ctx, name, config, {}, "DEAUTHORIZED")
    from pocketcloud.services.events import api_delivery

    api_delivery.forget_token(config["ConnectionArn"])
    return _times(config, "DEAUTHORIZING")
