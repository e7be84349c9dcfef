"""Log groups: create, delete, describe (prefix and paging), retention, tags."""

from __future__ import annotations

import json
from typing import Any

from pocketcloud.context import RequestContext
from pocketcloud.errors import AwsError
from pocketcloud.services.logs import tokens
from pocketcloud.services.logs.names import (
    check_group_name,
    group_arn,
    invalid,
    like_prefix,
    name_from_identifier,
    no_group,
    page_limit,
    validation_error,
)
from pocketcloud.services.logs.schema import GROUP_TABLES, store

RETENTION_DAYS = (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827,
                  2192, 2557, 2922, 3288, 3653)
MAX_TAGS = 50
LOG_GROUPS_PER_REGION_MAX = 1_000_000  # AWS's quota per account and region
LIST_PAGE_MAX = 1000  # ListLogGroups' limit; it answers 50 when none is asked for


def create_log_group(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = check_group_name(params["logGroupName"])
    tags = params.get("tags") or {}
    check_tags(tags)
    group_class = params.get("logGroupClass") or "STANDARD"
    with store(ctx).write() as tx:
        if tx.fetchone("SELECT 1 FROM logs_groups WHERE account_id = ? AND region = ? AND "
                       "name = ?", (ctx.account_id, ctx.region, name)):
            raise AwsError("ResourceAlreadyExistsException",
                           "The specified log group already exists")
        tx.execute("INSERT INTO logs_groups (account_id, region, name, created_ms, kms_key_id, "
                   "log_group_class, tags) VALUES (?, ?, ?, ?, ?, ?, ?)",
                   (ctx.account_id, ctx.region, name, now_ms(ctx), params.get("kmsKeyId"),
                    group_class, json.dumps(tags)))
    return {}


def delete_log_group(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = check_group_name(params["logGroupName"])
    key = (ctx.account_id, ctx.region, name)
    with store(ctx).write() as tx:
        if not tx.execute("DELETE FROM logs_groups WHERE account_id = ? AND region = ? AND "
                          "name = ?", key):
            raise no_group()
        tx.execute("DELETE FROM logs_streams WHERE account_id = ? AND region = ? AND "
                   "group_name = ?", key)
        tx.execute("DELETE FROM logs_events WHERE account_id = ? AND region = ? AND "
                   "group_name = ?", key)
        for table in GROUP_TABLES:
            tx.execute(f"DELETE FROM {table} WHERE account_id = ? AND region = ? AND "
                       "group_name = ?", key)
        tx.execute("DELETE FROM logs_policy_documents WHERE account_id = ? AND region = ? AND "
                   "kind = 'data-protection' AND name = ?", key)
    return {}


def describe_log_groups(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    prefix, pattern = params.get("logGroupNamePrefix"), params.get("logGroupNamePattern")
    if prefix and pattern:
        raise invalid("LogGroup name prefix and LogGroup name pattern are mutually exclusive "
                      "parameters.")
    identifiers = params.get("logGroupIdentifiers")
    if identifiers and (prefix or pattern):
        raise invalid("LogGroup identifiers and LogGroup name prefix or pattern are mutually "
                      "exclusive parameters.")
    limit = page_limit(params)
    sql, args = _listing(ctx, params)
    if prefix:
        sql += " AND name LIKE ? ESCAPE '\\'"
        args.append(like_prefix(prefix))
    if pattern:
        sql += " AND instr(name, ?) > 0"  # a case-sensitive substring, as AWS documents
        args.append(pattern)
    if identifiers:
        names = _identified_names(ctx, identifiers)
        sql += f" AND name IN ({','.join('?' * len(names))})"
        args += names
    with store(ctx).read() as tx:
        rows = tx.fetchall(sql + " ORDER BY name LIMIT ?", (*args, limit + 1))
        names = [row[0] for row in rows[:limit]]
        stored = {} if pattern else _stored_bytes(tx, ctx, names)
        counts = _metric_filter_counts(tx, ctx, names)
    groups = [_group(ctx, row, stored.get(row[0], 0), counts.get(row[0], 0))
              for row in rows[:limit]]
    if pattern:
        # AWS's pattern search answers without the size and deletion-protection fields
        for described in groups:
            del described["storedBytes"], described["deletionProtectionEnabled"]
    return _page({"logGroups": groups}, rows, limit)


def list_log_groups(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """The newer listing: names, ARNs and classes only; its pattern is `|`-separated
    case-sensitive substrings, each a prefix when it starts with '^'."""
    limit = page_limit(params, maximum=LIST_PAGE_MAX)
    sql, args = _listing(ctx, params)
    alternatives = [alt for alt in (params.get("logGroupNamePattern") or "").split("|") if alt]
    if alternatives:
        matches = []
        for alternative in alternatives:
            if alternative.startswith("^"):
                matches.append("substr(name, 1, length(?)) = ?")
                args += [alternative[1:]] * 2
            else:
                matches.append("instr(name, ?) > 0")
                args.append(alternative)
        sql += f" AND ({' OR '.join(matches)})"
    with store(ctx).read() as tx:
        rows = tx.fetchall(sql + " ORDER BY name LIMIT ?", (*args, limit + 1))
    groups = [{"logGroupName": row[0], "logGroupArn": group_arn(ctx, row[0]),
               "logGroupClass": row[4]} for row in rows[:limit]]
    return _page({"logGroups": groups}, rows, limit)


def _listing(ctx: RequestContext, params: dict[str, Any]) -> tuple[str, list[Any]]:
    """The groups after the page token, of the asked-for class."""
    after = tokens.decode(params.get("nextToken")) or ""
    sql = ("SELECT name, created_ms, retention_days, kms_key_id, log_group_class FROM "
           "logs_groups WHERE account_id = ? AND region = ? AND name > ?")
    args: list[Any] = [ctx.account_id, ctx.region, str(after)]
    if params.get("logGroupClass"):
        sql += " AND log_group_class = ?"
        args.append(params["logGroupClass"])
    return sql, args


def _identified_names(ctx: RequestContext, identifiers: list[str]) -> list[str]:
    """Names or ARNs; an ARN of another account or region names no group of this one."""
    names = []
    for identifier in identifiers:
        try:
            names.append(name_from_identifier(ctx, identifier))
        except AwsError as error:
            if error.code != "ResourceNotFoundException":
                raise
    return names


def _page(result: dict[str, Any], rows: list[Any], limit: int) -> dict[str, Any]:
    if len(rows) > limit:
        result["nextToken"] = tokens.encode(rows[limit - 1][0])
    return result


def put_retention_policy(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = check_group_name(params["logGroupName"])
    days = params["retentionInDays"]
    if days not in RETENTION_DAYS:
        raise invalid(f"1 validation error detected: Value '{days}' at 'retentionInDays' "
                      "failed to satisfy constraint: Member must satisfy enum value set: "
                      f"[{', '.join(str(d) for d in RETENTION_DAYS)}]")
    _set_retention(ctx, name, days)
    return {}


def delete_retention_policy(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    _set_retention(ctx, check_group_name(params["logGroupName"]), None)
    return {}


def _set_retention(ctx: RequestContext, name: str, days: int | None) -> None:
    with store(ctx).write() as tx:
        if not tx.execute("UPDATE logs_groups SET retention_days = ? WHERE account_id = ? AND "
                          "region = ? AND name = ?", (days, ctx.account_id, ctx.region, name)):
            raise no_group()


# --- tags: the older *LogGroup operations and the ARN-based *Resource ones ------------------

def tag_log_group(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    _update_tags(ctx, check_group_name(params["logGroupName"]), params.get("tags") or {}, ())
    return {}


def untag_log_group(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    _update_tags(ctx, check_group_name(params["logGroupName"]), {}, params.get("tags") or ())
    return {}


def list_tags_log_group(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    return {"tags": _tags(ctx, check_group_name(params["logGroupName"]))}


def tag_resource(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    _update_tags(ctx, _resource_of_arn(ctx, params["resourceArn"]), params.get("tags") or {},
                 ())
    return {}


def untag_resource(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    _update_tags(ctx, _resource_of_arn(ctx, params["resourceArn"]), {},
                 params.get("tagKeys") or ())
    return {}


def list_tags_for_resource(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    return {"tags": _tags(ctx, _resource_of_arn(ctx, params["resourceArn"]))}


# a taggable resource: its table and name ("logs_groups" for a log group, or a destination)
_Resource = tuple[str, str]


def _resource_of_arn(ctx: RequestContext, resource_arn: str) -> _Resource:
    parts = resource_arn.split(":", 6)
    if (len(parts) < 7 or parts[0] != "arn" or parts[2] != "logs"
            or parts[5] not in ("log-group", "destination") or not parts[6]):
        raise invalid(f"Invalid resource ARN: {resource_arn}")
    if parts[3] != ctx.region or parts[4] != ctx.account_id:
        raise AwsError("ResourceNotFoundException", "The specified resource does not exist.")
    if parts[5] == "destination":
        return "logs_destinations", parts[6]
    return "logs_groups", parts[6].removesuffix(":*")


def _missing(table: str) -> AwsError:
    if table == "logs_destinations":
        return AwsError("ResourceNotFoundException", "The specified destination does not exist.")
    return no_group()


def _tags(ctx: RequestContext, resource: _Resource | str) -> dict[str, str]:
    table, name = resource if isinstance(resource, tuple) else ("logs_groups", resource)
    with store(ctx).read() as tx:
        raw = tx.fetchvalue(f"SELECT tags FROM {table} WHERE account_id = ? AND region = ? "
                            "AND name = ?", (ctx.account_id, ctx.region, name))
    if raw is None:
        raise _missing(table)
    return dict(json.loads(raw))


def _update_tags(ctx: RequestContext, resource: _Resource | str, added: dict[str, str],
                 removed: Any) -> None:
    table, name = resource if isinstance(resource, tuple) else ("logs_groups", resource)
    with store(ctx).write() as tx:
        raw = tx.fetchvalue(f"SELECT tags FROM {table} WHERE account_id = ? AND region = ? "
                            "AND name = ?", (ctx.account_id, ctx.region, name))
        if raw is None:
            raise _missing(table)
        tags = json.loads(raw)
        tags.update(added)
        for key in removed:
            tags.pop(key, None)
        check_tags(tags)
        tx.execute(f"UPDATE {table} SET tags = ? WHERE account_id = ? AND region = ? AND "
                   "name = ?", (json.dumps(tags), ctx.account_id, ctx.region, name))


def check_tags(tags: dict[str, str]) -> None:
    if len(tags) > MAX_TAGS:
        raise invalid(f"A resource can have no more than {MAX_TAGS} tags.")
    for key in tags:
        if key.lower().startswith("aws:"):
            raise validation_error(key, "tags", "Tag keys cannot start with 'aws:'")


def _stored_bytes(tx: Any, ctx: RequestContext, names: list[str]) -> dict[str, int]:
    if not names:
        return {}
    marks = ",".join("?" * len(names))
    rows = tx.fetchall(f"SELECT group_name, sum(stored_bytes) FROM logs_streams WHERE "
                       f"account_id = ? AND region = ? AND group_name IN ({marks}) GROUP BY "
                       "group_name", (ctx.account_id, ctx.region, *names))
    return {row[0]: int(row[1] or 0) for row in rows}


def _metric_filter_counts(tx: Any, ctx: RequestContext, names: list[str]) -> dict[str, int]:
    if not names:
        return {}
    marks = ",".join("?" * len(names))
    rows = tx.fetchall(f"SELECT group_name, count(*) FROM logs_metric_filters WHERE "
                       f"account_id = ? AND region = ? AND group_name IN ({marks}) GROUP BY "
                       "group_name", (ctx.account_id, ctx.region, *names))
    return {row[0]: int(row[1]) for row in rows}


def _group(ctx: RequestContext, row: tuple[Any, ...], stored_bytes: int,
           metric_filters: int) -> dict[str, Any]:
    name, created_ms, retention_days, kms_key_id, group_class = row
    group: dict[str, Any] = {
        "logGroupName": name, "creationTime": created_ms, "metricFilterCount": metric_filters,
        "arn": group_arn(ctx, name) + ":*", "logGroupArn": group_arn(ctx, name),
        "storedBytes": stored_bytes, "logGroupClass": group_class,
        "deletionProtectionEnabled": False,
    }
    if retention_days is not None:
        group["retentionInDays"] = retention_days
    if kms_key_id:
        group["kmsKeyId"] = kms_key_id
    return group


def now_ms(ctx: RequestContext) -> int:
    return int(ctx.cloud.clock.now() * 1000)

