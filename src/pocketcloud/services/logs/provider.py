"""Amazon CloudWatch Logs (botocore's ``logs``): groups, streams, events, retention, tags,
subscription and metric filters, Logs Insights queries."""

from pocketcloud.services.logs.events import get_log_events, put_log_events
from pocketcloud.services.logs.filtering import filter_log_events
from pocketcloud.services.logs.groups import (
    create_log_group,
    delete_log_group,
    delete_retention_policy,
    describe_log_groups,
    list_tags_for_resource,
    list_tags_log_group,
    put_retention_policy,
    tag_log_group,
    tag_resource,
    untag_log_group,
    untag_resource,
)
from pocketcloud.services.logs.insights import (
    delete_query_definition,
    describe_queries,
    describe_query_definitions,
    get_query_results,
    put_query_definition,
    start_query,
    stop_query,
)
from pocketcloud.services.logs.metric_filters import (
    delete_metric_filter,
    describe_metric_filters,
    put_metric_filter,
    test_metric_filter,
)
from pocketcloud.services.logs.streams import (
    create_log_stream,
    delete_log_stream,
    describe_log_streams,
)
from pocketcloud.services.logs.subscriptions import (
    delete_subscription_filter,
    describe_subscription_filters,
    put_subscription_filter,
)

__all__ = [
    "delete_query_definition", "describe_queries", "describe_query_definitions",
    "get_query_results", "put_query_definition", "start_query", "stop_query",
    "create_log_group", "create_log_stream", "delete_log_group", "delete_log_stream",
    "delete_metric_filter", "delete_retention_policy", "delete_subscription_filter",
    "describe_log_groups", "describe_log_streams", "describe_metric_filters",
    "describe_subscription_filters", "filter_log_events", "get_log_events",
    "list_tags_for_resource", "list_tags_log_group", "put_log_events", "put_metric_filter",
    "put_retention_policy", "put_subscription_filter", "tag_log_group", "tag_resource",
    "test_metric_filter", "untag_log_group", "untag_resource",
]
