"""Small per-function settings: recursive loop detection, runtime management, scaling.

Recursion and runtime management are stored and answered as AWS does; nothing here detects
loops or changes runtime versions (each runtime has one version). Function scaling belongs to
Lambda Managed Instances (capacity providers), which pocketcloud does not run, so it is
refused the way AWS refuses it for a function without a capacity provider.
"""

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
    function_not_found,
    parse_function_name,
    validation_error,
)
from pocketcloud.services.lambda_.schema import store

RECURSIVE_LOOPS = ("Allow", "Terminate")
DEFAULT_RECURSIVE_LOOP = "Terminate"  # AWS stops detected loops unless told otherwise
UPDATE_RUNTIME_ON = ("Auto", "Manual", "FunctionUpdate")
_UNQUALIFIED_PATTERN = (r"(arn:(aws[a-zA-Z-]*)?:lambda:)?((eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?"
                        r"-[a-z]+-\d{1}:)?(\d{12}:)?(function:)?([a-zA-Z0-9-_]+)")
_RUNTIME_VERSION_ARN = re.compile(
    r"arn:aws[a-zA-Z-]*:lambda:[a-z]{2}(-gov)?-[a-z]+-\d::runtime:.+"
    r"|arn:aws[a-zA-Z-]*:lambda:[a-z]{2}(-gov)?-[a-z]+-\d:\d{12}:runtime/[A-Za-z0-9_.-]{1,128}"
    r"/version/[A-Za-z0-9_.-]{1,128}")
_SCALING_QUALIFIER = re.compile(r"\$LATEST\.PUBLISHED|[0-9]+")


def put_function_recursion_config(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    ref = _unqualified(ctx, params["FunctionName"])
    loop = params["RecursiveLoop"]
    if loop not in RECURSIVE_LOOPS:
        raise validation_error(loop, "recursiveLoop",
                               "Member must satisfy enum value set: [Allow, Terminate]")
    records.set_function_column(ctx, ref, "recursive_loop", loop)
    return {"RecursiveLoop": loop}


def get_function_recursion_config(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    ref = _unqualified(ctx, params["FunctionName"])
    with store(ctx).read() as tx:
        loop = records.function_column(tx, ref, "recursive_loop")
    return {"RecursiveLoop": loop or DEFAULT_RECURSIVE_LOOP}


def put_runtime_management_config(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    ref = parse_function_name(ctx, params["FunctionName"], params.get("Qualifier"))
    setting = _runtime_setting(params.get("UpdateRuntimeOn"), params.get("RuntimeVersionArn"))
    with store(ctx).write() as tx:
        version = _version_of(tx, ref)
        settings = json.loads(records.function_column(tx, ref, "runtime_management"))
        settings[version] = setting
        tx.execute("UPDATE lambda_functions SET runtime_management = ? WHERE account_id = ? AND "
                   "region = ? AND name = ?", (json.dumps(settings), *records.key(ref)))
    return {**setting, "FunctionArn": ref.qualified_arn}


def get_runtime_management_config(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    ref = parse_function_name(ctx, params["FunctionName"], params.get("Qualifier"))
    with store(ctx).read() as tx:
        version = _version_of(tx, ref)
        settings = json.loads(records.function_column(tx, ref, "runtime_management"))
    return {**settings.get(version, {"UpdateRuntimeOn": "Auto"}),
            "FunctionArn": ref.qualified_arn}


def put_function_scaling_config(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    scaling = params.get("FunctionScalingConfig") or {}
    for member in ("MinExecutionEnvironments", "MaxExecutionEnvironments"):
        value = scaling.get(member)
        if value is not None and not 0 <= value <= 15000:
            raise validation_error(value, f"functionScalingConfig.{member[0].lower()}"
                                   f"{member[1:]}", "Member must have value between 0 and 15000")
    _refuse_scaling(ctx, params)
    return {}


def get_function_scaling_config(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    _refuse_scaling(ctx, params)
    return {}


def _refuse_scaling(ctx: RequestContext, params: dict[str, Any]) -> None:
    ref = _unqualified(ctx, params["FunctionName"])
    qualifier = params["Qualifier"]
    if not _SCALING_QUALIFIER.fullmatch(qualifier):
        raise validation_error(qualifier, "qualifier", r"Member must satisfy regular expression "
                               r"pattern: (\$LATEST\.PUBLISHED|[0-9]+)")
    with store(ctx).read() as tx:
        records.require_function(tx, ref)
        if qualifier.isdigit() and records.load_version(tx, ref, qualifier) is None:
            raise function_not_found(FunctionRef(ref.account_id, ref.region, ref.name, qualifier))
    raise AwsError("InvalidParameterValueException",
                   "Function scaling configuration is supported only for functions that use a "
                   "capacity provider (Lambda Managed Instances).")


def _unqualified(ctx: RequestContext, value: str) -> FunctionRef:
    """A function named without a qualifier, as the model's UnqualifiedFunctionName wants."""
    ref = parse_function_name(ctx, value)
    if ref.qualifier is not None:
        raise validation_error(value, "functionName",
                               f"Member must satisfy regular expression pattern: "
                               f"{_UNQUALIFIED_PATTERN}")
    return ref


def _version_of(tx: Any, ref: FunctionRef) -> str:
    """The version a qualifier names ($LATEST when none; an alias's primary version)."""
    version, _ = records.resolve_version(tx, ref)
    if version != LATEST and records.load_version(tx, ref, version) is None:
        raise function_not_found(ref)
    return version


def _runtime_setting(update_on: str | None, version_arn: str | None) -> dict[str, str]:
    if update_on not in UPDATE_RUNTIME_ON:
        raise validation_error(update_on, "updateRuntimeOn",
                               "Member must satisfy enum value set: [Auto, Manual, "
                               "FunctionUpdate]")
    if update_on != "Manual":
        if version_arn:
            raise AwsError("InvalidParameterValueException",
                           "RuntimeVersionArn can be specified only when UpdateRuntimeOn is "
                           "Manual.")
        return {"UpdateRuntimeOn": update_on}
    if not version_arn:
        raise AwsError("InvalidParameterValueException",
                       "RuntimeVersionArn is required when UpdateRuntimeOn is Manual.")
    if not _RUNTIME_VERSION_ARN.fullmatch(version_arn):
        raise validation_error(version_arn, "runtimeVersionArn",
                               "Member must satisfy regular expression pattern: "
                               r"^arn:(aws[a-zA-Z-]*):lambda:[a-z]{2}((-gov)|(-iso(b?)))?-[a-z]+"
                               r"-\d{1}::runtime:.+$")
    return {"UpdateRuntimeOn": "Manual", "RuntimeVersionArn": version_arn}
