"""Amazon EventBridge (botocore's ``events``): buses, rules, targets, PutEvents.

Required members are checked from the spec by the gateway (services/required.py) before any
of these runs.
"""

from pocketcloud.services.events import buses, permissions, rules, tags, targets
from pocketcloud.services.events import put_events as events

create_event_bus = buses.create_event_bus
delete_event_bus = buses.delete_event_bus
describe_event_bus = buses.describe_event_bus
list_event_buses = buses.list_event_buses
put_rule = rules.put_rule
describe_rule = rules.describe_rule
list_rules = rules.list_rules
enable_rule = rules.enable_rule
disable_rule = rules.disable_rule
delete_rule = rules.delete_rule
list_rule_names_by_target = rules.list_rule_names_by_target
put_targets = targets.put_targets
remove_targets = targets.remove_targets
list_targets_by_rule = targets.list_targets_by_rule
put_events = events.put_events
test_event_pattern = events.test_event_pattern
tag_resource = tags.tag_resource
untag_resource = tags.untag_resource
list_tags_for_resource = tags.list_tags_for_resource
put_permission = permissions.put_permission
remove_permission = permissions.remove_permission

__all__ = [
    "create_event_bus", "delete_event_bus", "delete_rule", "describe_event_bus",
    "describe_rule", "disable_rule", "enable_rule", "list_event_buses",
    "list_rule_names_by_target", "list_rules", "list_targets_by_rule", "put_events",
    "put_rule", "put_targets", "remove_targets", "test_event_pattern", "tag_resource",
    "untag_resource", "list_tags_for_resource", "put_permission", "remove_permission",
]
