"""Event bus policies: PutPermission/RemovePermission, as the resource policy IAM evaluates
(so another account may PutEvents to a bus when its policy allows)."""

from __future__ import annotations

import json
from typing import Any

from pocketcloud.context import RequestContext
from pocketcloud.errors import AwsError
from pocketcloud.iam import PolicyError, parse_policy
from pocketcloud.services.events.buses import bus_arn, bus_name, require_bus, store
from pocketcloud.store import Tx

POLICY_BYTES_MAX = 10 * 1024  # AWS's limit on an event bus policy


def bus_policy(tx: Tx, account_id: str, region: str, name: str) -> str | None:
    found = tx.fetchvalue("SELECT policy FROM events_bus_policies WHERE account_id = ? AND "
                          "region = ? AND name = ?", (account_id, region, name))
    return str(found) if found else None


def _save(tx: Tx, ctx: RequestContext, name: str, policy: dict[str, Any] | None) -> None:
    key = (ctx.account_id, ctx.region, name)
    if not policy or not policy.get("Statement"):
        tx.execute("DELETE FROM events_bus_policies WHERE account_id = ? AND region = ? AND "
                   "name = ?", key)
        return
    text = json.dumps(policy)
    if len(text.encode()) > POLICY_BYTES_MAX:
        raise AwsError("PolicyLengthExceededException",
                       "The event bus policy is too long.")
    tx.execute("INSERT INTO events_bus_policies (account_id, region, name, policy) VALUES "
               "(?, ?, ?, ?) ON CONFLICT (account_id, region, name) DO UPDATE SET "
               "policy = excluded.policy", (*key, text))


def _statement(ctx: RequestContext, name: str, params: dict[str, Any]) -> dict[str, Any]:
    for member in ("Action", "Principal", "StatementId"):
        if not params.get(member):
            raise AwsError("ValidationException", f"Parameter {member} is required when "
                           "Policy is not given.")
    if params["Action"] != "events:PutEvents":
        raise AwsError("ValidationException", "Provided value in parameter 'action' is not "
                       "supported.")
    principal = params["Principal"]
    statement: dict[str, Any] = {
        "Sid": params["StatementId"], "Effect": "Allow",
        "Principal": "*" if principal == "*" else {"AWS": f"arn:aws:iam::{principal}:root"},
        "Action": "events:PutEvents", "Resource": bus_arn(ctx, name)}
    condition = params.get("Condition")
    if condition:
        statement["Condition"] = {condition["Type"]: {condition["Key"]: condition["Value"]}}
    return statement


def put_permission(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = bus_name(ctx, params.get("EventBusName"))
    with store(ctx).write() as tx:
        require_bus(tx, ctx, name)
        if params.get("Policy"):
            try:
                parse_policy(params["Policy"], "resource")
                policy = json.loads(params["Policy"])
            except (PolicyError, ValueError) as error:
                raise AwsError("MalformedPolicyDocumentException", str(error)) from None
        else:
            current = bus_policy(tx, ctx.account_id, ctx.region, name)
            policy = json.loads(current) if current else {"Version": "2012-10-17",
                                                          "Statement": []}
            statement = _statement(ctx, name, params)
            policy["Statement"] = [s for s in policy["Statement"]
                                   if s.get("Sid") != statement["Sid"]] + [statement]
        _save(tx, ctx, name, policy)
    return {}


def remove_permission(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = bus_name(ctx, params.get("EventBusName"))
    with store(ctx).write() as tx:
        require_bus(tx, ctx, name)
        current = bus_policy(tx, ctx.account_id, ctx.region, name)
        if params.get("RemoveAllPermissions"):
            _save(tx, ctx, name, None)
            return {}
        sid = params.get("StatementId")
        if not sid:
            raise AwsError("ValidationException", "Parameter StatementId is required.")
        policy = json.loads(current) if current else {"Statement": []}
        kept = [s for s in policy.get("Statement", []) if s.get("Sid") != sid]
        if len(kept) == len(policy.get("Statement", [])):
            raise AwsError("ResourceNotFoundException", "Statement with the provided id does "
                           "not exist.")
        policy["Statement"] = kept
        _save(tx, ctx, name, policy)
    return {}
