"""CloudWatch Logs answers recorded from AWS: listings by identifiers and patterns, metric
filters by prefix across groups, subscription checks' order, resource policies as described."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from tests.support import refused


@pytest.fixture
def logs(client):  # type: ignore[no-untyped-def]
    return client("logs")


def _group(logs: Any) -> str:
    name = f"test-log-group-{uuid.uuid4().hex[:8]}"
    logs.create_log_group(logGroupName=name)
    return name



def _transformation(namespace: str, name: str, value: str = "1") -> list[dict[str, str]]:
    return [{"metricNamespace": namespace, "metricName": name, "metricValue": value}]


def test_identifiers_describe_only_the_groups_they_name(logs: Any) -> None:
    first, second, _ = _group(logs), _group(logs), _group(logs)
    arn = f"arn:aws:logs:us-east-1:000000000000:log-group:{second}"
    found = logs.describe_log_groups(logGroupIdentifiers=[first, arn])["logGroups"]
    assert [group["logGroupName"] for group in found] == sorted([first, second])
    assert found[0]["storedBytes"] == 0


def test_identifiers_with_a_prefix_are_refused(logs: Any) -> None:
    name = _group(logs)
    code, _ = refused(logs.describe_log_groups, logGroupIdentifiers=[name],
                     logGroupNamePrefix=name)
    assert code == "InvalidParameterException"


def test_list_log_groups_answers_names_arns_and_classes(logs: Any) -> None:
    name = _group(logs)
    assert logs.list_log_groups(logGroupNamePattern="no-such-group")["logGroups"] == []
    found = logs.list_log_groups(logGroupNamePattern=name.split("-")[-1])["logGroups"]
    assert found == [{"logGroupName": name, "logGroupClass": "STANDARD",
                      "logGroupArn": f"arn:aws:logs:us-east-1:000000000000:log-group:{name}"}]


def test_list_log_groups_pattern_alternatives_and_prefixes(logs: Any) -> None:
    name = _group(logs)
    unique = name.split("-")[-1]
    found = logs.list_log_groups(logGroupNamePattern=f"zzz-none|{unique}")["logGroups"]
    assert [group["logGroupName"] for group in found] == [name]
    assert logs.list_log_groups(logGroupNamePattern=f"^{unique}")["logGroups"] == []
    page = logs.list_log_groups(logGroupNamePattern="^test-log-group-", limit=1)
    assert len(page["logGroups"]) == 1 and "nextToken" in page


def test_a_filter_name_prefix_alone_spans_groups(logs: Any) -> None:
    first, second = _group(logs), _group(logs)
    prefix = f"test-filter-prefix-{uuid.uuid4().hex[:8]}"
    logs.put_metric_filter(logGroupName=first, filterName="unrelated", filterPattern="x",
                           metricTransformations=_transformation("ns", "m"))
    for index, group in enumerate((first, second)):
        logs.put_metric_filter(logGroupName=group, filterName=f"{prefix}-{index}",
                               filterPattern=f"filterPattern{index}",
                               metricTransformations=_transformation(
                                   f"namespace{index}", f"metric{index}", str(index)))
    found = logs.describe_metric_filters(filterNamePrefix=prefix)["metricFilters"]
    assert sorted((f["filterName"], f["logGroupName"]) for f in found) == [
        (f"{prefix}-0", first), (f"{prefix}-1", second)]


def test_a_namespace_with_special_characters_is_accepted(logs: Any) -> None:
    group = _group(logs)
    namespace = "A.B-c_d/1#2:metricNamespace"
    logs.put_metric_filter(logGroupName=group, filterName="special", filterPattern="pattern",
                           metricTransformations=_transformation(namespace, "metricName"))
    found = logs.describe_metric_filters(metricName="metricName", metricNamespace=namespace)
    assert [f["filterName"] for f in found["metricFilters"]] == ["special"]


def test_a_cross_account_function_is_refused_before_the_group_is_looked_up(logs: Any) -> None:
    assert refused(logs.put_subscription_filter, logGroupName="not-existing-log-group",
                  filterName="test", filterPattern="",
                  destinationArn="arn:aws:lambda:us-east-1:123456789012:function:test") == (
        "AccessDeniedException", "Cross-account lambda invocation passing is not allowed. "
        "You must use DestinationPolicies to create cross account lambda triggers.")


def test_resource_policies_are_described_in_their_canonical_form(logs: Any) -> None:
    name = f"test-policy-{uuid.uuid4().hex[:8]}"
    sent = ('{"Statement":[{"Action":"logs:*","Effect":"Allow","Principal":{"Service": '
            '["route53.amazonaws.com"]},"Resource":"*"}]}')
    put = logs.put_resource_policy(policyName=name, policyDocument=sent)
    assert put["resourcePolicy"]["policyDocument"] == sent  # echoed as sent
    described = [p for p in logs.describe_resource_policies()["resourcePolicies"]
                 if p["policyName"] == name]
    assert json.loads(described[0]["policyDocument"]) == {
        "Version": "2008-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"Service": "route53.amazonaws.com"},
            "Action": "logs:*", "Resource": "*"}]}
    logs.delete_resource_policy(policyName=name)
