"""Amazon SNS: one function per operation (the implementations live in the modules below)."""

from __future__ import annotations

from pocketcloud.services.sns.publishing import publish, publish_batch
from pocketcloud.services.sns.subscription_operations import (
    confirm_subscription,
    get_subscription_attributes,
    list_subscriptions,
    list_subscriptions_by_topic,
    set_subscription_attributes,
    subscribe,
    unsubscribe,
)
from pocketcloud.services.sns.topic_operations import (
    add_permission,
    create_topic,
    delete_topic,
    get_topic_attributes,
    list_tags_for_resource,
    list_topics,
    remove_permission,
    set_topic_attributes,
    tag_resource,
    untag_resource,
)

__all__ = [
    "add_permission",
    "confirm_subscription",
    "create_topic",
    "delete_topic",
    "get_subscription_attributes",
    "get_topic_attributes",
    "list_subscriptions",
    "list_subscriptions_by_topic",
    "list_tags_for_resource",
    "list_topics",
    "publish",
    "publish_batch",
    "remove_permission",
    "set_subscription_attributes",
    "set_topic_attributes",
    "subscribe",
    "tag_resource",
    "unsubscribe",
    "untag_resource",
]
