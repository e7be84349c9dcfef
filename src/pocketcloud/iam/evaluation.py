"""``evaluate(request) -> Decision``: AWS's policy evaluation logic, for one account.

The order, as the IAM User Guide's evaluation-logic page documents it (SCPs and RCPs are
out of scope):

1. An explicit Deny in any policy that applies (identity, boundary, session, resource) wins.
2. Same account: an Allow in the resource-based policy that names the principal itself (a
   user ARN, a role-session ARN, ``"*"``, a service or a federated provider) grants on its
   own; naming the role ARN grants unless the role's boundary or session policy does not
   allow; naming the account (``"123456789012"``/``:root``) delegates to identity policies.
   Otherwise the identity-based policies must allow, and the permissions boundary (when
   set) and the session policies (when passed) must allow too.
3. Cross account: both sides must allow: the principal's own policies (identity, boundary,
   session) and the resource-based policy of the resource's account.
   A role's trust policy (``resource_policy_required``) must grant in the same account too.
4. The account's root user is allowed in its own account (unless a resource policy denies);
   service and web-identity principals have no identity side: only a grant lets them in.

Several resources are all checked; the first one denied decides.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from pocketcloud.arns import canonical_user_id
from pocketcloud.iam.conditions import Context, conditions_hold
from pocketcloud.iam.matching import action_matches, has_variables, literal_aware_match, substitute
from pocketcloud.iam.policy import Policy, PrincipalElement, Statement

# Principal.type values
ROOT, USER, ASSUMED_ROLE, FEDERATED_USER = "root", "user", "assumed-role", "federated-user"
SERVICE, WEB_IDENTITY, ANONYMOUS = "service", "web-identity", "anonymous"
_PRINCIPAL_TYPE_KEY = {
    ROOT: "Account", USER: "User", ASSUMED_ROLE: "AssumedRole",
    FEDERATED_USER: "FederatedUser", ANONYMOUS: "Anonymous",
}
_NO_IDENTITY_SIDE = (SERVICE, WEB_IDENTITY, ANONYMOUS)

# how a resource policy's Principal matched, strongest first
DIRECT, ROLE, ACCOUNT = 3, 2, 1


@dataclass(frozen=True)
class Principal:
    """Who asks. ``arn`` is the user ARN, the session ARN
    (``arn:aws:sts::A:assumed-role/R/S``), ``arn:aws:iam::A:root``, a service principal
    (``lambda.amazonaws.com``) or an identity provider (ARN or issuer) for web identities."""

    arn: str
    account_id: str
    type: str = USER
    tags: Mapping[str, str] = field(default_factory=dict)
    role_arn: str = ""  # an assumed-role session's role (what aws:PrincipalArn says)
    user_id: str = ""  # aws:userid: AIDA... for users, AROA...:session for sessions
    name: str = ""  # aws:username, for IAM users
    source_identity: str = ""  # aws:SourceIdentity, for sessions that carry one


@dataclass(frozen=True)
class AuthorizationRequest:
    principal: Principal
    action: str  # "s3:GetObject"
    resources: Sequence[str] = ("*",)
    context: Mapping[str, Sequence[str] | str] = field(default_factory=dict)
    identity_policies: Sequence[Policy] = ()
    boundary: Policy | None = None
    session_policies: Sequence[Policy] = ()
    resource_policy: Policy | None = None
    resource_account: str | None = None  # None: the principal's own account
    # Role trust policies (and KMS key policies) must grant even within the account: the
    # identity side alone never suffices.
    resource_policy_required: bool = False


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str  # allowed | explicit-deny | implicit-deny | boundary | session-policy
    #              | no-resource-policy
    message: str  # AWS's AccessDenied wording
    policy: str = ""  # the deciding policy's name, when one decided
    statement: str = ""  # its Sid (or #index)
    resource: str = ""


def evaluate(request: AuthorizationRequest) -> Decision:
    context = request_context(request.principal, request.context)
    for resource in request.resources or ("*",):
        decision = _evaluate_resource(request, resource, context)
        if not decision.allowed:
            return decision
    return Decision(True, "allowed", "allowed", resource=",".join(request.resources))


def request_context(
    principal: Principal, given: Mapping[str, Sequence[str] | str]
) -> dict[str, Sequence[str]]:
    """The caller's keys (lower-cased; a string becomes a one-value list) over the keys the
    principal implies: aws:PrincipalArn, aws:PrincipalAccount, aws:PrincipalType, aws:userid,
    aws:username, aws:PrincipalTag/..., aws:CurrentTime, aws:EpochTime."""
    context: dict[str, Sequence[str]] = {}
    if principal.type not in _NO_IDENTITY_SIDE:
        context["aws:principalarn"] = [principal.role_arn or principal.arn]
        context["aws:principalaccount"] = [principal.account_id]
        context["aws:userid"] = [principal.user_id or principal.account_id]
        context["aws:principalisawsservice"] = ["false"]
    if principal.type in _PRINCIPAL_TYPE_KEY:
        context["aws:principaltype"] = [_PRINCIPAL_TYPE_KEY[principal.type]]
    if principal.type == USER and principal.name:
        context["aws:username"] = [principal.name]
    if principal.source_identity:
        context["aws:sourceidentity"] = [principal.source_identity]
    if principal.type == SERVICE:
        context["aws:principalisawsservice"] = ["true"]
        context["aws:principalservicename"] = [principal.arn]
    for key, value in principal.tags.items():
        context[f"aws:principaltag/{key.lower()}"] = [value]
    for key, given_value in given.items():
        context[key.lower()] = (
            [given_value] if isinstance(given_value, str) else [str(v) for v in given_value])
    if "aws:currenttime" not in context or "aws:epochtime" not in context:
        now_s = time.time()
        context.setdefault("aws:epochtime", [str(int(now_s))])
        context.setdefault(
            "aws:currenttime", [datetime.fromtimestamp(now_s, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")])
    return context


def _evaluate_resource(request: AuthorizationRequest, resource: str, context: Context) -> Decision:
    principal, action = request.principal, request.action
    identity_side: list[Policy] = [*request.identity_policies, *request.session_policies]
    if request.boundary is not None:
        identity_side.append(request.boundary)
    for policy in identity_side:
        denying = _first(policy, "Deny", action, resource, context, None)
        if denying is not None:
            return _denied(request, resource, "explicit-deny", policy, denying,
                           "with an explicit deny in " + _kind(request, policy))
    resource_policy = request.resource_policy
    grant = 0
    if resource_policy is not None:
        denying = _first(resource_policy, "Deny", action, resource, context, principal,
                         bounded=request.boundary is not None)
        if denying is not None:
            return _denied(request, resource, "explicit-deny", resource_policy, denying,
                           "with an explicit deny in a resource-based policy")
        grant = _grant(resource_policy, action, resource, context, principal)
    same_account = request.resource_account in (None, principal.account_id)
    if principal.type in _NO_IDENTITY_SIDE:
        if grant:
            return _allowed(resource)
        return _denied(request, resource, "no-resource-policy", None, None,
                       f"because no resource-based policy allows the {action} action")
    if principal.type == ROOT:
        if (same_account and not request.resource_policy_required) or grant:
            return _allowed(resource)
        return _denied(request, resource, "no-resource-policy", None, None,
                       f"because no resource-based policy allows the {action} action")
    boundary_allows = request.boundary is None or _allows(request.boundary, action, resource,
                                                          context)
    session_allows = not request.session_policies or any(
        _allows(p, action, resource, context) for p in request.session_policies)
    if same_account and (grant == DIRECT or (grant == ROLE and boundary_allows and session_allows)):
        return _allowed(resource)
    role_granted = same_account and grant == ROLE  # the boundary/session decide, not identity
    if not role_granted and not any(
        _allows(p, action, resource, context) for p in request.identity_policies
    ):
        return _denied(request, resource, "implicit-deny", None, None,
                       f"because no identity-based policy allows the {action} action")
    if not boundary_allows:
        return _denied(request, resource, "boundary", request.boundary, None,
                       f"because no permissions boundary allows the {action} action")
    if not session_allows:
        return _denied(request, resource, "session-policy", None, None,
                       f"because no session policy allows the {action} action")
    if (not same_account or request.resource_policy_required) and not grant:
        return _denied(request, resource, "no-resource-policy", None, None,
                       f"because no resource-based policy allows the {action} action")
    return _allowed(resource)


def matching_statements(
    policy: Policy, effect: str, action: str, resource: str, context: Context,
    principal: Principal | None = None, *, with_conditions: bool = True,
) -> list[Statement]:
    """The policy's statements of ``effect`` that apply to the request, by the engine's own
    matching (for the Simulate* answers; not used when enforcing). ``principal``: a resource
    policy's statements must name it; ``with_conditions=False`` ignores Condition blocks."""
    found = []
    for statement in policy.statements:
        if statement.effect != effect:
            continue
        if principal is not None and not _principal_strength(statement, principal):
            continue
        checked = statement if with_conditions else dataclasses.replace(statement, conditions=())
        if _applies(checked, policy, action, resource, context):
            found.append(statement)
    return found


