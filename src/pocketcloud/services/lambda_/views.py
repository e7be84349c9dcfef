"""How a stored function configuration is shown: each operation shows a slightly different one."""

from __future__ import annotations

import hashlib
from typing import Any

from pocketcloud.arns import arn
from pocketcloud.services.lambda_.names import LATEST, FunctionRef

# ListFunctions and ListVersionsByFunction leave these out; GetFunction shows them.
_NOT_LISTED = ("State", "StateReason", "StateReasonCode", "LastUpdateStatus",
               "LastUpdateStatusReason", "LastUpdateStatusReasonCode", "RuntimeVersionConfig")


def runtime_version_config(region: str, runtime: str | None) -> dict[str, str] | None:
    """The runtime version a Zip function runs on: one fixed version per runtime and region."""
    if not runtime:
        return None
    digest = hashlib.sha256(runtime.encode()).hexdigest()
    return {"RuntimeVersionArn": arn("lambda", region, "", f"runtime:{digest}")}


def snap_start(requested: dict[str, Any], *, published: bool = False) -> dict[str, str]:
    """SnapStart as shown: the optimization is on only for versions published with it."""
    apply_on = requested.get("ApplyOn") or "None"
    optimized = published and apply_on == "PublishedVersions"
    return {"ApplyOn": apply_on, "OptimizationStatus": "On" if optimized else "Off"}


def created(config: dict[str, Any], version: str) -> dict[str, Any]:
    """CreateFunction's answer: the function is still being created; no update has happened."""
    shown = {k: v for k, v in config.items() if not k.startswith("LastUpdateStatus")}
    shown.update(Version=version, State="Pending", StateReason="The function is being created.",
                 StateReasonCode="Creating")
    return shown


def as_requested(config: dict[str, Any], ref: FunctionRef) -> dict[str, Any]:
    """A version's configuration named as the request named it (an alias, `$LATEST`, ...)."""
    if ref.qualifier is None:
        return config
    return {**config, "FunctionArn": ref.qualified_arn}


def listed(config: dict[str, Any], *, qualify_latest: bool) -> dict[str, Any]:
    """A configuration as the list operations show it, without states or runtime version."""
    shown = {k: v for k, v in config.items() if k not in _NOT_LISTED}
    if qualify_latest and shown.get("Version") == LATEST:
        shown["FunctionArn"] = f"{shown['FunctionArn']}:{LATEST}"
    return shown
