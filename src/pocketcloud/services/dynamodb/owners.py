"""Tables named by ARN: a request may name a table of another account by its ARN (the access
a table's resource-based policy can grant, checked by the gateway before the operation runs).
The operation then runs in the owner's account, as if the owner had asked."""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable
from typing import Any

from pocketcloud.context import RequestContext
from pocketcloud.errors import AwsError
from pocketcloud.services.dynamodb.storage import RESOURCE_NOT_FOUND
from pocketcloud.services.dynamodb.values import invalid

_MEMBERS = ("TableName", "TableArn", "ResourceArn")
_NOT_ROUTED = frozenset(("CreateTable",))  # a new table is always the caller's own

Provider = Callable[..., Any]


def owned(function: Provider) -> Provider:
    """`function` run in the account that owns the table its request names by ARN."""

    @functools.wraps(function)
    def run(ctx: RequestContext, params: dict[str, Any], *args: Any, **kwargs: Any) -> Any:
        return function(owner_context(ctx, params), params, *args, **kwargs)

    return run


def owner_context(ctx: RequestContext, params: dict[str, Any]) -> RequestContext:
    name = params.get("TableName")
    if name.__class__ is str and not name.startswith("arn:"):
        return ctx  # the usual call, on every item operation: a plain table name
    if ctx.operation in _NOT_ROUTED:
        return ctx
    for member in _MEMBERS:
        value = params.get(member)
        if isinstance(value, str) and value.startswith("arn:"):
            return _routed(ctx, params, member, value)
    return ctx


def _routed(ctx: RequestContext, params: dict[str, Any], member: str,
            value: str) -> RequestContext:
    parts = value.split(":", 5)
    if len(parts) != 6 or parts[2] != "dynamodb" or not parts[5].startswith("table/"):
        if member == "TableName":
            raise invalid(f"Invalid TableName: {value} is not a table ARN")
        return ctx  # the operation reports a malformed ARN its own way
    region, account, resource = parts[3], parts[4], parts[5][len("table/"):]
    if member == "TableName":
        if "/" in resource or not resource:
            raise invalid(f"Invalid TableName: {value} is not a table ARN")
        if region != ctx.region:
            raise AwsError("ResourceNotFoundException", RESOURCE_NOT_FOUND)
        params[member] = resource
    if region != ctx.region or account == ctx.account_id or not account.isdigit():
        return ctx
    return dataclasses.replace(ctx, account_id=account)
