"""Amazon EventBridge (botocore's ``events``): buses, rules, targets, PutEvents."""

from pocketcloud.services.events.buses import (
    create_event_bus,
    delete_event_bus,
    describe_event_bus,
    list_event_buses,
)
from pocketcloud.services.events.put_events import put_events, test_event_pattern
from pocketcloud.services.events.rules import (
    delete_rule,
    describe_rule,
    disable_rule,
    enable_rule,
    list_rule_names_by_target,
    list_rules,
    put_rule,
)
from pocketcloud.services.events.targets import list_targets_by_rule, put_targets, remove_targets

__all__ = [
    "create_event_bus", "delete_event_bus", "delete_rule", "describe_event_bus",
    "describe_rule", "disable_rule", "enable_rule", "list_event_buses",
    "list_rule_names_by_target", "list_rules", "list_targets_by_rule", "put_events",
    "put_rule", "put_targets", "remove_targets", "test_event_pattern",
]
