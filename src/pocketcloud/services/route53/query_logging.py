"""Query logging configurations: one per hosted zone, naming a CloudWatch Logs log group.

As AWS requires, the log group must be in us-east-1 in the zone's account, and a CloudWatch
Logs resource policy there must let route53.amazonaws.com create streams and put events in
it. Both are asked of CloudWatch Logs through internal calls; query_log.py writes the lines.
"""

from __future__ import annotations

import fnmatch
import json
import re
from typing import Any

from pocketcloud.context import RequestContext
from pocketcloud.errors import AwsError
from pocketcloud.services import internal
from pocketcloud.services.route53 import query_log
from pocketcloud.services.route53.common import HOSTED_ZONE_PREFIX, bare_id, max_results, store
from pocketcloud.services.route53.zones import find_zone

LOGS_REGION = "us-east-1"  # Route 53 publishes query logs to log groups there only
LOCATION_BASE = "https://route53.amazonaws.com/2013-04-01/queryloggingconfig/"
LIST_CONFIGS_MAX = 100
RESOURCE_POLICY_PAGES_MAX = 10  # CloudWatch Logs keeps at most 10 policies a region
ROUTE53_PRINCIPAL = "route53.amazonaws.com"
NEEDED_ACTIONS = ("logs:CreateLogStream", "logs:PutLogEvents")
_LOG_GROUP_ARN = re.compile(
    r"arn:aws:logs:(?P<region>[a-z0-9-]+):(?P<account>\d{12}):log-group:"
    r"(?P<name>[\w./#-]{1,512}?)(?::\*)?")


def _config(row: tuple[Any, ...]) -> dict[str, Any]:
    return {"Id": row[0], "HostedZoneId": row[1], "CloudWatchLogsLogGroupArn": row[2]}


def _no_config(config_id: str) -> AwsError:
    return AwsError("NoSuchQueryLoggingConfig", "There is no DNS query logging configuration "
                    f"with the specified ID: {config_id}", 404)


def _no_log_group() -> AwsError:
    return AwsError("NoSuchCloudWatchLogsLogGroup", "There is no CloudWatch Logs log group "
                    "with the specified ARN.", 404)


def log_group_name(ctx: RequestContext, log_group_arn: str) -> str:
    """The group's name; it must exist in us-east-1 in the caller's own account."""
    found = _LOG_GROUP_ARN.fullmatch(log_group_arn)
    if found is None:
        raise AwsError("InvalidInput", "The ARN for the CloudWatch Logs log group is invalid.")
    if found["region"] != LOGS_REGION or found["account"] != ctx.account_id:
        raise _no_log_group()
    name = found["name"]
    groups = internal.call(ctx.cloud, "logs", "DescribeLogGroups",
                           {"logGroupNamePrefix": name, "limit": 1},
                           account_id=ctx.account_id, region=LOGS_REGION)["logGroups"]
    if not groups or groups[0]["logGroupName"] != name:
        raise _no_log_group()
    return name


def _grants_route53(document: str, log_group_arn: str) -> bool:
    try:
        statements = json.loads(document).get("Statement") or []
    except (ValueError, AttributeError):
        return False
    if isinstance(statements, dict):
        statements = [statements]
    needed = set(NEEDED_ACTIONS)
    for statement in statements:
        if not isinstance(statement, dict) or statement.get("Effect") != "Allow":
            continue
        principal = statement.get("Principal")
        services = principal.get("Service") if isinstance(principal, dict) else principal
        if ROUTE53_PRINCIPAL not in _as_list(services) and "*" not in _as_list(services):
            continue
        if not any(fnmatch.fnmatchcase(log_group_arn, r) or
                   fnmatch.fnmatchcase(log_group_arn + ":*", r)
                   for r in _as_list(statement.get("Resource"))):
            continue
        needed -= {a for a in needed
                   if any(fnmatch.fnmatchcase(a.lower(), g.lower())
                          for g in _as_list(statement.get("Action")))}
    return not needed


