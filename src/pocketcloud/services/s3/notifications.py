"""S3 event notifications, the emitting side: one `emit` call per write path.

`emit` finds the bucket's notification configuration (cached; one document of kind
"notification" in s3_bucket_configs), builds the event as S3 sends it (eventVersion 2.1 for
SQS, SNS and Lambda, 2.3 for tagging, ACL and lifecycle events; EventBridge's detail types)
and commits one delivery per matching destination to the durable outbox before the write is
acknowledged. Delivery happens in the background as s3.amazonaws.com
with the bucket ARN as SourceArn.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote_plus

from pocketcloud.context import RequestContext
from pocketcloud.protocol.serializing.wire import s3_request_id_headers
from pocketcloud.services.events import outbox
from pocketcloud.services.s3.configs import delete_config, get_config, put_config

PRINCIPAL = "s3.amazonaws.com"
CONFIG_KIND = "notification"  # its document in s3_bucket_configs (see configs.py)


def bucket_arn(name: str) -> str:
    return f"arn:aws:s3:::{name}"


def load_config(ctx: RequestContext, bucket: Any) -> dict[str, Any] | None:
    """The bucket's configuration (cached by configs.py; DeleteBucket drops it)."""
    found = get_config(ctx, bucket.name, CONFIG_KIND)
    return dict(found) if found else None


def save_config(ctx: RequestContext, bucket: Any, config: dict[str, Any]) -> None:
    if config:
        put_config(ctx, bucket.name, CONFIG_KIND, config)
    else:
        delete_config(ctx, bucket.name, CONFIG_KIND)


def _event_matches(configured: list[str], event_name: str) -> bool:
    for name in configured:
        wanted = name.removeprefix("s3:")
        if wanted == event_name or (wanted.endswith(":*") and
                                    event_name.startswith(wanted[:-1])):
            return True
    return False


def _key_matches(entry: dict[str, Any], key: str) -> bool:
    rules = ((entry.get("Filter") or {}).get("Key") or {}).get("FilterRules") or []
    for rule in rules:
        name, value = rule.get("Name", "").lower(), rule.get("Value", "")
        if name == "prefix" and not key.startswith(value):
            return False
        if name == "suffix" and not key.endswith(value):
            return False
    return True


def _time(now: float) -> str:
    return datetime.fromtimestamp(now, UTC).isoformat(timespec="milliseconds").replace(
        "+00:00", "Z")


def emit(ctx: RequestContext, bucket: Any, event_name: str, key: str, *, size: int | None = None,
         etag: str | None = None, version_id: str | None = None,
         storage_class: str | None = None, restore: dict[str, Any] | None = None) -> None:
    """Queue the notifications one object change causes (no-op without a configuration).
    `restore`: a restore event's glacierEventData (Completed) or EventBridge details."""
    config = load_config(ctx, bucket)
    if not config:
        return
    now = ctx.cloud.clock.now()
    deliveries: list[outbox.Delivery] = []
    trace = _trace_header(ctx)
    sequenced = not event_name.startswith(_UNSEQUENCED)
    details = _object(key, size, etag, version_id, now if sequenced else None)
    if storage_class:  # EventBridge's destination-storage-class only
        details["storageClass"] = storage_class
    for kind, arn_member, target_service in (("QueueConfigurations", "QueueArn", "sqs"),
                                             ("TopicConfigurations", "TopicArn", "sns"),
                                             ("LambdaFunctionConfigurations",
                                              "LambdaFunctionArn", "lambda")):
        for entry in config.get(kind) or []:
            if not (_event_matches(entry.get("Events") or [], event_name)
                    and _key_matches(entry, key)):
                continue
            record = _record(ctx, bucket, event_name, entry.get("Id", ""), details, now)
            if event_name.startswith(_V23_EVENTS):
                record["eventVersion"] = "2.3"
            if event_name == "ObjectRestore:Completed" and restore:
                record["glacierEventData"] = {"restoreEventData": restore}
            target: dict[str, Any] = {"Arn": entry[arn_member]}
            if target_service == "sns":
                target["Subject"] = "Amazon S3 Notification"
            elif target_service == "sqs" and trace:
                target["TraceHeader"] = trace
            deliveries.append(_delivery(ctx, bucket, target, {"Records": [record]}))
    if "EventBridgeConfiguration" in config:
        bus = f"arn:aws:events:{bucket.region}:{bucket.account_id}:event-bus/default"
        deliveries.append(_delivery(ctx, bucket, {"Arn": bus},
                                    _bridge_event(ctx, bucket, event_name, details, now,
                                                  restore)))
    if deliveries:
        with outbox.store(ctx.cloud).write() as tx:
            outbox.enqueue(tx, ctx.cloud, deliveries)
        outbox.wake(ctx.cloud)


