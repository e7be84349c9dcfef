"""Amazon CloudWatch Logs (botocore's ``logs``): groups, streams, events, retention, tags,
subscription and metric filters, Logs Insights queries, export tasks, resource policies,
destinations, account and data protection policies, KMS keys."""

from pocketcloud.services.logs.events import get_log_events, put_log_events
from pocketcloud.services.logs.exports import (
    cancel_export_task,
    create_export_task,
    describe_export_tasks,
)
from pocketcloud.services.logs.filtering import filter_log_events
from pocketcloud.services.logs.groups import (
    create_log_group,
    delete_log_group,
    delete_retention_policy,
    describe_log_groups,
    list_log_groups,
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
from pocketcloud.services.logs.policies import (
    associate_kms_key,
    delete_account_policy,
    delete_data_protection_policy,
    delete_destination,
    delete_resource_policy,
    describe_account_policies,
    describe_destinations,
    describe_resource_policies,
    disassociate_kms_key,
    get_data_protection_policy,
    put_account_policy,
    put_data_protection_policy,
    put_destination,
    put_destination_policy,
    put_resource_policy,
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
    "associate_kms_key", "cancel_export_task", "create_export_task", "delete_account_policy",
    "delete_data_protection_policy", "delete_destination", "delete_resource_policy",
    "describe_account_policies", "describe_destinations", "describe_export_tasks",
    "describe_resource_policies", "disassociate_kms_key", "get_data_protection_policy",
    "put_account_policy", "put_data_protection_policy", "put_destination",
    "put_destination_policy", "put_resource_policy",
    "delete_query_definition", "describe_queries", "describe_query_definitions",
    "get_query_results", "put_query_definition", "start_query", "stop_query",
    "create_log_group", "create_log_stream", "delete_log_group", "delete_log_stream",
    "delete_metric_filter", "delete_retention_policy", "delete_subscription_filter",
    "describe_log_groups", "describe_log_streams", "describe_metric_filters",
    "describe_subscription_filters", "filter_log_events", "get_log_events",
    "list_log_groups", "list_tags_for_resource", "list_tags_log_group", "put_log_events",
    "put_metric_filter",
    "put_retention_policy", "put_subscription_filter", "tag_log_group", "tag_resource",
    "test_metric_filter", "untag_log_group", "untag_resource",
]
