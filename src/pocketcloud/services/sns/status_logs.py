"""Delivery status logging: with a topic's <Protocol>SuccessFeedbackRoleArn (sampled by
<Protocol>SuccessFeedbackSampleRate, a percentage) or <Protocol>FailureFeedbackRoleArn set,
each delivery's outcome goes to CloudWatch Logs as AWS writes it: log group
sns/<region>/<account>/<topic> (failures: .../Failure), one JSON event per delivery.
The role is not assumed (pocketcloud writes the logs itself); it only switches logging on."""

from __future__ import annotations

import hashlib
import json
import logging
from collections import deque
from typing import TYPE_CHECKING, Any

from pocketcloud.errors import AwsError
from pocketcloud.services.internal import call
from pocketcloud.services.sns.model import Subscription, Topic

if TYPE_CHECKING:
    from pocketcloud.cloud import Cloud

log = logging.getLogger("pocketcloud.sns")

FEEDBACK_PREFIX = {"sqs": "SQS", "lambda": "Lambda", "http": "HTTP", "https": "HTTP",
                   "application": "Application"}
MAX_BUFFERED_EVENTS = 10_000  # beyond it the oldest are dropped (and counted)
EVENTS_PER_PUT = 500
Key = tuple[str, str, str]  # account, region, log group


class StatusLog:
    def __init__(self, cloud: Cloud) -> None:
        self.cloud = cloud
        self.pending: deque[tuple[Key, dict[str, Any]]] = deque()
        self.streams: dict[Key, str] = {}
        self.dropped = 0

    def note(self, topic: Topic | None, sub: Subscription, record: dict[str, Any], *,
             success: bool, status_code: int, response: str, attempts: int) -> None:
        prefix = FEEDBACK_PREFIX.get(sub.protocol)
        if topic is None or prefix is None:
            return
        outcome = "Success" if success else "Failure"
        if not topic.attributes.get(f"{prefix}{outcome}FeedbackRoleArn"):
            return
        if success and not _sampled(record["MessageId"], topic.attributes.get(
                f"{prefix}SuccessFeedbackSampleRate", "0")):
            return
        now_s = self.cloud.clock.now()
        group = f"sns/{topic.region}/{topic.account_id}/{topic.name}" + (
            "" if success else "/Failure")
        event = {
            "notification": {
                "messageMD5Sum": hashlib.md5(str(record.get("Message", "")).encode(),
                                             usedforsecurity=False).hexdigest(),
                "messageId": record["MessageId"], "topicArn": topic.arn,
                "timestamp": record.get("Timestamp")},
            "delivery": {"deliveryId": self.cloud.ids.uuid4(), "destination": sub.endpoint,
                         "providerResponse": response, "attempts": attempts,
                         "statusCode": status_code},
            "status": "SUCCESS" if success else "FAILURE",
        }
        self.pending.append(((topic.account_id, topic.region, group),
                             {"timestamp": int(now_s * 1000), "message": json.dumps(event)}))
        while len(self.pending) > MAX_BUFFERED_EVENTS:
            self.pending.popleft()
            self.dropped += 1

    def flush(self) -> None:
        if self.dropped:
            log.warning("sns: dropped %d delivery status log events", self.dropped)
            self.dropped = 0
        by_group: dict[Key, list[dict[str, Any]]] = {}
        while self.pending:
            key, event = self.pending.popleft()
            by_group.setdefault(key, []).append(event)
        for key, events in by_group.items():
            try:
                self._put(key, events)
            except AwsError as error:
                self.streams.pop(key, None)  # made again next time (deleted meanwhile?)
                log.warning("sns: delivery status logs for %s not written: %s", key[2], error)

    def _put(self, key: Key, events: list[dict[str, Any]]) -> None:
        account_id, region, group = key
        stream = self.streams.get(key)
        if stream is None:
            stream = self.streams[key] = self.cloud.ids.uuid4()
            for operation, params in (("CreateLogGroup", {"logGroupName": group}),
                                      ("CreateLogStream", {"logGroupName": group,
                                                           "logStreamName": stream})):
                try:
                    call(self.cloud, "logs", operation, params, account_id=account_id,
                         region=region)
                except AwsError as error:
                    if error.code != "ResourceAlreadyExistsException":
                        self.streams.pop(key, None)
                        raise
        for start in range(0, len(events), EVENTS_PER_PUT):
            call(self.cloud, "logs", "PutLogEvents",
                 {"logGroupName": group, "logStreamName": stream,
                  "logEvents": events[start:start + EVENTS_PER_PUT]},
                 account_id=account_id, region=region)


def _sampled(message_id: str, rate: str) -> bool:
    """Deterministic per message (replayable): the message id's hash against the rate."""
    try:
        percent = float(rate)
    except ValueError:
        return False
    bucket = int(hashlib.sha256(message_id.encode()).hexdigest()[:8], 16) % 100
    return bucket < percent
