"""The resource ARNs CloudWatch Logs' operations act on, for IAM (Service Authorization
Reference): a log group ``arn:aws:logs:<region>:<account>:log-group:<name>``, its streams
``...:log-group:<name>:log-stream:<stream>`` (PutLogEvents), ``"*"`` for listing groups."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from pocketcloud.arns import arn

if TYPE_CHECKING:
    from pocketcloud.context import RequestContext

STREAM_OPERATIONS = frozenset({"PutLogEvents"})


def logs_resources(operation: str, params: Mapping[str, Any], ctx: RequestContext) -> list[str]:
    if params.get("resourceArn"):
        return [str(params["resourceArn"])]
    identifier = params.get("logGroupIdentifier")
    if isinstance(identifier, str) and identifier.startswith("arn:"):
        return [identifier.removesuffix(":*")]
    name = params.get("logGroupName") or identifier
    if not isinstance(name, str) or not name or operation == "DescribeLogGroups":
        return ["*"]
    group = arn("logs", ctx.region, ctx.account_id, f"log-group:{name}")
    stream = params.get("logStreamName")
    if operation in STREAM_OPERATIONS and isinstance(stream, str) and stream:
        return [f"{group}:log-stream:{stream}"]
    return [group]
