"""Replays: an archive's events from a time window sent again to their bus, by a background
job, to the rules the replay names (FilterArns) or to all of the bus's rules.

A replayed event carries ``replay-name``; archives' rules exclude such events, so a replay
never feeds an archive. States go STARTING -> RUNNING -> COMPLETED, or CANCELLING ->
CANCELLED after CancelReplay; each tick replays a bounded batch and records how far it got
(``cursor``), so a restart resumes where it stopped.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Any

from pocketcloud.arns import arn
from pocketcloud.context import RequestContext
from pocketcloud.errors import AwsError
from pocketcloud.services.events import outbox
from pocketcloud.services.events.buses import (
    one_filter,
    page,
    page_limit,
    page_start,
    require_bus,
    store,
    validation,
)
from pocketcloud.services.events.schema import ready_store
from pocketcloud.store import Tx

JOB_NAME = "events-replays"
TICK_S = 1.0
EVENTS_PER_TICK_MAX = 500  # per replay, per tick
ACTIVE_REPLAYS_MAX = 10  # AWS's quota of concurrent replays per account and region
REPLAYS_KEPT_MAX = 1000  # pocketcloud's bound on replay records per account and region
ACTIVE = ("STARTING", "RUNNING")
_STATES = ("STARTING", "RUNNING", "CANCELLING", "COMPLETED", "CANCELLED", "FAILED")
_NAME = re.compile(r"[\.\-_A-Za-z0-9]{1,64}")
_ARCHIVE_ARN = re.compile(r"arn:aws[\w-]*:events:([a-z0-9-]+):(\d{12}):archive/(.+)")
_RULE_ARN = re.compile(r"arn:aws[\w-]*:events:([a-z0-9-]+):(\d{12}):rule/(?:(.+)/)?([^/]+)")


def replay_arn(region: str, account_id: str, name: str) -> str:
    return arn("events", region, account_id, f"replay/{name}")


def _check_name(name: str) -> str:
    if not _NAME.fullmatch(name):
        raise validation("replayName", name, r"Member must satisfy regular expression "
                         r"pattern: [\.\-_A-Za-z0-9]+")
    return name


def _invalid(member: str, reason: str) -> AwsError:
    return AwsError("ValidationException", f"Parameter {member} is not valid. Reason: {reason}")


def _seconds(value: Any) -> float:
    return value.timestamp() if isinstance(value, datetime) else float(value)


def _archive(ctx: RequestContext, tx: Tx, source_arn: str) -> tuple[str, str]:
    """(archive name, its bus) of a StartReplay's EventSourceArn."""
    m = _ARCHIVE_ARN.fullmatch(source_arn)
    if not m or m.group(1) != ctx.region or m.group(2) != ctx.account_id:
        raise _invalid("EventSourceArn", "Provided Arn is not in correct format.")
    row = tx.fetchone("SELECT bus FROM events_archives WHERE account_id = ? AND region = ? "
                      "AND name = ?", (ctx.account_id, ctx.region, m.group(3)))
    if row is None:
        raise _invalid("EventSourceArn", f"Archive {m.group(3)} does not exist.")
    return m.group(3), row[0]


def _destination(ctx: RequestContext, tx: Tx, destination: dict[str, Any],
                 archive_bus: str) -> None:
    target = destination["Arn"]
    if ":event-bus/" not in target:
        raise _invalid("Destination.Arn", "Provided Arn is not in correct format.")
    bus = target.rsplit(":event-bus/", 1)[1]
    if not target.startswith(f"arn:aws:events:{ctx.region}:{ctx.account_id}:"):
        raise _invalid("Destination.Arn", "Cross event bus replay is not permitted.")
    require_bus(tx, ctx, bus)
    if bus != archive_bus:
        raise _invalid("Destination.Arn", "Cross event bus replay is not permitted.")
    for rule in destination.get("FilterArns") or []:
        m = _RULE_ARN.fullmatch(rule)
        if not m or (m.group(3) or "default") != bus or tx.fetchone(
                "SELECT 1 FROM events_rules WHERE account_id = ? AND region = ? AND bus = ? "
                "AND name = ?", (ctx.account_id, ctx.region, bus, m.group(4))) is None:
            raise _invalid("Destination.FilterArns",
                           f"Rule {rule} does not exist on event bus {bus}.")


