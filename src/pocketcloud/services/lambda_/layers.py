"""Layers: published, versioned zips that a function's handler finds under /opt."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from pocketcloud.arns import arn
from pocketcloud.context import RequestContext
from pocketcloud.errors import AwsError
from pocketcloud.services.lambda_.code import code_location, store_code
from pocketcloud.services.lambda_.names import validation_error
from pocketcloud.services.lambda_.records import timestamp
from pocketcloud.services.lambda_.schema import store
from pocketcloud.services.lambda_.validation import (
    ARCHITECTURES,
    DEPRECATED_RUNTIMES,
    SUPPORTED_RUNTIMES,
)

_LAYER_NAME = re.compile(r"[a-zA-Z0-9-_]{1,140}")
_LAYER_VERSION_ARN = re.compile(
    r"arn:aws[a-zA-Z-]*:lambda:([a-z]{2}(?:-gov)?-[a-z]+-\d):(\d{12}):layer:([a-zA-Z0-9-_]+):(\d+)"
)
MAX_LIST_ITEMS = 50
_LAYERS_CONSTRAINT = (
    "Member must satisfy constraint: [Member must have length less than or equal to 140, Member "
    "must have length greater than or equal to 1, Member must satisfy regular expression "
    r"pattern: (arn:[a-zA-Z0-9-]+:lambda:[a-zA-Z0-9-]+:\d{12}:layer:[a-zA-Z0-9-_]+:[0-9]+)|"
    r"(arn:[a-zA-Z0-9-]+:lambda:::awslayer:[a-zA-Z0-9-_]+), Member must not be null]")
# The list filters accept every runtime Lambda ever named; a new version only today's.
FILTER_RUNTIMES = SUPPORTED_RUNTIMES + DEPRECATED_RUNTIMES
_ARCHITECTURE_ENUM = "Member must satisfy enum value set: [x86_64, arm64]"


async def publish_layer_version(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = parse_layer_name(params["LayerName"])
    _check_compatibility(params)
    code = await store_code(ctx, params.get("Content") or {}, operation="PublishLayerVersion")
    with store(ctx).write() as tx:
        number = _next_version(tx, ctx, name)
        layer_arn = arn("lambda", ctx.region, ctx.account_id, f"layer:{name}")
        config = {
            "Content": {"CodeSha256": code.sha256_b64, "CodeSize": code.size_bytes},
            "LayerArn": layer_arn,
            "LayerVersionArn": f"{layer_arn}:{number}",
            "Description": params.get("Description") or "",
            "CreatedDate": timestamp(ctx.cloud.clock.now()),
            "Version": number,
        }
        # Shown as given: left out when not sent, [] when sent empty (AWS's recorded answers).
        for member in ("CompatibleRuntimes", "CompatibleArchitectures"):
            if params.get(member) is not None:
                config[member] = params[member]
        if params.get("LicenseInfo"):
            config["LicenseInfo"] = params["LicenseInfo"]
        tx.execute(
            "INSERT INTO lambda_layer_versions (account_id, region, layer_name, version, config, "
            "blob_id) VALUES (?, ?, ?, ?, ?, ?)",
            (ctx.account_id, ctx.region, name, number, json.dumps(config), code.blob_id),
        )
    return _with_location(ctx, config, code.blob_id)


def get_layer_version(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = parse_layer_name(params["LayerName"])
    return _with_location(ctx, *_load(ctx, ctx.account_id, name,
                                      valid_version_number(params["VersionNumber"])))


def get_layer_version_by_arn(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    account_id, name, number = _parse_version_arn(ctx, params["Arn"])
    return _with_location(ctx, *_load(ctx, account_id, name, number))


def list_layer_versions(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = parse_layer_name(params["LayerName"])
    matches, limit = _list_filter(params), _max_items(params.get("MaxItems"))
    marker = params.get("Marker")
    with store(ctx).read() as tx:
        rows = tx.fetchall(
            "SELECT version, config FROM lambda_layer_versions WHERE account_id = ? AND "
            "region = ? AND layer_name = ? AND version < ? ORDER BY version DESC",
            (ctx.account_id, ctx.region, name, _version_marker(marker)))
    found = [(str(number), config) for number, config in
             ((number, json.loads(config)) for number, config in rows) if matches(config)]
    page, next_marker = _page(found, limit)
    result: dict[str, Any] = {"LayerVersions": [_summary(config) for _, config in page]}
    if next_marker:
        result["NextMarker"] = next_marker
    return result


def list_layers(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    matches, limit = _list_filter(params), _max_items(params.get("MaxItems"))
    with store(ctx).read() as tx:
        rows = tx.fetchall(
            "SELECT layer_name, config FROM lambda_layer_versions WHERE account_id = ? AND "
            "region = ? AND layer_name > ? ORDER BY layer_name, version DESC",
            (ctx.account_id, ctx.region, params.get("Marker") or ""))
    latest: dict[str, dict[str, Any]] = {}
    for name, config_json in rows:
        if name not in latest:
            config = json.loads(config_json)
            if matches(config):
                latest[name] = config
    page, next_marker = _page(list(latest.items()), limit)
    result: dict[str, Any] = {"Layers": [
        {"LayerName": name, "LayerArn": config["LayerArn"],
         "LatestMatchingVersion": _summary(config)} for name, config in page]}
    if next_marker:
        result["NextMarker"] = next_marker
    return result


def delete_layer_version(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = parse_layer_name(params["LayerName"])
    key = (ctx.account_id, ctx.region, name, valid_version_number(params["VersionNumber"]))
    with store(ctx).write() as tx:
        blob_id = tx.fetchvalue("SELECT blob_id FROM lambda_layer_versions WHERE account_id = ? "
                                "AND region = ? AND layer_name = ? AND version = ?", key)
        tx.execute("DELETE FROM lambda_layer_versions WHERE account_id = ? AND region = ? AND "
                   "layer_name = ? AND version = ?", key)
    # Functions that use the layer keep their copy, as in AWS; the bytes go with the last user.
    if blob_id:
        with store(ctx).read() as tx:
            used = tx.fetchvalue("SELECT 1 FROM lambda_versions WHERE config LIKE ?",
                                 (f"%{name}:{params['VersionNumber']}\"%",))
        if not used:
            ctx.cloud.store.blobs.delete(blob_id)
    return {}


def layer_references(ctx: RequestContext, version_arns: list[str]) -> list[dict[str, Any]]:
    """The Layers a function configuration shows, checked as CreateFunction checks them."""
    parsed = [_referenced(ctx, version_arns, version_arn) for version_arn in version_arns]
    seen: dict[tuple[str, str], str] = {}
    for version_arn, (account_id, name, _) in zip(version_arns, parsed, strict=True):
        earlier = seen.get((account_id, name))
        seen[(account_id, name)] = version_arn
        if earlier is not None:  # the same version twice counts too
            raise AwsError("InvalidParameterValueException", "Two different versions of the "
                           "same layer are not allowed to be referenced in the same function. "
                           f"{earlier} and {version_arn} are versions of the same layer.")
    references = []
    for version_arn, (account_id, name, number) in zip(version_arns, parsed, strict=True):
        if account_id != ctx.account_id:
            require_layer_access(ctx, version_arn)
        config, _ = _load(ctx, account_id, name, number, for_function=version_arn)
        references.append({"Arn": version_arn, "CodeSize": config["Content"]["CodeSize"]})
    return references


def _referenced(ctx: RequestContext, version_arns: list[str],
                version_arn: str) -> tuple[str, str, int]:
    """One of a function's Layers: a version ARN in the function's own region."""
    found = _LAYER_VERSION_ARN.fullmatch(version_arn)
    if found is None:
        raise validation_error(f"[{', '.join(version_arns)}]", "layers", _LAYERS_CONSTRAINT)
    if found.group(1) != ctx.region:
        raise AwsError("InvalidParameterValueException", "Layers are not in the same region as "
                       f"the function. Layers are expected to be in region {ctx.region}.")
    return found.group(2), found.group(3), int(found.group(4))


def require_layer_access(ctx: RequestContext, version_arn: str) -> None:
    """Another account's layer version: usable only where its policy grants GetLayerVersion."""
    from pocketcloud.gateway.authorization import decide, denial_error
    from pocketcloud.iam.actions import Target

    if ctx.cloud.settings.iam != "enforce" or ctx.caller is None:
        return
    decision = decide(ctx, Target("lambda:GetLayerVersion", [version_arn], {}))
    if not decision.allowed:
        raise denial_error(ctx.service, ctx.protocol, decision.message)