def _allows(policy: Policy, action: str, resource: str, context: Context) -> bool:
    return _first(policy, "Allow", action, resource, context, None) is not None


def _first(
    policy: Policy, effect: str, action: str, resource: str, context: Context,
    principal: Principal | None, bounded: bool = False,
) -> Statement | None:
    for statement in policy.statements:
        if statement.effect != effect:
            continue
        if principal is not None and not _principal_strength(statement, principal, bounded):
            continue
        if _applies(statement, policy, action, resource, context):
            return statement
    return None


def _grant(
    policy: Policy, action: str, resource: str, context: Context, principal: Principal
) -> int:
    best = 0
    for statement in policy.statements:
        if statement.effect != "Allow":
            continue
        strength = _principal_strength(statement, principal)
        if strength > best and _applies(statement, policy, action, resource, context):
            best = strength
    return best


def _applies(
    statement: Statement, policy: Policy, action: str, resource: str, context: Context
) -> bool:
    action_listed = any(action_matches(pattern, action) for pattern in statement.actions)
    if action_listed == statement.not_action:
        return False
    if resource != "*" or statement.resources != ("*",):
        listed = any(_resource_matches(p, resource, policy, context) for p in statement.resources)
        if listed == statement.not_resource:
            return False
    return conditions_hold(statement.conditions, context, policy.uses_variables)


