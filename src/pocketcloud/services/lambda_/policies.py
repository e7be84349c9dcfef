"""Resource-based policies: AddPermission, RemovePermission, GetPolicy."""

from __future__ import annotations

import json
from typing import Any

from pocketcloud.context import RequestContext
from pocketcloud.errors import AwsError
from pocketcloud.services.lambda_ import records
from pocketcloud.services.lambda_.names import parse_function_name
from pocketcloud.services.lambda_.schema import store

MAX_POLICY_BYTES = 20 * 1024  # AWS's quota on a function's resource policy


def add_permission(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    ref = parse_function_name(ctx, params["FunctionName"], params.get("Qualifier"))
    statement = _statement(ref.qualified_arn, params)
    with store(ctx).write() as tx:
        records.get_version(tx, ref)
        statements = json.loads(records.function_column(tx, ref, "policy"))
        if any(s["Sid"] == statement["Sid"] for s in statements):
            raise AwsError("ResourceConflictException",
                           f"The statement id ({statement['Sid']}) provided already exists. "
                           "Please provide a new statement id, or remove the existing statement.",
                           409, fields={"Type": "User"})
        statements.append(statement)
        encoded = json.dumps(statements)
        if len(encoded) > MAX_POLICY_BYTES:
            raise AwsError("PolicyLengthExceededException",
                           "The final policy size is bigger than the limit.", 400,
                           fields={"Type": "User"})
        tx.execute("UPDATE lambda_functions SET policy = ? WHERE account_id = ? AND region = ? "
                   "AND name = ?", (encoded, *records.key(ref)))
    return {"Statement": json.dumps(statement, separators=(",", ":"))}


def remove_permission(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    ref = parse_function_name(ctx, params["FunctionName"], params.get("Qualifier"))
    with store(ctx).write() as tx:
        statements = json.loads(records.function_column(tx, ref, "policy"))
        kept = [s for s in statements if s["Sid"] != params["StatementId"]]
        if len(kept) == len(statements):
            raise AwsError("ResourceNotFoundException",
                           f"Statement {params['StatementId']} is not found in resource policy.",
                           404, fields={"Type": "User"})
        tx.execute("UPDATE lambda_functions SET policy = ? WHERE account_id = ? AND region = ? "
                   "AND name = ?", (json.dumps(kept), *records.key(ref)))
    return {}


def get_policy(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    ref = parse_function_name(ctx, params["FunctionName"], params.get("Qualifier"))
    with store(ctx).read() as tx:
        config, _ = records.get_version(tx, ref)
        statements = json.loads(records.function_column(tx, ref, "policy"))
    mine = [s for s in statements if s["Resource"] == ref.qualified_arn]
    if not mine:
        raise AwsError("ResourceNotFoundException",
                       "The resource you requested does not exist.", 404, fields={"Type": "User"})
    policy = {"Version": "2012-10-17", "Id": "default", "Statement": mine}
    return {"Policy": json.dumps(policy, separators=(",", ":")), "RevisionId": config["RevisionId"]}


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