def _delivery(ctx: RequestContext, bucket: Any, target: dict[str, Any],
              body: dict[str, Any]) -> outbox.Delivery:
    return outbox.Delivery(bucket.account_id, bucket.region, target, json.dumps(body),
                           PRINCIPAL, bucket_arn(bucket.name))


def _object(key: str, size: int | None, etag: str | None, version_id: str | None,
            now: float | None) -> dict[str, Any]:
    found: dict[str, Any] = {"key": quote_plus(key, safe="/")}
    if size is not None:
        found["size"] = size
    if etag is not None:
        found["eTag"] = etag.strip('"')
    if version_id and version_id != "null":
        found["versionId"] = version_id
    if now is not None:
        found["sequencer"] = f"{int(now * 1_000_000):016X}"
    found["rawKey"] = key
    return found


def _record(ctx: RequestContext, bucket: Any, event_name: str, configuration_id: str,
            details: dict[str, Any], now: float) -> dict[str, Any]:
    s3_object = {k: v for k, v in details.items() if k not in ("rawKey", "storageClass")}
    return {
        "eventVersion": "2.1", "eventSource": "aws:s3", "awsRegion": bucket.region,
        "eventTime": _time(now), "eventName": event_name,
        "userIdentity": {"principalId": f"AWS:{_principal_id(ctx)}"},
        "requestParameters": {"sourceIPAddress": _source_ip(ctx)},
        "responseElements": s3_request_id_headers(ctx.request_id),  # the answer's own
        "s3": {"s3SchemaVersion": "1.0", "configurationId": configuration_id,
               "bucket": {"name": bucket.name, "ownerIdentity": {
                   "principalId": bucket.account_id}, "arn": bucket_arn(bucket.name)},
               "object": s3_object},
    }


_V23_EVENTS = ("ObjectTagging:", "ObjectAcl:", "LifecycleExpiration:", "LifecycleTransition",
               "ObjectRestore:Delete")
# Tag and ACL changes leave the object's bytes as they were: S3 sends them without a sequencer.
_UNSEQUENCED = ("ObjectTagging:", "ObjectAcl:")
_BRIDGE_TYPES = {"LifecycleTransition": "Object Storage Class Changed",
                 "ObjectTagging:Put": "Object Tags Added",
                 "ObjectTagging:Delete": "Object Tags Deleted",
                 "ObjectAcl:Put": "Object ACL Updated",
                 "ObjectRestore:Post": "Object Restore Initiated",
                 "ObjectRestore:Completed": "Object Restore Completed",
                 "ObjectRestore:Delete": "Object Restore Expired"}


