"""CreateFunction, GetFunction, ListFunctions, updates and DeleteFunction."""

from __future__ import annotations

import json
from typing import Any

from pocketcloud.context import RequestContext
from pocketcloud.errors import AwsError
from pocketcloud.services.lambda_ import records, views
from pocketcloud.services.lambda_.code import StoredCode, code_location, store_code
from pocketcloud.services.lambda_.code_signing import guard_deployment
from pocketcloud.services.lambda_.layers import layer_references
from pocketcloud.services.lambda_.names import (
    LATEST,
    FunctionRef,
    function_arn,
    function_not_found,
    parse_function_name,
    valid_new_name,
    validation_error,
)
from pocketcloud.services.lambda_.schema import store
from pocketcloud.services.lambda_.validation import (
    check_architectures,
    check_configuration,
    check_snap_start,
)

DEFAULT_MEMORY_MB = 128
DEFAULT_TIMEOUT_S = 3
DEFAULT_EPHEMERAL_MB = 512
MAX_LIST_ITEMS = 50
# Members UpdateFunctionConfiguration may change, as CreateFunction takes them.
_CONFIGURABLE = ("Role", "Handler", "Description", "Timeout", "MemorySize", "Runtime",
                 "Environment", "DeadLetterConfig", "KMSKeyArn", "TracingConfig",
                 "EphemeralStorage", "LoggingConfig", "VpcConfig")


