"""May this caller do this? IAM's policy evaluation for every request, per the IAM mode.

``authorize(ctx, params)`` runs after parsing, before the provider: the operation's action and
resources come from ``iam.actions`` (the one map), the caller's identity policies from IAM,
and the resource-based policy from the owning service's ``resource_policy.py``. ``audit``
logs each would-be denial with its reason and serves anyway; ``enforce`` refuses with the
service's own AccessDenied error, worded as AWS words it.
"""

from __future__ import annotations

import importlib
import importlib.util
import logging
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from functools import lru_cache
from typing import TYPE_CHECKING, Any

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
from pocketcloud.iam.actions import SKIP_AUTHORIZATION, Target, authorization_target
from pocketcloud.services.iam.schema import generation as iam_generation
from pocketcloud.services.registry import PROVIDERS

if TYPE_CHECKING:
    from pocketcloud.cloud import Cloud
    from pocketcloud.context import RequestContext

log = logging.getLogger("pocketcloud.iam")

ResourcePolicyLookup = Callable[["Cloud", str], "str | None"]
ResourceAccountLookup = Callable[["Cloud", str], "str | None"]
DecisionVersion = Callable[["Cloud", str], object]  # None: decisions about it are not kept
# (policy, owner) of a resource for one action, when not its usual ones (S3: an object another
# account owns, for the operations S3 decides in the object owner's context); else None
ActionSide = Callable[["Cloud", str, str, Mapping[str, Any]], "tuple[str | None, str] | None"]

# The services whose denial is not a plain AccessDenied(Exception).
_DENIAL_ERRORS = {
    "ec2": ("UnauthorizedOperation", 403),
    "sns": ("AuthorizationError", 403),
    "sqs": ("AccessDenied", 403),
}


def authorize(ctx: RequestContext, params: Mapping[str, Any]) -> None:
    """Raise the service's AccessDenied when IAM enforces and policy does not allow."""
    mode = ctx.cloud.settings.iam
    if mode == "off" or (ctx.service, ctx.operation) in SKIP_AUTHORIZATION:
        return
    target = authorization_target(ctx.service, ctx.operation, params, ctx)
    decision = decide(ctx, target)
    if decision.allowed or _may_change_own_password(ctx):
        return
    if mode == "audit":
        log.warning("%s audit: would deny %s: %s (%s)", ctx.request_id, target.action,
                    decision.message, decision.reason)
        return
    encoded = _encoded_message(ctx, target, decision) if _carries_encoded(ctx) else ""
    raise denial_error(ctx.service, ctx.protocol, decision.message, encoded)


def _carries_encoded(ctx: RequestContext) -> bool:
    """In AWS only EC2 encodes why it refused, and not for its Describe* reads."""
    return ctx.service == "ec2" and not ctx.operation.startswith("Describe")


def _encoded_message(ctx: RequestContext, target: Target, decision: Decision) -> str:
    from pocketcloud.services.sts.authorization_messages import encode

    principal, _ = _principal_side(ctx)
    conditions = {**_principal_keys(principal), **_request_keys(ctx), **target.context}
    return encode(ctx.cloud, decision, principal, target.action,
                  decision.resource or target.resources[0], conditions)


def _principal_keys(principal: Principal) -> dict[str, str]:
    keys = {"aws:PrincipalArn": principal.role_arn or principal.arn,
            "aws:PrincipalAccount": principal.account_id,
            "aws:userid": principal.user_id or principal.account_id}
    if principal.name:
        keys["aws:username"] = principal.name
    return keys


def _may_change_own_password(ctx: RequestContext) -> bool:
    """The password policy's AllowUsersToChangePassword lets every IAM user change their own
    password without a policy that allows iam:ChangePassword (asked only after a denial)."""
    if (ctx.service, ctx.operation) != ("iam", "ChangePassword"):
        return False
    from pocketcloud.services.iam.passwords import users_may_change_password

    return users_may_change_password(ctx)


def decide(ctx: RequestContext, target: Target) -> Decision:
    token = _decision_token(ctx, target)
    if token is not None:
        remembered = _whole_decisions.get(token)
        if remembered is not None:
            return remembered
    decision, static = _evaluate(ctx, target)
    if token is not None and static:
        if len(_whole_decisions) >= MAX_CACHED_DECISIONS:
            _whole_decisions.clear()
        _whole_decisions[token] = decision
    return decision


# Whole decisions by who asks, what and which resources, valid while IAM's generation and
# each resource's service-side version (resource_policy.decision_version) stay the same.
# Only decisions that no Condition or policy variable took part in are kept.
_whole_decisions: dict[tuple[Any, ...], Decision] = {}


