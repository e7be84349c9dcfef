"""Amazon CloudWatch Logs (botocore's ``logs``): groups, streams, events, retention, tags."""

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
from pocketcloud.services.logs.streams import (
    create_log_stream,
    delete_log_stream,
    describe_log_streams,
)

__all__ = [
    "create_log_group", "create_log_stream", "delete_log_group", "delete_log_stream",
    "delete_retention_policy", "describe_log_groups", "describe_log_streams",
    "filter_log_events", "get_log_events", "list_tags_for_resource", "list_tags_log_group",
    "put_log_events", "put_retention_policy", "tag_log_group", "tag_resource",
    "untag_log_group", "untag_resource",
]
