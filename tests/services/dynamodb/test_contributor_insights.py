"""Contributor Insights settings per table and index (state only: no CloudWatch rules run)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.services.dynamodb.conftest import unique
from tests.support import refusal


def _indexed(make_table: Callable[..., str]) -> str:
    return make_table(more_attributes={"g": "S"}, GlobalSecondaryIndexes=[{
        "IndexName": "by-g", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
        "Projection": {"ProjectionType": "KEYS_ONLY"}}])


def test_enable_describe_list_disable(ddb: Any, make_table: Callable[..., str]) -> None:
    name = _indexed(make_table)
    assert ddb.describe_contributor_insights(TableName=name)[
        "ContributorInsightsStatus"] == "DISABLED"
    answer = ddb.update_contributor_insights(TableName=name, ContributorInsightsAction="ENABLE")
    assert (answer["TableName"], answer["ContributorInsightsStatus"]) == (name, "ENABLING")
    shown = ddb.describe_contributor_insights(TableName=name)
    assert shown["ContributorInsightsStatus"] == "ENABLED"
    assert shown["ContributorInsightsMode"] == "ACCESSED_AND_THROTTLED_KEYS"
    assert f"DynamoDBContributorInsights-PartitionKey-{name}" in shown[
        "ContributorInsightsRuleList"]
    assert "LastUpdateDateTime" in shown
    index = ddb.update_contributor_insights(TableName=name, IndexName="by-g",
                                            ContributorInsightsAction="ENABLE",
                                            ContributorInsightsMode="THROTTLED_KEYS")
    assert (index["IndexName"], index["ContributorInsightsStatus"]) == ("by-g", "ENABLING")
    listed = ddb.list_contributor_insights(TableName=name)["ContributorInsightsSummaries"]
    assert [(s["TableName"], s.get("IndexName"), s["ContributorInsightsStatus"])
            for s in listed] == [(name, None, "ENABLED"), (name, "by-g", "ENABLED")]
    first = ddb.list_contributor_insights(TableName=name, MaxResults=1)
    assert len(first["ContributorInsightsSummaries"]) == 1 and first["NextToken"]
    rest = ddb.list_contributor_insights(TableName=name, MaxResults=1,
                                         NextToken=first["NextToken"])
    assert rest["ContributorInsightsSummaries"][0]["IndexName"] == "by-g"
    assert "NextToken" not in rest
    off = ddb.update_contributor_insights(TableName=name, ContributorInsightsAction="DISABLE")
    assert off["ContributorInsightsStatus"] == "DISABLING"
    assert ddb.describe_contributor_insights(TableName=name)[
        "ContributorInsightsStatus"] == "DISABLED"
    assert ddb.describe_contributor_insights(TableName=name, IndexName="by-g")[
        "ContributorInsightsStatus"] == "ENABLED"


def test_unknown_table_index_and_bad_input(ddb: Any, make_table: Callable[..., str]) -> None:
    name = make_table()
    assert refusal(ddb.update_contributor_insights, TableName=unique(),
                   ContributorInsightsAction="ENABLE")[0] == "ResourceNotFoundException"
    assert refusal(ddb.describe_contributor_insights, TableName=name,
                   IndexName="nope")[0] == "ResourceNotFoundException"
    assert refusal(ddb.update_contributor_insights, TableName=name,
                   ContributorInsightsAction="PAUSE")[0] == "ValidationException"
    assert refusal(ddb.list_contributor_insights, NextToken="garbage")[0] == (
        "ValidationException")
    assert refusal(ddb.list_contributor_insights, MaxResults=101)[0] == "ValidationException"