async def create_function(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    ref = parse_function_name(ctx, params["FunctionName"])
    valid_new_name(ref.name)
    check_configuration(params, creating=True)
    with store(ctx).read() as tx:
        if records.function_exists(tx, ref):
            raise _already_exists(ref)
    layers = layer_references(ctx, params.get("Layers") or [])
    signing = guard_deployment(ctx, ref, params.get("CodeSigningConfigArn"), creating=True)
    code = await store_code(ctx, params.get("Code") or {}, operation="CreateFunction")
    config = _new_configuration(ctx, ref, params, code, layers)
    now = ctx.cloud.clock.now()
    version = LATEST
    try:
        with store(ctx).write() as tx:
            if records.function_exists(tx, ref):
                raise _already_exists(ref)
            tx.execute(
                "INSERT INTO lambda_functions (account_id, region, name, tags, created, "
                "code_signing_config_arn) VALUES (?, ?, ?, ?, ?, ?)",
                (*records.key(ref), json.dumps(params.get("Tags") or {}), now, signing),
            )
            records.save_version(tx, ref, LATEST, config, code.blob_id)
            if params.get("Publish"):
                version = _publish(ctx, tx, ref, config, code.blob_id, "")["Version"]
    except AwsError:
        ctx.cloud.store.blobs.delete(code.blob_id)
        raise
    # AWS answers while the function is still being created; it is usable at once here.
    return {**views.created(config, version), "RevisionId": _passing_revision(ctx)}


def get_function(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    ref = parse_function_name(ctx, params["FunctionName"], params.get("Qualifier"))
    with store(ctx).read() as tx:
        config, blob_id = _requested_version(tx, ref)
        tags = json.loads(records.function_column(tx, ref, "tags"))
        reserved = records.function_column(tx, ref, "reserved_concurrency")
    result: dict[str, Any] = {
        "Configuration": views.as_requested(config, ref),
        "Code": {"RepositoryType": "S3", "Location": code_location(ctx, blob_id)},
    }
    if tags:
        result["Tags"] = tags
    if reserved is not None:
        result["Concurrency"] = {"ReservedConcurrentExecutions": reserved}
    return result


def get_function_configuration(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    ref = parse_function_name(ctx, params["FunctionName"], params.get("Qualifier"))
    with store(ctx).read() as tx:
        config, _ = _requested_version(tx, ref)
    return views.as_requested(config, ref)


def _requested_version(tx: Any, ref: FunctionRef) -> tuple[dict[str, Any], str]:
    """The version Get* names; a missing function is named with the qualifier asked for."""
    if not records.function_exists(tx, ref):
        raise function_not_found(ref)
    return records.get_version(tx, ref)


def list_functions(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    limit = _max_items(params.get("MaxItems"))
    after_name, _, after_version = (params.get("Marker") or "").rpartition(":")
    version_filter = params.get("FunctionVersion")
    if version_filter is not None and version_filter != "ALL":
        raise validation_error(version_filter, "functionVersion",
                               "Member must satisfy enum value set: [ALL]")
    every_version = version_filter == "ALL"
    with store(ctx).read() as tx:
        rows = tx.fetchall(
            "SELECT name, version, config FROM lambda_versions WHERE account_id = ? AND "
            "region = ? AND (name > ? OR (name = ? AND version > ?)) "
            + ("" if every_version else "AND version = '$LATEST' ")
            + "ORDER BY name, version LIMIT ?",
            (ctx.account_id, ctx.region, after_name, after_name, after_version, limit + 1),
        )
    page = rows[:limit]
    result: dict[str, Any] = {"Functions": [
        views.listed(json.loads(row[2]), qualify_latest=every_version) for row in page]}
    if len(rows) > limit:
        result["NextMarker"] = f"{page[-1][0]}:{page[-1][1]}"
    return result


async def update_function_code(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    ref = parse_function_name(ctx, params["FunctionName"])
    if params.get("Architectures") is not None:
        check_architectures(params["Architectures"])
    code_params = {k: params[k] for k in ("ZipFile", "S3Bucket", "S3Key", "ImageUri")
                   if params.get(k) is not None}
    guard_deployment(ctx, ref, creating=False)
    code = await store_code(ctx, code_params, operation="UpdateFunctionCode")
    old_blob = ""
    with store(ctx).write() as tx:
        config, old_blob = _latest(tx, ref)
        records.require_revision(config, params.get("RevisionId"))
        config.update(CodeSha256=code.sha256_b64, CodeSize=code.size_bytes)
        if params.get("Architectures"):
            config["Architectures"] = params["Architectures"]
        config = _touched(ctx, config)
        records.save_version(tx, ref, LATEST, config, code.blob_id)
        if params.get("Publish"):
            config = _publish(ctx, tx, ref, config, code.blob_id, "")
    _forget_blob_if_unused(ctx, ref, old_blob)
    if params.get("Publish"):  # the new version is still being created
        return views.created(config, config["Version"])
    return {**config, **_UPDATING, "RevisionId": _passing_revision(ctx)}


def update_function_configuration(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    ref = parse_function_name(ctx, params["FunctionName"])
    check_configuration(params, creating=False)
    layers = layer_references(ctx, params["Layers"]) if "Layers" in params else None
    with store(ctx).write() as tx:
        config, blob_id = _latest(tx, ref)
        records.require_revision(config, params.get("RevisionId"))
        for member in _CONFIGURABLE:
            if member in params:
                config[member] = _normalized(member, params[member])
        if "Runtime" in params:
            config["RuntimeVersionConfig"] = views.runtime_version_config(ref.region,
                                                                          params["Runtime"])
        if params.get("SnapStart") is not None:
            check_snap_start(params["SnapStart"], config.get("Runtime"))
            config["SnapStart"] = views.snap_start(params["SnapStart"])
        if layers is not None:
            config["Layers"] = layers
            if not layers:
                del config["Layers"]
        config = _touched(ctx, config)
        records.save_version(tx, ref, LATEST, config, blob_id)
    return {**config, **_UPDATING, "RevisionId": _passing_revision(ctx)}


def delete_function(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    ref = parse_function_name(ctx, params["FunctionName"], params.get("Qualifier"))
    with store(ctx).write() as tx:
        records.require_function(tx, ref)
        if ref.qualifier and ref.qualifier != LATEST:
            blobs = _delete_version(tx, ref)
        elif ref.qualifier == LATEST:
            raise AwsError("InvalidParameterValueException",
                           "$LATEST version cannot be deleted without deleting the function.")
        else:
            blobs = [row[0] for row in tx.fetchall(
                "SELECT code_blob_id FROM lambda_versions WHERE account_id = ? AND region = ? "
                "AND name = ?", records.key(ref))]
            for table in ("lambda_versions", "lambda_aliases", "lambda_functions",
                          "lambda_function_urls", "lambda_provisioned_concurrency"):
                tx.execute(f"DELETE FROM {table} WHERE account_id = ? AND region = ? AND name = ?",
                           records.key(ref))
    for blob_id in set(blobs):
        _forget_blob_if_unused(ctx, ref, blob_id)
    return {}


def _delete_version(tx: Any, ref: FunctionRef) -> list[str]:
    assert ref.qualifier is not None
    if not ref.qualifier.isdigit():
        raise AwsError("InvalidParameterValueException",
                       "Deletion of aliases is not supported. Use DeleteAlias instead.")
    found = records.load_version(tx, ref, ref.qualifier)
    if found is None:
        raise function_not_found(ref)
    users = tx.fetchvalue(
        "SELECT group_concat(alias) FROM lambda_aliases WHERE account_id = ? AND region = ? "
        "AND name = ? AND json_extract(config, '$.FunctionVersion') = ?",
        (*records.key(ref), ref.qualifier),
    )
    if users:
        raise AwsError("ResourceConflictException",
                       f"Unable to delete version because the following aliases reference it: "
                       f"[{users}]", 409)
    tx.execute("DELETE FROM lambda_versions WHERE account_id = ? AND region = ? AND name = ? "
               "AND version = ?", (*records.key(ref), ref.qualifier))
    return [found[1]]


def publish_version(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    ref = parse_function_name(ctx, params["FunctionName"])
    with store(ctx).write() as tx:
        config, blob_id = _latest(tx, ref)
        if params.get("CodeSha256") and params["CodeSha256"] != config["CodeSha256"]:
            raise AwsError(
                "InvalidParameterValueException",
                f"CodeSHA256 ({params['CodeSha256']}) is different from current CodeSHA256 in "
                f"$LATEST ({config['CodeSha256']}). Please try again with the CodeSHA256 in "
                "$LATEST.",
            )
        records.require_revision(config, params.get("RevisionId"))
        return _publish(ctx, tx, ref, config, blob_id, params.get("Description"))


def list_versions_by_function(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    ref = parse_function_name(ctx, params["FunctionName"])
    limit = _max_items(params.get("MaxItems"))
    marker = params.get("Marker") or ""
    with store(ctx).read() as tx:
        records.require_function(tx, ref)
        rows = tx.fetchall(
            "SELECT version, config FROM lambda_versions WHERE account_id = ? AND region = ? "
            "AND name = ?", records.key(ref))
    ordered = sorted(rows, key=lambda row: -1 if row[0] == LATEST else int(row[0]))
    start = next((i + 1 for i, row in enumerate(ordered) if row[0] == marker), 0)
    page = ordered[start:start + limit]
    result: dict[str, Any] = {"Versions": [
        views.listed(json.loads(row[1]), qualify_latest=True) for row in page]}
    if start + limit < len(ordered):
        result["NextMarker"] = page[-1][0]
    return result


def _publish(ctx: RequestContext, tx: Any, ref: FunctionRef, latest: dict[str, Any],
             blob_id: str, description: str | None) -> dict[str, Any]:
    """A new numbered version, unless the newest one already has this code and configuration."""
    newest = tx.fetchone(
        "SELECT version, config FROM lambda_versions WHERE account_id = ? AND region = ? AND "
        "name = ? AND version != '$LATEST' ORDER BY CAST(version AS INTEGER) DESC LIMIT 1",
        records.key(ref))
    if newest and _same_function(json.loads(newest[1]), latest):
        return dict(json.loads(newest[1]))
    number = tx.fetchvalue("SELECT next_version FROM lambda_functions WHERE account_id = ? AND "
                           "region = ? AND name = ?", records.key(ref))
    version = str(number)
    config = {**latest, "Version": version,
              "FunctionArn": function_arn(ref.region, ref.account_id, ref.name, version),
              "RevisionId": ctx.cloud.ids.uuid4(),
              "SnapStart": views.snap_start(latest.get("SnapStart") or {}, published=True)}
    if description is not None:
        config["Description"] = description
    records.save_version(tx, ref, version, config, blob_id)
    # Publishing is a change to the function: $LATEST gets a new RevisionId too, as in AWS.
    records.save_version(tx, ref, LATEST, {**latest, "RevisionId": ctx.cloud.ids.uuid4()},
                         blob_id)
    tx.execute("UPDATE lambda_functions SET next_version = ? WHERE account_id = ? AND "
               "region = ? AND name = ?", (number + 1, *records.key(ref)))
    return config


# A version keeps $LATEST's LastModified: any update since (a new Description too) publishes anew.
_VOLATILE = ("Version", "FunctionArn", "RevisionId", "Description", "SnapStart")


def _same_function(a: dict[str, Any], b: dict[str, Any]) -> bool:
    return all(a.get(k) == b.get(k) for k in set(a) | set(b) if k not in _VOLATILE)


def _latest(tx: Any, ref: FunctionRef) -> tuple[dict[str, Any], str]:
    records.require_function(tx, ref)
    found = records.load_version(tx, ref, LATEST)
    if found is None:
        raise function_not_found(ref)
    return found


_UPDATING = {"LastUpdateStatus": "InProgress",
             "LastUpdateStatusReason": "The function is being created.",
             "LastUpdateStatusReasonCode": "Creating"}


def _passing_revision(ctx: RequestContext) -> str:
    """The RevisionId a create or update answers with: AWS gives the function another one when
    the change completes (Active, Successful), so the answer's never matches a later call."""
    return ctx.cloud.ids.uuid4()


def _touched(ctx: RequestContext, config: dict[str, Any]) -> dict[str, Any]:
    return {**config, "LastModified": records.timestamp(ctx.cloud.clock.now()),
            "RevisionId": ctx.cloud.ids.uuid4(), "LastUpdateStatus": "Successful"}


def _new_configuration(ctx: RequestContext, ref: FunctionRef, params: dict[str, Any],
                       code: StoredCode, layers: list[dict[str, Any]]) -> dict[str, Any]:
    config: dict[str, Any] = {
        "FunctionName": ref.name,
        "FunctionArn": ref.arn,
        "Runtime": params.get("Runtime"),
        "RuntimeVersionConfig": views.runtime_version_config(ref.region, params.get("Runtime")),
        "Role": params["Role"],
        "Handler": params.get("Handler"),
        "CodeSize": code.size_bytes,
        "Description": params.get("Description") or "",
        "Timeout": params.get("Timeout") or DEFAULT_TIMEOUT_S,
        "MemorySize": params.get("MemorySize") or DEFAULT_MEMORY_MB,
        "LastModified": records.timestamp(ctx.cloud.clock.now()),
        "CodeSha256": code.sha256_b64,
        "Version": LATEST,
        "TracingConfig": params.get("TracingConfig") or {"Mode": "PassThrough"},
        "RevisionId": ctx.cloud.ids.uuid4(),
        "State": "Active",
        "LastUpdateStatus": "Successful",
        "PackageType": "Zip",
        "Architectures": params.get("Architectures") or ["x86_64"],
        "EphemeralStorage": params.get("EphemeralStorage") or {"Size": DEFAULT_EPHEMERAL_MB},
        "SnapStart": views.snap_start(params.get("SnapStart") or {}),
        "LoggingConfig": {"LogFormat": "Text", "LogGroup": f"/aws/lambda/{ref.name}",
                          **(params.get("LoggingConfig") or {})},
    }
    for member in ("Environment", "DeadLetterConfig", "KMSKeyArn", "VpcConfig"):
        if params.get(member):
            config[member] = _normalized(member, params[member])
    if layers:
        config["Layers"] = layers
    return config


def _normalized(member: str, value: Any) -> Any:
    if member == "Environment":
        return {"Variables": dict((value or {}).get("Variables") or {})}
    if member == "VpcConfig":
        return _vpc_config(value or {})
    return value


def _vpc_config(requested: dict[str, Any]) -> dict[str, Any]:
    """VpcConfig as AWS shows it: every member, and VpcId "" once the subnets are removed
    (pocketcloud models no subnets, so it cannot name the VPC of given ones)."""
    shown = {"Ipv6AllowedForDualStack": bool(requested.get("Ipv6AllowedForDualStack")),
             "SecurityGroupIds": list(requested.get("SecurityGroupIds") or []),
             "SubnetIds": list(requested.get("SubnetIds") or [])}
    if not shown["SubnetIds"]:
        shown["VpcId"] = ""
    return shown


def _forget_blob_if_unused(ctx: RequestContext, ref: FunctionRef, blob_id: str) -> None:
    if not blob_id:
        return
    with store(ctx).read() as tx:
        used = tx.fetchvalue("SELECT 1 FROM lambda_versions WHERE code_blob_id = ?", (blob_id,))
    if not used:
        ctx.cloud.store.blobs.delete(blob_id)


def _max_items(value: int | None) -> int:
    if value is None:
        return MAX_LIST_ITEMS
    if not 1 <= value <= 10000:
        raise AwsError("InvalidParameterValueException", "MaxItems must be between 1 and 10000.")
    return min(value, MAX_LIST_ITEMS)


def _already_exists(ref: FunctionRef) -> AwsError:
    return AwsError("ResourceConflictException", f"Function already exist: {ref.name}", 409)
