"""Account-wide IAM settings: the alias, the password policy, the summary, STS's token
version."""

from __future__ import annotations

import json
import re
from typing import Any

from pocketcloud.context import RequestContext
from pocketcloud.errors import AwsError
from pocketcloud.services.iam import mfa, saml_providers, server_certificates
from pocketcloud.services.iam.common import (
    already_exists,
    no_such_entity,
    page,
)
from pocketcloud.services.iam.schema import reading, writing

_ALIAS = re.compile(r"[a-z0-9]([a-z0-9]|-(?!-)){1,61}[a-z0-9]")
# HardExpiry is left out of the policy unless it was set (as recorded from AWS)
_PASSWORD_POLICY_DEFAULTS = {
    "MinimumPasswordLength": 6, "RequireSymbols": False, "RequireNumbers": False,
    "RequireUppercaseCharacters": False, "RequireLowercaseCharacters": False,
    "AllowUsersToChangePassword": False,
}
# member, wire name, lowest, highest: IAM reports every one out of range, in this order
_PASSWORD_POLICY_RANGES = (
    ("MinimumPasswordLength", "minimumPasswordLength", 6, 128),
    ("PasswordReusePrevention", "passwordReusePrevention", 1, 24),
    ("MaxPasswordAge", "maxPasswordAge", 1, 1095),
)
# SetSecurityTokenServicePreferences' values -> GetAccountSummary's GlobalEndpointTokenVersion
TOKEN_VERSIONS = {"v1Token": 1, "v2Token": 2}


