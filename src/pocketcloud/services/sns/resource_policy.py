"""The topic policy (the topic's "Policy" attribute) that governs a topic ARN, for the
gateway's IAM enforcement; a subscription ARN is governed by its topic's policy."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pocketcloud.services.sns.model import book

if TYPE_CHECKING:
    from pocketcloud.cloud import Cloud


def resource_policy(cloud: Cloud, resource_arn: str) -> str | None:
    if resource_arn.count(":") == 6:
        resource_arn = resource_arn.rsplit(":", 1)[0]
    topic = book(cloud.store).topics.get(resource_arn)
    return topic.attributes.get("Policy") if topic is not None else None