def start_replay(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = _check_name(params["ReplayName"])
    if len(params.get("Description") or "") > 512:
        raise validation("description", params["Description"],
                         "Member must have length less than or equal to 512")
    begin, end = _seconds(params["EventStartTime"]), _seconds(params["EventEndTime"])
    if begin >= end:
        raise _invalid("EventEndTime", "EventStartTime must be before EventEndTime.")
    now = ctx.cloud.clock.now()
    with store(ctx).write() as tx:
        archive, bus = _archive(ctx, tx, params["EventSourceArn"])
        _destination(ctx, tx, params["Destination"], bus)
        _check_room(ctx, tx, name)
        config = {"EventSourceArn": params["EventSourceArn"], "Archive": archive, "Bus": bus,
                  "Destination": params["Destination"], "EventStartTime": begin,
                  "EventEndTime": end, "ReplayStartTime": now}
        if params.get("Description"):
            config["Description"] = params["Description"]
        tx.execute("INSERT INTO events_replays (account_id, region, name, config, state, "
                   "created) VALUES (?, ?, ?, ?, 'STARTING', ?)",
                   (ctx.account_id, ctx.region, name, json.dumps(config), now))
    ctx.cloud.background.wake(JOB_NAME)
    return {"ReplayArn": replay_arn(ctx.region, ctx.account_id, name), "State": "STARTING",
            "ReplayStartTime": now}


def _check_room(ctx: RequestContext, tx: Tx, name: str) -> None:
    key = (ctx.account_id, ctx.region)
    if tx.fetchone("SELECT 1 FROM events_replays WHERE account_id = ? AND region = ? AND "
                   "name = ?", (*key, name)):
        raise AwsError("ResourceAlreadyExistsException", f"Replay {name} already exists.")
    active = tx.fetchvalue("SELECT COUNT(*) FROM events_replays WHERE account_id = ? AND "
                           "region = ? AND state IN ('STARTING', 'RUNNING')", key)
    kept = tx.fetchvalue("SELECT COUNT(*) FROM events_replays WHERE account_id = ? AND "
                         "region = ?", key)
    if active >= ACTIVE_REPLAYS_MAX or kept >= REPLAYS_KEPT_MAX:
        raise AwsError("LimitExceededException",
                       "The requested resource exceeds the maximum number allowed.")


def _load(tx: Tx, ctx: RequestContext, name: str) -> tuple[dict[str, Any], str]:
    row = tx.fetchone("SELECT config, state FROM events_replays WHERE account_id = ? AND "
                      "region = ? AND name = ?", (ctx.account_id, ctx.region, name))
    if row is None:
        raise AwsError("ResourceNotFoundException", f"Replay {name} does not exist.")
    return json.loads(row[0]), row[1]


_SHOWN = ("EventSourceArn", "StateReason", "EventStartTime", "EventEndTime",
          "EventLastReplayedTime", "ReplayStartTime", "ReplayEndTime")


def _summary(name: str, config: dict[str, Any], state: str) -> dict[str, Any]:
    found = {"ReplayName": name, "State": state}
    found.update({k: config[k] for k in _SHOWN if k in config})
    return found


def describe_replay(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = _check_name(params["ReplayName"])
    with store(ctx).read() as tx:
        config, state = _load(tx, ctx, name)
    found = _summary(name, config, state)
    found["ReplayArn"] = replay_arn(ctx.region, ctx.account_id, name)
    found["Destination"] = config["Destination"]
    if "Description" in config:
        found["Description"] = config["Description"]
    return found


def list_replays(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    state = one_filter(params, "ListReplays", _STATES)
    limit, start = page_limit(params), page_start(params)
    prefix, source = params.get("NamePrefix") or "", params.get("EventSourceArn")
    with store(ctx).read() as tx:
        rows = tx.fetchall("SELECT name, config, state FROM events_replays WHERE account_id = ? "
                           "AND region = ? ORDER BY name", (ctx.account_id, ctx.region))
    found = []
    for name, config_text, row_state in rows:
        config = json.loads(config_text)
        if name.startswith(prefix) and state in (None, row_state) and \
                source in (None, config["EventSourceArn"]):
            found.append(_summary(name, config, row_state))
    return page(found, start, limit, "Replays")


def cancel_replay(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = _check_name(params["ReplayName"])
    with store(ctx).write() as tx:
        _, state = _load(tx, ctx, name)
        if state not in ACTIVE:
            raise AwsError("IllegalStatusException",
                           f"Replay {name} is not in a valid state for this operation.")
        tx.execute("UPDATE events_replays SET state = 'CANCELLING' WHERE account_id = ? AND "
                   "region = ? AND name = ?", (ctx.account_id, ctx.region, name))
    ctx.cloud.background.wake(JOB_NAME)
    return {"ReplayArn": replay_arn(ctx.region, ctx.account_id, name), "State": "CANCELLING"}


def tick(cloud: Any) -> None:
    """The background job: advance every active replay by one bounded batch."""
    with ready_store(cloud.store).read() as tx:
        rows = tx.fetchall("SELECT account_id, region, name FROM events_replays WHERE state IN "
                           "('STARTING', 'RUNNING', 'CANCELLING') LIMIT ?",
                           (ACTIVE_REPLAYS_MAX * 16,))
    delivered = sum(_advance(cloud, *row) for row in rows)
    if delivered:
        outbox.wake(cloud)


def _advance(cloud: Any, account_id: str, region: str, name: str) -> int:
    from pocketcloud.services.events.put_events import Router

    key = (account_id, region, name)
    now = cloud.clock.now()
    with ready_store(cloud.store).write() as tx:
        row = tx.fetchone("SELECT config, state, cursor FROM events_replays WHERE "
                          "account_id = ? AND region = ? AND name = ?", key)
        if row is None:
            return 0
        config, state, cursor = json.loads(row[0]), row[1], row[2]
        if state == "CANCELLING":
            config["ReplayEndTime"] = now
            _save(tx, key, config, "CANCELLED", cursor)
            return 0
        events = tx.fetchall(
            "SELECT seq, received, event FROM events_archived WHERE account_id = ? AND "
            "region = ? AND archive = ? AND received >= ? AND received < ? AND seq > ? "
            "ORDER BY seq LIMIT ?", (account_id, region, config["Archive"],
                                     config["EventStartTime"], config["EventEndTime"], cursor,
                                     EVENTS_PER_TICK_MAX))
        filters = config["Destination"].get("FilterArns")
        router = Router(tx, cloud)
        for seq, received, text in events:
            router.route(account_id, region, config["Bus"], _replayed(json.loads(text), name),
                         frozenset(filters) if filters else None)
            cursor = seq
            config["EventLastReplayedTime"] = received
        router.commit()
        done = len(events) < EVENTS_PER_TICK_MAX
        if done:
            config["ReplayEndTime"] = now
        _save(tx, key, config, "COMPLETED" if done else "RUNNING", cursor)
    return router.delivered


def _replayed(event: dict[str, Any], name: str) -> dict[str, Any]:
    """The event with ``replay-name`` after ``region``, where AWS puts it."""
    out: dict[str, Any] = {}
    for key, value in event.items():
        out[key] = value
        if key == "region":
            out["replay-name"] = name
    out.setdefault("replay-name", name)
    return out


def _save(tx: Tx, key: tuple[str, str, str], config: dict[str, Any], state: str,
          cursor: int) -> None:
    tx.execute("UPDATE events_replays SET config = ?, state = ?, cursor = ? WHERE "
               "account_id = ? AND region = ? AND name = ?",
               (json.dumps(config), state, cursor, *key))

