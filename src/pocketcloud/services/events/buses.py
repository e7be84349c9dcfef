"""Event buses: every account and region has ``default``; custom buses are created by name."""

from __future__ import annotations

import json
import re
from typing import Any

from pocketcloud.arns import arn
from pocketcloud.context import RequestContext
from pocketcloud.errors import AwsError
from pocketcloud.services.events import rule_cache
from pocketcloud.services.events.schema import ready_store
from pocketcloud.store import Tx

DEFAULT_BUS = "default"
BUSES_PER_REGION_MAX = 100  # AWS's default quota of event buses per account and region
LIST_LIMIT_MAX = 100
_BUS_NAME = re.compile(r"[/\.\-_A-Za-z0-9]{1,256}")
_BUS_ARN = re.compile(r"arn:aws[\w-]*:events:([a-z0-9-]+):(\d{12}):event-bus/(.+)")


def store(ctx: RequestContext) -> Any:
    return ready_store(ctx.cloud.store)


def bus_arn(ctx: RequestContext, name: str) -> str:
    return arn("events", ctx.region, ctx.account_id, f"event-bus/{name}")


def bus_name(ctx: RequestContext, value: str | None) -> str:
    """The bus a request's EventBusName (a name or an ARN) means, in the caller's account."""
    if not value:
        return DEFAULT_BUS
    if m := _BUS_ARN.fullmatch(value):
        if m.group(1) != ctx.region or m.group(2) != ctx.account_id:
            raise AwsError("ValidationException",
                           f"Event bus {value} is not in this account and region.")
        value = m.group(3)
    if not _BUS_NAME.fullmatch(value):
        raise validation("eventBusName", value,
                         r"Member must satisfy regular expression pattern: "
                         r"(arn:aws[\w-]*:events:[a-z]+-[a-z]+-[\w-]+:[0-9]{12}:event-bus\/)?"
                         r"[/\.\-_A-Za-z0-9]+")
    return value


def validation(field: str, value: object, constraint: str) -> AwsError:
    return AwsError("ValidationException",
                    f"1 validation error detected: Value '{value}' at '{field}' failed to "
                    f"satisfy constraint: {constraint}")


def target_bus(ctx: RequestContext, value: str | None) -> tuple[str, str]:
    """(owner account, name) of a PutEvents entry's bus: another account's bus is named by
    its ARN (its bus policy decides, as IAM enforcement evaluates it)."""
    if value and (m := _BUS_ARN.fullmatch(value)) and m.group(2) != ctx.account_id:
        if m.group(1) != ctx.region:
            raise AwsError("ValidationException",
                           f"Event bus {value} is not in this region.")
        return m.group(2), bus_name(ctx, m.group(3))
    return ctx.account_id, bus_name(ctx, value)


def bus_exists(tx: Tx, ctx: RequestContext, name: str, account_id: str | None = None) -> bool:
    return name == DEFAULT_BUS or tx.fetchone(
        "SELECT 1 FROM events_buses WHERE account_id = ? AND region = ? AND name = ?",
        (account_id or ctx.account_id, ctx.region, name)) is not None


def require_bus(tx: Tx, ctx: RequestContext, name: str) -> None:
    if not bus_exists(tx, ctx, name):
        raise AwsError("ResourceNotFoundException", f"Event bus {name} does not exist.")


