"""Subscription filters: Put/Describe/DeleteSubscriptionFilter, and their delivery.

A Lambda function in pocketcloud is the one destination that exists here (Kinesis, Firehose
and cross-account destinations are refused with AWS's errors). PutLogEvents calls `fan_out`
inside its own write transaction: the events each filter matches become AWS's payload
({"awslogs": {"data": base64(gzip(DATA_MESSAGE))}}) in bounded batches, committed to the
durable outbox (services/events/outbox.py) with the events themselves, so an acknowledged
PutLogEvents is delivered even across a restart. The outbox's background job invokes the
function asynchronously as logs.amazonaws.com with the log group's ARN as aws:SourceArn.

AWS documents a CONTROL_MESSAGE only for Kinesis and Firehose destinations (a reachability
check), so none is sent to a Lambda function.
"""

from __future__ import annotations

import base64
import gzip
import json
from functools import lru_cache
from typing import Any

from pocketcloud.context import RequestContext
from pocketcloud.errors import AwsError
from pocketcloud.services import internal
from pocketcloud.services.events import outbox
from pocketcloud.services.logs import tokens
from pocketcloud.services.logs.groups import now_ms
from pocketcloud.services.logs.names import (
    TOKEN_DIGITS,
    check_group_name,
    group_arn,
    invalid,
    like_prefix,
    page_limit,
    require_group,
    validation_error,
)
from pocketcloud.services.logs.patterns import MAX_PATTERN_CHARS, Predicate, compile_pattern
from pocketcloud.services.logs.schema import store

PRINCIPAL = "logs.amazonaws.com"
FILTERS_PER_GROUP_MAX = 2
FILTER_NAME_MAX = 512
DISTRIBUTIONS = ("Random", "ByLogStream")
BATCH_MESSAGE_BYTES_MAX = 160 * 1024  # gzip'd and base64'd, a batch stays in Lambda's 256 KiB
BATCH_EVENTS_MAX = 10_000
NO_LAMBDA = ("Could not execute the lambda function. Make sure you have given CloudWatch Logs "
             "permission to execute your function.")
CROSS_ACCOUNT = ("Cross-account lambda invocation passing is not allowed. You must use "
                 "DestinationPolicies to create cross account lambda triggers.")
_VENDORS = {"kinesis": ("kinesis", "Kinesis stream", "kinesis stream"),
            "firehose": ("firehose", "Firehose stream", "Firehose stream")}


def check_filter_name(name: str) -> str:
    if len(name) > FILTER_NAME_MAX:
        raise validation_error(name, "filterName", "Member must have length less than or "
                               f"equal to {FILTER_NAME_MAX}")
    if not name or ":" in name or "*" in name:
        raise validation_error(name, "filterName", "Member must satisfy regular expression "
                               "pattern: [^:*]*")
    return name


def check_pattern(pattern: str) -> Predicate:
    if len(pattern) > MAX_PATTERN_CHARS:
        raise validation_error(pattern, "filterPattern", "Member must have length less than "
                               f"or equal to {MAX_PATTERN_CHARS}")
    return compiled(pattern)


@lru_cache(maxsize=512)
def compiled(pattern: str) -> Predicate:
    """Each PutLogEvents tests its events against its group's filters: compile once."""
    return compile_pattern(pattern)


