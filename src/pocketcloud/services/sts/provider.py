"""AWS Security Token Service: who am I, and temporary credentials.

GetCallerIdentity answers the real principal (an IAM user, an assumed-role session, or the
account's root). AssumeRole checks the role's trust policy and the caller's policies with the
evaluation engine (sts/trust.py), AssumeRoleWithWebIdentity takes tokens from the local
identity provider documented in sts/web_identity.py, and every temporary credential expires
on the cloud clock.
"""

from __future__ import annotations

import json
from typing import Any

from pocketcloud.context import RequestContext
from pocketcloud.errors import AwsError
from pocketcloud.gateway.scope import account_for_access_key
from pocketcloud.iam import Principal
from pocketcloud.services.iam.common import policy_document
from pocketcloud.services.iam.credentials import caller_of, lookup_access_key
from pocketcloud.services.iam.managed import default_document
from pocketcloud.services.iam.schema import reading, writing
from pocketcloud.services.sts import (
    mfa,
    packing,
    sessions,
    tags,
    trust,
    validation,
    web_identity,
)
from pocketcloud.services.sts.authorization_messages import (
    decode_authorization_message as decode_authorization_message,  # served from there
)
from pocketcloud.services.sts.outbound_tokens import (
    get_web_identity_token as get_web_identity_token,  # served from there
)

DEFAULT_DURATION_S = 3600
CHAINED_MAX_DURATION_S = 3600
SESSION_TOKEN_DEFAULT_S = 43200
ROOT_SESSION_TOKEN_MAX_S = 3600


