"""Function URL configurations: Create/Get/Update/Delete/ListFunctionUrlConfigs.

A URL belongs to a function's $LATEST (no qualifier) or to one of its aliases. Its id is 32
lowercase letters and digits; the URL is ``https://<url-id>.lambda-url.<region>.on.aws/``,
served by pocketcloud under that Host and the local forms in ``url_gateway``.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Any

from pocketcloud.context import RequestContext
from pocketcloud.errors import AwsError
from pocketcloud.services.lambda_ import records
from pocketcloud.services.lambda_.names import (
    LATEST,
    FunctionRef,
    parse_function_name,
    validation_error,
)
from pocketcloud.services.lambda_.schema import store

AUTH_TYPES = ("NONE", "AWS_IAM")
INVOKE_MODES = ("BUFFERED", "RESPONSE_STREAM")
CORS_METHODS = {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "*"}
MAX_CORS_AGE_S = 86400
MAX_ITEMS = 50
_ALIAS = re.compile(r"(?!^[0-9]+$)[a-zA-Z0-9\-_]{1,128}")


def create_function_url_config(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    ref = _ref(ctx, params)
    auth_type = _auth_type(params["AuthType"])
    now = _now(ctx)
    config: dict[str, Any] = {"AuthType": auth_type, "CreationTime": now,
                              "InvokeMode": _invoke_mode(params.get("InvokeMode")),
                              "LastModifiedTime": now}
    if params.get("Cors") is not None:
        config["Cors"] = _cors(params["Cors"])
    with store(ctx).write() as tx:
        _require_target(tx, ref)
        if _load(tx, ref) is not None:
            raise AwsError("ResourceConflictException",
                           f"Failed to create function url config for [functionArn = "
                           f"{ref.qualified_arn}]. Error message:  FunctionUrlConfig exists for "
                           "this Lambda function", 409)
        url_id = ctx.cloud.ids.hex(32)  # AWS's ids are 32 lowercase letters and digits
        tx.execute("INSERT INTO lambda_function_urls (url_id, account_id, region, name, "
                   "qualifier, config) VALUES (?, ?, ?, ?, ?, ?)",
                   (url_id, *records.key(ref), ref.qualifier or LATEST, json.dumps(config)))
    result = _shape(ref, url_id, config)
    result.pop("LastModifiedTime")
    return _as_answered(result, params)


def get_function_url_config(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    ref = _ref(ctx, params)
    with store(ctx).read() as tx:
        found = _load(tx, ref)
    if found is None:
        raise _not_found()
    return _shape(ref, *found)


def update_function_url_config(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    ref = _ref(ctx, params)
    with store(ctx).write() as tx:
        _require_target(tx, ref)
        found = _load(tx, ref)
        if found is None:
            raise _not_found()
        url_id, config = found
        if params.get("AuthType") is not None:
            config["AuthType"] = _auth_type(params["AuthType"])
        if params.get("InvokeMode") is not None:
            config["InvokeMode"] = _invoke_mode(params["InvokeMode"])
        if params.get("Cors") is not None:
            config["Cors"] = _cors(params["Cors"])
        config["LastModifiedTime"] = _now(ctx)
        tx.execute("UPDATE lambda_function_urls SET config = ? WHERE url_id = ?",
                   (json.dumps(config), url_id))
    return _as_answered(_shape(ref, url_id, config), params)


def delete_function_url_config(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    ref = _ref(ctx, params)
    with store(ctx).write() as tx:
        if not tx.execute("DELETE FROM lambda_function_urls WHERE account_id = ? AND region = ? "
                          "AND name = ? AND qualifier = ?",
                          (*records.key(ref), ref.qualifier or LATEST)):
            raise _not_found()
    return {}


def list_function_url_configs(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    ref = parse_function_name(ctx, params["FunctionName"])
    max_items = params.get("MaxItems") or MAX_ITEMS
    if not 1 <= max_items <= MAX_ITEMS:
        raise validation_error(max_items, "maxItems", "Member must have value less than or "
                               f"equal to {MAX_ITEMS}")
    marker = params.get("Marker") or ""
    with store(ctx).read() as tx:
        _require_target(tx, ref)
        rows = tx.fetchall("SELECT url_id, qualifier, config FROM lambda_function_urls WHERE "
                           "account_id = ? AND region = ? AND name = ? AND qualifier > ? ORDER "
                           "BY qualifier LIMIT ?", (*records.key(ref), marker, max_items + 1))
    configs = []
    for url_id, qualifier, config in rows[:max_items]:
        target = FunctionRef(ref.account_id, ref.region, ref.name,
                             None if qualifier == LATEST else qualifier)
        configs.append(_shape(target, url_id, json.loads(config)))
    result: dict[str, Any] = {"FunctionUrlConfigs": configs}
    if len(rows) > max_items:
        result["NextMarker"] = rows[max_items - 1][1]
    return result


def url_of(url_id: str, region: str) -> str:
    return f"https://{url_id}.lambda-url.{region}.on.aws/"


def _ref(ctx: RequestContext, params: dict[str, Any]) -> FunctionRef:
    ref = parse_function_name(ctx, params["FunctionName"], params.get("Qualifier"))
    # Only an alias may be named: a version and $LATEST are refused by the model's pattern.
    if ref.qualifier is not None and not _ALIAS.fullmatch(ref.qualifier):
        raise validation_error(ref.qualifier, "qualifier", "Member must satisfy regular "
                               r"expression pattern: ((?!^\d+$)^[0-9a-zA-Z-_]+$)")
    return ref


def _require_target(tx: Any, ref: FunctionRef) -> None:
    """Create, Update and List name a missing function or alias in these words; Get and Delete
    answer the generic not-found."""
    missing = not records.function_exists(tx, ref) or (
        ref.qualifier is not None and records.load_alias(tx, ref, ref.qualifier) is None)
    if missing:
        raise AwsError("ResourceNotFoundException", "Function does not exist", 404)


def _load(tx: Any, ref: FunctionRef) -> tuple[str, dict[str, Any]] | None:
    row = tx.fetchone("SELECT url_id, config FROM lambda_function_urls WHERE account_id = ? AND "
                      "region = ? AND name = ? AND qualifier = ?",
                      (*records.key(ref), ref.qualifier or LATEST))
    return (row[0], json.loads(row[1])) if row else None


def _shape(ref: FunctionRef, url_id: str, config: dict[str, Any]) -> dict[str, Any]:
    qualified = ref.qualifier not in (None, LATEST)
    return {"FunctionUrl": url_of(url_id, ref.region),
            "FunctionArn": ref.qualified_arn if qualified else ref.arn, **config}


def _as_answered(result: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
    """Create and Update show InvokeMode only when the request set it (Get always shows it)."""
    if params.get("InvokeMode") is None:
        result.pop("InvokeMode", None)
    return result


def _auth_type(value: str) -> str:
    if value not in AUTH_TYPES:
        raise validation_error(value, "authType", "Member must satisfy enum value set: "
                               "[AWS_IAM, NONE]")
    return value


def _invoke_mode(value: str | None) -> str:
    if value is None:
        return "BUFFERED"
    if value not in INVOKE_MODES:
        raise validation_error(value, "invokeMode", "Member must satisfy enum value set: "
                               "[RESPONSE_STREAM, BUFFERED]")
    return value


def _cors(cors: dict[str, Any]) -> dict[str, Any]:
    for method in cors.get("AllowMethods") or []:
        if method.upper() not in CORS_METHODS:
            raise AwsError("InvalidParameterValueException",
                           f"Invalid Cors AllowMethods: {method}")
    max_age = cors.get("MaxAge")
    if max_age is not None and not 0 <= max_age <= MAX_CORS_AGE_S:
        raise validation_error(max_age, "cors.maxAge", "Member must have value less than or "
                               f"equal to {MAX_CORS_AGE_S}")
    return dict(cors)


def _not_found() -> AwsError:
    return AwsError("ResourceNotFoundException", "The resource you requested does not exist.",
                    404)


def _now(ctx: RequestContext) -> str:
    moment = datetime.fromtimestamp(ctx.cloud.clock.now(), UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
