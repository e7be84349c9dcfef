"""Per-function settings: tags, reserved concurrency, asynchronous invocation configuration."""

from __future__ import annotations

import json
from typing import Any

from pocketcloud.context import RequestContext
from pocketcloud.errors import AwsError
from pocketcloud.services.lambda_ import records
from pocketcloud.services.lambda_.names import (
    LATEST,
    FunctionRef,
    function_not_found,
    parse_function_name,
    validation_error,
)
from pocketcloud.services.lambda_.schema import store

# AWS keeps this much of the account's concurrency for functions without a reservation.
UNRESERVED_CONCURRENCY_MIN = 100
MAX_TAGS = 50
MAX_EVENT_AGE_S_MIN, MAX_EVENT_AGE_S_MAX = 60, 21600
MAX_RETRY_ATTEMPTS = 2
# Where an asynchronous invocation's record may go (S3 takes failures only).
_DESTINATION_SERVICES = {"OnSuccess": ("sqs", "sns", "lambda", "events"),
                         "OnFailure": ("sqs", "sns", "lambda", "events", "s3")}
_EVENT_INVOKE_SETTINGS = ("MaximumRetryAttempts", "MaximumEventAgeInSeconds", "DestinationConfig")


def tag_resource(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    ref = _tagged_function(ctx, params["Resource"])
    if not params.get("Tags"):
        raise AwsError("InvalidParameterValueException",
                       "An error occurred and the request cannot be processed.")
    with store(ctx).write() as tx:
        tags = json.loads(records.function_column(tx, ref, "tags"))
        tags.update(params["Tags"])
        if len(tags) > MAX_TAGS:
            raise AwsError("InvalidParameterValueException",
                           "Number of tags exceeds resource tag limit.")
        _save_tags(ctx, tx, ref, tags)
    return {}


def untag_resource(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    ref = _tagged_function(ctx, params["Resource"])
    with store(ctx).write() as tx:
        tags = json.loads(records.function_column(tx, ref, "tags"))
        for key in params.get("TagKeys") or []:
            tags.pop(key, None)
        _save_tags(ctx, tx, ref, tags)
    return {}


def _save_tags(ctx: RequestContext, tx: Any, ref: FunctionRef, tags: dict[str, str]) -> None:
    """Tags are part of the function: a change gives $LATEST a new RevisionId, as in AWS."""
    tx.execute("UPDATE lambda_functions SET tags = ? WHERE account_id = ? AND region = ? "
               "AND name = ?", (json.dumps(tags), *records.key(ref)))
    found = records.load_version(tx, ref, LATEST)
    if found is not None:
        config, blob_id = found
        config["RevisionId"] = ctx.cloud.ids.uuid4()
        records.save_version(tx, ref, LATEST, config, blob_id)


def list_tags(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    ref = _tagged_function(ctx, params["Resource"])
    with store(ctx).read() as tx:
        return {"Tags": json.loads(records.function_column(tx, ref, "tags"))}


def _tagged_function(ctx: RequestContext, resource: str) -> FunctionRef:
    """The function a tagging Resource names: a full, unqualified function ARN."""
    if not (resource.startswith("arn:") and ":lambda:" in resource and ":function:" in resource):
        raise validation_error(resource, "resource", "Member must satisfy regular expression "
                               r"pattern: arn:(aws[a-zA-Z-]*)?:lambda:[a-z]{2}((-gov)|(-iso(b?)))?"
                               r"-[a-z]+-\d{1}:\d{12}:(function:[a-zA-Z0-9-_]+(:(\$LATEST|"
                               r"[a-zA-Z0-9-_]+))?|layer:[a-zA-Z0-9-_]+)")
    ref = parse_function_name(ctx, resource, field="resource")
    if ref.qualifier is not None:
        raise AwsError("InvalidParameterValueException", "Tags on function aliases and versions "
                       "are not supported. Please specify a function ARN.")
    return ref


def put_function_concurrency(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    ref = parse_function_name(ctx, params["FunctionName"])
    if ref.qualifier is not None:
        raise AwsError("InvalidParameterValueException",
                       "This operation is permitted on Lambda functions only. Aliases and "
                       "versions do not support this operation. Please specify either a function "
                       "name or an unqualified function ARN.")
    wanted = params["ReservedConcurrentExecutions"]
    with store(ctx).write() as tx:
        if not records.function_exists(tx, ref):  # checked before the value, as AWS does
            raise function_not_found(FunctionRef(*records.key(ref), LATEST))
        if wanted < 0:
            raise validation_error(wanted, "reservedConcurrentExecutions",
                                   "Member must have value greater than or equal to 0")
        others = tx.fetchvalue(
            "SELECT coalesce(sum(reserved_concurrency), 0) FROM lambda_functions WHERE "
            "account_id = ? AND region = ? AND name != ?", records.key(ref), default=0)
        account_limit = ctx.cloud.settings.lambda_concurrency_limit
        if others + wanted > account_limit - UNRESERVED_CONCURRENCY_MIN:
            raise AwsError(
                "InvalidParameterValueException",
                "Specified ReservedConcurrentExecutions for function decreases account's "
                f"UnreservedConcurrentExecution below its minimum value of "
                f"[{UNRESERVED_CONCURRENCY_MIN}].",
            )
        tx.execute("UPDATE lambda_functions SET reserved_concurrency = ? WHERE account_id = ? "
                   "AND region = ? AND name = ?", (wanted, *records.key(ref)))
    return {"ReservedConcurrentExecutions": wanted}


def get_function_concurrency(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    ref = parse_function_name(ctx, params["FunctionName"])
    with store(ctx).read() as tx:
        reserved = records.function_column(tx, ref, "reserved_concurrency")
    return {} if reserved is None else {"ReservedConcurrentExecutions": reserved}


def delete_function_concurrency(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    ref = parse_function_name(ctx, params["FunctionName"])
    records.set_function_column(ctx, ref, "reserved_concurrency", None)
    return {}


def get_account_settings(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    with store(ctx).read() as tx:
        count, reserved = tx.fetchone(
            "SELECT count(*), coalesce(sum(reserved_concurrency), 0) FROM lambda_functions "
            "WHERE account_id = ? AND region = ?", (ctx.account_id, ctx.region)) or (0, 0)
        code_size = tx.fetchvalue(
            "SELECT coalesce(sum(json_extract(config, '$.CodeSize')), 0) FROM lambda_versions "
            "WHERE account_id = ? AND region = ?", (ctx.account_id, ctx.region), default=0)
    limit = ctx.cloud.settings.lambda_concurrency_limit
    return {
        "AccountLimit": {
            "TotalCodeSize": 80530636800, "CodeSizeUnzipped": 262144000,
            "CodeSizeZipped": 52428800, "ConcurrentExecutions": limit,
            "UnreservedConcurrentExecutions": limit - reserved,
        },
        "AccountUsage": {"TotalCodeSize": code_size, "FunctionCount": count},
    }


def put_function_event_invoke_config(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    return _save_event_invoke_config(ctx, params, replace=True)


def update_function_event_invoke_config(ctx: RequestContext,
                                        params: dict[str, Any]) -> dict[str, Any]:
    return _save_event_invoke_config(ctx, params, replace=False)


def get_function_event_invoke_config(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    ref = parse_function_name(ctx, params["FunctionName"], params.get("Qualifier"))
    with store(ctx).read() as tx:
        configs = _event_invoke_configs(tx, ref)
    found = configs.get(ref.qualifier or LATEST)
    if found is None:
        raise _no_event_invoke_config(ref)
    return _shown(found)


def list_function_event_invoke_configs(ctx: RequestContext,
                                       params: dict[str, Any]) -> dict[str, Any]:
    ref = parse_function_name(ctx, params["FunctionName"])
    with store(ctx).read() as tx:
        if not records.function_exists(tx, ref):
            raise _function_does_not_exist()
        configs = _event_invoke_configs(tx, ref)
    return {"FunctionEventInvokeConfigs": [_shown(c) for c in configs.values()]}


def delete_function_event_invoke_config(ctx: RequestContext,
                                        params: dict[str, Any]) -> dict[str, Any]:
    ref = parse_function_name(ctx, params["FunctionName"], params.get("Qualifier"))
    get_function_event_invoke_config(ctx, params)
    with store(ctx).write() as tx:
        configs = _event_invoke_configs(tx, ref)
        configs.pop(ref.qualifier or LATEST, None)
        tx.execute("UPDATE lambda_functions SET event_invoke_config = ? WHERE account_id = ? "
                   "AND region = ? AND name = ?", (json.dumps(configs), *records.key(ref)))
    return {}


def event_invoke_config(tx: Any, ref: Any, qualifier: str) -> dict[str, Any]:
    """The asynchronous invocation settings in force for a qualifier (empty: AWS's defaults)."""
    configs = json.loads(records.function_column(tx, ref, "event_invoke_config") or "{}")
    return dict(configs.get(qualifier) or {})


def _save_event_invoke_config(ctx: RequestContext, params: dict[str, Any],
                              replace: bool) -> dict[str, Any]:
    ref = parse_function_name(ctx, params["FunctionName"], params.get("Qualifier"))
    attempts = params.get("MaximumRetryAttempts")
    if attempts is not None and not 0 <= attempts <= MAX_RETRY_ATTEMPTS:
        raise validation_error(attempts, "maximumRetryAttempts",
                               "Member must have value less than or equal to 2")
    age = params.get("MaximumEventAgeInSeconds")
    if age is not None and not MAX_EVENT_AGE_S_MIN <= age <= MAX_EVENT_AGE_S_MAX:
        raise validation_error(age, "maximumEventAgeInSeconds",
                               f"Member must have value between {MAX_EVENT_AGE_S_MIN} and "
                               f"{MAX_EVENT_AGE_S_MAX}")
    qualifier = ref.qualifier or LATEST
    if replace and not any(params.get(m) is not None for m in _EVENT_INVOKE_SETTINGS):
        raise AwsError("InvalidParameterValueException", "You must specify at least one of "
                       "error handling or destination setting.")
    with store(ctx).write() as tx:
        _require_target(tx, ref)
        if params.get("DestinationConfig") is not None:
            _check_destinations(tx, ref, params["DestinationConfig"])
        configs = _event_invoke_configs(tx, ref)
        if not replace and qualifier not in configs:
            raise _no_event_invoke_config(FunctionRef(*records.key(ref), qualifier))
        config = {} if replace else dict(configs[qualifier])
        for member in _EVENT_INVOKE_SETTINGS:
            if params.get(member) is not None:
                config[member] = params[member]
        config.update(LastModified=ctx.cloud.clock.now(),
                      FunctionArn=f"{ref.arn}:{qualifier}")
        configs[qualifier] = config
        tx.execute("UPDATE lambda_functions SET event_invoke_config = ? WHERE account_id = ? "
                   "AND region = ? AND name = ?", (json.dumps(configs), *records.key(ref)))
    return _shown(config)


def _check_destinations(tx: Any, ref: FunctionRef, destinations: dict[str, Any]) -> None:
    """Each destination's service takes records, and a function named exists and is another."""
    for member in ("OnSuccess", "OnFailure"):
        target = (destinations.get(member) or {}).get("Destination")
        if not target:
            continue
        parts = target.split(":")
        if len(parts) < 6 or parts[2] not in _DESTINATION_SERVICES[member]:
            raise AwsError("InvalidParameterValueException", "The provided destination config "
                           f"{_described(destinations)} is invalid.")
        if parts[2] == "lambda" and parts[5] == "function" and len(parts) > 6:
            _check_function_destination(tx, ref, target, parts)


def _check_function_destination(tx: Any, ref: FunctionRef, target: str,
                                parts: list[str]) -> None:
    named = FunctionRef(parts[4], parts[3], parts[6])
    if records.key(named) == records.key(ref):
        raise AwsError("InvalidParameterValueException",
                       "You can't specify the function as a destination for itself.")
    if named.account_id == ref.account_id and not records.function_exists(tx, named):
        raise AwsError("InvalidParameterValueException",
                       f"The destination ARN {target} is invalid.")


def _described(destinations: dict[str, Any]) -> str:
    """The config as Lambda's (Java) error message prints it."""
    shown = []
    for member in ("OnSuccess", "OnFailure"):
        value = destinations.get(member)
        target = None if value is None else value.get("Destination") or "null"
        shown.append(f"{member[0].lower()}{member[1:]}="
                     + ("null" if target is None else f"{member}(destination={target})"))
    return f"DestinationConfig({', '.join(shown)})"


def _shown(config: dict[str, Any]) -> dict[str, Any]:
    """AWS always shows both destinations, empty when unset."""
    destinations = config.get("DestinationConfig") or {}
    return {**config, "DestinationConfig": {"OnSuccess": destinations.get("OnSuccess") or {},
                                            "OnFailure": destinations.get("OnFailure") or {}}}


def _event_invoke_configs(tx: Any, ref: FunctionRef) -> dict[str, Any]:
    """The function's settings per qualifier; a missing function has none."""
    if not records.function_exists(tx, ref):
        raise _no_event_invoke_config(FunctionRef(*records.key(ref), ref.qualifier or LATEST))
    stored = records.function_column(tx, ref, "event_invoke_config")
    return dict(json.loads(stored or "{}"))


def _require_target(tx: Any, ref: FunctionRef) -> None:
    try:
        records.get_version(tx, ref)
    except AwsError:
        raise _function_does_not_exist() from None


def _function_does_not_exist() -> AwsError:
    return AwsError("ResourceNotFoundException", "The function doesn't exist.", 404)


def _no_event_invoke_config(ref: FunctionRef) -> AwsError:
    return AwsError("ResourceNotFoundException",
                    f"The function {ref.qualified_arn} doesn't have an EventInvokeConfig",
                    404)