def layer_blob(ctx: RequestContext, version_arn: str) -> str:
    account_id, name, number = _parse_version_arn(ctx, version_arn)
    return _load(ctx, account_id, name, number)[1]


def _load(ctx: RequestContext, account_id: str, name: str, number: int,
          for_function: str | None = None) -> tuple[dict[str, Any], str]:
    with store(ctx).read() as tx:
        row = tx.fetchone(
            "SELECT config, blob_id FROM lambda_layer_versions WHERE account_id = ? AND "
            "region = ? AND layer_name = ? AND version = ?",
            (account_id, ctx.region, name, number))
    if row is None:
        if for_function:
            raise AwsError("InvalidParameterValueException",
                           f"Layer version {for_function} does not exist.")
        raise AwsError("ResourceNotFoundException",
                       "The resource you requested does not exist.", 404)
    return json.loads(row[0]), row[1]


def _next_version(tx: Any, ctx: RequestContext, name: str) -> int:
    tx.execute("INSERT INTO lambda_layers (account_id, region, layer_name, last_version) "
               "VALUES (?, ?, ?, 1) ON CONFLICT (account_id, region, layer_name) DO UPDATE SET "
               "last_version = last_version + 1", (ctx.account_id, ctx.region, name))
    return int(tx.fetchvalue("SELECT last_version FROM lambda_layers WHERE account_id = ? AND "
                             "region = ? AND layer_name = ?", (ctx.account_id, ctx.region, name)))


