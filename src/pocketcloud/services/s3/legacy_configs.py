"""The deprecated bucket configuration APIs old SDKs and s3cmd still call: PutBucketLifecycle /
GetBucketLifecycle and PutBucketNotification / GetBucketNotification.

On the wire each is its current twin's request (`PUT /{Bucket}?lifecycle`, ...), so the router
sends both to the current operation, whose XML both shapes read; these functions serve the
old shapes for callers that name the old operation, over the same stored configuration. A
lifecycle configuration keeps the form it was written in (rule-level Prefix or Filter) and is
answered in it; the old shape has no Filter, so a rule written with one shows no Prefix.
An old notification configuration holds at most one topic, queue and function entry.
"""

from __future__ import annotations

from typing import Any

from pocketcloud.context import RequestContext
from pocketcloud.services.s3.lifecycle_config import (
    get_bucket_lifecycle_configuration,
    put_bucket_lifecycle_configuration,
)
from pocketcloud.services.s3.notification_config import (
    get_bucket_notification_configuration,
    put_bucket_notification_configuration,
)

# the old lifecycle rule's single actions and the current rule's lists
_SINGLE_TO_LIST = {"Transition": "Transitions",
                   "NoncurrentVersionTransition": "NoncurrentVersionTransitions"}  # fmt: skip
_OLD_RULE_MEMBERS = ("ID", "Prefix", "Status", "Expiration", "NoncurrentVersionExpiration",
                     "AbortIncompleteMultipartUpload")  # fmt: skip
# (old member, current member, old ARN member, current ARN member)
_NOTIFICATION_KINDS = (
    ("TopicConfiguration", "TopicConfigurations", "Topic", "TopicArn"),
    ("QueueConfiguration", "QueueConfigurations", "Queue", "QueueArn"),
    ("CloudFunctionConfiguration", "LambdaFunctionConfigurations", "CloudFunction",
     "LambdaFunctionArn"),
)  # fmt: skip


def put_bucket_lifecycle(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    rules = (params.get("LifecycleConfiguration") or {}).get("Rules") or []
    current = {"Rules": [_current_rule(rule) for rule in rules]}
    put_bucket_lifecycle_configuration(ctx, {**params, "LifecycleConfiguration": current})
    return {}


def _current_rule(rule: dict[str, Any]) -> dict[str, Any]:
    found = {n: v for n, v in rule.items() if n not in _SINGLE_TO_LIST}
    for single, plural in _SINGLE_TO_LIST.items():
        if rule.get(single) is not None:
            found[plural] = [rule[single]]
    return found


def get_bucket_lifecycle(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    config = get_bucket_lifecycle_configuration(ctx, params)
    return {"Rules": [_old_rule(rule) for rule in config["Rules"]]}


def _old_rule(rule: dict[str, Any]) -> dict[str, Any]:
    found = {n: rule[n] for n in _OLD_RULE_MEMBERS if rule.get(n) is not None}
    for single, plural in _SINGLE_TO_LIST.items():
        if rule.get(plural):
            found[single] = rule[plural][0]  # the old shape holds one
    return found


async def put_bucket_notification(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    given = params.get("NotificationConfiguration") or {}
    current: dict[str, Any] = {}
    for old, plural, old_arn, arn in _NOTIFICATION_KINDS:
        entry = given.get(old)
        if entry is not None:
            current[plural] = [{"Id": entry.get("Id"), arn: entry.get(old_arn, ""),
                                "Events": _events(entry)}]  # fmt: skip
    await put_bucket_notification_configuration(
        ctx, {"Bucket": params["Bucket"], "NotificationConfiguration": current})
    return {}


def _events(entry: dict[str, Any]) -> list[str]:
    """The old entry's events: the Events list, or the older single Event."""
    if entry.get("Events"):
        return list(entry["Events"])
    return [entry["Event"]] if entry.get("Event") else []


def get_bucket_notification(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    config = get_bucket_notification_configuration(ctx, params)
    found: dict[str, Any] = {}
    for old, plural, old_arn, arn in _NOTIFICATION_KINDS:
        entries = config.get(plural) or []
        if entries:
            entry = entries[0]  # the old shape holds one of each kind
            events = entry["Events"]
            found[old] = {"Id": entry["Id"], old_arn: entry[arn], "Events": events,
                          "Event": events[0]}  # fmt: skip
    return found
