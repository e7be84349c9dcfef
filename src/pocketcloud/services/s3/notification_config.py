"""Put/GetBucketNotificationConfiguration: validated as S3 validates, tested on the way in.

Unless SkipDestinationValidation is set, each destination must exist in the bucket's region
(and S3 sends an ``s3:TestEvent`` message to every SQS queue and SNS topic, as AWS does).
Configurations for the same event type must not overlap in their key prefix and suffix.
"""

from __future__ import annotations

import json
from typing import Any

from pocketcloud.context import RequestContext
from pocketcloud.errors import AwsError
from pocketcloud.services import internal
from pocketcloud.services.s3.buckets import require_bucket
from pocketcloud.services.s3.notifications import (
    PRINCIPAL,
    bucket_arn,
    load_config,
    save_config,
)

CONFIGURATIONS_MAX = 100
_KINDS = (("QueueConfigurations", "QueueArn", "sqs"), ("TopicConfigurations", "TopicArn", "sns"),
          ("LambdaFunctionConfigurations", "LambdaFunctionArn", "lambda"))
EVENT_TYPES = frozenset({
    "s3:ReducedRedundancyLostObject", "s3:ObjectCreated:*", "s3:ObjectCreated:Put",
    "s3:ObjectCreated:Post", "s3:ObjectCreated:Copy", "s3:ObjectCreated:CompleteMultipartUpload",
    "s3:ObjectRemoved:*", "s3:ObjectRemoved:Delete", "s3:ObjectRemoved:DeleteMarkerCreated",
    "s3:ObjectRestore:*", "s3:ObjectRestore:Post", "s3:ObjectRestore:Completed",
    "s3:ObjectRestore:Delete", "s3:Replication:*", "s3:Replication:OperationFailedReplication",
    "s3:Replication:OperationNotTracked", "s3:Replication:OperationMissedThreshold",
    "s3:Replication:OperationReplicatedAfterThreshold", "s3:LifecycleExpiration:*",
    "s3:LifecycleExpiration:Delete", "s3:LifecycleExpiration:DeleteMarkerCreated",
    "s3:LifecycleTransition", "s3:IntelligentTiering", "s3:ObjectTagging:*",
    "s3:ObjectTagging:Put", "s3:ObjectTagging:Delete", "s3:ObjectAcl:Put",
})


def invalid(message: str, name: str | None = None, value: str | None = None) -> AwsError:
    fields = {"ArgumentName": name, "ArgumentValue": value} if name else {}
    return AwsError("InvalidArgument", message, 400, fields=fields)


async def put_bucket_notification_configuration(ctx: RequestContext,
                                                params: dict[str, Any]) -> dict[str, Any]:
    bucket = require_bucket(ctx, params["Bucket"])
    given = params.get("NotificationConfiguration") or {}
    config: dict[str, Any] = {}
    total = 0
    for kind, arn_member, _ in _KINDS:
        entries = [_entry(ctx, e, arn_member) for e in given.get(kind) or []]
        total += len(entries)
        if entries:
            config[kind] = entries
    if total > CONFIGURATIONS_MAX:
        raise invalid("Too many notification configurations.")
    if given.get("EventBridgeConfiguration") is not None:
        config["EventBridgeConfiguration"] = {}
    _check_overlaps(config)
    if not params.get("SkipDestinationValidation"):
        await _validate_destinations(ctx, bucket, config)
    save_config(ctx, bucket, config)
    return {}


def _entry(ctx: RequestContext, entry: dict[str, Any], arn_member: str) -> dict[str, Any]:
    events = entry.get("Events") or []
    if not events:
        raise invalid("At least one event must be specified.")
    for event in events:
        if event not in EVENT_TYPES:
            raise invalid("The event is not supported for notifications", "Event", event)
    found: dict[str, Any] = {"Id": entry.get("Id") or ctx.cloud.ids.hex(32),
                             arn_member: entry.get(arn_member, ""), "Events": list(events)}
    rules = ((entry.get("Filter") or {}).get("Key") or {}).get("FilterRules")
    if rules is not None:
        found["Filter"] = {"Key": {"FilterRules": _rules(rules)}}
    return found


