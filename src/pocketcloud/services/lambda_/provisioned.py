"""Provisioned concurrency configurations: stored and reported as AWS reports them.

pocketcloud keeps the setting (Put/Get/List/Delete) and counts it against the account's
concurrency as AWS does; it does not pre-start workers for it (a warm worker is kept anyway).
"""

from __future__ import annotations

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
from pocketcloud.services.lambda_.settings import UNRESERVED_CONCURRENCY_MIN

MAX_ITEMS = 50
_KEY = "account_id = ? AND region = ? AND name = ?"


def put_provisioned_concurrency_config(ctx: RequestContext,
                                       params: dict[str, Any]) -> dict[str, Any]:
    ref = parse_function_name(ctx, params["FunctionName"], params["Qualifier"])
    wanted = params["ProvisionedConcurrentExecutions"]
    if wanted < 1:
        raise validation_error(wanted, "provisionedConcurrentExecutions",
                               "Member must have value greater than or equal to 1")
    now = records.timestamp(ctx.cloud.clock.now())
    with store(ctx).write() as tx:
        qualifier = _published_target(tx, ref, _UNPUBLISHED_PUT)
        _check_overlap(tx, ref, qualifier)
        _check_account_room(ctx, tx, ref, qualifier, wanted)
        tx.execute("INSERT INTO lambda_provisioned_concurrency (account_id, region, name, "
                   "qualifier, requested, last_modified) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT "
                   "(account_id, region, name, qualifier) DO UPDATE SET requested = "
                   "excluded.requested, last_modified = excluded.last_modified",
                   (*records.key(ref), qualifier, wanted, now))
    return {"RequestedProvisionedConcurrentExecutions": wanted,
            "AllocatedProvisionedConcurrentExecutions": 0,
            "AvailableProvisionedConcurrentExecutions": 0,
            "Status": "IN_PROGRESS", "LastModified": now}


def get_provisioned_concurrency_config(ctx: RequestContext,
                                       params: dict[str, Any]) -> dict[str, Any]:
    ref = parse_function_name(ctx, params["FunctionName"], params["Qualifier"])
    with store(ctx).read() as tx:
        _published_target(tx, ref, _UNPUBLISHED)
        row = tx.fetchone(f"SELECT requested, last_modified FROM lambda_provisioned_concurrency "
                          f"WHERE {_KEY} AND qualifier = ?", (*records.key(ref), ref.qualifier))
    if row is None:
        raise AwsError("ProvisionedConcurrencyConfigNotFoundException",
                       "No Provisioned Concurrency Config found for this function", 404,
                       fields={"Type": "User"})
    return _ready(row[0], row[1])


def delete_provisioned_concurrency_config(ctx: RequestContext,
                                          params: dict[str, Any]) -> dict[str, Any]:
    ref = parse_function_name(ctx, params["FunctionName"], params["Qualifier"])
    with store(ctx).write() as tx:
        _published_target(tx, ref, _UNPUBLISHED)
        tx.execute(f"DELETE FROM lambda_provisioned_concurrency WHERE {_KEY} AND qualifier = ?",
                   (*records.key(ref), ref.qualifier))
    return {}


def list_provisioned_concurrency_configs(ctx: RequestContext,
                                         params: dict[str, Any]) -> dict[str, Any]:
    ref = parse_function_name(ctx, params["FunctionName"])
    max_items = params.get("MaxItems") or MAX_ITEMS
    marker = params.get("Marker") or ""
    with store(ctx).read() as tx:
        records.require_function(tx, ref)
        rows = tx.fetchall(f"SELECT qualifier, requested, last_modified FROM "
                           f"lambda_provisioned_concurrency WHERE {_KEY} AND qualifier > ? "
                           "ORDER BY qualifier LIMIT ?", (*records.key(ref), marker,
                                                          max_items + 1))
    configs = [{"FunctionArn": f"{ref.arn}:{q}", **_ready(n, modified)}
               for q, n, modified in rows[:max_items]]
    result: dict[str, Any] = {"ProvisionedConcurrencyConfigs": configs}
    if len(rows) > max_items:
        result["NextMarker"] = rows[max_items - 1][0]
    return result


