"""Amazon Route 53: one function per operation (the implementations live in the modules below)."""

from __future__ import annotations

from pocketcloud.services.route53.changes import change_resource_record_sets
from pocketcloud.services.route53.cidr import (
    change_cidr_collection,
    create_cidr_collection,
    delete_cidr_collection,
    list_cidr_blocks,
    list_cidr_collections,
    list_cidr_locations,
)
from pocketcloud.services.route53.delegation_sets import (
    create_reusable_delegation_set,
    delete_reusable_delegation_set,
    get_reusable_delegation_set,
    get_reusable_delegation_set_limit,
    list_reusable_delegation_sets,
)
from pocketcloud.services.route53.geo import get_geo_location, list_geo_locations
from pocketcloud.services.route53.health_checks import (
    create_health_check,
    delete_health_check,
    get_health_check,
    get_health_check_count,
    list_health_checks,
    update_health_check,
)
from pocketcloud.services.route53.health_status import (
    get_health_check_last_failure_reason,
    get_health_check_status,
)
from pocketcloud.services.route53.limits import get_account_limit
from pocketcloud.services.route53.listing import get_change, list_resource_record_sets
from pocketcloud.services.route53.misc import (
    get_checker_ip_ranges,
    get_dnssec,
    get_hosted_zone_limit,
    test_dns_answer,
)
from pocketcloud.services.route53.query_logging import (
    create_query_logging_config,
    delete_query_logging_config,
    get_query_logging_config,
    list_query_logging_configs,
)
from pocketcloud.services.route53.tags import (
    change_tags_for_resource,
    list_tags_for_resource,
    list_tags_for_resources,
)
from pocketcloud.services.route53.traffic_policies import (
    create_traffic_policy,
    create_traffic_policy_instance,
    create_traffic_policy_version,
    delete_traffic_policy,
    delete_traffic_policy_instance,
    get_traffic_policy,
    get_traffic_policy_instance,
    get_traffic_policy_instance_count,
    list_traffic_policies,
    list_traffic_policy_versions,
    update_traffic_policy_comment,
)
from pocketcloud.services.route53.vpc_authorizations import (
    create_vpc_association_authorization,
    delete_vpc_association_authorization,
    list_vpc_association_authorizations,
)
from pocketcloud.services.route53.vpcs import (
    associate_vpc_with_hosted_zone,
    disassociate_vpc_from_hosted_zone,
    list_hosted_zones_by_vpc,
)
from pocketcloud.services.route53.zones import (
    create_hosted_zone,
    delete_hosted_zone,
    get_hosted_zone,
    get_hosted_zone_count,
    list_hosted_zones,
    list_hosted_zones_by_name,
    update_hosted_zone_comment,
)

__all__ = [
    "create_traffic_policy",
    "create_traffic_policy_instance",
    "create_traffic_policy_version",
    "delete_traffic_policy",
    "delete_traffic_policy_instance",
    "get_traffic_policy",
    "get_traffic_policy_instance",
    "get_traffic_policy_instance_count",
    "list_traffic_policies",
    "list_traffic_policy_versions",
    "update_traffic_policy_comment",
    "change_cidr_collection",
    "create_cidr_collection",
    "delete_cidr_collection",
    "list_cidr_blocks",
    "list_cidr_collections",
    "list_cidr_locations",
    "get_reusable_delegation_set_limit",
    "get_geo_location",
    "list_geo_locations",
    "create_vpc_association_authorization",
    "delete_vpc_association_authorization",
    "list_vpc_association_authorizations",
    "create_query_logging_config",
    "delete_query_logging_config",
    "get_query_logging_config",
    "list_query_logging_configs",
    "list_reusable_delegation_sets",
    "get_reusable_delegation_set",
    "delete_reusable_delegation_set",
    "create_reusable_delegation_set",
    "associate_vpc_with_hosted_zone",
    "change_resource_record_sets",
    "change_tags_for_resource",
    "create_health_check",
    "create_hosted_zone",
    "delete_health_check",
    "delete_hosted_zone",
    "disassociate_vpc_from_hosted_zone",
    "get_account_limit",
    "get_change",
    "get_checker_ip_ranges",
    "get_dnssec",
    "get_health_check",
    "get_health_check_count",
    "get_health_check_last_failure_reason",
    "get_health_check_status",
    "get_hosted_zone",
    "get_hosted_zone_count",
    "get_hosted_zone_limit",
    "list_health_checks",
    "list_hosted_zones",
    "list_hosted_zones_by_name",
    "list_hosted_zones_by_vpc",
    "list_resource_record_sets",
    "list_tags_for_resource",
    "list_tags_for_resources",
    "test_dns_answer",
    "update_health_check",
    "update_hosted_zone_comment",
]
