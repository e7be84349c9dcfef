"""Configuration checks, with the errors and messages Lambda answers them with."""

from __future__ import annotations

import json
import re
from typing import Any

from pocketcloud.errors import AwsError
from pocketcloud.services.lambda_.names import validation_error

MEMORY_MB_MIN, MEMORY_MB_MAX = 128, 10240
TIMEOUT_S_MIN, TIMEOUT_S_MAX = 1, 900
EPHEMERAL_MB_MIN, EPHEMERAL_MB_MAX = 512, 10240
MAX_ENVIRONMENT_BYTES = 4 * 1024
MAX_DESCRIPTION_LENGTH = 256
MAX_HANDLER_LENGTH = 128
MAX_LAYERS = 5
ARCHITECTURES = ("x86_64", "arm64")
SNAP_START_APPLY_ON = ("PublishedVersions", "None")
SNAP_START_RUNTIMES = ("java11", "java17", "java21", "java25", "python3.12", "python3.13",
                       "python3.14", "dotnet8")

SUPPORTED_RUNTIMES = (
    "python3.9", "python3.10", "python3.11", "python3.12", "python3.13", "python3.14",
    "nodejs18.x", "nodejs20.x", "nodejs22.x", "nodejs24.x",
    "provided.al2", "provided.al2023",
    "java11", "java17", "java21", "java25", "dotnet8", "ruby3.2", "ruby3.3", "ruby3.4",
)
# Lambda still accepts these names in the enum, but refuses to create or update with them.
DEPRECATED_RUNTIMES = (
    "python2.7", "python3.6", "python3.7", "python3.8", "nodejs", "nodejs4.3", "nodejs6.10",
    "nodejs8.10", "nodejs10.x", "nodejs12.x", "nodejs14.x", "nodejs16.x", "java8",
    "java8.al2", "dotnetcore1.0", "dotnetcore2.0", "dotnetcore2.1", "dotnetcore3.1",
    "dotnet6", "nodejs4.3-edge", "go1.x", "ruby2.5", "ruby2.7", "provided",
)
RESERVED_ENVIRONMENT_KEYS = frozenset({
    "_HANDLER", "_X_AMZN_TRACE_ID", "AWS_DEFAULT_REGION", "AWS_REGION", "AWS_EXECUTION_ENV",
    "AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
    "AWS_LAMBDA_FUNCTION_VERSION", "AWS_LAMBDA_INITIALIZATION_TYPE", "AWS_LAMBDA_LOG_GROUP_NAME",
    "AWS_LAMBDA_LOG_STREAM_NAME", "AWS_ACCESS_KEY", "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_LAMBDA_RUNTIME_API", "LAMBDA_TASK_ROOT",
    "LAMBDA_RUNTIME_DIR",
})
_ROLE = re.compile(r"arn:(aws[a-zA-Z-]*)?:iam::\d{12}:role/?[a-zA-Z_0-9+=,.@\-_/]+")
_HANDLER = re.compile(r"[^\s]+")
_ENV_KEY = re.compile(r"[a-zA-Z]([a-zA-Z0-9_])+")


def check_configuration(params: dict[str, Any], *, creating: bool) -> None:
    """Each configuration member in `params` (CreateFunction, UpdateFunctionConfiguration)."""
    _check_range(params, "MemorySize", "memorySize", MEMORY_MB_MIN, MEMORY_MB_MAX)
    _check_range(params, "Timeout", "timeout", TIMEOUT_S_MIN, TIMEOUT_S_MAX)
    storage = params.get("EphemeralStorage")
    if storage is not None:
        _check_range(storage, "Size", "ephemeralStorage.size", EPHEMERAL_MB_MIN, EPHEMERAL_MB_MAX)
    if "Runtime" in params or creating:
        check_runtime(params.get("Runtime"), params.get("PackageType", "Zip"))
    if "Role" in params and not _ROLE.fullmatch(params["Role"] or ""):
        raise validation_error(
            params["Role"], "role", "Member must satisfy regular expression pattern: "
            r"arn:(aws[a-zA-Z-]*)?:iam::\d{12}:role/?[a-zA-Z_0-9+=,.@\-_/]+",
        )
    handler = params.get("Handler")
    too_long = handler is not None and len(handler) > MAX_HANDLER_LENGTH
    if handler is not None and (too_long or not _HANDLER.fullmatch(handler)):
        raise validation_error(handler, "handler", r"Member must satisfy regular expression "
                               r"pattern: [^\s]+")
    if creating and not handler and params.get("PackageType", "Zip") == "Zip":
        raise AwsError("InvalidParameterValueException", "Handler cannot be empty for Zip "
                       "package type.")
    description = params.get("Description")
    if description is not None and len(description) > MAX_DESCRIPTION_LENGTH:
        raise validation_error(description, "description",
                               "Member must have length less than or equal to 256")
    if "Environment" in params:
        check_environment((params["Environment"] or {}).get("Variables") or {})
    if len(params.get("Layers") or []) > MAX_LAYERS:
        raise AwsError("InvalidParameterValueException",
                       "Cannot reference more than 5 layers.")
    if params.get("Architectures") is not None:
        check_architectures(params["Architectures"])
    if params.get("SnapStart") is not None and creating:
        check_snap_start(params["SnapStart"], params.get("Runtime"))