def _decision_token(ctx: RequestContext, target: Target) -> tuple[Any, ...] | None:
    """The key of a whole decision; None when it may not be kept. Made on every request, so
    flat: one resource (a string) and its version, or the tuples of several."""
    caller = ctx.caller
    if caller is None:
        return None
    hooks = _hooks_by_service.get(ctx.service, _UNKNOWN)
    if hooks is _UNKNOWN:
        hooks = _hooks(ctx.service)
    cloud = ctx.cloud
    resources = target.resources
    if hooks is None:
        version: object = ()
    elif hooks[2] is None:
        return None  # the service cannot say when its resource policies change
    elif len(resources) == 1:
        version = hooks[2](cloud, resources[0])
        if version is None:
            return None
    else:
        version = tuple([hooks[2](cloud, resource) for resource in resources])
        if None in version:  # type: ignore[operator]
            return None
    # the store's id: generations count per store, and stores live as long as the process
    return (id(cloud.store), caller.identity, ctx.account_id, target.action,
            iam_generation(cloud), resources[0] if len(resources) == 1 else tuple(resources),
            version)


def _evaluate(ctx: RequestContext, target: Target) -> tuple[Decision, bool]:
    """The decision, and whether it depended on nothing but who, what and which policies."""
    principal, identity = _principal_side(ctx)
    static = True
    context: dict[str, Any] | None = None
    decision = Decision(True, "allowed", "allowed")
    for resource in target.resources:
        policy, owner = _resource_side(ctx.cloud, ctx.service, resource, target)
        foreign = owner if owner and owner != principal.account_id else None
        key = (principal.arn, principal.type, principal.account_id, target.action, resource,
               id(identity), id(policy), foreign)
        found = _decisions.get(key)
        if found is not None:
            decision = found[0]
        else:
            if context is None:
                context = {**_request_keys(ctx), **target.context}
            request = AuthorizationRequest(
                principal=principal, action=target.action, resources=[resource],
                context={**context, **_resource_keys(ctx, target, resource, identity, policy)},
                identity_policies=identity.identity if identity else (),
                boundary=identity.boundary if identity else None,
                session_policies=identity.session if identity else (),
                resource_policy=policy, resource_account=foreign,
            )
            decision = evaluate(request)
            if _static(request):
                _remember(key, decision, identity, policy)
            else:
                static = False
        if not decision.allowed:
            return decision, static
    return decision, static


# Decisions that depend on nothing but who, what and which policies: no Condition and no
# policy variable in any statement. The key holds the policy objects' ids, and the entry
# holds the objects, so an id cannot be reused while its entry lives; IAM's caches hand
# out new objects when IAM changes, so a changed policy misses.
_decisions: dict[tuple[Any, ...], tuple[Decision, Any, Any]] = {}
MAX_CACHED_DECISIONS = 10_000


def _remember(key: tuple[Any, ...], decision: Decision, identity: Any, policy: Any) -> None:
    if len(_decisions) >= MAX_CACHED_DECISIONS:
        _decisions.clear()
    _decisions[key] = (decision, identity, policy)


def _static(request: AuthorizationRequest) -> bool:
    policies = [*request.identity_policies, *request.session_policies, request.boundary,
                request.resource_policy]
    return all(not statement.conditions and "${" not in "".join(statement.resources)
               for policy in policies if policy is not None for statement in policy.statements)


def _principal_side(ctx: RequestContext) -> tuple[Principal, Any]:
    from pocketcloud.services.iam.credentials import (
        authorization_principal,
        caller_of,
        principal_policies,
    )

    caller = ctx.caller
    if caller is not None and caller.principal_type == "service":
        return Principal(caller.principal_arn, ctx.account_id, "service"), None
    if caller is not None and caller.principal_type == "anonymous":
        return Principal("*", "", "anonymous"), None
    credential = caller_of(ctx)
    principal = authorization_principal(ctx.cloud, credential)
    if credential.principal_type == "root":
        return principal, None
    return principal, principal_policies(ctx.cloud, credential)


def _request_keys(ctx: RequestContext) -> dict[str, Any]:
    current_time, epoch_time = _time_keys(int(ctx.cloud.clock.now()))
    keys: dict[str, Any] = {
        "aws:RequestedRegion": ctx.region,
        "aws:CurrentTime": current_time,
        "aws:EpochTime": epoch_time,
        "aws:SecureTransport": "false",  # pocketcloud speaks plain HTTP on loopback
    }
    if ctx.request is not None and ctx.request.client_ip:
        keys["aws:SourceIp"] = ctx.request.client_ip
    caller = ctx.caller
    if caller is not None and caller.source_arn:
        keys["aws:SourceArn"] = caller.source_arn
        keys["aws:SourceAccount"] = caller.account_id
    if caller is not None and caller.session_token:
        keys["aws:TokenIssueTime"] = keys["aws:CurrentTime"]
        # present for temporary credentials only; long-term keys leave it out, which is what
        # BoolIfExists/Null policies test for
        keys.update(mfa_keys(caller.mfa_authenticated_at, ctx.cloud.clock.now()))
    return keys