def _rules(rules: list[dict[str, Any]]) -> list[dict[str, str]]:
    seen: set[str] = set()
    checked = []
    for rule in rules:
        name = str(rule.get("Name", "")).lower()
        if name not in ("prefix", "suffix"):
            raise invalid("filter rule name must be either prefix or suffix", "FilterRule",
                          str(rule.get("Name")))
        if name in seen:
            raise invalid(f"Cannot specify more than one {name} rule in a filter.",
                          "FilterRule", name)
        seen.add(name)
        value = str(rule.get("Value", ""))
        if len(value.encode()) > 1024:
            raise invalid("The filter value is too long.", "FilterRule", name)
        checked.append({"Name": name.capitalize(), "Value": value})
    return checked


def _filter_of(entry: dict[str, Any]) -> tuple[str, str]:
    rules = ((entry.get("Filter") or {}).get("Key") or {}).get("FilterRules") or []
    values = {r["Name"].lower(): r["Value"] for r in rules}
    return values.get("prefix", ""), values.get("suffix", "")


def _types(events: list[str]) -> set[str]:
    expanded: set[str] = set()
    for event in events:
        if event.endswith(":*"):
            expanded.update(e for e in EVENT_TYPES if e.startswith(event[:-1]))
        expanded.add(event)
    return {e for e in expanded if not e.endswith(":*")} or set(events)


def _check_overlaps(config: dict[str, Any]) -> None:
    entries = [e for kind, _, _ in _KINDS for e in config.get(kind) or []]
    for i, first in enumerate(entries):
        for second in entries[i + 1:]:
            if not _types(first["Events"]) & _types(second["Events"]):
                continue
            (p1, s1), (p2, s2) = _filter_of(first), _filter_of(second)
            prefixes = p1.startswith(p2) or p2.startswith(p1)
            suffixes = s1.endswith(s2) or s2.endswith(s1)
            if prefixes and suffixes:
                raise invalid("Configurations overlap. Configurations on the same bucket "
                              "cannot share a common event type.", "Event",
                              first["Events"][0])


async def _validate_destinations(ctx: RequestContext, bucket: Any, config: dict[str, Any]) -> None:
    for kind, arn_member, service in _KINDS:
        for entry in config.get(kind) or []:
            target = entry[arn_member]
            parts = target.split(":")
            if len(parts) < 6 or parts[2] != service or parts[3] != bucket.region:
                raise _unvalidated(target)
            try:
                await _probe(ctx, bucket, service, target, parts[3], parts[4])
            except AwsError:
                raise _unvalidated(target) from None


async def _probe(ctx: RequestContext, bucket: Any, service: str, target: str, region: str,
                 account_id: str) -> None:
    if service == "lambda":
        await internal.acall(ctx.cloud, "lambda", "GetFunction", {"FunctionName": target},
                             account_id=account_id, region=region)
        return
    body = json.dumps({"Service": "Amazon S3", "Event": "s3:TestEvent",
                       "Time": _now_text(ctx), "Bucket": bucket.name,
                       "RequestId": ctx.request_id[:16].upper(), "HostId": ctx.request_id})
    if service == "sqs":
        name = target.split(":", 5)[5]
        await internal.acall(ctx.cloud, "sqs", "SendMessage", {
            "QueueUrl": f"https://sqs.{region}.amazonaws.com/{account_id}/{name}",
            "MessageBody": body}, account_id=account_id, region=region,
            principal=PRINCIPAL, source_arn=bucket_arn(bucket.name))
    else:
        await internal.acall(ctx.cloud, "sns", "Publish", {
            "TopicArn": target, "Message": body, "Subject": "Amazon S3 Notification"},
            account_id=account_id, region=region, principal=PRINCIPAL,
            source_arn=bucket_arn(bucket.name))


def _now_text(ctx: RequestContext) -> str:
    from datetime import UTC, datetime

    return datetime.fromtimestamp(ctx.cloud.clock.now(), UTC).isoformat(
        timespec="milliseconds").replace("+00:00", "Z")


def _unvalidated(target: str) -> AwsError:
    return invalid("Unable to validate the following destination configurations", target,
                   "Not authorized to invoke function" if ":lambda:" in target
                   else "Permissions on the destination queue do not allow S3 to publish "
                   "notifications from this bucket" if ":sqs:" in target
                   else "Permissions on the destination topic do not allow S3 to publish "
                   "notifications from this bucket")


def get_bucket_notification_configuration(ctx: RequestContext,
                                          params: dict[str, Any]) -> dict[str, Any]:
    bucket = require_bucket(ctx, params["Bucket"])
    return load_config(ctx, bucket) or {}