def create_account_alias(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    alias = params["AccountAlias"]
    if not _ALIAS.fullmatch(alias):
        raise AwsError("ValidationError", f"1 validation error detected: Value '{alias}' at "
                       "'accountAlias' failed to satisfy constraint: Member must satisfy regular "
                       r"expression pattern: ^[a-z0-9]([a-z0-9]|-(?!-)){1,61}[a-z0-9]$")
    with writing(ctx.cloud) as tx:
        owner = tx.fetchvalue("SELECT account_id FROM iam_account_settings WHERE name = 'alias' "
                              "AND value = ?", (alias,))
        if owner is not None:
            raise already_exists(f"The account alias {alias} already exists.")
        tx.execute("INSERT INTO iam_account_settings (account_id, name, value) VALUES "
                   "(?, 'alias', ?) ON CONFLICT (account_id, name) DO UPDATE SET "
                   "value = excluded.value", (ctx.account_id, alias))
    return {}


def list_account_aliases(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    alias = _setting(ctx, "alias")
    return page([alias] if alias else [], params, "AccountAliases")


def delete_account_alias(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    with writing(ctx.cloud) as tx:
        deleted = tx.execute("DELETE FROM iam_account_settings WHERE account_id = ? AND "
                             "name = 'alias' AND value = ?",
                             (ctx.account_id, params["AccountAlias"]))
    if not deleted:
        raise no_such_entity(f"The account alias {params['AccountAlias']} cannot be found.")
    return {}


def update_account_password_policy(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    policy = {**_PASSWORD_POLICY_DEFAULTS, **params}
    _check_password_policy_ranges(policy)
    with writing(ctx.cloud) as tx:
        tx.execute("INSERT INTO iam_account_settings (account_id, name, value) VALUES "
                   "(?, 'password_policy', ?) ON CONFLICT (account_id, name) DO UPDATE SET "
                   "value = excluded.value", (ctx.account_id, json.dumps(policy)))
    return {}


def _check_password_policy_ranges(policy: dict[str, Any]) -> None:
    problems = []
    for member, wire, lowest, highest in _PASSWORD_POLICY_RANGES:
        value = policy.get(member)
        if value is None or lowest <= value <= highest:
            continue
        bound = (f"less than or equal to {highest}" if value > highest
                 else f"greater than or equal to {lowest}")
        problems.append(f"Value at '{wire}' failed to satisfy constraint: Member must have "
                        f"value {bound}")
    if problems:
        count = f"{len(problems)} validation error{'s' if len(problems) > 1 else ''}"
        raise AwsError("ValidationError", f"{count} detected: " + "; ".join(problems))


def get_account_password_policy(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    stored = _setting(ctx, "password_policy")
    if stored is None:
        raise no_such_entity(f"The Password Policy with domain name {ctx.account_id} cannot be "
                             "found.")
    policy = json.loads(stored)
    policy["ExpirePasswords"] = bool(policy.get("MaxPasswordAge"))
    return {"PasswordPolicy": policy}


def delete_account_password_policy(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    with writing(ctx.cloud) as tx:
        deleted = tx.execute("DELETE FROM iam_account_settings WHERE account_id = ? AND "
                             "name = 'password_policy'", (ctx.account_id,))
    if not deleted:
        raise no_such_entity("The account policy with name PasswordPolicy cannot be found.")
    return {}


def get_account_summary(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    counts = {
        "Users": "SELECT COUNT(*) FROM iam_users WHERE account_id = ?",
        "Groups": "SELECT COUNT(*) FROM iam_groups WHERE account_id = ?",
        "Roles": "SELECT COUNT(*) FROM iam_roles WHERE account_id = ?",
        "Policies": "SELECT COUNT(*) FROM iam_policies WHERE account_id = ?",
        "InstanceProfiles": "SELECT COUNT(*) FROM iam_instance_profiles WHERE account_id = ?",
        "PolicyVersionsInUse": "SELECT COUNT(*) FROM iam_attachments WHERE account_id = ?",
        "Providers": "SELECT COUNT(*) FROM iam_oidc_providers WHERE account_id = ?",
    }
    with reading(ctx.cloud) as tx:
        summary = {name: tx.fetchvalue(sql, (ctx.account_id,), 0) for name, sql in counts.items()}
        summary["Providers"] += saml_providers.provider_count(tx, ctx.account_id)
        devices, in_use = mfa.device_counts(tx, ctx.account_id)
        certificates = server_certificates.certificate_count(tx, ctx.account_id)
    summary.update({
        "UsersQuota": 5000, "GroupsQuota": 300, "RolesQuota": 1000, "PoliciesQuota": 1500,
        "InstanceProfilesQuota": 1000, "GroupsPerUserQuota": 10, "AttachedPoliciesPerUserQuota": 10,
        "AttachedPoliciesPerRoleQuota": 10, "AttachedPoliciesPerGroupQuota": 10,
        "AccessKeysPerUserQuota": 2, "VersionsPerPolicyQuota": 5, "PolicySizeQuota": 6144,
        "UserPolicySizeQuota": 2048, "RolePolicySizeQuota": 10240, "GroupPolicySizeQuota": 5120,
        # AccountMFAEnabled is the root user's MFA, set up only in the console
        "AccountMFAEnabled": 0, "AccountAccessKeysPresent": 0, "MFADevices": devices,
        "MFADevicesInUse": in_use, "ServerCertificates": certificates,
        "ServerCertificatesQuota": server_certificates.MAX_CERTIFICATES,
        "GlobalEndpointTokenVersion": TOKEN_VERSIONS.get(_setting(ctx, "token_version") or "", 1),
        "AccountPasswordPresent": 0,
        "AccountSigningCertificatesPresent": 0, "AssumeRolePolicySizeQuota": 2048,
        "PolicyVersionsInUseQuota": 10000, "SigningCertificatesPerUserQuota": 2,
    })
    return {"SummaryMap": summary}


def set_security_token_service_preferences(
    ctx: RequestContext, params: dict[str, Any]
) -> dict[str, Any]:
    """Which session tokens STS's global endpoint issues: v1 (valid only in regions enabled by
    default) or v2 (valid in every region, and longer)."""
    version = params["GlobalEndpointTokenVersion"]
    if version not in TOKEN_VERSIONS:
        raise AwsError("ValidationError", f"1 validation error detected: Value '{version}' at "
                       "'globalEndpointTokenVersion' failed to satisfy constraint: Member must "
                       "satisfy enum value set: [v1Token, v2Token]")
    with writing(ctx.cloud) as tx:
        tx.execute("INSERT INTO iam_account_settings (account_id, name, value) VALUES "
                   "(?, 'token_version', ?) ON CONFLICT (account_id, name) DO UPDATE SET "
                   "value = excluded.value", (ctx.account_id, version))
    return {}


def _setting(ctx: RequestContext, name: str) -> str | None:
    with reading(ctx.cloud) as tx:
        value: str | None = tx.fetchvalue("SELECT value FROM iam_account_settings WHERE "
                                          "account_id = ? AND name = ?", (ctx.account_id, name))
    return value
