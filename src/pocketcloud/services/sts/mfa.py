"""The SerialNumber and TokenCode that GetSessionToken and AssumeRole take: the code must be
the current one of a virtual MFA device enabled for the calling IAM user (iam/mfa.py)."""

from __future__ import annotations

from typing import Any

from pocketcloud.context import RequestContext
from pocketcloud.errors import AwsError
from pocketcloud.gateway.authorization import mfa_keys
from pocketcloud.services.iam import mfa
from pocketcloud.services.iam.credentials import Credential


def verified_at(ctx: RequestContext, caller: Credential, params: dict[str, Any]) -> float | None:
    """When the request's code was checked (now); None when the request passes none."""
    serial, code = params.get("SerialNumber"), params.get("TokenCode")
    if serial is None and code is None:
        return None
    if not serial or not code:
        raise _denied("MultiFactorAuthentication failed, must provide both MFA serial number "
                      "and one time pass code.")
    user = caller.principal_arn.rsplit("/", 1)[1] if caller.principal_type == "user" else ""
    if not mfa.authenticate(ctx, caller.account_id, user, serial, code):
        raise _denied("MultiFactorAuthentication failed with invalid MFA one time pass code.")
    return ctx.cloud.clock.now()


def context_keys(caller: Credential, checked_at: float | None, now_s: float) -> dict[str, str]:
    """The MFA keys a trust policy sees: this request's code, else the calling session's;
    long-term keys without a code have none (what BoolIfExists tests for)."""
    if checked_at is not None:
        return mfa_keys(checked_at, now_s)
    if caller.session_token is not None:
        return mfa_keys(caller.mfa_authenticated_at, now_s)
    return {}


def _denied(message: str) -> AwsError:
    return AwsError("AccessDenied", message, 403)