def _bridge_event(ctx: RequestContext, bucket: Any, event_name: str, details: dict[str, Any],
                  now: float, restore: dict[str, Any] | None = None) -> dict[str, Any]:
    created = event_name.startswith("ObjectCreated")
    changed = _BRIDGE_TYPES.get(event_name)
    s3_object: dict[str, Any] = {"key": details["rawKey"]}
    if "sequencer" in details:
        s3_object["sequencer"] = details["sequencer"]
    if "size" in details:
        s3_object["size"] = details["size"]
    if "eTag" in details:
        s3_object["etag"] = details["eTag"]
    if "versionId" in details:
        s3_object["version-id"] = details["versionId"]
    detail: dict[str, Any] = {
        "version": "0", "bucket": {"name": bucket.name}, "object": s3_object,
        "request-id": ctx.request_id, "requester": ctx.account_id,
        "source-ip-address": _source_ip(ctx),
    }
    if changed is None:
        detail["reason"] = _REASONS.get(event_name, "PutObject")
    if "storageClass" in details:
        detail["destination-storage-class"] = details["storageClass"]
    if restore and "lifecycleRestorationExpiryTime" in restore:  # Completed
        detail["restore-expiry-time"] = restore["lifecycleRestorationExpiryTime"]
        detail["source-storage-class"] = restore["lifecycleRestoreStorageClass"]
    elif restore and event_name == "ObjectRestore:Post":
        detail["source-storage-class"] = restore["source-storage-class"]
    if not created and changed is None:
        detail["deletion-type"] = ("Delete Marker Created"
                                   if event_name.endswith("DeleteMarkerCreated")
                                   else "Permanently Deleted")
    return {"version": "0", "id": ctx.cloud.ids.uuid4(),
            "detail-type": changed or ("Object Created" if created else "Object Deleted"),
            "source": "aws.s3", "account": bucket.account_id, "time": _time(now)[:19] + "Z",
            "region": bucket.region, "resources": [bucket_arn(bucket.name)], "detail": detail}


_REASONS = {
    "ObjectCreated:Put": "PutObject", "ObjectCreated:Post": "POST Object",
    "ObjectCreated:Copy": "CopyObject",
    "ObjectCreated:CompleteMultipartUpload": "CompleteMultipartUpload",
    "ObjectRemoved:Delete": "DeleteObject", "ObjectRemoved:DeleteMarkerCreated": "DeleteObject",
    "LifecycleExpiration:Delete": "Lifecycle Expiration",
    "LifecycleExpiration:DeleteMarkerCreated": "Lifecycle Expiration",
}


def _principal_id(ctx: RequestContext) -> str:
    caller = ctx.caller
    if caller is not None and caller.access_key_id:
        return caller.access_key_id
    return ctx.account_id


def _trace_header(ctx: RequestContext) -> str | None:
    """The request's X-Ray header: SQS messages S3 sends carry it as AWSTraceHeader."""
    request = ctx.request
    return request.headers.get("x-amzn-trace-id") if request else None


def _source_ip(ctx: RequestContext) -> str:
    request = ctx.request
    return (getattr(request, "client_ip", None) or "127.0.0.1") if request else "127.0.0.1"


def notify_created(ctx: RequestContext, bucket: Any, event_name: str, row: Any) -> None:
    """The call a write path makes once an object version is committed (its replication
    jobs were committed with it: objects.commit_object)."""
    emit(ctx, bucket, event_name, row.key, size=row.size, etag=row.etag,
         version_id=row.version_id if bucket.versioning else None)


def notify_removed(ctx: RequestContext, bucket: Any, key: str, version_id: str | None,
                   answer: dict[str, Any]) -> None:
    """The call a delete path makes with DeleteObject's answer."""
    marker = version_id is None and bool(answer.get("DeleteMarker"))
    emit(ctx, bucket, "ObjectRemoved:DeleteMarkerCreated" if marker else "ObjectRemoved:Delete",
         key, version_id=answer.get("VersionId"))


def notify_expired(ctx: RequestContext, bucket: Any, key: str, marker_version: str | None) -> None:
    """The lifecycle job's call once it expired a current object (a marker when versioned)."""
    emit(ctx, bucket, "LifecycleExpiration:DeleteMarkerCreated" if marker_version
         else "LifecycleExpiration:Delete", key, version_id=marker_version)


def notify_changed(ctx: RequestContext, bucket: Any, event_name: str, row: Any) -> None:
    """The call PutObjectTagging, DeleteObjectTagging and PutObjectAcl make (a version's
    tags or ACL changed; its bytes did not)."""
    emit(ctx, bucket, event_name, row.key, etag=row.etag,
         version_id=row.version_id if bucket.versioning else None)


def notify_transitioned(ctx: RequestContext, bucket: Any, row: Any, storage_class: str) -> None:
    """The lifecycle job's call once it moved a current object to another storage class."""
    emit(ctx, bucket, "LifecycleTransition", row.key, size=row.size, etag=row.etag,
         version_id=row.version_id if bucket.versioning else None, storage_class=storage_class)