_UNPUBLISHED_PUT = ("Provisioned Concurrency Configs cannot be applied to unpublished function "
                    "versions.")
_UNPUBLISHED = "The function resource provided must be an alias or a published version."


def _published_target(tx: Any, ref: FunctionRef, unpublished: str) -> str:
    """The version or alias named; a missing function is reported as its missing target."""
    qualifier = ref.qualifier or LATEST
    if qualifier == LATEST:
        raise AwsError("InvalidParameterValueException", unpublished)
    if qualifier.isdigit():
        if records.load_version(tx, ref, qualifier) is None:
            raise AwsError("ResourceNotFoundException",
                           f"Function not found: {ref.qualified_arn}", 404)
    elif records.load_alias(tx, ref, qualifier) is None:
        raise AwsError("ResourceNotFoundException",
                       f"Cannot find alias arn: {ref.qualified_arn}", 404)
    return qualifier


def _check_account_room(ctx: RequestContext, tx: Any, ref: FunctionRef, qualifier: str,
                        wanted: int) -> None:
    """Provisioned concurrency comes out of the account's unreserved concurrency, which keeps
    UNRESERVED_CONCURRENCY_MIN for everyone else."""
    others = tx.fetchvalue(
        "SELECT coalesce(sum(requested), 0) FROM lambda_provisioned_concurrency WHERE "
        "account_id = ? AND region = ? AND NOT (name = ? AND qualifier = ?)",
        (ref.account_id, ref.region, ref.name, qualifier), default=0)
    reserved = tx.fetchvalue(
        "SELECT coalesce(sum(reserved_concurrency), 0) FROM lambda_functions WHERE "
        "account_id = ? AND region = ?", (ref.account_id, ref.region), default=0)
    unreserved = ctx.cloud.settings.lambda_concurrency_limit - reserved - others
    if wanted > unreserved:
        raise AwsError("InvalidParameterValueException", "Specified ConcurrentExecutions for "
                       f"function is greater than account's unreserved concurrency [{unreserved}].")
    if unreserved - wanted < UNRESERVED_CONCURRENCY_MIN:
        raise AwsError("InvalidParameterValueException", "Specified ConcurrentExecutions for "
                       "function decreases account's UnreservedConcurrentExecution below its "
                       f"minimum value of [{UNRESERVED_CONCURRENCY_MIN}].")


def _check_overlap(tx: Any, ref: FunctionRef, qualifier: str) -> None:
    """A version has one configuration: its own or one alias's (pointing at it), never both."""
    configured = {row[0] for row in tx.fetchall(
        f"SELECT qualifier FROM lambda_provisioned_concurrency WHERE {_KEY} AND qualifier != ?",
        (*records.key(ref), qualifier))}
    if qualifier.isdigit():
        aliases = {row[0] for row in tx.fetchall(
            f"SELECT alias FROM lambda_aliases WHERE {_KEY} AND "
            "json_extract(config, '$.FunctionVersion') = ?", (*records.key(ref), qualifier))}
        if configured & aliases:
            raise AwsError("ResourceConflictException",
                           "Version is pointed by a Provisioned Concurrency alias", 409)
        return
    alias = records.load_alias(tx, ref, qualifier) or {}
    if alias.get("FunctionVersion") in configured:
        raise AwsError("ResourceConflictException", "Alias can't be used for Provisioned "
                       "Concurrency configuration on an already Provisioned version", 409)


def _ready(requested: int, modified: str) -> dict[str, Any]:
    return {"RequestedProvisionedConcurrentExecutions": requested,
            "AllocatedProvisionedConcurrentExecutions": requested,
            "AvailableProvisionedConcurrentExecutions": requested,
            "Status": "READY", "LastModified": modified}
