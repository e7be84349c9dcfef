"""IAM's operations (a global service: every resource belongs to an account, none to a region).

Operations act in the caller's account: the account of the signing key as IAM knows it (an
IAM user's or session's key), else the account the gateway derived from the key.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from pocketcloud.context import RequestContext
from pocketcloud.services.iam import (
    access_keys,
    access_reports,
    account,
    authorization_details,
    context_keys,
    credential_report,
    inline,
    login_profiles,
    managed,
    mfa,
    names,
    oidc_providers,
    outbound_federation,
    passwords,
    roles,
    saml_providers,
    server_certificates,
    service_credentials,
    service_linked,
    simulation,
    tags,
    user_credentials,
    users,
)
from pocketcloud.services.iam.credentials import caller_of

Operation = Callable[[RequestContext, dict[str, Any]], dict[str, Any]]


def _in_callers_account(function: Operation) -> Operation:
    @functools.wraps(function)
    def operation(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        ctx.account_id = caller_of(ctx).account_id
        return function(ctx, names.as_stored(ctx, function.__name__, params))

    return operation


_MODULES = (users, login_profiles, roles, managed, inline, access_keys, account, simulation,
            service_linked, mfa, saml_providers, server_certificates, user_credentials,
            service_credentials, passwords, authorization_details, credential_report,
            context_keys, access_reports, oidc_providers, outbound_federation)
_OPERATIONS = {
    name: _in_callers_account(value)
    for module in _MODULES
    for name, value in vars(module).items()
    if callable(value) and not name.startswith("_") and getattr(value, "__module__", "")
    == module.__name__ and name.split("_")[0] in (
        "create", "get", "list", "update", "delete", "tag", "untag", "put", "attach", "detach",
        "add", "remove", "set", "simulate", "enable", "deactivate", "resync", "upload",
        "reset", "change", "generate", "disable")
}
# Tag*/Untag*/List*Tags: one implementation for every taggable entity
_OPERATIONS.update({name: _in_callers_account(value) for name, value in tags.OPERATIONS.items()})
globals().update(_OPERATIONS)
