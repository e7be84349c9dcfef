"""Rules: an event pattern or a schedule on a bus, enabled or disabled."""

from __future__ import annotations

import json
import re
from typing import Any

from pocketcloud.arns import arn
from pocketcloud.context import RequestContext
from pocketcloud.errors import AwsError
from pocketcloud.services.events import rule_cache
from pocketcloud.services.events.buses import (
    DEFAULT_BUS,
    bus_name,
    page,
    page_limit,
    page_start,
    require_bus,
    store,
    validation,
)
from pocketcloud.services.events.patterns import parse_pattern
from pocketcloud.services.events.schedules import next_fire_s, parse_schedule
from pocketcloud.store import Tx

RULES_PER_BUS_MAX = 300  # AWS's default quota of rules per event bus
_RULE_NAME = re.compile(r"[\.\-_A-Za-z0-9]{1,64}")
_STATES = ("ENABLED", "DISABLED", "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS")


def rule_arn(region: str, account_id: str, bus: str, name: str) -> str:
    path = f"rule/{name}" if bus == DEFAULT_BUS else f"rule/{bus}/{name}"
    return arn("events", region, account_id, path)


def check_rule_name(name: str, field: str = "name") -> str:
    if not _RULE_NAME.fullmatch(name):
        raise validation(field, name, r"Member must satisfy regular expression pattern: "
                         r"[\.\-_A-Za-z0-9]+")
    return name


def rule_not_found(name: str, bus: str) -> AwsError:
    return AwsError("ResourceNotFoundException", f"Rule {name} does not exist on EventBus {bus}.")


def load_rule(tx: Tx, ctx: RequestContext, bus: str, name: str) -> dict[str, Any]:
    row = tx.fetchone("SELECT config FROM events_rules WHERE account_id = ? AND region = ? "
                      "AND bus = ? AND name = ?", (ctx.account_id, ctx.region, bus, name))
    if row is None:
        raise rule_not_found(name, bus)
    return dict(json.loads(row[0]))


def _not_managed(tx: Tx, ctx: RequestContext, bus: str, name: str, force: bool) -> None:
    """A rule an AWS service manages (an archive's) is changed only through that service;
    DeleteRule takes it with Force."""
    row = tx.fetchone("SELECT config FROM events_rules WHERE account_id = ? AND region = ? "
                      "AND bus = ? AND name = ?", (ctx.account_id, ctx.region, bus, name))
    managed_by = json.loads(row[0]).get("ManagedBy") if row else None
    if managed_by and not force:
        raise AwsError("ManagedRuleException", f"Rule {name} is managed by {managed_by} and "
                       "cannot be changed or deleted without the Force parameter.")


def put_rule(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = check_rule_name(params["Name"])
    bus = bus_name(ctx, params.get("EventBusName"))
    pattern, schedule = params.get("EventPattern"), params.get("ScheduleExpression")
    if not pattern and not schedule:
        raise AwsError("ValidationException",
                       "Parameter(s) EventPattern or ScheduleExpression must be specified.")
    if pattern:
        parse_pattern(pattern)
    if schedule:
        if bus != DEFAULT_BUS:
            raise AwsError("ValidationException",
                           "ScheduleExpression is supported only on the default event bus.")
        if len(schedule) > 256:
            raise AwsError("ValidationException", "Parameter ScheduleExpression is not valid.")
        parse_schedule(schedule)
    state = params.get("State") or "ENABLED"
    if state not in _STATES:
        raise validation("state", state, f"Member must satisfy enum value set: {list(_STATES)}")
    if len(params.get("Description") or "") > 512:
        raise validation("description", params["Description"],
                         "Member must have length less than or equal to 512")
    config = {
        "Name": name, "Arn": rule_arn(ctx.region, ctx.account_id, bus, name),
        "EventPattern": pattern, "ScheduleExpression": schedule, "State": state,
        "Description": params.get("Description"), "RoleArn": params.get("RoleArn"),
        "EventBusName": bus, "CreatedBy": ctx.account_id,
    }
    config = {k: v for k, v in config.items() if v is not None}
    now = ctx.cloud.clock.now()
    with store(ctx).write() as tx:
        require_bus(tx, ctx, bus)
        _not_managed(tx, ctx, bus, name, False)
        _save(tx, ctx, bus, config, params.get("Tags") or [], now)
    return {"RuleArn": config["Arn"]}


def _save(tx: Tx, ctx: RequestContext, bus: str, config: dict[str, Any],
          tags: list[dict[str, str]], now: float) -> None:
    rule_cache.forget(ctx.cloud)
    key = (ctx.account_id, ctx.region, bus, config["Name"])
    existing = tx.fetchone("SELECT tags FROM events_rules WHERE account_id = ? AND region = ? "
                           "AND bus = ? AND name = ?", key)
    if existing is None:
        count = tx.fetchvalue("SELECT COUNT(*) FROM events_rules WHERE account_id = ? AND "
                              "region = ? AND bus = ?", key[:3])
        if count >= RULES_PER_BUS_MAX:
            raise AwsError("LimitExceededException",
                           "The requested resource exceeds the maximum number allowed.")
    merged = json.loads(existing[0]) if existing else {}
    merged.update({t["Key"]: t["Value"] for t in tags})
    enabled = config["State"] != "DISABLED"
    next_fire = _first_fire(config, now) if enabled else None
    tx.execute(
        "INSERT OR REPLACE INTO events_rules (account_id, region, bus, name, config, pattern, "
        "schedule, enabled, next_fire, tags) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (*key, json.dumps(config), config.get("EventPattern"),
         config.get("ScheduleExpression"), int(enabled), next_fire, json.dumps(merged)))


