"""Resource ARNs per EventBridge operation, from the Service Authorization Reference: rules
(``rule/[bus/]name``), event buses (``event-bus/name``), archives, replays, connections, API
destinations and event sources by name; listing and TestEventPattern act on no resource
(``"*"``). PutEvents acts on each entry's bus."""

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


# operation -> (the member naming the resource, its ARN's resource type); connections and API
# destinations carry a generated suffix in their ARNs (connection/name/uuid), looked up.
_NAMED = {
    **dict.fromkeys(("CreateArchive", "DescribeArchive", "UpdateArchive", "DeleteArchive"),
                    ("ArchiveName", "archive")),
    **dict.fromkeys(("StartReplay", "DescribeReplay", "CancelReplay"),
                    ("ReplayName", "replay")),
    **dict.fromkeys(("CreateConnection", "DescribeConnection", "UpdateConnection",
                     "DeleteConnection", "DeauthorizeConnection"), ("Name", "connection")),
    **dict.fromkeys(("CreateApiDestination", "DescribeApiDestination", "UpdateApiDestination",
                     "DeleteApiDestination"), ("Name", "api-destination")),
    **dict.fromkeys(("DescribeEventSource", "ActivateEventSource", "DeactivateEventSource",
                     "DescribePartnerEventSource"), ("Name", "event-source")),
    "ListPartnerEventSourceAccounts": ("EventSourceName", "event-source"),
}
_GENERATED_SUFFIX = {"connection": "events_connections",
                     "api-destination": "events_api_destinations"}


def _named_resource(operation: str, params: Mapping[str, Any],
                    ctx: RequestContext) -> str | None:
    member, kind = _NAMED.get(operation, (None, None))
    name = params.get(member) if member else None
    if not name or not kind:
        return None
    table = _GENERATED_SUFFIX.get(kind)
    if table:
        existing = _generated_arn(table, str(name), ctx)
        if existing:
            return existing
    return arn("events", ctx.region, ctx.account_id, f"{kind}/{name}")


def _generated_arn(table: str, name: str, ctx: RequestContext) -> str | None:
    import json

    from pocketcloud.services.events.schema import ready_store

    text = ready_store(ctx.cloud.store).read_value(
        f"SELECT config FROM {table} WHERE account_id = ? AND region = ? AND name = ?",
        (ctx.account_id, ctx.region, name))
    if not text:
        return None
    config = json.loads(text)
    return str(config.get("ConnectionArn") if table == "events_connections"
               else config.get("ApiDestinationArn"))


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
    named = _named_resource(operation, params, ctx)
    if named:
        return [named]
    if operation in ("TagResource", "UntagResource", "ListTagsForResource"):
        return [str(params["ResourceARN"])] if params.get("ResourceARN") else ["*"]
    return ["*"]
