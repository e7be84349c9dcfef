"""Resource ARNs per EventBridge operation, from the Service Authorization Reference: rules
(``rule/[bus/]name``) and event buses (``event-bus/name``); listing and TestEventPattern act
on no resource (``"*"``). PutEvents acts on each entry's bus."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from pocketcloud.arns import arn

if TYPE_CHECKING:
    from pocketcloud.context import RequestContext

ENTRIES_LISTED_MAX = 10  # PutEvents' own limit
_RULE_OPERATIONS = frozenset({"PutRule", "DescribeRule", "DeleteRule", "EnableRule",
                              "DisableRule", "PutTargets", "RemoveTargets", "ListTargetsByRule"})
_BUS_OPERATIONS = frozenset({"CreateEventBus", "DescribeEventBus", "DeleteEventBus",
                             "UpdateEventBus", "PutPermission", "RemovePermission"})


def _bus(value: Any, ctx: RequestContext) -> str:
    name = str(value or "default")
    if name.startswith("arn:"):
        return name
    return arn("events", ctx.region, ctx.account_id, f"event-bus/{name}")


def _bus_name(value: Any) -> str:
    name = str(value or "default")
    return name.rsplit("event-bus/", 1)[-1] if name.startswith("arn:") else name


def events_resources(operation: str, params: Mapping[str, Any],
                     ctx: RequestContext) -> list[str]:
    if operation in _RULE_OPERATIONS:
        rule = params.get("Name") or params.get("Rule")
        if not rule:
            return ["*"]
        bus = _bus_name(params.get("EventBusName"))
        path = f"rule/{rule}" if bus == "default" else f"rule/{bus}/{rule}"
        return [arn("events", ctx.region, ctx.account_id, path)]
    if operation in _BUS_OPERATIONS:
        return [_bus(params.get("Name") or params.get("EventBusName"), ctx)]
    if operation == "PutEvents":
        entries = params.get("Entries") or []
        buses = {_bus(e.get("EventBusName"), ctx) for e in entries[:ENTRIES_LISTED_MAX]
                 if isinstance(e, dict)}
        return sorted(buses) or ["*"]
    if operation in ("TagResource", "UntagResource", "ListTagsForResource"):
        return [str(params["ResourceARN"])] if params.get("ResourceARN") else ["*"]
    return ["*"]