def _resource_matches(pattern: str, resource: str, policy: Policy, context: Context) -> bool:
    if policy.uses_variables and has_variables(pattern):
        substituted = substitute(pattern, context)
        if substituted is None:
            return False
        return literal_aware_match(substituted, resource)
    return literal_aware_match(pattern, resource)


def _principal_strength(statement: Statement, principal: Principal, bounded: bool = False) -> int:
    """How the statement's Principal names this principal (0: it does not). A NotPrincipal
    never spares a principal that has a permissions boundary (``bounded``), as the IAM User
    Guide's NotPrincipal page warns."""
    element = statement.principal
    if element is None:
        return DIRECT
    if statement.not_principal and bounded:
        return DIRECT
    strength = _named(element, principal)
    if statement.not_principal:
        return 0 if strength else DIRECT
    return strength


def _named(element: PrincipalElement, principal: Principal) -> int:
    if element.anyone:
        return DIRECT
    if principal.type == SERVICE:
        return DIRECT if principal.arn in element.service else 0
    if principal.type == WEB_IDENTITY:
        return DIRECT if principal.arn in element.federated else 0
    best = 0
    for name in element.aws:
        if name == "*" or name == principal.arn:
            return DIRECT
        if principal.role_arn and name == principal.role_arn:
            best = max(best, ROLE)
        elif name in (principal.account_id, f"arn:aws:iam::{principal.account_id}:root"):
            best = max(best, DIRECT if principal.type == ROOT else ACCOUNT)
    if principal.account_id and canonical_user_id(principal.account_id) in (
            element.canonical_user):  # S3 names an account by its canonical user id
        best = max(best, DIRECT if principal.type == ROOT else ACCOUNT)
    return best


def _kind(request: AuthorizationRequest, policy: Policy) -> str:
    if policy is request.boundary:
        return "a permissions boundary"
    if any(policy is p for p in request.session_policies):
        return "a session policy"
    return "an identity-based policy"


def _allowed(resource: str) -> Decision:
    return Decision(True, "allowed", "allowed", resource=resource)


def _denied(
    request: AuthorizationRequest, resource: str, reason: str, policy: Policy | None,
    statement: Statement | None, why: str,
) -> Decision:
    principal = request.principal
    who = {ROOT: "Account", ASSUMED_ROLE: "User", SERVICE: "Service"}.get(principal.type, "User")
    on = f" on resource: {resource}" if resource != "*" else ""
    message = f"{who}: {principal.arn} is not authorized to perform: {request.action}{on} {why}"
    return Decision(False, reason, message, policy.name if policy else "",
                    statement.label if statement else "", resource)
