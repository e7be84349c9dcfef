"""Aliases: a name for a version, optionally sending a share of invocations to a second one."""

from __future__ import annotations

import json
import re
from typing import Any

from pocketcloud.context import RequestContext
from pocketcloud.errors import AwsError
from pocketcloud.services.lambda_ import records
from pocketcloud.services.lambda_.names import (
    LATEST,
    FunctionRef,
    function_arn,
    parse_function_name,
    validation_error,
)
from pocketcloud.services.lambda_.schema import store

_ALIAS_NAME = re.compile(r"(?!^[0-9]+$)([a-zA-Z0-9-_]+)")
_VERSION_KEY = re.compile(r"[0-9]{1,1024}")
_WEIGHTS_FIELD = "routingConfig.additionalVersionWeights"
MAX_LIST_ITEMS = 50


def create_alias(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    ref = parse_function_name(ctx, params["FunctionName"])
    name = _alias_name(params["Name"])
    _check_weights(params.get("RoutingConfig"))
    with store(ctx).write() as tx:
        # a missing function is reported as its missing version, as AWS does
        _require_version(tx, ref, params["FunctionVersion"])
        if records.load_alias(tx, ref, name) is not None:
            alias_arn = function_arn(ref.region, ref.account_id, ref.name, name)
            raise AwsError("ResourceConflictException", f"Alias already exists: {alias_arn}",
                           409)
        alias = {
            "AliasArn": function_arn(ref.region, ref.account_id, ref.name, name),
            "Name": name,
            "FunctionVersion": params["FunctionVersion"],
            "Description": params.get("Description") or "",
            "RevisionId": ctx.cloud.ids.uuid4(),
        }
        _set_routing(tx, ref, alias, params.get("RoutingConfig"))
        _save(tx, ref, alias)
    return alias


def get_alias(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    ref = parse_function_name(ctx, params["FunctionName"])
    with store(ctx).read() as tx:
        records.require_function(tx, ref)
        alias = records.load_alias(tx, ref, params["Name"])
    if alias is None:
        alias_arn = function_arn(ref.region, ref.account_id, ref.name, params["Name"])
        raise AwsError("ResourceNotFoundException", f"Cannot find alias arn: {alias_arn}",
                       404)
    return alias


def list_aliases(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    ref = parse_function_name(ctx, params["FunctionName"])
    with store(ctx).read() as tx:
        records.require_function(tx, ref)
        rows = tx.fetchall("SELECT config FROM lambda_aliases WHERE account_id = ? AND "
                           "region = ? AND name = ? ORDER BY alias", records.key(ref))
    aliases = [json.loads(row[0]) for row in rows]
    if params.get("FunctionVersion"):
        aliases = [a for a in aliases if a["FunctionVersion"] == params["FunctionVersion"]]
    # Pages in name order; the marker is the last name shown, as ListVersionsByFunction's is.
    marker = params.get("Marker") or ""
    if marker:
        aliases = [a for a in aliases if a["Name"] > marker]
    limit = params.get("MaxItems") or MAX_LIST_ITEMS
    result: dict[str, Any] = {"Aliases": aliases[:limit]}
    if len(aliases) > limit:
        result["NextMarker"] = aliases[limit - 1]["Name"]
    return result


def update_alias(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    ref = parse_function_name(ctx, params["FunctionName"])
    with store(ctx).write() as tx:
        alias = _existing(tx, ref, params["Name"])
        records.require_revision(alias, params.get("RevisionId"))
        if params.get("FunctionVersion"):
            _require_version(tx, ref, params["FunctionVersion"])
            alias["FunctionVersion"] = params["FunctionVersion"]
        if params.get("Description") is not None:
            alias["Description"] = params["Description"]
        if params.get("RoutingConfig") is not None:
            _check_weights(params["RoutingConfig"])
            alias.pop("RoutingConfig", None)
            _set_routing(tx, ref, alias, params["RoutingConfig"])
        alias["RevisionId"] = ctx.cloud.ids.uuid4()
        _save(tx, ref, alias)
    return alias


def delete_alias(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    ref = parse_function_name(ctx, params["FunctionName"])
    with store(ctx).write() as tx:
        records.require_function(tx, ref)
        for table, column in (("lambda_aliases", "alias"), ("lambda_function_urls", "qualifier"),
                              ("lambda_provisioned_concurrency", "qualifier")):
            # the alias's function URL and provisioned concurrency go with it
            tx.execute(f"DELETE FROM {table} WHERE account_id = ? AND region = ? AND name = ? "
                       f"AND {column} = ?", (*records.key(ref), params["Name"]))
    return {}


def _set_routing(tx: Any, ref: FunctionRef, alias: dict[str, Any],
                 routing: dict[str, Any] | None) -> None:
    weights = (routing or {}).get("AdditionalVersionWeights") or {}
    if not weights:
        return
    if len(weights) > 1:
        raise AwsError("InvalidParameterValueException",
                       "Number of items in AdditionalVersionWeights cannot be greater than 1")
    for version in weights:
        if version == alias["FunctionVersion"]:
            raise AwsError("InvalidParameterValueException",
                           f"Invalid function version {version}. Function version {version} "
                           "is already included in routing configuration.")
        if version == LATEST or alias["FunctionVersion"] == LATEST:
            raise AwsError("InvalidParameterValueException",
                           "$LATEST is not supported for an alias pointing to more than 1 version")
        _require_version(tx, ref, version)
    alias["RoutingConfig"] = {"AdditionalVersionWeights": dict(weights)}


def _check_weights(routing: dict[str, Any] | None) -> None:
    """The model's constraints on AdditionalVersionWeights, checked before anything else."""
    weights = (routing or {}).get("AdditionalVersionWeights") or {}
    shown = "{" + ", ".join(f"{k}={float(v)}" for k, v in weights.items()) + "}"
    if any(not _VERSION_KEY.fullmatch(k) for k in weights):
        raise validation_error(shown, _WEIGHTS_FIELD, "Map keys must satisfy constraint: [Member "
                               "must have length less than or equal to 1024, Member must have "
                               "length greater than or equal to 1, Member must satisfy regular "
                               "expression pattern: [0-9]+, Member must not be null]")
    if any(not 0.0 <= v <= 1.0 for v in weights.values()):
        raise validation_error(shown, _WEIGHTS_FIELD, "Map value must satisfy constraint: [Member "
                               "must have value less than or equal to 1.0, Member must have "
                               "value greater than or equal to 0.0, Member must not be null]")


def _require_version(tx: Any, ref: FunctionRef, version: str) -> None:
    if records.load_version(tx, ref, version) is None:
        raise AwsError("ResourceNotFoundException",
                       f"Function not found: {ref.arn}:{version}", 404)


def _existing(tx: Any, ref: FunctionRef, name: str) -> dict[str, Any]:
    records.require_function(tx, ref)
    alias = records.load_alias(tx, ref, name)
    if alias is None:
        alias_arn = function_arn(ref.region, ref.account_id, ref.name, name)
        raise AwsError("ResourceNotFoundException", f"Alias not found: {alias_arn}",
                       404)
    return alias


def _save(tx: Any, ref: FunctionRef, alias: dict[str, Any]) -> None:
    tx.execute(
        "INSERT INTO lambda_aliases (account_id, region, name, alias, config) VALUES "
        "(?, ?, ?, ?, ?) ON CONFLICT (account_id, region, name, alias) DO UPDATE SET "
        "config = excluded.config", (*records.key(ref), alias["Name"], json.dumps(alias)))


def _alias_name(name: str) -> str:
    if not _ALIAS_NAME.fullmatch(name) or len(name) > 128:
        raise validation_error(name, "name", "Member must satisfy regular expression pattern: "
                               "(?!^[0-9]+$)([a-zA-Z0-9-_]+)")
    return name
