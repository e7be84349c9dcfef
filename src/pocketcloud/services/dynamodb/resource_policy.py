"""The resource-based policy of a table (governing its indexes too) or stream, for the
gateway's IAM enforcement: a table's policy can grant another account access, and an explicit
Deny in it wins over any grant."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pocketcloud.services.dynamodb import resource_policies, storage

if TYPE_CHECKING:
    from pocketcloud.cloud import Cloud


def resource_policy(cloud: Cloud, resource_arn: str) -> str | None:
    return resource_policies.policy_for(cloud, resource_arn)


def decision_version(cloud: Cloud, resource_arn: str) -> object | None:
    """Changes whenever any table's or stream's policy does (or a table holding one goes)."""
    return resource_policies.generation(storage.store_of(cloud))