def get_caller_identity(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    caller = caller_of(ctx)
    return {"UserId": caller.user_id or caller.account_id, "Account": caller.account_id,
            "Arn": caller.principal_arn}


def get_access_key_info(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    key_id = params["AccessKeyId"]  # its length and pattern: the model's checks, run first
    found = lookup_access_key(ctx.cloud, key_id)
    return {"Account": found.account_id if found else account_for_access_key(key_id)}


def assume_role(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    validation.role_request(params)
    caller = caller_of(ctx)
    session_name = params["RoleSessionName"]
    role = trust.find_role(ctx, params["RoleArn"], caller.principal_arn, "sts:AssumeRole")
    chained = caller.principal_type == "assumed-role"
    duration_s = _duration(params.get("DurationSeconds"), role.max_session_s, chained)
    trust.refuse_root(ctx, caller, "sts:AssumeRole", role.arn)
    requested_tags = tags.requested(params)
    session_tags, transitive = tags.for_session(caller, requested_tags, params)
    trust.keep_source_identity(caller, params.get("SourceIdentity"), role.arn)
    source_identity = caller.source_identity or params.get("SourceIdentity")
    mfa_at = mfa.verified_at(ctx, caller, params)
    context = {**_assume_context(params, source_identity, requested_tags),
               **mfa.context_keys(caller, mfa_at, ctx.cloud.clock.now())}
    principal = trust.caller_principal(ctx, caller)
    for action in _trust_actions(params):
        trust.check_trust(ctx, role, principal, action, context, caller)
    policies = _session_policies(ctx, role.account_id, params)
    packed = packing.packed_size(params, session_tags)
    # a session made with MFA, or from an MFA session, carries it on
    return _role_session(ctx, role, session_name, duration_s, policies, source_identity,
                         session_tags, chained, packed, transitive,
                         mfa_at if mfa_at is not None else caller.mfa_authenticated_at)


def _assume_context(
    params: dict[str, Any], source_identity: str | None, tags: dict[str, str]
) -> dict[str, Any]:
    """The condition keys AssumeRole's trust check sees."""
    context: dict[str, Any] = {"sts:RoleSessionName": params["RoleSessionName"]}
    if params.get("ExternalId"):
        context["sts:ExternalId"] = params["ExternalId"]
    if source_identity:
        context["sts:SourceIdentity"] = source_identity
    for key, value in tags.items():
        context[f"aws:RequestTag/{key}"] = value
    if tags:
        context["aws:TagKeys"] = list(tags)
    if params.get("TransitiveTagKeys"):
        context["sts:TransitiveTagKeys"] = list(params["TransitiveTagKeys"])
    return context


def _trust_actions(params: dict[str, Any]) -> list[str]:
    """Passing session tags or a source identity takes its own permission in the trust
    policy (and the caller's policies), as AWS documents: sts:TagSession,
    sts:SetSourceIdentity."""
    actions = ["sts:AssumeRole"]
    if params.get("Tags") or params.get("TransitiveTagKeys"):
        actions.append("sts:TagSession")
    if params.get("SourceIdentity"):
        actions.append("sts:SetSourceIdentity")
    return actions


def assume_role_with_web_identity(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    validation.role_request(params)
    session_name = params["RoleSessionName"]
    identity = web_identity.decode(params["WebIdentityToken"])
    role = trust.find_role(ctx, params["RoleArn"], identity.issuer,
                           "sts:AssumeRoleWithWebIdentity")
    provider_arn = f"arn:aws:iam::{role.account_id}:oidc-provider/{identity.issuer}"
    with reading(ctx.cloud) as tx:
        row = tx.fetchone("SELECT client_ids, thumbprints FROM iam_oidc_providers WHERE "
                          "account_id = ? AND arn = ?", (role.account_id, provider_arn))
    if row is None:
        raise AwsError("InvalidIdentityTokenException", "No OpenIDConnect provider found in "
                       f"your account for https://{identity.issuer}")
    web_identity.verify(identity, json.loads(row[0]), json.loads(row[1]), ctx.cloud.clock.now())
    duration_s = _duration(params.get("DurationSeconds"), role.max_session_s, False)
    context: dict[str, Any] = {f"{identity.issuer}:aud": identity.audience,
                               f"{identity.issuer}:sub": identity.subject}
    if "amr" in identity.claims:
        amr = identity.claims["amr"]
        context[f"{identity.issuer}:amr"] = [str(a) for a in amr] if isinstance(
            amr, list) else str(amr)
    principal = Principal(provider_arn, "", "web-identity")
    trust.check_trust(ctx, role, principal, "sts:AssumeRoleWithWebIdentity", context, None)
    policies = _session_policies(ctx, role.account_id, params)
    result = _role_session(ctx, role, session_name, duration_s, policies, None, {}, False,
                           packing.packed_size(params, {}))
    return {**result, "SubjectFromWebIdentityToken": identity.subject,
            "Provider": provider_arn, "Audience": identity.audience}


def get_session_token(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    caller = caller_of(ctx)
    if caller.session_token is not None:
        raise AwsError("AccessDenied", "Cannot call GetSessionToken with session credentials",
                       403)
    duration_s = params.get("DurationSeconds") or SESSION_TOKEN_DEFAULT_S
    if caller.principal_type == "root":  # AWS shortens a root session to an hour, no error
        duration_s = min(duration_s, ROOT_SESSION_TOKEN_MAX_S)
    credentials = sessions.issue(
        ctx, account_id=caller.account_id, principal_arn=caller.principal_arn,
        principal_type=caller.principal_type, user_id=caller.user_id or caller.account_id,
        duration_s=duration_s, mfa_at=mfa.verified_at(ctx, caller, params))
    return {"Credentials": credentials}


def get_federation_token(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """Temporary credentials for a federated user named by the caller: an IAM user's (or
    the root user's) long-term keys only. Its permissions: the caller's policies intersected
    with the session policies (credentials.py)."""
    caller = caller_of(ctx)
    if caller.session_token is not None:
        raise AwsError("AccessDenied", "Cannot call GetFederationToken with session "
                       "credentials", 403)
    name = params["Name"]  # its pattern and length: the model's, checked before
    validation.federation_request(params)
    duration_s = params.get("DurationSeconds") or SESSION_TOKEN_DEFAULT_S
    if caller.principal_type == "root":  # an hour at most, shortened as GetSessionToken's
        duration_s = min(duration_s, ROOT_SESSION_TOKEN_MAX_S)
    policies = _session_policies(ctx, caller.account_id, params)
    session_tags = tags.requested(params)
    packed = packing.packed_size(params, session_tags)
    arn = f"arn:aws:sts::{caller.account_id}:federated-user/{name}"
    user_id = f"{caller.account_id}:{name}"
    credentials = sessions.issue(
        ctx, account_id=caller.account_id, principal_arn=arn, principal_type="federated-user",
        user_id=user_id, duration_s=duration_s, session_policies=policies, tags=session_tags,
        source_user_arn=caller.principal_arn)
    return {"Credentials": credentials,
            "FederatedUser": {"FederatedUserId": user_id, "Arn": arn},
            # 0 when nothing was packed, as recorded from AWS
            "PackedPolicySize": packed if policies or session_tags else 0}


def _role_session(
    ctx: RequestContext, role: trust.Role, session_name: str, duration_s: int,
    policies: list[str], source_identity: str | None, tags: dict[str, str], chained: bool,
    packed: int, transitive_keys: list[str] | None = None, mfa_at: float | None = None,
) -> dict[str, Any]:
    arn = f"arn:aws:sts::{role.account_id}:assumed-role/{role.name}/{session_name}"
    user_id = f"{role.role_id}:{session_name}"
    credentials = sessions.issue(
        ctx, account_id=role.account_id, principal_arn=arn, principal_type="assumed-role",
        user_id=user_id, duration_s=duration_s, role_arn=role.arn, session_policies=policies,
        source_identity=source_identity, tags=tags, chained=chained,
        transitive_keys=transitive_keys, mfa_at=mfa_at)
    with writing(ctx.cloud) as tx:
        tx.execute("UPDATE iam_roles SET last_used = ?, last_used_region = ? WHERE "
                   "account_id = ? AND name = ?",
                   (ctx.cloud.clock.now(), ctx.region, role.account_id, role.name))
    result: dict[str, Any] = {
        "Credentials": credentials, "AssumedRoleUser": {"AssumedRoleId": user_id, "Arn": arn}}
    if policies or tags:  # AWS leaves PackedPolicySize out when nothing was packed
        result["PackedPolicySize"] = packed
    if source_identity:
        result["SourceIdentity"] = source_identity
    return result


def _duration(requested: int | None, max_session_s: int, chained: bool) -> int:
    duration_s = requested or DEFAULT_DURATION_S  # in range: the model's constraint
    if chained and duration_s > CHAINED_MAX_DURATION_S:
        raise AwsError("ValidationError", "The requested DurationSeconds exceeds the 1 hour "
                       "session limit for roles assumed by role chaining.")
    if duration_s > max_session_s:
        raise AwsError("ValidationError", "The requested DurationSeconds exceeds the "
                       "MaxSessionDuration set for this role.")
    return duration_s


def _session_policies(ctx: RequestContext, account_id: str, params: dict[str, Any]) -> list[str]:
    """The inline Policy and the managed PolicyArns' default documents, validated."""
    documents = []
    if params.get("Policy"):
        policy_document(params["Policy"])  # its length: validation.role_request
        documents.append(params["Policy"])
    arns = [p["arn"] for p in params.get("PolicyArns") or [] if p.get("arn")]
    with reading(ctx.cloud) as tx:
        for arn in arns:
            document = default_document(tx, account_id, arn)
            if document is None:
                raise AwsError("InvalidParameterValue", f"Policy {arn} does not exist or is not "
                               "attachable.")
            documents.append(document)
    return documents

