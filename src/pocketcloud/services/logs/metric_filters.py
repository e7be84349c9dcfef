"""Metric filters: Put/Describe/DeleteMetricFilter and TestMetricFilter.

pocketcloud has no CloudWatch metrics service, so a metric filter's transformations are stored
and described as AWS describes them, but no metric data points are published from them.
TestMetricFilter is pure: the pattern against sample messages, with the values it extracts
(a space-delimited pattern's named fields, a JSON pattern's selectors).
"""

from __future__ import annotations

import json
import re
from typing import Any

from pocketcloud.context import RequestContext
from pocketcloud.errors import AwsError
from pocketcloud.services.logs import tokens
from pocketcloud.services.logs.groups import now_ms
from pocketcloud.services.logs.names import (
    check_group_name,
    invalid,
    like_prefix,
    page_limit,
    require_group,
    validation_error,
)
from pocketcloud.services.logs.patterns import compile_extractor
from pocketcloud.services.logs.schema import store
from pocketcloud.services.logs.subscriptions import check_filter_name, check_pattern

FILTERS_PER_GROUP_MAX = 100
METRIC_NAME_MAX = 255
METRIC_VALUE_MAX = 100
DIMENSIONS_MAX = 3
TEST_MESSAGES_MAX = 50
_METRIC_NAME_RE = re.compile(r"^[^:*$]*$")
_NUMBER_RE = re.compile(r"^-?\d+(\.\d+)?$")
UNITS = ("Seconds", "Microseconds", "Milliseconds", "Bytes", "Kilobytes", "Megabytes",
         "Gigabytes", "Terabytes", "Bits", "Kilobits", "Megabits", "Gigabits", "Terabits",
         "Percent", "Count", "Bytes/Second", "Kilobytes/Second", "Megabytes/Second",
         "Gigabytes/Second", "Terabytes/Second", "Bits/Second", "Kilobits/Second",
         "Megabits/Second", "Gigabits/Second", "Terabits/Second", "Count/Second", "None")


