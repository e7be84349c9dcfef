"""The resource ARNs CloudWatch Logs' operations act on, for IAM (Service Authorization
Reference): a log group ``arn:aws:logs:<region>:<account>:log-group:<name>``, its streams
``...:log-group:<name>:log-stream:<stream>`` (PutLogEvents), a destination
``...:destination:<name>``, every group a query names (StartQuery), ``"*"`` for listing and
account-wide operations (DescribeLogGroups, resource policies, query definitions)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from pocketcloud.arns import arn

if TYPE_CHECKING:
    from pocketcloud.context import RequestContext

STREAM_OPERATIONS = frozenset({"PutLogEvents"})
DESTINATION_OPERATIONS = frozenset({"PutDestination", "PutDestinationPolicy",
                                    "DeleteDestination"})


def logs_resources(operation: str, params: Mapping[str, Any], ctx: RequestContext) -> list[str]:
    if params.get("resourceArn"):
        return [str(params["resourceArn"])]
    if operation in DESTINATION_OPERATIONS and isinstance(params.get("destinationName"), str):
        return [arn("logs", ctx.region, ctx.account_id,
                    f"destination:{params['destinationName']}")]
    many = params.get("logGroupIdentifiers") or params.get("logGroupNames")
    if isinstance(many, list) and many:
        return [_group(ctx, str(item)) for item in many]
    identifier = params.get("logGroupIdentifier") or params.get("resourceIdentifier")
    name = params.get("logGroupName") or identifier
    if not isinstance(name, str) or not name or operation == "DescribeLogGroups":
        return ["*"]
    group = _group(ctx, name)
    stream = params.get("logStreamName")
    if operation in STREAM_OPERATIONS and isinstance(stream, str) and stream:
        return [f"{group}:log-stream:{stream}"]
    return [group]


def _group(ctx: RequestContext, name_or_arn: str) -> str:
    if name_or_arn.startswith("arn:"):
        return name_or_arn.removesuffix(":*")
    return arn("logs", ctx.region, ctx.account_id, f"log-group:{name_or_arn}")
