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
from pocketcloud.protocol.serializing.wire import s3_request_id_headers
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
    _check_arns(config)  # even with SkipDestinationValidation, as S3 does
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
            raise invalid("filter rule name must be either prefix or suffix",
                          "FilterRule.Name", str(rule.get("Name")))
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


# The element each destination's ARN travels in: what S3 names when it cannot parse one.
_ARN_ELEMENTS = {"QueueArn": "Queue", "TopicArn": "Topic", "LambdaFunctionArn": "CloudFunction"}


def _check_arns(config: dict[str, Any]) -> None:
    for kind, arn_member, _ in _KINDS:
        for entry in config.get(kind) or []:
            target = entry[arn_member]
            if not target.startswith("arn:") or len(target.split(":", 5)) < 6:
                raise invalid("The ARN could not be parsed", _ARN_ELEMENTS[arn_member], target)


async def _validate_destinations(ctx: RequestContext, bucket: Any, config: dict[str, Any]) -> None:
    """Probe every destination; S3 names each that failed (ArgumentName1, ArgumentValue1, ...)."""
    failed: list[tuple[str, str]] = []
    for kind, arn_member, service in _KINDS:
        for entry in config.get(kind) or []:
            target = entry[arn_member]
            parts = target.split(":")
            if parts[2] != service or parts[3] != bucket.region:
                failed.append((target, _denied_reason(target)))
                continue
            try:
                await _probe(ctx, bucket, service, target, parts[3], parts[4])
            except AwsError as error:
                failed.append((target, _failure_reason(target, error)))
    if failed:
        fields = {}
        for n, (target, reason) in enumerate(failed, 1):
            fields[f"ArgumentName{n}"], fields[f"ArgumentValue{n}"] = target, reason
        raise AwsError("InvalidArgument",
                       "Unable to validate the following destination configurations", 400,
                       fields=fields)


_MISSING = {"QueueDoesNotExist": "queue", "NotFound": "topic"}


def _failure_reason(target: str, error: AwsError) -> str:
    missing = _MISSING.get(error.code)
    if missing and f":{'sqs' if missing == 'queue' else 'sns'}:" in target:
        return f"The destination {missing} does not exist"
    return _denied_reason(target)


def _denied_reason(target: str) -> str:
    if ":lambda:" in target:
        return "Not authorized to invoke function"
    kind = "queue" if ":sqs:" in target else "topic"
    return (f"Permissions on the destination {kind} do not allow S3 to publish notifications "
            "from this bucket")


async def _probe(ctx: RequestContext, bucket: Any, service: str, target: str, region: str,
                 account_id: str) -> None:
    if service == "lambda":
        await internal.acall(ctx.cloud, "lambda", "GetFunction", {"FunctionName": target},
                             account_id=account_id, region=region)
        return
    body = json.dumps({"Service": "Amazon S3", "Event": "s3:TestEvent",
                       "Time": _now_text(ctx), "Bucket": bucket.name,
                       **_request_ids(ctx)})
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


def _request_ids(ctx: RequestContext) -> dict[str, str]:
    """The PutBucketNotificationConfiguration answer's own x-amz-request-id and -id-2."""
    ids = s3_request_id_headers(ctx.request_id)
    return {"RequestId": ids["x-amz-request-id"], "HostId": ids["x-amz-id-2"]}


def _now_text(ctx: RequestContext) -> str:
    from datetime import UTC, datetime

    return datetime.fromtimestamp(ctx.cloud.clock.now(), UTC).isoformat(
        timespec="milliseconds").replace("+00:00", "Z")


def get_bucket_notification_configuration(ctx: RequestContext,
                                          params: dict[str, Any]) -> dict[str, Any]:
    bucket = require_bucket(ctx, params["Bucket"])
    return load_config(ctx, bucket) or {}