def check_snap_start(snap_start: dict[str, Any], runtime: str | None) -> None:
    apply_on = snap_start.get("ApplyOn")
    if apply_on not in SNAP_START_APPLY_ON:
        raise validation_error(apply_on, "snapStart.applyOn", "Member must satisfy enum value "
                               "set: [PublishedVersions, None]")
    if apply_on == "PublishedVersions" and runtime not in SNAP_START_RUNTIMES:
        raise AwsError("InvalidParameterValueException",
                       f"{runtime} is not supported for SnapStart enabled functions.")


def check_runtime(runtime: str | None, package_type: str) -> None:
    if package_type == "Image":
        raise AwsError("InvalidParameterValueException",
                       "pocketcloud runs Zip functions only; PackageType Image is not supported.")
    if runtime is None:
        raise AwsError("InvalidParameterValueException",
                       "Runtime and Handler are mandatory parameters for functions created "
                       "with Zip packages.")
    if runtime in DEPRECATED_RUNTIMES:
        raise AwsError(
            "InvalidParameterValueException",
            f"The runtime parameter of {runtime} is no longer supported for creating or "
            "updating AWS Lambda functions. We recommend you use a supported runtime while "
            "creating or updating functions.",
        )
    if runtime not in SUPPORTED_RUNTIMES:
        # Lambda checks the runtime itself (a layer ARN may stand in), not the model: the value
        # is unquoted and the error is InvalidParameterValueException.
        raise AwsError("InvalidParameterValueException",
                       f"Value {runtime} at 'runtime' failed to satisfy constraint: Member must "
                       f"satisfy enum value set: [{', '.join(SUPPORTED_RUNTIMES)}] or be a "
                       "valid ARN")


def check_architectures(architectures: list[str]) -> None:
    shown = f"[{', '.join(map(str, architectures))}]"  # Java's list form, as AWS shows it
    if not architectures:
        raise validation_error(shown, "architectures",
                               "Member must have length greater than or equal to 1")
    if len(architectures) > 1:
        raise validation_error(shown, "architectures",
                               "Member must have length less than or equal to 1")
    if architectures[0] not in ARCHITECTURES:
        raise validation_error(shown, "architectures", "Member must satisfy constraint: "
                               "[Member must satisfy enum value set: [x86_64, arm64], Member "
                               "must not be null]")


def check_environment(variables: dict[str, str]) -> None:
    reserved = sorted(k for k in variables if k in RESERVED_ENVIRONMENT_KEYS)
    if reserved:
        raise AwsError(
            "InvalidParameterValueException",
            "Lambda was unable to configure your environment variables because the environment "
            "variables you have provided contains reserved keys that are currently not "
            "supported for modification. Reserved keys used in this request: "
            f"{', '.join(reserved)}",
        )
    for key in variables:
        if not _ENV_KEY.fullmatch(key):
            raise validation_error(
                "[sensitive]", "environment.variables",
                r"Map keys must satisfy constraint: [Member must satisfy regular expression "
                r"pattern: [a-zA-Z]([a-zA-Z0-9_])+]",
            )
    measured = json.dumps(variables, separators=(",", ":"))
    if len(measured.encode()) > MAX_ENVIRONMENT_BYTES:
        raise AwsError(
            "InvalidParameterValueException",
            "Lambda was unable to configure your environment variables because the environment "
            "variables you have provided exceeded the 4KB limit. String measured: "
            f"{measured}",
        )


def _check_range(params: dict[str, Any], member: str, field: str, low: int, high: int) -> None:
    value = params.get(member)
    if value is None:
        return
    if value < low:
        raise validation_error(value, field,
                               f"Member must have value greater than or equal to {low}")
    if value > high:
        raise validation_error(value, field, f"Member must have value less than or equal to {high}")
