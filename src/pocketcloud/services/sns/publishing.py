"""Publish and PublishBatch: validate, match subscriptions, persist deliveries, then answer.

The delivery rows commit before the response, so an acknowledged message is never lost; the
delivery job (delivery.py) sends them on.
"""

from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from pocketcloud.context import RequestContext
from pocketcloud.errors import AwsError
from pocketcloud.services.sns import message_attributes as ma
from pocketcloud.services.sns import outbound
from pocketcloud.services.sns.filter_match import matches
from pocketcloud.services.sns.model import Subscription, Topic
from pocketcloud.services.sns.platform_operations import endpoint_record, platform_of
from pocketcloud.services.sns.topic_operations import find_topic, parse_topic_arn, sns_book
from pocketcloud.services.sns.urls import base_url
from pocketcloud.store import Tx

DEDUPLICATION_WINDOW_S = 300.0
MAX_BATCH_ENTRIES = 10
MAX_DEDUP_ID_LENGTH = 128
MAX_GROUP_ID_LENGTH = 128
MAX_TRACE_HEADER_BYTES = 3500  # SQS's AWSTraceHeader limit: a longer trace is not passed on
_BATCH_ID = re.compile(r"[A-Za-z0-9_-]{1,80}")
_TOKEN = re.compile(r"[!-~]{1,128}")  # AWS: alphanumerics and punctuation


@dataclass
class Accepted:
    message_id: str
    sequence_number: str | None = None


