"""AWS Security Token Service: who am I."""

from __future__ import annotations

from typing import Any

from pocketcloud.arns import global_arn
from pocketcloud.context import RequestContext


def get_caller_identity(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    # Until IAM lands every well-formed key acts as its account's root user, as AWS reports it.
    return {
        "UserId": ctx.account_id,
        "Account": ctx.account_id,
        "Arn": global_arn("iam", ctx.account_id, "root"),
    }