def _as_list(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _check_resource_policy(ctx: RequestContext, log_group_arn: str) -> None:
    token = None
    for _ in range(RESOURCE_POLICY_PAGES_MAX):
        params: dict[str, Any] = {"nextToken": token} if token else {}
        page = internal.call(ctx.cloud, "logs", "DescribeResourcePolicies", params,
                             account_id=ctx.account_id, region=LOGS_REGION)
        if any(_grants_route53(p.get("policyDocument") or "", log_group_arn)
               for p in page.get("resourcePolicies") or []):
            return
        token = page.get("nextToken")
        if not token:
            break
    raise AwsError("InsufficientCloudWatchLogsResourcePolicy", "Amazon Route 53 doesn't have "
                   "the permissions required to create log streams and send query logs to "
                   "log streams.")


def create_query_logging_config(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    log_group_arn = params.get("CloudWatchLogsLogGroupArn") or ""
    with store(ctx.cloud).read() as tx:
        zone = find_zone(tx, ctx.account_id, params.get("HostedZoneId") or "")
    log_group_name(ctx, log_group_arn)
    _check_resource_policy(ctx, log_group_arn)
    config_id = ctx.cloud.ids.uuid4()
    with store(ctx.cloud).write() as tx:
        find_zone(tx, ctx.account_id, zone.zone_id)  # not deleted meanwhile
        if tx.fetchvalue("SELECT 1 FROM route53_query_logging WHERE zone_id = ?",
                         (zone.zone_id,)):
            raise AwsError("QueryLoggingConfigAlreadyExists", "A query logging configuration "
                           "already exists for this hosted zone.", 409)
        tx.execute("INSERT INTO route53_query_logging VALUES (?, ?, ?, ?, ?)",
                   (config_id, ctx.account_id, zone.zone_id, log_group_arn,
                    ctx.cloud.clock.now()))
    query_log.refresh(ctx.cloud)
    return {"QueryLoggingConfig": _config((config_id, zone.zone_id, log_group_arn)),
            "Location": LOCATION_BASE + config_id}


def get_query_logging_config(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    config_id = params.get("Id") or ""
    with store(ctx.cloud).read() as tx:
        row = tx.fetchone("SELECT config_id, zone_id, log_group_arn FROM route53_query_logging "
                          "WHERE config_id = ? AND account_id = ?", (config_id, ctx.account_id))
    if row is None:
        raise _no_config(config_id)
    return {"QueryLoggingConfig": _config(row)}


def list_query_logging_configs(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    limit = max_results(params, LIST_CONFIGS_MAX)
    after = params.get("NextToken") or ""
    zone_id = bare_id(params.get("HostedZoneId") or "", HOSTED_ZONE_PREFIX)
    sql = ("SELECT config_id, zone_id, log_group_arn FROM route53_query_logging WHERE "
           "account_id = ? AND config_id > ?")
    args: list[Any] = [ctx.account_id, after]
    with store(ctx.cloud).read() as tx:
        if zone_id:
            find_zone(tx, ctx.account_id, zone_id)
            sql, args = sql + " AND zone_id = ?", [*args, zone_id]
        rows = tx.fetchall(sql + " ORDER BY config_id LIMIT ?", (*args, limit + 1))
    result: dict[str, Any] = {"QueryLoggingConfigs": [_config(r) for r in rows[:limit]]}
    if len(rows) > limit:
        result["NextToken"] = rows[limit - 1][0]
    return result


def delete_query_logging_config(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    config_id = params.get("Id") or ""
    with store(ctx.cloud).write() as tx:
        if not tx.execute("DELETE FROM route53_query_logging WHERE config_id = ? AND "
                          "account_id = ?", (config_id, ctx.account_id)):
            raise _no_config(config_id)
    query_log.refresh(ctx.cloud)
    return {}
