"""Amazon EventBridge (botocore's ``events``): buses, rules, targets, PutEvents, archives and
replays, connections and API destinations, and (empty) partner event sources.

Required members are checked from the spec by the gateway (services/required.py) before any
of these runs.
"""

from pocketcloud.services.events import (
    api_destinations,
    archives,
    buses,
    connections,
    event_sources,
    permissions,
    replays,
    rules,
    tags,
    targets,
)
from pocketcloud.services.events import put_events as events

create_event_bus = buses.create_event_bus
delete_event_bus = buses.delete_event_bus
describe_event_bus = buses.describe_event_bus
list_event_buses = buses.list_event_buses
update_event_bus = buses.update_event_bus
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
create_archive = archives.create_archive
describe_archive = archives.describe_archive
list_archives = archives.list_archives
update_archive = archives.update_archive
delete_archive = archives.delete_archive
start_replay = replays.start_replay
describe_replay = replays.describe_replay
list_replays = replays.list_replays
cancel_replay = replays.cancel_replay
create_connection = connections.create_connection
describe_connection = connections.describe_connection
list_connections = connections.list_connections
update_connection = connections.update_connection
delete_connection = connections.delete_connection
deauthorize_connection = connections.deauthorize_connection
create_api_destination = api_destinations.create_api_destination
describe_api_destination = api_destinations.describe_api_destination
list_api_destinations = api_destinations.list_api_destinations
update_api_destination = api_destinations.update_api_destination
delete_api_destination = api_destinations.delete_api_destination
list_event_sources = event_sources.list_event_sources
describe_event_source = event_sources.describe_event_source
list_partner_event_sources = event_sources.list_partner_event_sources
describe_partner_event_source = event_sources.describe_partner_event_source
list_partner_event_source_accounts = event_sources.list_partner_event_source_accounts
activate_event_source = event_sources.activate_event_source
deactivate_event_source = event_sources.deactivate_event_source

__all__ = [
    "create_event_bus", "delete_event_bus", "delete_rule", "describe_event_bus",
    "describe_rule", "disable_rule", "enable_rule", "list_event_buses",
    "list_rule_names_by_target", "list_rules", "list_targets_by_rule", "put_events",
    "put_rule", "put_targets", "remove_targets", "test_event_pattern", "tag_resource",
    "untag_resource", "list_tags_for_resource", "put_permission", "remove_permission",
    "update_event_bus", "create_archive", "describe_archive", "list_archives",
    "update_archive", "delete_archive", "start_replay", "describe_replay", "list_replays",
    "cancel_replay", "create_connection", "describe_connection", "list_connections",
    "update_connection", "delete_connection", "deauthorize_connection",
    "create_api_destination", "describe_api_destination", "list_api_destinations",
    "update_api_destination", "delete_api_destination", "list_event_sources",
    "describe_event_source", "list_partner_event_sources", "describe_partner_event_source",
    "list_partner_event_source_accounts", "activate_event_source", "deactivate_event_source",
]
