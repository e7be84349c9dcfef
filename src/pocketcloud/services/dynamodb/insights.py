"""CloudWatch Contributor Insights for DynamoDB: UpdateContributorInsights,
DescribeContributorInsights and ListContributorInsights.

State only: pocketcloud records whether insights are on for a table or index and reports it
as DynamoDB does, but creates no CloudWatch Contributor Insights rules and collects no key
statistics (ContributorInsightsRuleList names the rules AWS would create). Like tables, the
update answers with the transitional status (ENABLING, DISABLING); a describe afterwards
shows the settled one.
"""

from __future__ import annotations

import json
from typing import Any

from pocketcloud.context import RequestContext
from pocketcloud.errors import AwsError
from pocketcloud.services.dynamodb import storage
from pocketcloud.services.dynamodb.storage import TableMeta
from pocketcloud.services.dynamodb.values import invalid

MAX_LIST_RESULTS = 100
_TABLE = ""  # the key of the table's own setting (indexes are keyed by name)
_DEFAULT_MODE = "ACCESSED_AND_THROTTLED_KEYS"
_RULES = ("PartitionKey", "ThrottledKeys", "SortKey", "ThrottledSortKeys")  # what AWS names


def _settings(table: TableMeta) -> dict[str, Any]:
    return dict(table.meta.get("contributor_insights") or {})


def _index(table: TableMeta, index: str | None) -> str:
    if index is None:
        return _TABLE
    if index not in table.indexes:
        raise AwsError("ResourceNotFoundException",
                       f"Requested resource not found: Index: {index} not found for table: "
                       f"{table.name}")
    return index


def update_contributor_insights(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    table = storage.table_meta(ctx, params["TableName"])
    index = params.get("IndexName")
    key = _index(table, index)
    enable = params["ContributorInsightsAction"] == "ENABLE"
    mode = params.get("ContributorInsightsMode") or _DEFAULT_MODE
    settings = _settings(table)
    if enable:
        settings[key] = {"Status": "ENABLED", "Mode": mode, "At": ctx.cloud.clock.now()}
    else:
        settings.pop(key, None)
    meta = json.loads(json.dumps(table.meta))
    meta["contributor_insights"] = settings
    with storage.store(ctx).write() as tx:
        tx.execute("UPDATE dynamodb_tables SET meta = ? WHERE table_id = ?",
                   (json.dumps(meta), table.table_id))
    storage.forget(ctx, table.name)
    answer: dict[str, Any] = {"TableName": table.name,
                              "ContributorInsightsStatus": "ENABLING" if enable else "DISABLING"}
    if index is not None:
        answer["IndexName"] = index
    if enable:
        answer["ContributorInsightsMode"] = mode
    return answer


def _rules(table: TableMeta, index: str) -> list[str]:
    target = f"{table.name}-{index}" if index else table.name
    ranged = table.indexes[index].range_key if index else table.range_key
    kinds = _RULES if ranged is not None else _RULES[:2]
    return [f"DynamoDBContributorInsights-{kind}-{target}" for kind in kinds]


def describe_contributor_insights(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    table = storage.table_meta(ctx, params["TableName"])
    index = params.get("IndexName")
    key = _index(table, index)
    setting = _settings(table).get(key)
    answer: dict[str, Any] = {"TableName": table.name}
    if index is not None:
        answer["IndexName"] = index
    if setting is None:
        answer["ContributorInsightsStatus"] = "DISABLED"
        return answer
    answer.update({"ContributorInsightsStatus": setting["Status"],
                   "ContributorInsightsRuleList": _rules(table, key),
                   "LastUpdateDateTime": setting["At"],
                   "ContributorInsightsMode": setting["Mode"]})
    return answer


def list_contributor_insights(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    limit = params.get("MaxResults") or MAX_LIST_RESULTS
    if not 1 <= limit <= MAX_LIST_RESULTS:
        raise invalid(
            f"1 validation error detected: Value '{limit}' at 'maxResults' failed to satisfy "
            f"constraint: Member must have value less than or equal to {MAX_LIST_RESULTS}")
    start = _start(params.get("NextToken"))
    names = [params["TableName"]] if params.get("TableName") else None
    summaries: list[dict[str, Any]] = []
    next_token = None
    for position, summary in _summaries(ctx, names, start):
        if len(summaries) == limit:
            next_token = json.dumps(position)
            break
        summaries.append(summary)
    answer: dict[str, Any] = {"ContributorInsightsSummaries": summaries}
    if next_token is not None:
        answer["NextToken"] = next_token
    return answer


def _start(token: str | None) -> list[str]:
    if token is None:
        return ["", ""]
    try:
        start = json.loads(token)
    except ValueError:
        start = None
    if not (isinstance(start, list) and len(start) == 2 and all(isinstance(s, str)
                                                                for s in start)):
        raise invalid("Invalid NextToken")
    return start


def _summaries(ctx: RequestContext, names: list[str] | None,
               start: list[str]) -> Any:
    """(position, summary) of each table and index with insights on, in name order."""
    if names is not None:
        storage.table_meta(ctx, names[0])  # ResourceNotFoundException for a missing table
    with storage.store(ctx).read() as tx:
        rows = tx.fetchall(
            "SELECT name, json_extract(meta, '$.contributor_insights') FROM dynamodb_tables "
            "WHERE account_id = ? AND region = ? AND name >= ? "
            "AND json_extract(meta, '$.contributor_insights') IS NOT NULL ORDER BY name",
            (ctx.account_id, ctx.region, start[0]))
    for name, raw in rows:
        if names is not None and name not in names:
            continue
        for key, setting in sorted(json.loads(raw).items()):
            if [name, key] < start:
                continue
            summary = {"TableName": name, "ContributorInsightsStatus": setting["Status"],
                       "ContributorInsightsMode": setting["Mode"]}
            if key:
                summary["IndexName"] = key
            yield [name, key], summary
