"""SimulatePrincipalPolicy and SimulateCustomPolicy: the enforcing engine, asked directly."""

from __future__ import annotations

import re
from typing import Any

from pocketcloud.context import RequestContext
from pocketcloud.errors import AwsError
from pocketcloud.iam import (
    AuthorizationRequest,
    Decision,
    Policy,
    PolicyError,
    Principal,
    evaluate,
    parse_policy,
)
from pocketcloud.services.iam.common import no_such_entity, page
from pocketcloud.services.iam.credentials import PrincipalPolicies, entity_policies
from pocketcloud.services.iam.inline import inline_documents
from pocketcloud.services.iam.managed import default_document
from pocketcloud.services.iam.schema import reading

MAX_SIMULATED_ACTIONS = 1000
_SOURCE = re.compile(r"arn:aws:iam::(\d{12}):(user|group|role)/(?:.*/)?([^/]+)")
_DECISIONS = {"allowed": "allowed", "explicit-deny": "explicitDeny"}


def simulate_principal_policy(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    source = params["PolicySourceArn"]
    match = _SOURCE.fullmatch(source)
    if not match:
        raise AwsError("InvalidInputException", f"Invalid ARN: {source}.")
    account_id, kind, name = match.groups()
    table = {"user": "iam_users", "group": "iam_groups", "role": "iam_roles"}[kind]
    with reading(ctx.cloud) as tx:
        if not tx.fetchvalue(f"SELECT 1 FROM {table} WHERE account_id = ? AND name = ?",
                             (account_id, name)):
            raise no_such_entity(f"The {kind} with name {name} cannot be found.")
    if kind == "group":
        stored = PrincipalPolicies(_group_policies(ctx, account_id, name))
    else:
        stored = entity_policies(ctx.cloud, account_id, kind, name)
    principal = Principal(source, account_id, "user" if kind != "role" else "assumed-role",
                          role_arn=source if kind == "role" else "",
                          name=name if kind == "user" else "")
    extra = _inputs(params.get("PolicyInputList"), "identity")
    boundaries = _inputs(params.get("PermissionsBoundaryPolicyInputList"), "identity")
    boundary = boundaries[0] if boundaries else stored.boundary
    return _simulate(ctx, params, principal, [*stored.identity, *extra], boundary)


def simulate_custom_policy(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    policies = _inputs(params["PolicyInputList"], "identity")
    boundaries = _inputs(params.get("PermissionsBoundaryPolicyInputList"), "identity")
    caller = params.get("CallerArn") or f"arn:aws:iam::{ctx.account_id}:user/simulated"
    principal = Principal(caller, ctx.account_id, "user", name=caller.rsplit("/", 1)[-1])
    return _simulate(ctx, params, principal, policies, boundaries[0] if boundaries else None)


def _simulate(
    ctx: RequestContext, params: dict[str, Any], principal: Principal,
    identity: list[Policy], boundary: Policy | None,
) -> dict[str, Any]:
    actions = params["ActionNames"]
    if len(actions) > MAX_SIMULATED_ACTIONS:
        raise AwsError("InvalidInputException", "Too many actions to simulate.")
    resources = params.get("ResourceArns") or ["*"]
    resource_policy = None
    if params.get("ResourcePolicy"):
        resource_policy = _inputs([params["ResourcePolicy"]], "resource")[0]
    context = {entry["ContextKeyName"]: entry.get("ContextKeyValues") or []
               for entry in params.get("ContextEntries") or []
               if entry.get("ContextKeyName")}  # optional in the spec: nameless entries say nothing
    results = []
    for action in actions:
        for resource in resources:
            decision = evaluate(AuthorizationRequest(
                principal, action, [resource], context, identity, boundary, (),
                resource_policy, params.get("ResourceOwner", "").split(":")[4]
                if params.get("ResourceOwner", "").count(":") >= 5 else None))
            results.append(_result(action, resource, decision))
    return page(results, params, "EvaluationResults")


def _result(action: str, resource: str, decision: Decision) -> dict[str, Any]:
    matched = []
    if decision.policy:
        matched.append({"SourcePolicyId": decision.policy, "SourcePolicyType": "IAM Policy"})
    return {
        "EvalActionName": action, "EvalResourceName": resource,
        "EvalDecision": _DECISIONS.get(decision.reason, "implicitDeny"),
        "MatchedStatements": matched, "MissingContextValues": [],
    }


def _inputs(documents: list[str] | None, kind: str) -> list[Policy]:
    policies = []
    for index, document in enumerate(documents or []):
        try:
            policies.append(parse_policy(document, kind, f"PolicyInputList.{index + 1}"))
        except PolicyError as refused:
            raise AwsError("MalformedPolicyDocumentException", refused.message) from None
    return policies


def _group_policies(ctx: RequestContext, account_id: str, name: str) -> tuple[Policy, ...]:
    from pocketcloud.services.iam.inline import attached_arns

    with reading(ctx.cloud) as tx:
        documents = [(n, d) for n, d in inline_documents(tx, account_id, "group", name)]
        documents += [(arn, default_document(tx, account_id, arn) or "")
                      for arn in attached_arns(tx, account_id, "group", name)]
    return tuple(parse_policy(doc, "identity", policy_name) for policy_name, doc in documents
                 if doc)
