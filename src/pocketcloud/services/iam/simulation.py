"""SimulatePrincipalPolicy and SimulateCustomPolicy: the enforcing engine, asked directly."""

from __future__ import annotations

import re
from typing import Any

from pocketcloud.context import RequestContext
from pocketcloud.errors import AwsError
from pocketcloud.iam import Policy, PolicyError, Principal, parse_policy
from pocketcloud.services.iam.common import no_such_entity
from pocketcloud.services.iam.credentials import PrincipalPolicies, entity_policies
from pocketcloud.services.iam.inline import inline_documents
from pocketcloud.services.iam.managed import default_document
from pocketcloud.services.iam.schema import reading
from pocketcloud.services.iam.simulation_results import Source, simulate

_SOURCE = re.compile(r"arn:aws:iam::(\d{12}):(user|group|role)/(?:.*/)?([^/]+)")
_USER_ARN = re.compile(r"arn:aws:iam::\d{12}:user/(?:.*/)?[^/]+")
_INLINE_NAME = re.compile(r"inline policy (.+) of (user|group|role) (.+)")


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
    caller = _caller(params, needed=kind != "user") or source
    principal = Principal(caller, account_id, "user" if kind != "role" else "assumed-role",
                          role_arn=source if kind == "role" else "",
                          name=caller.rsplit("/", 1)[-1] if kind == "user" else "")
    sources = [Source(p, _stored_id(p.name)) for p in stored.identity]
    sources += _inputs(params.get("PolicyInputList"), "identity", "PolicyInputList")
    boundaries = _inputs(params.get("PermissionsBoundaryPolicyInputList"), "identity",
                         "PermissionsBoundaryPolicyInputList")
    if not boundaries and stored.boundary is not None:
        boundaries = [Source(stored.boundary, _stored_id(stored.boundary.name))]
    return simulate(params, principal, sources, boundaries[0] if boundaries else None,
                    _resource_policy(params))


def simulate_custom_policy(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    sources = _inputs(params["PolicyInputList"], "identity", "PolicyInputList")
    boundaries = _inputs(params.get("PermissionsBoundaryPolicyInputList"), "identity",
                         "PermissionsBoundaryPolicyInputList")
    caller = _caller(params, needed=True) or f"arn:aws:iam::{ctx.account_id}:user/simulated"
    principal = Principal(caller, caller.split(":")[4] or ctx.account_id, "user",
                          name=caller.rsplit("/", 1)[-1])
    return simulate(params, principal, sources, boundaries[0] if boundaries else None,
                    _resource_policy(params))


def _resource_policy(params: dict[str, Any]) -> Source | None:
    document = params.get("ResourcePolicy")
    if not document:
        return None
    return _inputs([document], "resource", "ResourcePolicy", "resource")[0]


def _caller(params: dict[str, Any], needed: bool) -> str | None:
    """CallerArn: an IAM user's ARN, required with a ResourcePolicy unless the simulated
    principal is itself a user (the API reference's rule)."""
    caller = params.get("CallerArn")
    if caller is None:
        if needed and params.get("ResourcePolicy"):
            raise AwsError("InvalidInputException",
                           "CallerArn must be specified when a ResourcePolicy is provided.")
        return None
    if not _USER_ARN.fullmatch(caller):
        raise AwsError("InvalidInputException", f"Invalid CallerArn: {caller}.")
    return str(caller)


def _stored_id(name: str) -> str:
    """IAM's SourcePolicyId for a stored policy: the managed policy's name, or
    ``<kind>_<owner>_<policy>`` for an inline policy."""
    inline = _INLINE_NAME.fullmatch(name)
    if inline:
        policy, kind, owner = inline.groups()
        return f"{kind}_{owner}_{policy}"
    return name.rsplit("/", 1)[-1]


def _inputs(
    documents: list[str] | None, kind: str, label: str, source_type: str = "IAM Policy"
) -> list[Source]:
    """Input documents, named as IAM names them (``PolicyInputList.1``); a malformed one is
    InvalidInput here (the Simulate* operations have no MalformedPolicyDocument error)."""
    sources = []
    for index, document in enumerate(documents or [], start=1):
        name = label if kind == "resource" else f"{label}.{index}"
        try:
            sources.append(Source(parse_policy(document, kind, name), name, source_type))
        except PolicyError as refused:
            raise AwsError("InvalidInputException", refused.message) from None
    return sources


def _group_policies(ctx: RequestContext, account_id: str, name: str) -> tuple[Policy, ...]:
    from pocketcloud.services.iam.inline import attached_arns

    with reading(ctx.cloud) as tx:
        documents = [(f"inline policy {n} of group {name}", d)
                     for n, d in inline_documents(tx, account_id, "group", name)]
        documents += [(arn, default_document(tx, account_id, arn) or "")
                      for arn in attached_arns(tx, account_id, "group", name)]
    return tuple(parse_policy(doc, "identity", policy_name) for policy_name, doc in documents
                 if doc)