def put_metric_filter(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    group = check_group_name(params["logGroupName"])
    name = check_filter_name(params["filterName"])
    pattern = params["filterPattern"]
    check_pattern(pattern)
    transformation = _check_transformations(params["metricTransformations"])
    with store(ctx).write() as tx:
        require_group(tx, ctx, group)
        key = (ctx.account_id, ctx.region, group)
        others = tx.fetchvalue("SELECT count(*) FROM logs_metric_filters WHERE account_id = ? "
                               "AND region = ? AND group_name = ? AND name != ?", (*key, name))
        if others >= FILTERS_PER_GROUP_MAX:
            raise AwsError("LimitExceededException", "Resource limit exceeded.")
        tx.execute("INSERT INTO logs_metric_filters (account_id, region, group_name, name, "
                   "pattern, transformations, metric_name, metric_namespace, created_ms) VALUES "
                   "(?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (account_id, region, group_name, "
                   "name) DO UPDATE SET pattern = excluded.pattern, transformations = "
                   "excluded.transformations, metric_name = excluded.metric_name, "
                   "metric_namespace = excluded.metric_namespace",
                   (*key, name, pattern, json.dumps([transformation]),
                    transformation["metricName"], transformation["metricNamespace"],
                    now_ms(ctx)))
    return {}


def _check_transformations(transformations: list[dict[str, Any]]) -> dict[str, Any]:
    if len(transformations) != 1:
        shown = ", ".join(_shown(t) for t in transformations)
        raise validation_error(f"[{shown}]", "metricTransformations", "Member must have length "
                               f"{'less' if transformations else 'greater'} than or equal to 1")
    transformation = dict(transformations[0])
    for member in ("metricName", "metricNamespace"):
        value = transformation[member]
        if len(value) > METRIC_NAME_MAX:
            raise validation_error(value, member, "Member must have length less than or equal "
                                   f"to {METRIC_NAME_MAX}")
        # AWS accepts a namespace like "A.B-c_d/1#2:ns" despite the model's [^:*$]* pattern
        if not value or (member == "metricName" and not _METRIC_NAME_RE.match(value)):
            raise validation_error(value, member, "Member must satisfy regular expression "
                                   "pattern: [^:*$]*")
    value = transformation["metricValue"]
    if len(value) > METRIC_VALUE_MAX:
        raise validation_error(value, "metricValue", "Member must have length less than or "
                               f"equal to {METRIC_VALUE_MAX}")
    if not (value.startswith("$") and len(value) > 1) and not _NUMBER_RE.match(value):
        raise invalid("Invalid metric value: a number or a $ reference to a field is required.")
    dimensions = transformation.get("dimensions") or {}
    if len(dimensions) > DIMENSIONS_MAX:
        raise invalid(f"A metric filter can have up to {DIMENSIONS_MAX} dimensions.")
    unit = transformation.get("unit")
    if unit is not None and unit not in UNITS:
        raise validation_error(unit, "metricTransformations.1.member.unit", "Member must "
                               f"satisfy enum value set: [{', '.join(UNITS)}]")
    if "defaultValue" in transformation:
        transformation["defaultValue"] = float(transformation["defaultValue"])
    return transformation


def _shown(transformation: dict[str, Any]) -> str:
    """How AWS prints a transformation in its validation message."""
    def text(member: str) -> str:
        value = transformation.get(member)
        return "null" if value is None else str(value)

    return (f"MetricTransformation(metricName={text('metricName')}, metricNamespace="
            f"{text('metricNamespace')}, metricValue={text('metricValue')}, defaultValue="
            f"{text('defaultValue')}, unit={text('unit')}, dimensions={text('dimensions')})")


def describe_metric_filters(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    group, prefix = params.get("logGroupName"), params.get("filterNamePrefix")
    metric_name, namespace = params.get("metricName"), params.get("metricNamespace")
    if bool(metric_name) != bool(namespace):
        raise invalid("metricName and metricNamespace must be specified together.")
    limit = page_limit(params)
    after = tokens.decode(params.get("nextToken")) or ["", ""]
    if not (isinstance(after, list) and len(after) == 2):
        raise invalid("The specified nextToken is invalid.")
    sql = ("SELECT group_name, name, pattern, transformations, created_ms FROM "
           "logs_metric_filters WHERE account_id = ? AND region = ? AND (group_name, name) > "
           "(?, ?)")
    args: list[Any] = [ctx.account_id, ctx.region, str(after[0]), str(after[1])]
    if group:
        sql += " AND group_name = ?"
        args.append(check_group_name(group))
    if prefix:  # recorded: a prefix alone finds filters across all groups
        if len(prefix) > 512:
            raise validation_error(prefix, "filterNamePrefix", "Member must have length "
                                   "less than or equal to 512")
        sql += " AND name LIKE ? ESCAPE '\\'"
        args.append(like_prefix(prefix))
    if metric_name:
        for member, value in (("metricName", metric_name), ("metricNamespace", namespace)):
            if len(str(value)) > METRIC_NAME_MAX:
                raise validation_error(value, member, "Member must have length less than or "
                                       f"equal to {METRIC_NAME_MAX}")
        sql += " AND metric_name = ? AND metric_namespace = ?"
        args += [metric_name, namespace]
    with store(ctx).read() as tx:
        if group:
            require_group(tx, ctx, group)
        rows = tx.fetchall(sql + " ORDER BY group_name, name LIMIT ?", (*args, limit + 1))
    result: dict[str, Any] = {"metricFilters": [_described(row) for row in rows[:limit]]}
    if len(rows) > limit:
        result["nextToken"] = tokens.encode([rows[limit - 1][0], rows[limit - 1][1]])
    return result


def _described(row: tuple[Any, ...]) -> dict[str, Any]:
    group, name, pattern, transformations, created_ms = row
    return {"filterName": name, "filterPattern": pattern,
            "metricTransformations": json.loads(transformations), "creationTime": created_ms,
            "logGroupName": group, "applyOnTransformedLogs": False}


def delete_metric_filter(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    group = check_group_name(params["logGroupName"])
    name = check_filter_name(params["filterName"])
    with store(ctx).write() as tx:
        require_group(tx, ctx, group)
        if not tx.execute("DELETE FROM logs_metric_filters WHERE account_id = ? AND region = ? "
                          "AND group_name = ? AND name = ?",
                          (ctx.account_id, ctx.region, group, name)):
            raise AwsError("ResourceNotFoundException",
                           "The specified metric filter does not exist.")
    return {}


def test_metric_filter(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    pattern = params["filterPattern"]
    check_pattern(pattern)
    messages = params["logEventMessages"]
    if not 1 <= len(messages) <= TEST_MESSAGES_MAX:
        raise validation_error(messages, "logEventMessages", "Member must have length "
                               f"{'less than or equal to ' + str(TEST_MESSAGES_MAX)}"
                               if messages else "Member must have length greater than or "
                               "equal to 1")
    extract = compile_extractor(pattern)
    matches = []
    for number, message in enumerate(messages):
        values = extract(message)
        if values is not None:
            matches.append({"eventNumber": number, "eventMessage": message,
                            "extractedValues": values})
    return {"matches": matches}
