"""A layer version's resource policy: AddLayerVersionPermission, GetLayerVersionPolicy,
RemoveLayerVersionPermission. Its statements may only grant lambda:GetLayerVersion."""

from __future__ import annotations

import json
import re
from typing import Any

from pocketcloud.arns import arn
from pocketcloud.context import RequestContext
from pocketcloud.errors import AwsError
from pocketcloud.services.lambda_.layers import parse_layer_name, valid_version_number
from pocketcloud.services.lambda_.names import validation_error
from pocketcloud.services.lambda_.schema import store

GET_LAYER_VERSION = "lambda:GetLayerVersion"
_STATEMENT_ID = re.compile(r"[a-zA-Z0-9-_]{1,100}")
_PRINCIPAL = re.compile(r"\d{12}|\*|arn:(aws[a-zA-Z-]*):iam::\d{12}:root")
_ORGANIZATION_ID = re.compile(r"o-[a-z0-9]{10,32}")
_KEY = "account_id = ? AND region = ? AND layer_name = ? AND version = ?"


def add_layer_version_permission(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    _check_new_statement(params)
    key, version_arn = _version_key(ctx, params)
    sid = params["StatementId"]
    with store(ctx).write() as tx:
        statements, revision = _load_policy(tx, key, version_arn)
        if any(s["Sid"] == sid for s in statements):
            raise AwsError("ResourceConflictException",
                           f"The statement id ({sid}) provided already exists. Please provide a "
                           "new statement id, or remove the existing statement.", 409)
        _check_revision(params, revision)
        statement = _statement(version_arn, params)
        revision = _save_policy(ctx, tx, key, [*statements, statement])
    return {"Statement": json.dumps(statement, separators=(",", ":")), "RevisionId": revision}


def get_layer_version_policy(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    key, version_arn = _version_key(ctx, params)
    with store(ctx).read() as tx:
        statements, revision = _load_policy(tx, key, version_arn)
    if not statements:
        raise AwsError("ResourceNotFoundException",
                       "No policy is associated with the given resource.", 404)
    return {"Policy": policy_document(statements), "RevisionId": revision}


def remove_layer_version_permission(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    key, version_arn = _version_key(ctx, params)
    sid = params["StatementId"]
    with store(ctx).write() as tx:
        statements, revision = _load_policy(tx, key, version_arn)
        _check_revision(params, revision)
        kept = [s for s in statements if s["Sid"] != sid]
        if len(kept) == len(statements):
            raise AwsError("ResourceNotFoundException",
                           f"Statement {sid} is not found in resource policy.", 404)
        _save_policy(ctx, tx, key, kept)
    return {}


def policy_document(statements: list[dict[str, Any]]) -> str:
    document = {"Version": "2012-10-17", "Id": "default", "Statement": statements}
    return json.dumps(document, separators=(",", ":"))


def _version_key(ctx: RequestContext, params: dict[str, Any]) -> tuple[tuple[Any, ...], str]:
    name = parse_layer_name(params["LayerName"])
    number = valid_version_number(params["VersionNumber"])
    version_arn = arn("lambda", ctx.region, ctx.account_id, f"layer:{name}:{number}")
    return (ctx.account_id, ctx.region, name, number), version_arn


def _load_policy(tx: Any, key: tuple[Any, ...],
                 version_arn: str) -> tuple[list[dict[str, Any]], str | None]:
    row = tx.fetchone(f"SELECT policy, policy_revision FROM lambda_layer_versions WHERE {_KEY}",
                      key)
    if row is None:
        raise AwsError("ResourceNotFoundException", f"Layer version {version_arn} does not exist.",
                       404)
    return json.loads(row[0]), row[1]


def _save_policy(ctx: RequestContext, tx: Any, key: tuple[Any, ...],
                 statements: list[dict[str, Any]]) -> str:
    revision = ctx.cloud.ids.uuid4()
    tx.execute(f"UPDATE lambda_layer_versions SET policy = ?, policy_revision = ? WHERE {_KEY}",
               (json.dumps(statements), revision, *key))
    return revision


def _check_revision(params: dict[str, Any], revision: str | None) -> None:
    wanted = params.get("RevisionId")
    if wanted is not None and wanted != revision:
        raise AwsError("PreconditionFailedException",
                       "The Revision Id provided does not match the latest Revision Id. "
                       "Call the GetLayerPolicy API to retrieve the latest Revision Id", 412,
                       fields={"Type": "User"})


def _check_new_statement(params: dict[str, Any]) -> None:
    """The request members' patterns, as Lambda's model validation reports them."""
    sid, action, principal = params["StatementId"], params["Action"], params["Principal"]
    if not _STATEMENT_ID.fullmatch(sid):
        raise validation_error(sid, "statementId", "Member must satisfy regular expression "
                               "pattern: ([a-zA-Z0-9-_]+)")
    if action != GET_LAYER_VERSION:
        raise validation_error(action, "action", "Member must satisfy regular expression "
                               f"pattern: {GET_LAYER_VERSION}")
    if not _PRINCIPAL.fullmatch(principal):
        raise validation_error(principal, "principal", "Member must satisfy regular expression "
                               r"pattern: \d{12}|\*|arn:(aws[a-zA-Z-]*):iam::\d{12}:root")
    organization = params.get("OrganizationId")
    if organization is not None and not _ORGANIZATION_ID.fullmatch(organization):
        raise validation_error(organization, "organizationId", "Member must satisfy regular "
                               "expression pattern: o-[a-z0-9]{10,32}")


def _statement(version_arn: str, params: dict[str, Any]) -> dict[str, Any]:
    principal = params["Principal"]
    statement: dict[str, Any] = {
        "Sid": params["StatementId"], "Effect": "Allow",
        "Principal": "*" if principal == "*" else {
            "AWS": f"arn:aws:iam::{principal}:root" if principal.isdigit() else principal},
        "Action": GET_LAYER_VERSION, "Resource": version_arn,
    }
    if params.get("OrganizationId"):
        statement["Condition"] = {"StringEquals": {"aws:PrincipalOrgID": params["OrganizationId"]}}
    return statement