def _with_location(ctx: RequestContext, config: dict[str, Any], blob_id: str) -> dict[str, Any]:
    return {**config, "Content": {**config["Content"], "Location": code_location(ctx, blob_id)}}


def valid_version_number(value: int) -> int:
    if value < 1:
        raise AwsError("InvalidParameterValueException", "Layer Version Cannot be less than 1")
    return value


def _max_items(value: int | None) -> int:
    if value is None:
        return MAX_LIST_ITEMS
    if value < 1:
        raise validation_error(value, "maxItems", "Member must have value greater than or equal "
                               "to 1")
    if value > MAX_LIST_ITEMS:
        raise validation_error(value, "maxItems", "Member must have value less than or equal to "
                               f"{MAX_LIST_ITEMS}")
    return value


def _version_marker(marker: str | None) -> int:
    """ListLayerVersions resumes below the version its marker names (newest first)."""
    if not marker:
        return 2**63 - 1
    if not marker.isdigit():
        raise AwsError("InvalidParameterValueException", f"Invalid marker: {marker}")
    return min(int(marker), 2**63 - 1)


def _page(items: list[tuple[str, dict[str, Any]]],
          limit: int) -> tuple[list[tuple[str, dict[str, Any]]], str | None]:
    """The first `limit` items, and the marker of the last when more follow."""
    if len(items) > limit:
        return items[:limit], items[limit - 1][0]
    return items, None


def _check_compatibility(params: dict[str, Any]) -> None:
    """PublishLayerVersion's runtimes and architectures, both reported when both are wrong."""
    problems = []
    runtimes = params.get("CompatibleRuntimes") or []
    if any(runtime not in SUPPORTED_RUNTIMES for runtime in runtimes):
        problems.append(f"Value '[{', '.join(runtimes)}]' at 'compatibleRuntimes' failed to "
                        "satisfy constraint: Member must satisfy enum value set: "
                        f"[{', '.join(SUPPORTED_RUNTIMES)}]")
    architectures = params.get("CompatibleArchitectures") or []
    if any(architecture not in ARCHITECTURES for architecture in architectures):
        problems.append(f"Value '[{', '.join(architectures)}]' at 'compatibleArchitectures' "
                        "failed to satisfy constraint: Member must satisfy constraint: "
                        f"[{_ARCHITECTURE_ENUM}]")
    if problems:
        count = "1 validation error" if len(problems) == 1 else f"{len(problems)} validation errors"
        raise AwsError("ValidationException", f"{count} detected: {'; '.join(problems)}")


def _list_filter(params: dict[str, Any]) -> Callable[[dict[str, Any]], bool]:
    """ListLayers' and ListLayerVersions' CompatibleRuntime/CompatibleArchitecture, checked."""
    runtime, architecture = params.get("CompatibleRuntime"), params.get("CompatibleArchitecture")
    if runtime is not None and runtime not in FILTER_RUNTIMES:
        raise validation_error(runtime, "compatibleRuntime", "Member must satisfy enum value "
                               f"set: [{', '.join(FILTER_RUNTIMES)}]")
    if architecture is not None and architecture not in ARCHITECTURES:
        raise validation_error(architecture, "compatibleArchitecture", _ARCHITECTURE_ENUM)

    def matches(config: dict[str, Any]) -> bool:
        return ((runtime is None or runtime in config.get("CompatibleRuntimes", ())) and
                (architecture is None or
                 architecture in config.get("CompatibleArchitectures", ())))
    return matches


def _summary(config: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in config.items() if k not in ("Content", "LayerArn")}


def parse_layer_name(value: str) -> str:
    name = value.rsplit(":layer:", 1)[-1] if ":layer:" in value else value
    if not _LAYER_NAME.fullmatch(name):
        raise validation_error(value, "layerName", "Member must satisfy regular expression "
                               r"pattern: (arn:[a-zA-Z0-9-]+:lambda:[a-zA-Z0-9-]+:\d{12}:layer:"
                               r"[a-zA-Z0-9-_]+)|[a-zA-Z0-9-_]+")
    return name


def _parse_version_arn(ctx: RequestContext, value: str) -> tuple[str, str, int]:
    found = _LAYER_VERSION_ARN.fullmatch(value)
    if found is None:
        raise validation_error(value, "arn", "Member must satisfy regular expression pattern: "
                               r"arn:(aws[a-zA-Z-]*)?:lambda:[a-z]{2}((-gov)|(-iso(b?)))?-"
                               r"[a-z]+-\d{1}:\d{12}:layer:[a-zA-Z0-9-_]+:[0-9]+")
    return found.group(2), found.group(3), int(found.group(4))
