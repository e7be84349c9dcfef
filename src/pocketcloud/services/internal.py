"""Calls between services: one service asks another through its provider, never its tables.

SNS delivering to SQS, S3 notifying Lambda, EventBridge invoking a target: each goes through
the target's own operation with the same validation a client gets. With ``principal`` (a
service principal such as ``sns.amazonaws.com``) the call carries that principal and
``aws:SourceArn``, so resource policies can be checked for it as AWS checks them.
"""

from __future__ import annotations

import inspect
from typing import TYPE_CHECKING, Any

from pocketcloud.arns import global_arn
from pocketcloud.context import RequestContext
from pocketcloud.errors import AwsError
from pocketcloud.gateway.authentication import Caller
from pocketcloud.services.registry import provider_function

if TYPE_CHECKING:
    from pocketcloud.cloud import Cloud


def internal_context(
    cloud: Cloud, service: str, operation: str, *, account_id: str, region: str,
    principal: str | None = None, source_arn: str | None = None,
) -> RequestContext:
    if principal is None:
        caller = Caller(account_id, global_arn("iam", account_id, "root"), "")
    else:
        caller = Caller(account_id, principal, "", "service", source_arn=source_arn)
    return RequestContext(cloud=cloud, request_id=cloud.ids.request_id(), account_id=account_id,
                          region=region, service=service, operation=operation,
                          protocol="internal", caller=caller)


def _authorized(ctx: RequestContext, params: dict[str, Any]) -> None:
    """A service principal gets in only where the resource's policy lets it (as in AWS)."""
    if ctx.caller is not None and ctx.caller.principal_type == "service":
        from pocketcloud.gateway.authorization import authorize

        authorize(ctx, params)


def _function(service: str, operation: str) -> Any:
    function = provider_function(service, operation)
    if function is None:
        raise AwsError("InternalFailure", f"{service} does not serve {operation}", 500)
    return function


def call(
    cloud: Cloud, service: str, operation: str, params: dict[str, Any], *, account_id: str,
    region: str, principal: str | None = None, source_arn: str | None = None,
) -> dict[str, Any]:
    """Run a synchronous provider operation; raises AwsError as the provider does."""
    function = _function(service, operation)
    if inspect.iscoroutinefunction(function):
        raise TypeError(f"{service}.{operation} is async: use acall")
    ctx = internal_context(cloud, service, operation, account_id=account_id, region=region,
                           principal=principal, source_arn=source_arn)
    _authorized(ctx, params)
    return dict(function(ctx, params) or {})


async def acall(
    cloud: Cloud, service: str, operation: str, params: dict[str, Any], *, account_id: str,
    region: str, principal: str | None = None, source_arn: str | None = None,
) -> dict[str, Any]:
    """Run any provider operation (sync or async) from async code."""
    function = _function(service, operation)
    ctx = internal_context(cloud, service, operation, account_id=account_id, region=region,
                           principal=principal, source_arn=source_arn)
    _authorized(ctx, params)
    result = function(ctx, params)
    if inspect.isawaitable(result):
        result = await result
    return dict(result or {})
