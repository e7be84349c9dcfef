"""Archives: the events a bus accepts, kept (filtered by a pattern) for replays.

As AWS does, an archive is fed by a managed rule on its bus, ``Events-Archive-<name>``
(ManagedBy ``events.amazonaws.com``), whose pattern is the archive's with
``"replay-name": [{"exists": false}]`` added: replayed events are never archived. The Router
writes a matching event to the archive inside the PutEvents transaction, so an acknowledged
event is archived durably. Events older than RetentionDays (on the cloud clock) are removed by
a background job; 0 keeps them for ever.
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any

from pocketcloud.arns import arn
from pocketcloud.context import RequestContext
from pocketcloud.errors import AwsError
from pocketcloud.services.events import rule_cache
from pocketcloud.services.events.buses import (
    bus_arn,
    bus_name,
    one_filter,
    page,
    page_limit,
    page_start,
    require_bus,
    store,
    validation,
)
from pocketcloud.services.events.patterns import parse_pattern
from pocketcloud.services.events.rules import rule_arn
from pocketcloud.services.events.schema import ready_store
from pocketcloud.store import Tx

log = logging.getLogger("pocketcloud.events.archives")

MANAGED_BY = rule_cache.ARCHIVE_MANAGED_BY
RULE_PREFIX = rule_cache.ARCHIVE_RULE_PREFIX
ARCHIVES_PER_REGION_MAX = 200  # pocketcloud's bound (AWS publishes no archive quota)
EVENTS_PER_ARCHIVE_MAX = 1_000_000  # bounds the disk an archive takes; later events are dropped
EXPIRED_PER_TICK_MAX = 5_000
DAY_S = 86400
_NAME = re.compile(r"[\.\-_A-Za-z0-9]{1,48}")
_STATES = ("ENABLED", "DISABLED", "CREATING", "UPDATING", "CREATE_FAILED", "UPDATE_FAILED")
_NOT_REPLAYED = {"replay-name": [{"exists": False}]}


def archive_arn(ctx: RequestContext, name: str) -> str:
    return arn("events", ctx.region, ctx.account_id, f"archive/{name}")


def not_found(name: str) -> AwsError:
    return AwsError("ResourceNotFoundException", f"Archive {name} does not exist.")


def _check_name(name: str) -> str:
    if not _NAME.fullmatch(name):
        if len(name) > 48:
            raise validation("archiveName", name,
                             "Member must have length less than or equal to 48")
        raise validation("archiveName", name, r"Member must satisfy regular expression "
                         r"pattern: [\.\-_A-Za-z0-9]+")
    return name


def _check_common(params: dict[str, Any]) -> None:
    if len(params.get("Description") or "") > 512:
        raise validation("description", params["Description"],
                         "Member must have length less than or equal to 512")
    retention = params.get("RetentionDays")
    if retention is not None and retention < 0:
        raise validation("retentionDays", retention,
                         "Member must have value greater than or equal to 0")
    if params.get("EventPattern"):
        parse_pattern(params["EventPattern"])


def _source_bus(ctx: RequestContext, source_arn: str) -> str:
    if ":event-bus/" not in source_arn:
        raise AwsError("ValidationException", "Parameter EventSourceArn is not valid. "
                       "Reason: Provided Arn is not in correct format.")
    if not source_arn.startswith(arn("events", ctx.region, ctx.account_id, "")):
        # Another account's (or region's) bus is one the caller has not got (recorded).
        raise AwsError("ResourceNotFoundException", f"Event bus "
                       f"{source_arn.split(':event-bus/', 1)[1]} does not exist.")
    return bus_name(ctx, source_arn)


def _managed_rule(ctx: RequestContext, tx: Tx, name: str, bus: str,
                  pattern: str | None) -> None:
    """The archive's rule: written directly (it counts against no rule quota)."""
    merged = {**(json.loads(pattern) if pattern else {}), **_NOT_REPLAYED}
    rule = RULE_PREFIX + name
    config = {"Name": rule, "Arn": rule_arn(ctx.region, ctx.account_id, bus, rule),
              "EventPattern": json.dumps(merged), "State": "ENABLED",
              "ManagedBy": MANAGED_BY, "EventBusName": bus, "CreatedBy": ctx.account_id}
    tx.execute("INSERT OR REPLACE INTO events_rules (account_id, region, bus, name, config, "
               "pattern, schedule, enabled, next_fire, tags) VALUES (?, ?, ?, ?, ?, ?, NULL, 1, "
               "NULL, '{}')", (ctx.account_id, ctx.region, bus, rule, json.dumps(config),
                               config["EventPattern"]))
    rule_cache.forget(ctx.cloud)


