"""Code signing configurations and the functions they guard.

There is no AWS Signer here, so no deployment package is ever signed: under a configuration
whose UntrustedArtifactOnDeployment is Enforce, every CreateFunction and UpdateFunctionCode is
refused with CodeVerificationFailedException; under Warn (the default) AWS deploys unsigned
code and only logs a warning, so it is deployed here too.
"""

from __future__ import annotations

import json
from typing import Any

from pocketcloud.arns import arn
from pocketcloud.context import RequestContext
from pocketcloud.errors import AwsError
from pocketcloud.services.lambda_ import records
from pocketcloud.services.lambda_.names import FunctionRef, parse_function_name, validation_error
from pocketcloud.services.lambda_.schema import store

MAX_PUBLISHERS = 20
MAX_DESCRIPTION_CHARS = 256
MAX_LIST_ITEMS = 50
POLICIES = ("Warn", "Enforce")
_KEY = "account_id = ? AND region = ? AND config_id = ?"


def create_code_signing_config(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    config_id = f"csc-{ctx.cloud.ids.hex(17)}"
    config = {
        "CodeSigningConfigId": config_id,
        "CodeSigningConfigArn": arn("lambda", ctx.region, ctx.account_id,
                                    f"code-signing-config:{config_id}"),
        "Description": _description(params.get("Description")),
        "AllowedPublishers": _publishers(params["AllowedPublishers"]),
        "CodeSigningPolicies": _policies(params.get("CodeSigningPolicies")),
        "LastModified": records.timestamp(ctx.cloud.clock.now()),
    }
    with store(ctx).write() as tx:
        tx.execute("INSERT INTO lambda_code_signing_configs (account_id, region, config_id, "
                   "config) VALUES (?, ?, ?, ?)",
                   (ctx.account_id, ctx.region, config_id, json.dumps(config)))
    return {"CodeSigningConfig": config}


def get_code_signing_config(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    with store(ctx).read() as tx:
        return {"CodeSigningConfig": _load(ctx, tx, params["CodeSigningConfigArn"])}


def update_code_signing_config(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    with store(ctx).write() as tx:
        config = _load(ctx, tx, params["CodeSigningConfigArn"])
        if params.get("Description") is not None:
            config["Description"] = _description(params["Description"])
        if params.get("AllowedPublishers") is not None:
            config["AllowedPublishers"] = _publishers(params["AllowedPublishers"])
        if params.get("CodeSigningPolicies") is not None:
            config["CodeSigningPolicies"] = _policies(params["CodeSigningPolicies"])
        config["LastModified"] = records.timestamp(ctx.cloud.clock.now())
        tx.execute(f"UPDATE lambda_code_signing_configs SET config = ? WHERE {_KEY}",
                   (json.dumps(config), ctx.account_id, ctx.region, config["CodeSigningConfigId"]))
    return {"CodeSigningConfig": config}


def delete_code_signing_config(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    with store(ctx).write() as tx:
        config = _load(ctx, tx, params["CodeSigningConfigArn"])
        if _users(tx, ctx, config["CodeSigningConfigArn"]):
            raise AwsError("ResourceConflictException",
                           "The code signing configuration is in use by one or more functions "
                           "and cannot be deleted.", 409)
        tx.execute(f"DELETE FROM lambda_code_signing_configs WHERE {_KEY}",
                   (ctx.account_id, ctx.region, config["CodeSigningConfigId"]))
    return {}


def list_code_signing_configs(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    limit = _max_items(params.get("MaxItems"))
    with store(ctx).read() as tx:
        rows = tx.fetchall("SELECT config_id, config FROM lambda_code_signing_configs WHERE "
                           "account_id = ? AND region = ? AND config_id > ? ORDER BY config_id "
                           "LIMIT ?", (ctx.account_id, ctx.region, params.get("Marker") or "",
                                       limit + 1))
    result: dict[str, Any] = {"CodeSigningConfigs": [json.loads(r[1]) for r in rows[:limit]]}
    if len(rows) > limit:
        result["NextMarker"] = rows[limit - 1][0]
    return result


def list_functions_by_code_signing_config(ctx: RequestContext,
                                          params: dict[str, Any]) -> dict[str, Any]:
    limit = _max_items(params.get("MaxItems"))
    with store(ctx).read() as tx:
        config = _load(ctx, tx, params["CodeSigningConfigArn"])
        arns = sorted(_users(tx, ctx, config["CodeSigningConfigArn"]))
    marker = params.get("Marker") or ""
    page = [a for a in arns if a > marker][:limit + 1]
    result: dict[str, Any] = {"FunctionArns": page[:limit]}
    if len(page) > limit:
        result["NextMarker"] = page[limit - 1]
    return result


def put_function_code_signing_config(ctx: RequestContext,
                                     params: dict[str, Any]) -> dict[str, Any]:
    ref = parse_function_name(ctx, params["FunctionName"])
    wanted = params["CodeSigningConfigArn"]
    with store(ctx).write() as tx:
        config_arn = attachable(ctx, tx, wanted)
        records.require_function(tx, _unqualified(ref))
        tx.execute("UPDATE lambda_functions SET code_signing_config_arn = ? WHERE "
                   "account_id = ? AND region = ? AND name = ?", (config_arn, *records.key(ref)))
    return {"CodeSigningConfigArn": config_arn, "FunctionName": ref.name}


def get_function_code_signing_config(ctx: RequestContext,
                                     params: dict[str, Any]) -> dict[str, Any]:
    ref = _unqualified(parse_function_name(ctx, params["FunctionName"]))
    with store(ctx).read() as tx:
        config_arn = records.function_column(tx, ref, "code_signing_config_arn")
    if not config_arn:  # AWS answers an empty document for a function without one
        return {}
    return {"CodeSigningConfigArn": config_arn, "FunctionName": ref.name}


def delete_function_code_signing_config(ctx: RequestContext,
                                        params: dict[str, Any]) -> dict[str, Any]:
    ref = _unqualified(parse_function_name(ctx, params["FunctionName"]))
    records.set_function_column(ctx, ref, "code_signing_config_arn", None)
    return {}


def attachable(ctx: RequestContext, tx: Any, config_arn: str) -> str:
    """The ARN of an existing configuration, or CodeSigningConfigNotFoundException."""
    try:
        return str(_load(ctx, tx, config_arn)["CodeSigningConfigArn"])
    except AwsError:
        raise AwsError("CodeSigningConfigNotFoundException",
                       "The code signing configuration cannot be found. Check that the provided "
                       f"configuration is not deleted: {config_arn}.", 404,
                       fields={"Type": "User"}) from None


def guard_deployment(ctx: RequestContext, ref: FunctionRef, requested: str | None = None,
                     *, creating: bool) -> str | None:
    """The function's code signing configuration (CreateFunction's CodeSigningConfigArn when
    creating), once it lets unsigned code deploy."""
    with store(ctx).read() as tx:
        if creating:
            config_arn = attachable(ctx, tx, requested) if requested else None
        else:
            config_arn = records.function_column(tx, ref, "code_signing_config_arn")
        check_unsigned_code(ctx, tx, config_arn, ref)
    return config_arn


def check_unsigned_code(ctx: RequestContext, tx: Any, config_arn: str | None,
                        ref: FunctionRef) -> None:
    """Refuse a deployment under an enforcing configuration: nothing here is ever signed."""
    if not config_arn:
        return
    config = _load(ctx, tx, config_arn)
    if config["CodeSigningPolicies"]["UntrustedArtifactOnDeployment"] == "Enforce":
        raise AwsError("CodeVerificationFailedException",
                       "Lambda cannot deploy the function. The function or layer might be signed "
                       "using a signature that the client is not configured to accept. Check "
                       f"the provided signature for {ref.arn}.", 400, fields={"Type": "User"})


def _load(ctx: RequestContext, tx: Any, config_arn: str) -> dict[str, Any]:
    prefix = arn("lambda", ctx.region, ctx.account_id, "code-signing-config:")
    config_id = config_arn[len(prefix):] if config_arn.startswith(prefix) else ""
    value = tx.fetchvalue(f"SELECT config FROM lambda_code_signing_configs WHERE {_KEY}",
                          (ctx.account_id, ctx.region, config_id)) if config_id else None
    if value is None:
        raise AwsError("ResourceNotFoundException",
                       f"The Lambda code signing configuration {config_arn} can not be found.",
                       404)
    return dict(json.loads(value))


def _users(tx: Any, ctx: RequestContext, config_arn: str) -> list[str]:
    rows = tx.fetchall("SELECT name FROM lambda_functions WHERE account_id = ? AND region = ? "
                       "AND code_signing_config_arn = ?", (ctx.account_id, ctx.region, config_arn))
    return [FunctionRef(ctx.account_id, ctx.region, row[0]).arn for row in rows]


def _unqualified(ref: FunctionRef) -> FunctionRef:
    if ref.qualifier is not None:
        raise AwsError("InvalidParameterValueException",
                       "Code signing configurations apply to a function, not to a version or "
                       "alias: name the function without a qualifier.")
    return ref


def _publishers(value: Any) -> dict[str, list[str]]:
    arns = (value or {}).get("SigningProfileVersionArns") or []
    if not 1 <= len(arns) <= MAX_PUBLISHERS:
        raise validation_error(arns, "allowedPublishers.signingProfileVersionArns",
                               f"Member must have length between 1 and {MAX_PUBLISHERS}")
    for item in arns:
        if not str(item).startswith("arn:aws") or ":signer:" not in str(item):
            raise AwsError("InvalidParameterValueException",
                           f"{item} is not a valid signing profile version ARN.")
    return {"SigningProfileVersionArns": list(arns)}


def _policies(value: Any) -> dict[str, str]:
    policy = (value or {}).get("UntrustedArtifactOnDeployment") or "Warn"
    if policy not in POLICIES:
        raise validation_error(policy, "codeSigningPolicies.untrustedArtifactOnDeployment",
                               "Member must satisfy enum value set: [Warn, Enforce]")
    return {"UntrustedArtifactOnDeployment": policy}


def _description(value: str | None) -> str:
    if value is not None and len(value) > MAX_DESCRIPTION_CHARS:
        raise validation_error(value, "description",
                               f"Member must have length less than or equal to "
                               f"{MAX_DESCRIPTION_CHARS}")
    return value or ""


def _max_items(value: int | None) -> int:
    if value is None:
        return MAX_LIST_ITEMS
    if not 1 <= value <= 10000:
        raise AwsError("InvalidParameterValueException", "MaxItems must be between 1 and 10000.")
    return min(value, MAX_LIST_ITEMS)
