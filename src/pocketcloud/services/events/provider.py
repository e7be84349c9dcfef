"""Amazon EventBridge (botocore's ``events``): buses, rules, targets, PutEvents.

Every operation checks its required members from the spec first (services/required.py).
"""

from pocketcloud.services.events import buses, permissions, rules, tags, targets
from pocketcloud.services.events import put_events as events
from pocketcloud.services.required import checked

create_event_bus = checked("events", buses.create_event_bus)
delete_event_bus = checked("events", buses.delete_event_bus)
describe_event_bus = checked("events", buses.describe_event_bus)
list_event_buses = checked("events", buses.list_event_buses)
put_rule = checked("events", rules.put_rule)
describe_rule = checked("events", rules.describe_rule)
list_rules = checked("events", rules.list_rules)
enable_rule = checked("events", rules.enable_rule)
disable_rule = checked("events", rules.disable_rule)
delete_rule = checked("events", rules.delete_rule)
list_rule_names_by_target = checked("events", rules.list_rule_names_by_target)
put_targets = checked("events", targets.put_targets)
remove_targets = checked("events", targets.remove_targets)
list_targets_by_rule = checked("events", targets.list_targets_by_rule)
put_events = checked("events", events.put_events)
test_event_pattern = checked("events", events.test_event_pattern)
tag_resource = checked("events", tags.tag_resource)
untag_resource = checked("events", tags.untag_resource)
list_tags_for_resource = checked("events", tags.list_tags_for_resource)
put_permission = checked("events", permissions.put_permission)
remove_permission = checked("events", permissions.remove_permission)

__all__ = [
    "create_event_bus", "delete_event_bus", "delete_rule", "describe_event_bus",
    "describe_rule", "disable_rule", "enable_rule", "list_event_buses",
    "list_rule_names_by_target", "list_rules", "list_targets_by_rule", "put_events",
    "put_rule", "put_targets", "remove_targets", "test_event_pattern", "tag_resource",
    "untag_resource", "list_tags_for_resource", "put_permission", "remove_permission",
]