def create_archive(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = _check_name(params["ArchiveName"])
    _check_common(params)
    bus = _source_bus(ctx, params["EventSourceArn"])
    now = ctx.cloud.clock.now()
    config = {k: params[k] for k in ("Description", "EventPattern", "KmsKeyIdentifier")
              if params.get(k)}
    config["EventSourceArn"] = bus_arn(ctx, bus)
    with store(ctx).write() as tx:
        require_bus(tx, ctx, bus)
        if _row(tx, ctx, name) is not None:
            raise AwsError("ResourceAlreadyExistsException", f"Archive {name} already exists.")
        if tx.fetchvalue("SELECT COUNT(*) FROM events_archives WHERE account_id = ? AND "
                         "region = ?", (ctx.account_id, ctx.region)) >= ARCHIVES_PER_REGION_MAX:
            raise AwsError("LimitExceededException",
                           "The requested resource exceeds the maximum number allowed.")
        tx.execute("INSERT INTO events_archives (account_id, region, name, bus, config, "
                   "retention_days, created) VALUES (?, ?, ?, ?, ?, ?, ?)",
                   (ctx.account_id, ctx.region, name, bus, json.dumps(config),
                    params.get("RetentionDays") or 0, now))
        _managed_rule(ctx, tx, name, bus, params.get("EventPattern"))
    return {"ArchiveArn": archive_arn(ctx, name), "State": "ENABLED", "CreationTime": now}


_COLUMNS = "name, bus, config, retention_days, event_count, size_bytes, created"


def _row(tx: Tx, ctx: RequestContext, name: str) -> tuple[Any, ...] | None:
    return tx.fetchone(f"SELECT {_COLUMNS} FROM events_archives WHERE account_id = ? AND "
                       "region = ? AND name = ?", (ctx.account_id, ctx.region, name))


def load(tx: Tx, ctx: RequestContext, name: str) -> tuple[Any, ...]:
    row = _row(tx, ctx, name)
    if row is None:
        raise not_found(name)
    return row


def _summary(row: tuple[Any, ...]) -> dict[str, Any]:
    name, _, config_text, retention, count, size, created = row
    config = json.loads(config_text)
    return {"ArchiveName": name, "EventSourceArn": config["EventSourceArn"],
            "State": "ENABLED", "RetentionDays": retention, "SizeBytes": size,
            "EventCount": count, "CreationTime": created}


def describe_archive(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = _check_name(params["ArchiveName"])
    with store(ctx).read() as tx:
        row = load(tx, ctx, name)
    config = json.loads(row[2])
    found = {"ArchiveArn": archive_arn(ctx, name), **_summary(row)}
    found.update({k: config[k] for k in ("Description", "EventPattern", "KmsKeyIdentifier")
                  if k in config})
    return found


def list_archives(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    state = one_filter(params, "ListArchives", _STATES)
    limit, start = page_limit(params), page_start(params)
    prefix = params.get("NamePrefix") or ""
    with store(ctx).read() as tx:
        bus = None
        if params.get("EventSourceArn"):
            bus = _source_bus(ctx, params["EventSourceArn"])
            require_bus(tx, ctx, bus)
        rows = tx.fetchall(f"SELECT {_COLUMNS} FROM events_archives WHERE account_id = ? AND "
                           "region = ? ORDER BY name", (ctx.account_id, ctx.region))
    found = [_summary(r) for r in rows if r[0].startswith(prefix)
             and (bus is None or r[1] == bus) and state in (None, "ENABLED")]
    return page(found, start, limit, "Archives")


def update_archive(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = _check_name(params["ArchiveName"])
    _check_common(params)
    with store(ctx).write() as tx:
        _, bus, config_text, retention, _, _, created = load(tx, ctx, name)
        config = json.loads(config_text)
        for key in ("Description", "EventPattern", "KmsKeyIdentifier"):
            if key in params:
                config[key] = params[key]
                if not params[key]:
                    del config[key]
        if params.get("RetentionDays") is not None:
            retention = params["RetentionDays"]
        tx.execute("UPDATE events_archives SET config = ?, retention_days = ? WHERE "
                   "account_id = ? AND region = ? AND name = ?",
                   (json.dumps(config), retention, ctx.account_id, ctx.region, name))
        _managed_rule(ctx, tx, name, bus, config.get("EventPattern"))
    return {"ArchiveArn": archive_arn(ctx, name), "State": "ENABLED", "CreationTime": created}


def delete_archive(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = _check_name(params["ArchiveName"])
    key = (ctx.account_id, ctx.region, name)
    with store(ctx).write() as tx:
        bus = load(tx, ctx, name)[1]
        tx.execute("DELETE FROM events_archives WHERE account_id = ? AND region = ? AND "
                   "name = ?", key)
        tx.execute("DELETE FROM events_archived WHERE account_id = ? AND region = ? AND "
                   "archive = ?", key)
        tx.execute("DELETE FROM events_rules WHERE account_id = ? AND region = ? AND bus = ? "
                   "AND name = ?", (ctx.account_id, ctx.region, bus, RULE_PREFIX + name))
    rule_cache.forget(ctx.cloud)
    return {}


def keep(tx: Tx, cloud: Any, account_id: str, region: str, archive: str,
         event: dict[str, Any]) -> None:
    """Archive one event (inside the transaction that accepted it)."""
    text = json.dumps(event)
    if not tx.execute("UPDATE events_archives SET event_count = event_count + 1, size_bytes = "
                      "size_bytes + ? WHERE account_id = ? AND region = ? AND name = ? AND "
                      "event_count < ?", (len(text.encode()), account_id, region, archive,
                                          EVENTS_PER_ARCHIVE_MAX)):
        log.warning("archive %s is full (or gone): event %s not archived", archive,
                    event.get("id"))
        return
    tx.execute("INSERT INTO events_archived (account_id, region, archive, received, event) "
               "VALUES (?, ?, ?, ?, ?)", (account_id, region, archive, cloud.clock.now(), text))


JOB_NAME = "events-archive-retention"
TICK_S = 60.0


def expire(cloud: Any) -> None:
    """The background job: drop events older than their archive's retention (bounded)."""
    now = cloud.clock.now()
    with ready_store(cloud.store).write() as tx:
        archives = tx.fetchall("SELECT account_id, region, name, retention_days FROM "
                               "events_archives WHERE retention_days > 0")
        budget = EXPIRED_PER_TICK_MAX
        for account_id, region, name, days in archives:
            if budget <= 0:
                return
            key = (account_id, region, name, now - days * DAY_S, budget)
            rows = tx.fetchall("SELECT seq, LENGTH(CAST(event AS BLOB)) FROM events_archived "
                               "WHERE account_id = ? AND region = ? AND archive = ? AND "
                               "received < ? ORDER BY received LIMIT ?", key)
            if not rows:
                continue
            budget -= len(rows)
            tx.executemany("DELETE FROM events_archived WHERE seq = ?", [(r[0],) for r in rows])
            tx.execute("UPDATE events_archives SET event_count = MAX(0, event_count - ?), "
                       "size_bytes = MAX(0, size_bytes - ?) WHERE account_id = ? AND "
                       "region = ? AND name = ?",
                       (len(rows), sum(r[1] for r in rows), account_id, region, name))