def mfa_keys(mfa_at: float | None, now_s: float) -> dict[str, str]:
    """aws:MultiFactorAuthPresent, and aws:MultiFactorAuthAge (seconds since the code was
    checked) for a session made with an MFA code."""
    if mfa_at is None:
        return {"aws:MultiFactorAuthPresent": "false"}
    return {"aws:MultiFactorAuthPresent": "true",
            "aws:MultiFactorAuthAge": str(max(0, int(now_s - mfa_at)))}


@lru_cache(maxsize=4)
def _time_keys(epoch_s: int) -> tuple[str, str]:
    """aws:CurrentTime and aws:EpochTime for this second (formatting once per second)."""
    moment = datetime.fromtimestamp(epoch_s, UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ"), str(epoch_s)


def _resource_side(
    cloud: Cloud, service: str, resource: str, target: Target
) -> tuple[Policy | None, str | None]:
    if resource == "*":
        return None, None
    owner = _arn_account(resource)
    hooks = _hooks(service)
    if hooks is None:
        return None, owner
    policy_of, account_of, _, action_side = hooks
    side = action_side(cloud, target.action, resource, target.params or {}) if action_side else None
    if side is not None:
        document, owner = side
    else:
        if owner is None and account_of is not None:
            owner = account_of(cloud, resource)
        document = policy_of(cloud, resource)
    if not document:
        return None, owner
    try:
        return _resource_policy(document, resource), owner
    except PolicyError:  # a stored policy was validated when it was put; grant nothing
        return None, owner


@lru_cache(maxsize=1024)
def _resource_policy(document: str, resource: str) -> Policy:
    """The same Policy object for the same document, so decisions kept by its id hit."""
    return parse_policy(document, "resource", f"resource policy of {resource}")


ResourceKeys = Callable[["Cloud", str, str, Mapping[str, Any]], dict[str, Any]]
_resource_keys_by_service: dict[str, ResourceKeys | None] = {}


def _resource_keys(ctx: RequestContext, target: Target, resource: str, identity: Any,
                   policy: Policy | None) -> dict[str, Any]:
    """Condition keys the resource itself supplies (S3's s3:ExistingObjectTag/<key>), from
    the service's resource_policy.resource_condition_keys(cloud, action, arn, params); asked
    only when a policy in play names such a key (it costs the service a read)."""
    if ctx.service not in _resource_keys_by_service:
        module = _hooks(ctx.service) and importlib.import_module(
            PROVIDERS[ctx.service].rsplit(".", 1)[0] + ".resource_policy")
        _resource_keys_by_service[ctx.service] = getattr(
            module, "resource_condition_keys", None) if module else None
    hook = _resource_keys_by_service[ctx.service]
    if hook is None or resource == "*":
        return {}
    policies = [policy, *(identity.identity if identity else ()),
                *(identity.session if identity else ()), identity.boundary if identity else None]
    if not any(_may_name_resource_keys(p) for p in policies if p is not None):
        return {}
    return hook(ctx.cloud, target.action, resource, target.params or {})


def _may_name_resource_keys(policy: Policy) -> bool:
    document = policy.document
    return not document or _RESOURCE_KEY_MARK in document.lower()


_RESOURCE_KEY_MARK = "existingobjecttag"  # condition keys are case-insensitive


def _arn_account(resource: str) -> str | None:
    parts = resource.split(":", 5)
    return parts[4] if len(parts) == 6 and parts[4] else None


Hooks = tuple[ResourcePolicyLookup, ResourceAccountLookup | None, DecisionVersion | None,
              ActionSide | None]
_hooks_by_service: dict[str, Hooks | None] = {}
_UNKNOWN: Any = object()  # a service whose hooks are not looked up yet


def _hooks(service: str) -> Hooks | None:
    """The service's resource_policy module's functions (found once per service)."""
    if service in _hooks_by_service:
        return _hooks_by_service[service]
    provider = PROVIDERS.get(service)
    found: Hooks | None = None
    if provider is not None:
        name = provider.rsplit(".", 1)[0] + ".resource_policy"
        if importlib.util.find_spec(name) is not None:
            module = importlib.import_module(name)
            found = (module.resource_policy, getattr(module, "resource_account", None),
                     getattr(module, "decision_version", None),
                     getattr(module, "action_side", None))
    _hooks_by_service[service] = found
    return found


def denial_error(service: str, protocol: str, message: str, encoded: str = "") -> AwsError:
    """``encoded``: an encoded authorization failure message (STS DecodeAuthorizationMessage
    reads it), which EC2 appends to its message."""
    code, status = _DENIAL_ERRORS.get(service) or (
        ("AccessDeniedException", 400) if protocol == "json" else
        ("AccessDeniedException", 403) if protocol in ("rest-json", "smithy-rpc-v2-cbor") else
        ("AccessDenied", 403))
    if service == "ec2":
        message = f"You are not authorized to perform this operation. {message}"
        if encoded:
            message += f" Encoded authorization failure message: {encoded}"
    return AwsError(code, message, status)
