"""Streams answer to the stream's resource-based policy, kept by DynamoDB."""

from __future__ import annotations

from pocketcloud.services.dynamodb.resource_policy import decision_version, resource_policy

__all__ = ["decision_version", "resource_policy"]