async def put_subscription_filter(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    group = check_group_name(params["logGroupName"])
    name = check_filter_name(params["filterName"])
    pattern = params["filterPattern"]
    check_pattern(pattern)
    distribution = params.get("distribution") or "ByLogStream"
    if distribution not in DISTRIBUTIONS:
        raise validation_error(distribution, "distribution", "Member must satisfy enum value "
                               "set: [Random, ByLogStream]")
    destination = params["destinationArn"]
    # recorded: a cross-account function is refused before the group is looked up
    _check_destination_arn(ctx, destination, params.get("roleArn"))
    with store(ctx).read() as tx:
        require_group(tx, ctx, group)
    await _check_function(ctx, group, destination)
    with store(ctx).write() as tx:
        require_group(tx, ctx, group)
        key = (ctx.account_id, ctx.region, group)
        others = tx.fetchvalue("SELECT count(*) FROM logs_subscription_filters WHERE "
                               "account_id = ? AND region = ? AND group_name = ? AND name != ?",
                               (*key, name))
        if others >= FILTERS_PER_GROUP_MAX:
            raise AwsError("LimitExceededException", "Resource limit exceeded.")
        tx.execute("INSERT INTO logs_subscription_filters (account_id, region, group_name, name, "
                   "pattern, destination_arn, role_arn, distribution, created_ms) VALUES "
                   "(?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (account_id, region, group_name, "
                   "name) DO UPDATE SET pattern = excluded.pattern, destination_arn = "
                   "excluded.destination_arn, role_arn = excluded.role_arn, distribution = "
                   "excluded.distribution",
                   (*key, name, pattern, destination, params.get("roleArn"), distribution,
                    now_ms(ctx)))
    return {}


def _check_destination_arn(ctx: RequestContext, destination: str,
                           role_arn: str | None) -> None:
    """What the destination's ARN alone decides: only a same-account Lambda function passes."""
    parts = destination.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn" or not parts[2]:
        raise invalid(f"Invalid destinationArn: {destination}")
    service, region, account_id = parts[2], parts[3], parts[4]
    if service in _VENDORS:
        vendor, kind, lower = _VENDORS[service]
        if not role_arn:
            raise invalid(f"destinationArn for vendor {vendor} cannot be used without roleArn")
        # neither Kinesis nor Firehose is built in pocketcloud: no such stream can exist
        raise invalid(f"Could not deliver test message to specified {kind}. Check if the "
                      f"given {lower} is in ACTIVE state.")
    if service == "logs":
        raise invalid("Could not deliver test message to specified destination. Check if the "
                      "destination is valid.")
    if service != "lambda":
        raise invalid(f"Invalid destinationArn: {destination}")
    if account_id != ctx.account_id:
        raise AwsError("AccessDeniedException", CROSS_ACCOUNT)
    if region != ctx.region:
        raise invalid(NO_LAMBDA)


async def _check_function(ctx: RequestContext, group: str, destination: str) -> None:
    try:
        await internal.acall(ctx.cloud, "lambda", "GetFunction", {"FunctionName": destination},
                             account_id=ctx.account_id, region=ctx.region)
        _may_invoke(ctx, group, destination)
    except AwsError:
        raise invalid(NO_LAMBDA) from None


def _may_invoke(ctx: RequestContext, group: str, function_arn: str) -> None:
    """AWS refuses the filter unless the function's policy lets CloudWatch Logs invoke it."""
    from pocketcloud.gateway.authorization import authorize

    invoke = internal.internal_context(ctx.cloud, "lambda", "Invoke", account_id=ctx.account_id,
                                       region=ctx.region, principal=PRINCIPAL,
                                       source_arn=group_arn(ctx, group) + ":*")
    authorize(invoke, {"FunctionName": function_arn})


def describe_subscription_filters(ctx: RequestContext,
                                  params: dict[str, Any]) -> dict[str, Any]:
    group = check_group_name(params["logGroupName"])
    prefix = params.get("filterNamePrefix")
    limit = page_limit(params)
    after = tokens.decode(params.get("nextToken")) or ""
    sql = ("SELECT name, pattern, destination_arn, role_arn, distribution, created_ms FROM "
           "logs_subscription_filters WHERE account_id = ? AND region = ? AND group_name = ? "
           "AND name > ?")
    args: list[Any] = [ctx.account_id, ctx.region, group, str(after)]
    if prefix:
        sql += " AND name LIKE ? ESCAPE '\\'"
        args.append(like_prefix(check_filter_name(prefix)))
    with store(ctx).read() as tx:
        require_group(tx, ctx, group)
        rows = tx.fetchall(sql + " ORDER BY name LIMIT ?", (*args, limit + 1))
    result: dict[str, Any] = {"subscriptionFilters": [_described(group, r)
                                                      for r in rows[:limit]]}
    if len(rows) > limit:
        result["nextToken"] = tokens.encode(rows[limit - 1][0])
    return result


def _described(group: str, row: tuple[Any, ...]) -> dict[str, Any]:
    name, pattern, destination, role_arn, distribution, created_ms = row
    described: dict[str, Any] = {
        "filterName": name, "logGroupName": group, "filterPattern": pattern,
        "destinationArn": destination, "distribution": distribution,
        "applyOnTransformedLogs": False, "creationTime": created_ms}
    if role_arn:
        described["roleArn"] = role_arn
    return described


def delete_subscription_filter(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    group = check_group_name(params["logGroupName"])
    name = check_filter_name(params["filterName"])
    with store(ctx).write() as tx:
        require_group(tx, ctx, group)
        if not tx.execute("DELETE FROM logs_subscription_filters WHERE account_id = ? AND "
                          "region = ? AND group_name = ? AND name = ?",
                          (ctx.account_id, ctx.region, group, name)):
            raise AwsError("ResourceNotFoundException",
                           "The specified subscription filter does not exist.")
    return {}


# --- delivery -----------------------------------------------------------------------------

def fan_out(tx: Any, ctx: RequestContext, group: str, stream: str,
            events: list[tuple[int, int, str]]) -> bool:
    """Queue the deliveries for (event_id, timestamp, message) just stored; True if any."""
    filters = tx.fetchall("SELECT name, pattern, destination_arn FROM "
                          "logs_subscription_filters WHERE account_id = ? AND region = ? AND "
                          "group_name = ? ORDER BY name", (ctx.account_id, ctx.region, group))
    deliveries = []
    for name, pattern, destination in filters:
        matches = compiled(pattern)
        found = [event for event in events if matches(event[2])]
        for batch in _batches(found):
            payload = _payload(ctx.account_id, group, stream, name, batch)
            deliveries.append(outbox.Delivery(ctx.account_id, ctx.region,
                                              {"Arn": destination}, payload, PRINCIPAL,
                                              group_arn(ctx, group) + ":*"))
    if deliveries:
        outbox.enqueue(tx, ctx.cloud, deliveries)
    return bool(deliveries)


def _batches(events: list[tuple[int, int, str]]) -> list[list[tuple[int, int, str]]]:
    batches: list[list[tuple[int, int, str]]] = []
    current: list[tuple[int, int, str]] = []
    size = 0
    for event in events:
        event_bytes = len(event[2].encode("utf-8")) + 100  # id, timestamp and JSON around it
        if current and (size + event_bytes > BATCH_MESSAGE_BYTES_MAX
                        or len(current) >= BATCH_EVENTS_MAX):
            batches.append(current)
            current, size = [], 0
        current.append(event)
        size += event_bytes
    if current:
        batches.append(current)
    return batches


def _payload(owner: str, group: str, stream: str, filter_name: str,
             batch: list[tuple[int, int, str]]) -> str:
    message = {
        "messageType": "DATA_MESSAGE", "owner": owner, "logGroup": group, "logStream": stream,
        "subscriptionFilters": [filter_name],
        "logEvents": [{"id": str(event_id).zfill(TOKEN_DIGITS), "timestamp": stamp,
                       "message": text} for event_id, stamp, text in batch]}
    data = gzip.compress(json.dumps(message, separators=(",", ":")).encode(), mtime=0)
    return json.dumps({"awslogs": {"data": base64.b64encode(data).decode()}})