def timestamp(now_s: float) -> str:
    return datetime.fromtimestamp(now_s, UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def publish(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    if params.get("PhoneNumber") and not (params.get("TopicArn") or params.get("TargetArn")):
        return _publish_sms(ctx, params)
    if not params.get("TopicArn") and ":endpoint/" in str(params.get("TargetArn") or ""):
        return _publish_push(ctx, params)
    topic = _publish_topic(ctx, params)
    entry = _validated_entry(topic, params)
    with sns_book(ctx).store.write() as tx:
        accepted = _accept(ctx, tx, topic, entry)
    outbound.kick(ctx.cloud)
    result: dict[str, Any] = {"MessageId": accepted.message_id}
    if accepted.sequence_number:
        result["SequenceNumber"] = accepted.sequence_number
    return result


def _publish_topic(ctx: RequestContext, params: dict[str, Any]) -> Topic:
    topic_arn = params.get("TopicArn")
    target_arn = params.get("TargetArn")
    if topic_arn and target_arn:
        raise AwsError("InvalidParameter", "Invalid parameter: TopicArn or TargetArn Reason: "
                       "Only one of TopicArn or TargetArn may be specified")
    if topic_arn is None and target_arn is None:
        raise AwsError("InvalidParameter", "Invalid parameter: TopicArn or TargetArn Reason: "
                       "no value for required parameter")
    member = "TopicArn" if topic_arn is not None else "TargetArn"
    value = str(topic_arn if topic_arn is not None else target_arn)
    if not value:
        parse_topic_arn(value, member)  # AWS: an empty ARN has "1 element"
    return find_topic(ctx, value, member)


@dataclass
class Entry:
    message: str
    subject: str | None
    structure: dict[str, str] | None
    attributes: dict[str, dict[str, Any]]
    group_id: str | None
    dedup_id: str | None


def _validated_entry(topic: Topic, params: dict[str, Any]) -> Entry:
    message = params.get("Message")
    if message is None or message == "":
        raise AwsError("InvalidParameter", "Invalid parameter: Empty message")
    subject = params.get("Subject")
    ma.check_subject(subject)
    attributes = ma.validated_attributes(params.get("MessageAttributes") or {})
    if ma.size_bytes(message, subject, attributes) > ma.MAX_MESSAGE_BYTES:
        raise AwsError("InvalidParameter", "Invalid parameter: Message too long")
    structure = ma.resolve_structure(message, params.get("MessageStructure"))
    group_id = params.get("MessageGroupId")
    dedup_id = params.get("MessageDeduplicationId")
    if topic.fifo:
        if not group_id:
            raise AwsError("InvalidParameter", "Invalid parameter: The MessageGroupId parameter "
                           "is required for FIFO topics")
        if not dedup_id and not topic.content_based_deduplication:
            raise AwsError("InvalidParameter", "Invalid parameter: The topic should either have "
                           "ContentBasedDeduplication enabled or MessageDeduplicationId "
                           "provided explicitly")
        for member, value in (("MessageGroupId", group_id), ("MessageDeduplicationId",
                                                              dedup_id)):
            if value is not None and not _TOKEN.fullmatch(value):
                raise AwsError("InvalidParameter", f"Invalid parameter: {member} Reason: "
                               f"{member} can only include alphanumeric and punctuation "
                               "characters. 1 to 128 in length.")
        if not dedup_id:
            dedup_id = hashlib.sha256(message.encode("utf-8")).hexdigest()
    elif dedup_id is not None:
        raise AwsError("InvalidParameter", "Invalid parameter: MessageDeduplicationId Reason: "
                       "The request includes MessageDeduplicationId parameter that is not valid "
                       "for this topic type")
    return Entry(message, subject, structure, attributes, group_id, dedup_id)


def _accept(ctx: RequestContext, tx: Tx, topic: Topic, entry: Entry) -> Accepted:
    """Inside the caller's write transaction: dedup, sequence, one row per matching sub."""
    now_s = ctx.cloud.clock.now()
    sequence_number: str | None = None
    if topic.fifo:
        assert entry.dedup_id is not None
        seen = tx.fetchone("SELECT message_id, sequence_number FROM sns_deduplication WHERE "
                           "topic_arn = ? AND dedup_id = ? AND expires_s > ?",
                           (topic.arn, entry.dedup_id, now_s))
        if seen is not None:
            return Accepted(str(seen[0]), seen[1])
        topic.sequence += 1
        sequence_number = f"{topic.sequence:020d}"
        tx.execute("UPDATE sns_topics SET sequence = ? WHERE topic_arn = ?",
                   (topic.sequence, topic.arn))
    message_id = ctx.cloud.ids.uuid4()
    if topic.fifo:
        tx.execute("INSERT OR REPLACE INTO sns_deduplication (topic_arn, dedup_id, message_id, "
                   "sequence_number, expires_s) VALUES (?, ?, ?, ?, ?)",
                   (topic.arn, entry.dedup_id, message_id, sequence_number,
                    now_s + DEDUPLICATION_WINDOW_S))
    record = {
        "MessageId": message_id, "TopicArn": topic.arn, "Subject": entry.subject,
        "Timestamp": timestamp(now_s), "MessageAttributes": _storable(entry.attributes),
        "MessageGroupId": entry.group_id, "MessageDeduplicationId": entry.dedup_id,
        "SequenceNumber": sequence_number,
        "SignatureVersion": topic.attributes.get("SignatureVersion", "1"),
        "Base": base_url(ctx),
    }
    trace = ctx.request.headers.get("x-amzn-trace-id") if ctx.request else None
    if trace and len(trace.encode()) <= MAX_TRACE_HEADER_BYTES:
        record["AWSTraceHeader"] = trace
    rows = []
    for sub in sns_book(ctx).subscriptions_of(topic.arn):
        message = _message_for(entry, sub)
        if sub.confirmed and _passes(sub, message, entry.attributes):
            rows.append((sub, {**record, "Message": message}))
    outbound.enqueue_notifications(tx, rows, now_s)
    return Accepted(message_id, sequence_number)


def _message_for(entry: Entry, sub: Subscription) -> str:
    if entry.structure is None:
        return entry.message
    key = platform_of(sub.endpoint) if sub.protocol == "application" else sub.protocol
    return entry.structure.get(key, entry.structure["default"])


def _passes(sub: Subscription, message: str, attributes: dict[str, dict[str, Any]]) -> bool:
    return not sub.policy or matches(sub.policy, sub.filter_scope, message, attributes)


def _storable(attributes: dict[str, dict[str, Any]]) -> dict[str, dict[str, str]]:
    stored = {}
    for name, attribute in attributes.items():
        if "BinaryValue" in attribute:
            stored[name] = {"DataType": attribute["DataType"], "BinaryValue":
                            base64.b64encode(attribute["BinaryValue"]).decode("ascii")}
        else:
            stored[name] = dict(attribute)
    return stored


def _publish_sms(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    phone = str(params["PhoneNumber"])
    if not re.fullmatch(r"\+?[0-9]{7,15}", phone):
        raise AwsError("InvalidParameter", "Invalid parameter: PhoneNumber Reason: "
                       f"{phone} is not valid to publish to")
    message = params.get("Message") or ""
    if not message:
        raise AwsError("InvalidParameter", "Invalid parameter: Empty message")
    message_id = ctx.cloud.ids.uuid4()
    outbound.write_outbox(ctx.cloud, ctx.account_id, ctx.region, "sms", phone, None, None,
                          message_id, "Notification", None, message)
    return {"MessageId": message_id}


def _publish_push(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """Publish to a mobile endpoint: validated as any publish, then kept in the outbox."""
    endpoint_arn = str(params["TargetArn"])
    found = endpoint_record(ctx.cloud.store, endpoint_arn)
    if found is None:
        raise AwsError("InvalidParameter", "Invalid parameter: TargetArn Reason: No endpoint "
                       "found for the target arn specified")
    if found["attributes"].get("Enabled", "true").lower() != "true":
        raise AwsError("EndpointDisabled", "Endpoint is disabled")
    message = params.get("Message")
    if message is None or message == "":
        raise AwsError("InvalidParameter", "Invalid parameter: Empty message")
    ma.check_subject(params.get("Subject"))
    attributes = ma.validated_attributes(params.get("MessageAttributes") or {})
    if ma.size_bytes(message, params.get("Subject"), attributes) > ma.MAX_MESSAGE_BYTES:
        raise AwsError("InvalidParameter", "Invalid parameter: Message too long")
    structure = ma.resolve_structure(message, params.get("MessageStructure"))
    if structure is not None:
        message = structure.get(platform_of(endpoint_arn), structure["default"])
    message_id = ctx.cloud.ids.uuid4()
    outbound.write_outbox(ctx.cloud, ctx.account_id, ctx.region, "application", endpoint_arn,
                          None, None, message_id, "Notification", params.get("Subject"),
                          message)
    return {"MessageId": message_id}


# -- PublishBatch ----------------------------------------------------------------------------

def publish_batch(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    topic = find_topic(ctx, params.get("TopicArn"))
    entries = params.get("PublishBatchRequestEntries") or []
    _check_batch(entries)
    # AWS refuses the whole request when any entry is invalid (recorded responses show no
    # per-entry Failed items for validation errors)
    valid = [(str(raw["Id"]), _validated_entry(topic, raw)) for raw in entries]
    successful: list[dict[str, Any]] = []
    with sns_book(ctx).store.write() as tx:
        for entry_id, entry in valid:
            accepted = _accept(ctx, tx, topic, entry)
            done: dict[str, Any] = {"Id": entry_id, "MessageId": accepted.message_id}
            if accepted.sequence_number:
                done["SequenceNumber"] = accepted.sequence_number
            successful.append(done)
    outbound.kick(ctx.cloud)
    return {"Successful": successful, "Failed": []}


def _check_batch(entries: list[dict[str, Any]]) -> None:
    if not entries:
        raise AwsError("EmptyBatchRequest", "The batch request doesn't contain any entries.")
    if len(entries) > MAX_BATCH_ENTRIES:
        raise AwsError("TooManyEntriesInBatchRequest", "The batch request contains more "
                       "entries than permissible.")
    ids = [str(e.get("Id") or "") for e in entries]
    if any(not _BATCH_ID.fullmatch(i) for i in ids):
        raise AwsError("InvalidBatchEntryId", "The Id of a batch entry in a batch request "
                       "doesn't abide by the specification.")
    if len(set(ids)) != len(ids):
        raise AwsError("BatchEntryIdsNotDistinct", "Two or more batch entries in the request "
                       "have the same Id.")
    total = 0
    for entry in entries:
        try:
            attributes = ma.validated_attributes(entry.get("MessageAttributes") or {})
        except AwsError:
            attributes = {}
        total += ma.size_bytes(entry.get("Message") or "", entry.get("Subject"), attributes)
    if total > ma.MAX_MESSAGE_BYTES:
        raise AwsError("BatchRequestTooLong", "The length of all the messages put together is "
                       "more than the limit.")