def create_event_bus(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = params["Name"]
    if not _BUS_NAME.fullmatch(name):
        raise validation("name", name, "Member must satisfy regular expression pattern: "
                         r"[/\.\-_A-Za-z0-9]+")
    if name == DEFAULT_BUS:
        raise AwsError("ResourceAlreadyExistsException", f"Event bus {name} already exists.")
    if params.get("EventSourceName"):  # a partner bus: no partner sources exist here
        raise AwsError("ResourceNotFoundException",
                       f"Event source {params['EventSourceName']} does not exist.")
    if "/" in name:  # the pattern allows '/', for partner buses only
        raise AwsError("ValidationException", "Event bus name must not contain '/'.")
    if name.startswith("aws."):
        raise AwsError("ValidationException",
                       "Event bus name must not start with 'aws.'.")
    now = ctx.cloud.clock.now()
    tags = {t["Key"]: t["Value"] for t in params.get("Tags") or []}
    with store(ctx).write() as tx:
        if bus_exists(tx, ctx, name):
            raise AwsError("ResourceAlreadyExistsException", f"Event bus {name} already exists.")
        count = tx.fetchvalue("SELECT COUNT(*) FROM events_buses WHERE account_id = ? AND "
                              "region = ?", (ctx.account_id, ctx.region))
        if count + 1 >= BUSES_PER_REGION_MAX:
            raise AwsError("LimitExceededException",
                           "The requested resource exceeds the maximum number allowed.")
        tx.execute("INSERT INTO events_buses (account_id, region, name, description, tags, "
                   "created, modified) VALUES (?, ?, ?, ?, ?, ?, ?)",
                   (ctx.account_id, ctx.region, name, params.get("Description"),
                    json.dumps(tags), now, now))
        given = _checked_settings(params)
        if given:
            _save_settings(tx, ctx, name, given)
    result: dict[str, Any] = {"EventBusArn": bus_arn(ctx, name), **given}
    if params.get("Description"):
        result["Description"] = params["Description"]
    return result


_SETTINGS = ("KmsKeyIdentifier", "DeadLetterConfig", "LogConfig")
_LOG_LEVELS = ("OFF", "ERROR", "INFO", "TRACE")


def _checked_settings(params: dict[str, Any]) -> dict[str, Any]:
    """A bus's KMS key, dead-letter queue and logging, as given (checked)."""
    dlq = (params.get("DeadLetterConfig") or {}).get("Arn")
    if dlq is not None and not dlq.startswith("arn:aws:sqs:"):
        raise AwsError("ValidationException", "Parameter DeadLetterConfig.Arn is not valid. "
                       "Reason: the dead-letter queue must be an SQS queue's ARN.")
    log_config = params.get("LogConfig") or {}
    if log_config.get("Level", "OFF") not in _LOG_LEVELS:
        raise validation("logConfig.level", log_config["Level"],
                         f"Member must satisfy enum value set: [{', '.join(_LOG_LEVELS)}]")
    if log_config.get("IncludeDetail", "NONE") not in ("FULL", "NONE"):
        raise validation("logConfig.includeDetail", log_config["IncludeDetail"],
                         "Member must satisfy enum value set: [FULL, NONE]")
    return {k: params[k] for k in _SETTINGS if params.get(k)}


def settings(tx: Tx, ctx: RequestContext, name: str) -> dict[str, Any]:
    text = tx.fetchvalue("SELECT settings FROM events_bus_settings WHERE account_id = ? AND "
                         "region = ? AND name = ?", (ctx.account_id, ctx.region, name))
    return dict(json.loads(text)) if text else {}


def _save_settings(tx: Tx, ctx: RequestContext, name: str, given: dict[str, Any]) -> None:
    tx.execute("INSERT OR REPLACE INTO events_bus_settings (account_id, region, name, "
               "settings) VALUES (?, ?, ?, ?)",
               (ctx.account_id, ctx.region, name, json.dumps(given)))


def update_event_bus(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """Description, KMS key, dead-letter queue and logging of a bus (the default one too);
    a member left out keeps its value."""
    name = bus_name(ctx, params.get("Name"))
    if len(params.get("Description") or "") > 512:
        raise validation("description", params["Description"],
                         "Member must have length less than or equal to 512")
    given = _checked_settings(params)
    with store(ctx).write() as tx:
        require_bus(tx, ctx, name)
        merged = {**settings(tx, ctx, name), **given}
        if "Description" in params:
            merged["Description"] = params["Description"]
            if name != DEFAULT_BUS:
                tx.execute("UPDATE events_buses SET description = ?, modified = ? WHERE "
                           "account_id = ? AND region = ? AND name = ?",
                           (params["Description"] or None, ctx.cloud.clock.now(),
                            ctx.account_id, ctx.region, name))
        _save_settings(tx, ctx, name, merged)
    result = {"Arn": bus_arn(ctx, name), "Name": name, **merged}
    if not result.get("Description"):
        result.pop("Description", None)
    return result


def _describe(ctx: RequestContext, row: tuple[Any, ...]) -> dict[str, Any]:
    name, description, created, modified = row
    found: dict[str, Any] = {"Name": name, "Arn": bus_arn(ctx, name),
                             "CreationTime": created, "LastModifiedTime": modified}
    if description:
        found["Description"] = description
    return found


def _rows(tx: Tx, ctx: RequestContext) -> list[tuple[Any, ...]]:
    created = tx.fetchvalue("SELECT MIN(created) FROM events_buses WHERE account_id = ? AND "
                            "region = ?", (ctx.account_id, ctx.region))
    default_time = created if created is not None else ctx.cloud.clock.now()
    rows = tx.fetchall("SELECT name, description, created, modified FROM events_buses WHERE "
                       "account_id = ? AND region = ? ORDER BY name",
                       (ctx.account_id, ctx.region))
    return sorted([(DEFAULT_BUS, None, default_time, default_time), *rows])


def describe_event_bus(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = bus_name(ctx, params.get("Name"))
    with store(ctx).read() as tx:
        for row in _rows(tx, ctx):
            if row[0] == name:
                found = _describe(ctx, row)
                found.update(settings(tx, ctx, name))
                if not found.get("Description"):
                    found.pop("Description", None)
                policy = tx.fetchvalue("SELECT policy FROM events_bus_policies WHERE "
                                       "account_id = ? AND region = ? AND name = ?",
                                       (ctx.account_id, ctx.region, name))
                if policy:
                    found["Policy"] = policy
                return found
    raise AwsError("ResourceNotFoundException", f"Event bus {name} does not exist.")


def list_event_buses(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    prefix = params.get("NamePrefix") or ""
    limit = page_limit(params)
    start = page_start(params)
    with store(ctx).read() as tx:
        rows = [r for r in _rows(tx, ctx) if r[0].startswith(prefix)]
    result = page(rows, start, limit, "EventBuses")
    result["EventBuses"] = [_describe(ctx, r) for r in result["EventBuses"]]
    return result


def delete_event_bus(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = params["Name"]
    if name == DEFAULT_BUS:
        raise AwsError("ValidationException", "Cannot delete event bus default.")
    with store(ctx).write() as tx:
        key = (ctx.account_id, ctx.region, name)
        tx.execute("DELETE FROM events_buses WHERE account_id = ? AND region = ? AND name = ?",
                   key)
        tx.execute("DELETE FROM events_rules WHERE account_id = ? AND region = ? AND bus = ?",
                   key)
        tx.execute("DELETE FROM events_targets WHERE account_id = ? AND region = ? AND bus = ?",
                   key)
        tx.execute("DELETE FROM events_bus_policies WHERE account_id = ? AND region = ? AND "
                   "name = ?", key)
        tx.execute("DELETE FROM events_bus_settings WHERE account_id = ? AND region = ? AND "
                   "name = ?", key)
    rule_cache.forget(ctx.cloud)
    return {}


def page_limit(params: dict[str, Any]) -> int:
    limit = params.get("Limit")
    if limit is None:
        return LIST_LIMIT_MAX
    if not 1 <= limit <= LIST_LIMIT_MAX:
        raise validation("limit", limit, "Member must have value less than or equal to 100")
    return int(limit)


def page_start(params: dict[str, Any]) -> int:
    token = params.get("NextToken")
    if token is None:
        return 0
    if not str(token).isdigit():
        raise AwsError("ValidationException", "The NextToken provided is invalid.")
    return int(token)


def page(items: list[Any], start: int, limit: int, member: str) -> dict[str, Any]:
    """A List* answer: ``limit`` items from ``start`` (page_start, page_limit: checked as the
    request arrives) and, when more follow, the NextToken of the next page."""
    result: dict[str, Any] = {member: items[start:start + limit]}
    if start + limit < len(items):
        result["NextToken"] = str(start + limit)
    return result


def one_filter(params: dict[str, Any], operation: str, states: tuple[str, ...]) -> str | None:
    """ListArchives' and ListReplays' filters: at most one of NamePrefix, EventSourceArn and
    State, the State one of ``states``; answers the State asked for."""
    if len([k for k in ("NamePrefix", "EventSourceArn", "State") if params.get(k)]) > 1:
        raise AwsError("ValidationException", f"At most one filter is allowed for {operation}. "
                       "Use either : State, EventSourceArn, or NamePrefix.")
    state: str | None = params.get("State")
    if state and state not in states:
        raise validation("state", state, f"Member must satisfy enum value set: {list(states)}")
    return state
