"""May this caller assume that role? The trust policy and the caller's own policies, asked of
the evaluation engine (pocketcloud.iam) exactly as for any other request.

Denials are enforced in ``--iam enforce``, logged in ``audit`` and only evaluated-and-ignored in
``off`` (the drop-in default where any credentials act as root)."""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from pocketcloud.context import RequestContext
from pocketcloud.errors import AwsError
from pocketcloud.iam import AuthorizationRequest, Principal, evaluate, parse_policy
from pocketcloud.services.iam.credentials import (
    Credential,
    authorization_principal,
    principal_policies,
)
from pocketcloud.services.iam.roles import role_row
from pocketcloud.services.iam.schema import reading

log = logging.getLogger("pocketcloud.sts")
_ROLE_ARN = re.compile(r"arn:aws:iam::(\d{12}):role/((?:[\x21-\x7e]*/)?)([\w+=,.@-]+)")


@dataclass(frozen=True)
class Role:
    account_id: str
    name: str
    path: str
    role_id: str
    trust_policy: str
    max_session_s: int

    @property
    def arn(self) -> str:
        return f"arn:aws:iam::{self.account_id}:role{self.path}{self.name}"


def iam_mode(ctx: RequestContext) -> str:
    return str(getattr(ctx.cloud.settings, "iam", "off"))


def find_role(ctx: RequestContext, role_arn: str, caller_arn: str, action: str) -> Role:
    """The role, or AccessDenied as STS answers for a role that does not exist."""
    match = _ROLE_ARN.fullmatch(role_arn)
    if match is None:
        raise AwsError("ValidationError", f"{role_arn} is invalid")
    account_id, path, name = match.groups()
    with reading(ctx.cloud) as tx:
        row = role_row(tx, account_id, name, required=False)
    # an ARN naming another path names no role: AWS denies as for a missing role
    if row is None or row[2] != "/" + path:
        raise _denied(caller_arn, action, role_arn, "")
    return Role(account_id, row[0], row[2], row[1], row[4], row[6])


def check_trust(
    ctx: RequestContext,
    role: Role,
    principal: Principal,
    action: str,
    context: Mapping[str, Sequence[str] | str],
    caller: Credential | None,
) -> None:
    """Evaluate; raise AccessDenied in enforce mode, log in audit mode."""
    identity = principal_policies(ctx.cloud, caller) if caller is not None else None
    if caller is not None and caller.session_token is not None:
        context = {"aws:MultiFactorAuthPresent": "false", **context}  # as for any request
    decision = evaluate(AuthorizationRequest(
        principal=principal, action=action, resources=[role.arn],
        context={"aws:CurrentTime": _iso(ctx.cloud.clock.now()),
                 "aws:EpochTime": str(int(ctx.cloud.clock.now())), **context},
        identity_policies=identity.identity if identity else (),
        boundary=identity.boundary if identity else None,
        session_policies=identity.session if identity else (),
        resource_policy=parse_policy(role.trust_policy, "trust", f"trust policy of {role.arn}"),
        resource_account=role.account_id,
        resource_policy_required=True,
    ))
    if decision.allowed:
        return
    mode = iam_mode(ctx)
    if mode == "enforce":
        raise _denied(principal.arn, action, role.arn, decision.message)
    if mode == "audit":
        log.warning("audit: would deny %s: %s", action, decision.message)


def caller_principal(ctx: RequestContext, caller: Credential) -> Principal:
    return authorization_principal(ctx.cloud, caller)


def refuse_root(ctx: RequestContext, caller: Credential, action: str, role_arn: str) -> None:
    """AWS does not let an account's root user assume roles."""
    if caller.principal_type == "root" and iam_mode(ctx) == "enforce":
        raise AwsError("AccessDenied", "Roles may not be assumed by root accounts.", 403)


def keep_source_identity(caller: Credential, requested: str | None, role_arn: str) -> None:
    """A chained session's source identity cannot change: passing another one is denied
    (passing the same one again is allowed)."""
    if caller.source_identity and requested and requested != caller.source_identity:
        raise _denied(caller.principal_arn, "sts:SetSourceIdentity", role_arn, "")


# the unsigned federation calls name no caller: AWS answers them "Not authorized to perform
# sts:AssumeRoleWithWebIdentity", for a missing role as for a trust policy that says no (as
# reported from AWS in aws-sdk-net#1522, aws-actions/configure-aws-credentials#318)
_UNSIGNED_ACTIONS = frozenset({"sts:AssumeRoleWithWebIdentity", "sts:AssumeRoleWithSAML"})


def _denied(caller_arn: str, action: str, role_arn: str, message: str) -> AwsError:
    if action in _UNSIGNED_ACTIONS:
        return AwsError("AccessDenied", f"Not authorized to perform {action}", 403)
    return AwsError("AccessDenied", message or f"User: {caller_arn} is not authorized to "
                    f"perform: {action} on resource: {role_arn}", 403)


def _iso(epoch_s: float) -> str:
    from datetime import UTC, datetime

    return datetime.fromtimestamp(epoch_s, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
