"""Resource-based policies: AddPermission, RemovePermission, GetPolicy."""

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

MAX_POLICY_BYTES = 20 * 1024  # AWS's quota on a function's resource policy
_STATEMENT_ID = re.compile(r"[a-zA-Z0-9-_]+")
# Anyone, an account, an ARN, or a service's domain name (s3.amazonaws.com).
_PRINCIPAL = re.compile(r"\*|\d{12}|arn:\S+|[a-z0-9-]+(\.[a-z0-9-]+)+")


def add_permission(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    ref = parse_function_name(ctx, params["FunctionName"], params.get("Qualifier"))
    _check_new_statement(ref, params)
    statement = _statement(ref.qualified_arn, params)
    with store(ctx).write() as tx:
        require_qualifier(tx, ref)
        require_policy_revision(tx, ref, params.get("RevisionId"), "GetPolicy")
        statements = json.loads(records.function_column(tx, ref, "policy"))
        if any(s.get("Sid") == statement["Sid"] for s in statements):
            raise AwsError("ResourceConflictException",
                           f"The statement id ({statement['Sid']}) provided already exists. "
                           "Please provide a new statement id, or remove the existing statement.",
                           409)
        statements.append(statement)
        save_statements(ctx, tx, ref, statements)
    return {"Statement": json.dumps(statement, separators=(",", ":"))}


def remove_permission(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    ref = parse_function_name(ctx, params["FunctionName"], params.get("Qualifier"))
    with store(ctx).write() as tx:
        if not records.function_exists(tx, ref):
            raise AwsError("ResourceNotFoundException", f"No policy found for: {ref.arn}", 404)
        require_qualifier(tx, ref)
        require_policy_revision(tx, ref, params.get("RevisionId"), "GetPolicy")
        statements = json.loads(records.function_column(tx, ref, "policy"))
        if not statements:
            raise AwsError("ResourceNotFoundException",
                           "No policy is associated with the given resource.", 404)
        kept = [s for s in statements if s.get("Sid") != params["StatementId"]
                or s.get("Resource") != ref.qualified_arn]
        if len(kept) == len(statements):
            raise AwsError("ResourceNotFoundException",
                           f"Statement {params['StatementId']} is not found in resource policy.",
                           404)
        save_statements(ctx, tx, ref, kept)
    return {}


def get_policy(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    ref = parse_function_name(ctx, params["FunctionName"], params.get("Qualifier"))
    with store(ctx).read() as tx:
        records.require_function(tx, ref)
        try:
            records.get_version(tx, ref)
        except AwsError:
            raise no_resource() from None
        return attached_policy(tx, ref)


def attached_policy(tx: Any, ref: FunctionRef) -> dict[str, Any]:
    """The policy document attached to `ref`'s qualified ARN and its RevisionId."""
    statements = json.loads(records.function_column(tx, ref, "policy"))
    mine = [s for s in statements if s.get("Resource") == ref.qualified_arn]
    if not mine:
        raise no_resource()
    policy = {"Version": "2012-10-17", "Id": "default", "Statement": mine}
    return {"Policy": json.dumps(policy, separators=(",", ":")),
            "RevisionId": policy_revision(tx, ref)}


def policy_revision(tx: Any, ref: FunctionRef) -> str:
    """The RevisionId of the policy on `ref`'s ARN, which in AWS is the RevisionId of what the
    ARN names: the alias, the published version, or $LATEST (unqualified)."""
    found = _revisioned(tx, ref)
    return str(found[0].get("RevisionId") or "") if found else ""


def _revisioned(tx: Any, ref: FunctionRef) -> tuple[dict[str, Any], bool] | None:
    """The configuration holding `ref`'s RevisionId and whether it is an alias's."""
    qualifier = ref.qualifier or LATEST
    if qualifier != LATEST and not qualifier.isdigit():
        alias = records.load_alias(tx, ref, qualifier)
        return (alias, True) if alias is not None else None
    found = records.load_version(tx, ref, qualifier)
    return (found[0], False) if found else None


def require_policy_revision(tx: Any, ref: FunctionRef, wanted: str | None, getter: str) -> None:
    if wanted and wanted != policy_revision(tx, ref):
        raise AwsError("PreconditionFailedException",
                       "The Revision Id provided does not match the latest Revision Id. Call the "
                       f"{getter} API to retrieve the latest Revision Id", 412,
                       fields={"Type": "User"})


def save_statements(ctx: RequestContext, tx: Any, ref: FunctionRef,
                    statements: list[dict[str, Any]]) -> str:
    """Stores every qualifier's statements; what `ref` names gets a new RevisionId (returned),
    as a policy change is a change to the function version or alias in AWS."""
    encoded = json.dumps(statements)
    if len(encoded) > MAX_POLICY_BYTES:
        raise AwsError("PolicyLengthExceededException",
                       "The final policy size is bigger than the limit.", 400,
                       fields={"Type": "User"})
    tx.execute("UPDATE lambda_functions SET policy = ? WHERE account_id = ? AND region = ? "
               "AND name = ?", (encoded, *records.key(ref)))
    revision = str(ctx.cloud.ids.uuid4())
    found = _revisioned(tx, ref)
    if found is None:
        return revision
    config, is_alias = found
    config = {**config, "RevisionId": revision}
    table, column = ("lambda_aliases", "alias") if is_alias else ("lambda_versions", "version")
    tx.execute(f"UPDATE {table} SET config = ? WHERE account_id = ? AND region = ? AND name = ? "
               f"AND {column} = ?", (json.dumps(config), *records.key(ref),
                                     ref.qualifier or LATEST))
    return revision


def _check_new_statement(ref: FunctionRef, params: dict[str, Any]) -> None:
    if not _STATEMENT_ID.fullmatch(params["StatementId"]):
        raise validation_error(params["StatementId"], "statementId",
                               "Member must satisfy regular expression pattern: ([a-zA-Z0-9-_]+)")
    if ref.qualifier == LATEST:
        raise AwsError("InvalidParameterValueException",
                       "We currently do not support adding policies for $LATEST.")
    if not _PRINCIPAL.fullmatch(params["Principal"]):
        raise AwsError("InvalidParameterValueException", "The provided principal was invalid. "
                       "Please check the principal and try again.")


def require_qualifier(tx: Any, ref: FunctionRef) -> None:
    """The function, then the version or alias a qualifier names, in AWS's words."""
    records.require_function(tx, ref)
    qualifier = ref.qualifier
    if qualifier is None or qualifier == LATEST:
        return
    if qualifier.isdigit() or "$" in qualifier:
        if records.load_version(tx, ref, qualifier) is None:
            raise function_not_found(ref)
    elif records.load_alias(tx, ref, qualifier) is None:
        raise AwsError("ResourceNotFoundException", f"Cannot find alias arn: {ref.qualified_arn}",
                       404)


def no_resource() -> AwsError:
    return AwsError("ResourceNotFoundException", "The resource you requested does not exist.",
                    404)


def _statement(resource: str, params: dict[str, Any]) -> dict[str, Any]:
    principal_name = params["Principal"]
    if principal_name == "*":
        principal: Any = "*"
    elif principal_name.endswith(".amazonaws.com"):
        principal = {"Service": principal_name}
    else:
        account = principal_name if principal_name.isdigit() else None
        principal = {"AWS": f"arn:aws:iam::{account}:root" if account else principal_name}
    statement: dict[str, Any] = {"Sid": params["StatementId"], "Effect": "Allow",
                                 "Principal": principal, "Action": params["Action"],
                                 "Resource": resource}
    condition: dict[str, Any] = {}
    if params.get("SourceArn"):
        condition["ArnLike"] = {"AWS:SourceArn": params["SourceArn"]}
    if params.get("SourceAccount"):
        condition["StringEquals"] = {"AWS:SourceAccount": params["SourceAccount"]}
    if params.get("PrincipalOrgID"):
        condition.setdefault("StringEquals", {})["aws:PrincipalOrgID"] = params["PrincipalOrgID"]
    if params.get("FunctionUrlAuthType"):
        condition.setdefault("StringEquals", {})["lambda:FunctionUrlAuthType"] = (
            params["FunctionUrlAuthType"])
    if condition:
        statement["Condition"] = condition
    return statement
