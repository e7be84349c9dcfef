"""The Simulate* answers: EvaluationResults built around the enforcing engine's decision.

``evaluate`` decides; the engine's own statement matching (``matching_statements``) names the
statements behind the decision, where they sit in their documents, and the condition keys the
caller left out.
"""

from __future__ import annotations

import ipaddress
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from pocketcloud.errors import AwsError
from pocketcloud.iam import (
    AuthorizationRequest,
    Policy,
    Principal,
    Statement,
    evaluate,
    matching_statements,
    request_context,
)
from pocketcloud.services.iam.common import page
from pocketcloud.services.iam.statement_positions import statement_spans

MAX_SIMULATED_ACTIONS = 1000
_DECISIONS = {"allowed": "allowed", "explicit-deny": "explicitDeny"}
_KEY_TYPES = ("string", "numeric", "boolean", "ip", "binary", "date")
_ACCOUNT_ARN = re.compile(r"arn:aws:iam::(\d{12}):root")


@dataclass(frozen=True)
class Source:
    """A policy in the simulation and how IAM names it (SourcePolicyId/SourcePolicyType)."""

    policy: Policy
    id: str
    type: str = "IAM Policy"


@dataclass(frozen=True)
class _Case:
    principal: Principal
    identity: Sequence[Source]
    boundary: Source | None
    resource_policy: Source | None
    resource_account: str | None
    given: dict[str, list[str]]


def simulate(
    params: dict[str, Any], principal: Principal, identity: Sequence[Source],
    boundary: Source | None, resource_policy: Source | None = None,
) -> dict[str, Any]:
    actions = params["ActionNames"]
    if len(actions) > MAX_SIMULATED_ACTIONS:
        raise AwsError("InvalidInputException", "Too many actions to simulate.")
    listed = params.get("ResourceArns")
    for resource in listed or ():
        if resource != "*" and not resource.startswith("arn:"):
            raise AwsError("InvalidInputException",
                           f"ResourceNames are not in a valid ARN format: {resource}.")
    case = _Case(principal, identity, boundary, resource_policy,
                 _resource_owner(params.get("ResourceOwner")),
                 context_entries(params.get("ContextEntries")))
    results = [_result(case, action, resource, bool(listed))
               for action in actions for resource in listed or ["*"]]
    return page(results, params, "EvaluationResults")


def context_entries(entries: list[dict[str, Any]] | None) -> dict[str, list[str]]:
    """ContextEntries as the engine takes them, each value checked against its type."""
    context = {}
    for entry in entries or ():
        name = entry.get("ContextKeyName")
        if not name:
            continue  # optional in the spec: a nameless entry says nothing
        values = [str(v) for v in entry.get("ContextKeyValues") or []]
        _check_values(name, entry.get("ContextKeyType"), values)
        context[name] = values
    return context


def _check_values(name: str, key_type: str | None, values: list[str]) -> None:
    if key_type is None:
        return
    base = key_type.removesuffix("List")
    if base not in _KEY_TYPES:
        raise AwsError("InvalidInputException", f"Invalid ContextKeyType {key_type} for "
                       f"context key {name}.")
    if not key_type.endswith("List") and len(values) > 1:
        raise AwsError("InvalidInputException", f"Context key {name} of type {key_type} "
                       "takes a single value.")
    for value in values:
        if not _valid(base, value):
            raise AwsError("InvalidInputException", f"Invalid value {value} for context key "
                           f"{name} of type {key_type}.")


def _valid(base: str, value: str) -> bool:
    try:
        if base == "numeric":
            float(value)
        elif base == "boolean":
            return value.lower() in ("true", "false")
        elif base == "ip":
            ipaddress.ip_network(value, strict=False)
        elif base == "date" and not value.isdigit():
            datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


def _resource_owner(owner: str | None) -> str | None:
    if owner is None:
        return None
    match = _ACCOUNT_ARN.fullmatch(owner)
    if not match:
        raise AwsError("InvalidInputException", f"'{owner}' is not a valid as a Resource Owner.")
    return match.group(1)