def _first_fire(config: dict[str, Any], now: float) -> float | None:
    schedule = config.get("ScheduleExpression")
    if not schedule:
        return None
    config["ScheduleAnchor"] = now  # a rate counts its periods from here
    return next_fire_s(parse_schedule(schedule), now, now)


def describe_rule(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = check_rule_name(params["Name"])
    bus = bus_name(ctx, params.get("EventBusName"))
    with store(ctx).read() as tx:
        config = load_rule(tx, ctx, bus, name)
    return public(config)


def public(config: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in config.items() if k != "ScheduleAnchor"}


def list_rules(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    bus = bus_name(ctx, params.get("EventBusName"))
    prefix = params.get("NamePrefix") or ""
    limit, start = page_limit(params), page_start(params)
    with store(ctx).read() as tx:
        require_bus(tx, ctx, bus)
        rows = tx.fetchall("SELECT name, config FROM events_rules WHERE account_id = ? AND "
                           "region = ? AND bus = ? ORDER BY name",
                           (ctx.account_id, ctx.region, bus))
    found = [public(json.loads(config)) for name, config in rows if name.startswith(prefix)]
    return page(found, start, limit, "Rules")


def _set_state(ctx: RequestContext, params: dict[str, Any], state: str) -> dict[str, Any]:
    name = check_rule_name(params["Name"])
    bus = bus_name(ctx, params.get("EventBusName"))
    with store(ctx).write() as tx:
        config = load_rule(tx, ctx, bus, name)
        if (config["State"] == "DISABLED") == (state == "DISABLED"):
            return {}
        config["State"] = state
        tags = tx.fetchvalue("SELECT tags FROM events_rules WHERE account_id = ? AND region = ? "
                             "AND bus = ? AND name = ?", (ctx.account_id, ctx.region, bus, name))
        _save(tx, ctx, bus, config, [{"Key": k, "Value": v}
                                     for k, v in json.loads(tags).items()],
              ctx.cloud.clock.now())
    return {}


def enable_rule(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    return _set_state(ctx, params, "ENABLED")


def disable_rule(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    return _set_state(ctx, params, "DISABLED")


def delete_rule(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = check_rule_name(params["Name"])
    bus = bus_name(ctx, params.get("EventBusName"))
    key = (ctx.account_id, ctx.region, bus, name)
    with store(ctx).write() as tx:
        _not_managed(tx, ctx, bus, name, bool(params.get("Force")))
        if tx.fetchone("SELECT 1 FROM events_targets WHERE account_id = ? AND region = ? AND "
                       "bus = ? AND rule = ? LIMIT 1", key):
            raise AwsError("ValidationException", "Rule can't be deleted since it has targets.")
        tx.execute("DELETE FROM events_rules WHERE account_id = ? AND region = ? AND bus = ? "
                   "AND name = ?", key)
    rule_cache.forget(ctx.cloud)
    return {}


def list_rule_names_by_target(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    bus = bus_name(ctx, params.get("EventBusName"))
    limit, start = page_limit(params), page_start(params)
    with store(ctx).read() as tx:
        rows = tx.fetchall("SELECT DISTINCT rule FROM events_targets WHERE account_id = ? AND "
                           "region = ? AND bus = ? AND json_extract(target, '$.Arn') = ? "
                           "ORDER BY rule",
                           (ctx.account_id, ctx.region, bus, params["TargetArn"]))
    names = [r[0] for r in rows]
    return page(names, start, limit, "RuleNames")