def _result(case: _Case, action: str, resource: str, listed: bool) -> dict[str, Any]:
    policy = case.resource_policy.policy if case.resource_policy else None
    decision = evaluate(AuthorizationRequest(
        case.principal, action, [resource], case.given,
        [s.policy for s in case.identity], case.boundary.policy if case.boundary else None,
        (), policy, case.resource_account))
    verdict = _DECISIONS.get(decision.reason, "implicitDeny")
    context = request_context(case.principal, case.given)
    matched = _matched(case, verdict, action, resource, context)
    missing = _missing(case, action, resource, context)
    result: dict[str, Any] = {
        "EvalActionName": action, "EvalResourceName": resource, "EvalDecision": verdict,
        "MatchedStatements": matched, "MissingContextValues": missing,
    }
    boundary = _boundary_detail(case, action, resource, context)
    if boundary is not None:
        result["PermissionsBoundaryDecisionDetail"] = boundary
    if listed:
        # Same-account simulations with resource ARNs answer an empty map (API reference).
        result["EvalDecisionDetails"] = {}
        specific = {"EvalResourceName": resource, "EvalResourceDecision": verdict,
                    "MatchedStatements": matched, "MissingContextValues": missing,
                    "EvalDecisionDetails": {}}
        if boundary is not None:
            specific["PermissionsBoundaryDecisionDetail"] = boundary
        result["ResourceSpecificResults"] = [specific]
    return result


def _sources(case: _Case) -> list[Source]:
    found = [*case.identity]
    if case.boundary is not None:
        found.append(case.boundary)
    if case.resource_policy is not None:
        found.append(case.resource_policy)
    return found


def _matched(
    case: _Case, verdict: str, action: str, resource: str, context: dict[str, Any]
) -> list[dict[str, Any]]:
    """IAM lists the denying statements for a deny, the granting ones for an allow."""
    if verdict == "implicitDeny":
        return []
    effect = "Deny" if verdict == "explicitDeny" else "Allow"
    sources = _sources(case) if effect == "Deny" else [
        s for s in _sources(case) if s is not case.boundary]
    found = []
    for source in sources:
        named = case.principal if source is case.resource_policy else None
        for statement in matching_statements(source.policy, effect, action, resource, context,
                                             named):
            found.append(_statement_shape(source, statement))
    return found


def _statement_shape(source: Source, statement: Statement) -> dict[str, Any]:
    shape: dict[str, Any] = {"SourcePolicyId": source.id, "SourcePolicyType": source.type}
    spans = statement_spans(source.policy.document)
    if statement.index < len(spans):
        start, end = spans[statement.index]
        shape["StartPosition"], shape["EndPosition"] = dict(start), dict(end)
    return shape


def _missing(case: _Case, action: str, resource: str, context: dict[str, Any]) -> list[str]:
    """Condition keys of the statements that apply (conditions aside) the caller did not
    give, as the policies spell them."""
    given = {key.lower() for key in case.given}
    missing: list[str] = []
    for source in _sources(case):
        keys = _condition_keys(source.policy.document)
        for effect in ("Allow", "Deny"):
            for statement in matching_statements(source.policy, effect, action, resource,
                                                 context, with_conditions=False):
                for key in keys[statement.index] if statement.index < len(keys) else ():
                    if key.lower() not in given and key not in missing:
                        missing.append(key)
    return missing


@lru_cache(maxsize=256)
def _condition_keys(document: str) -> tuple[tuple[str, ...], ...]:
    try:
        statements = json.loads(document).get("Statement")
    except (ValueError, AttributeError):
        return ()
    if isinstance(statements, dict):
        statements = [statements]
    return tuple(_statement_keys(s) for s in statements or ())


def _statement_keys(statement: Any) -> tuple[str, ...]:
    condition = statement.get("Condition") if isinstance(statement, dict) else None
    if not isinstance(condition, dict):
        return ()
    return tuple(key for block in condition.values() if isinstance(block, dict)
                 for key in block)


def _boundary_detail(
    case: _Case, action: str, resource: str, context: dict[str, Any]
) -> dict[str, bool] | None:
    if case.boundary is None:
        return None
    policy = case.boundary.policy
    allowed = bool(matching_statements(policy, "Allow", action, resource, context)) and not \
        matching_statements(policy, "Deny", action, resource, context)
    return {"AllowedByPermissionsBoundary": allowed}
