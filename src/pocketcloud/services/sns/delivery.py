"""The delivery job: sends committed deliveries on to their endpoints, durably.

A row leaves `sns_deliveries` only after its endpoint took the message (or it was moved to the
subscription's dead-letter queue, or given up), so a crash at any point means the message is
delivered again after restart: at-least-once, as AWS promises. SQS deliveries go in batches of
ten through SQS's own SendMessageBatch; HTTP/S posts run as bounded concurrent tasks.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pocketcloud.errors import AwsError
from pocketcloud.services.internal import acall, call
from pocketcloud.services.sns import endpoints, outbound
from pocketcloud.services.sns.envelopes import Envelopes
from pocketcloud.services.sns.model import Subscription, book
from pocketcloud.services.sns.retry_policy import DEFAULT_MANAGED_POLICY, retry_delay_s
from pocketcloud.services.sns.signing import signer
from pocketcloud.services.sns.status_logs import StatusLog

if TYPE_CHECKING:
    from pocketcloud.cloud import Cloud

# protocols whose dead letters AWS was recorded to send without error attributes
MESSAGE_ONLY_DEAD_LETTERS = frozenset({"sqs", "lambda"})

log = logging.getLogger("pocketcloud.sns")

PAGE_ROWS = 500
MAX_PAGES_PER_TICK = 40  # then the job wakes itself again: other jobs get the loop too
MAX_HTTP_IN_FLIGHT = 64
SQS_BATCH = 10
SERVICE_PRINCIPAL = "sns.amazonaws.com"
SWEEP_INTERVAL_S = 60.0
MAX_OUTBOX_MESSAGES = 100_000  # the oldest go first: the outbox is a window, not an archive


@dataclass
class Row:
    delivery_id: int
    subscription_arn: str
    kind: str
    record: dict[str, Any]
    attempts: int


@dataclass
class Outcome:
    done: list[int]
    retry: list[tuple[int, int, float]]  # (delivery id, attempts, next attempt at)

    def finish(self, row: Row) -> None:
        self.done.append(row.delivery_id)


class Deliverer:
    def __init__(self, cloud: Cloud) -> None:
        self.cloud = cloud
        self.book = book(cloud.store)
        self.envelopes = Envelopes(signer(cloud.store))
        self.in_flight: set[int] = set()
        self.http = endpoints.HttpSender()
        self.throttle = endpoints.Throttle()
        self.status = StatusLog(cloud)
        self.swept_s = 0.0

    async def tick(self) -> None:
        self._sweep()
        try:
            await self._pages()
        finally:
            self.status.flush()

    async def _pages(self) -> None:
        cursor = 0
        for _ in range(MAX_PAGES_PER_TICK):
            rows = self._due(cursor)
            if not rows:
                return
            cursor = rows[-1].delivery_id
            await self._deliver([r for r in rows if r.delivery_id not in self.in_flight])
        outbound.kick(self.cloud)

    def _sweep(self) -> None:
        """Expired FIFO deduplication records and the outbox beyond its bound."""
        now_s = self.cloud.clock.now()
        if now_s - self.swept_s < SWEEP_INTERVAL_S:
            return
        self.swept_s = now_s
        with self.book.store.write() as tx:
            tx.execute("DELETE FROM sns_deduplication WHERE expires_s <= ?", (now_s,))
            tx.execute("DELETE FROM sns_outbox WHERE seq <= (SELECT MAX(seq) FROM sns_outbox)"
                       " - ?", (MAX_OUTBOX_MESSAGES,))

    def _due(self, cursor: int) -> list[Row]:
        with self.book.store.read() as tx:
            rows = tx.fetchall(
                "SELECT delivery_id, subscription_arn, kind, record, attempts FROM sns_deliveries"
                " WHERE delivery_id > ? AND next_attempt_s <= ? ORDER BY delivery_id LIMIT ?",
                (cursor, self.cloud.clock.now(), PAGE_ROWS))
        return [Row(int(r[0]), r[1], r[2], json.loads(r[3]), int(r[4])) for r in rows]

    async def _deliver(self, rows: list[Row]) -> None:
        outcome = Outcome([], [])
        by_sqs: dict[str, list[Row]] = {}
        for row in rows:
            sub = self.book.subscriptions.get(row.subscription_arn) or _farewell(row)
            if sub is None:
                outcome.finish(row)  # unsubscribed or its topic deleted: nothing to deliver
            elif sub.protocol == "sqs":
                by_sqs.setdefault(sub.arn, []).append(row)
            elif sub.protocol == "lambda":
                await self._to_lambda(sub, row, outcome)
            elif sub.protocol in ("http", "https"):
                self._start_http(sub, row)
            elif sub.protocol == "application" and not self._endpoint_enabled(sub):
                self._failed(sub, row, outcome, True, "the platform endpoint is disabled or gone")
            else:
                self._to_outbox(sub, row)
                outcome.finish(row)
                self._succeeded(sub, row, 200, "")
        for arn, queued in by_sqs.items():
            sub = self.book.subscriptions[arn]
            if not self._held_back(sub, queued[0]):
                self._to_sqs(sub, queued, outcome)
        self._record(outcome)

    def _held_back(self, sub: Subscription, first: Row) -> bool:
        """A FIFO queue's messages wait while an earlier one of its subscription waits for a
        retry: order matters more than speed there."""
        if not sub.endpoint.endswith(".fifo"):
            return False
        with self.book.store.read() as tx:
            return tx.fetchone(
                "SELECT 1 FROM sns_deliveries WHERE subscription_arn = ? AND delivery_id < ? "
                "AND next_attempt_s > ? LIMIT 1",
                (sub.arn, first.delivery_id, self.cloud.clock.now())) is not None

    # -- SQS ----------------------------------------------------------------------------------

    def _to_sqs(self, sub: Subscription, rows: list[Row], outcome: Outcome) -> None:
        region, account_id, name = sub.endpoint.split(":")[3:6]
        url = f"https://sqs.{region}.amazonaws.com/{account_id}/{name}"
        fifo = name.endswith(".fifo")
        for start in range(0, len(rows), SQS_BATCH):
            chunk = rows[start:start + SQS_BATCH]
            entries = [self._sqs_entry(str(i), sub, row, fifo) for i, row in enumerate(chunk)]
            try:
                result = call(self.cloud, "sqs", "SendMessageBatch",
                              {"QueueUrl": url, "Entries": entries}, account_id=account_id,
                              region=region, principal=SERVICE_PRINCIPAL,
                              source_arn=sub.topic_arn)
            except AwsError as error:
                for row in chunk:
                    self._failed(sub, row, outcome, error.status_code < 500, error.message,
                                 status=error.status_code)
                if fifo:
                    return  # later messages of a FIFO subscription wait, keeping the order
                continue
            for ok in result.get("Successful") or []:
                row = chunk[int(ok["Id"])]
                outcome.finish(row)
                self._succeeded(sub, row, 200, json.dumps(
                    {"sqsRequestId": ok.get("MessageId"), "sqsMessageId": ok.get("MessageId")}))
            for bad in result.get("Failed") or []:
                self._failed(sub, chunk[int(bad["Id"])], outcome, bool(bad.get("SenderFault")),
                             str(bad.get("Message") or bad.get("Code")))

    def _sqs_entry(self, entry_id: str, sub: Subscription, row: Row, fifo: bool
                   ) -> dict[str, Any]:
        entry: dict[str, Any] = {"Id": entry_id,
                                 "MessageBody": self.envelopes.body(row.kind, row.record, sub)}
        if sub.raw and row.record.get("MessageAttributes"):
            from pocketcloud.services.sns.envelopes import sqs_attributes

            entry["MessageAttributes"] = sqs_attributes(row.record["MessageAttributes"])
        if fifo:
            entry["MessageGroupId"] = row.record.get("MessageGroupId") or "default"
            entry["MessageDeduplicationId"] = (row.record.get("MessageDeduplicationId")
                                               or row.record["MessageId"])
        elif row.record.get("MessageGroupId") and not row.record.get("SequenceNumber"):
            # AWS passes a standard topic's group on to a standard queue, a FIFO topic's not
            entry["MessageGroupId"] = row.record["MessageGroupId"]
        if row.record.get("AWSTraceHeader"):  # the publisher's X-Ray trace, as AWS recorded
            entry["MessageSystemAttributes"] = {"AWSTraceHeader": {
                "DataType": "String", "StringValue": row.record["AWSTraceHeader"]}}
        return entry

    # -- Lambda -------------------------------------------------------------------------------

    async def _to_lambda(self, sub: Subscription, row: Row, outcome: Outcome) -> None:
        parts = sub.endpoint.split(":")
        event = self.envelopes.lambda_event(row.record, sub)
        try:
            await acall(self.cloud, "lambda", "Invoke",
                        {"FunctionName": sub.endpoint, "InvocationType": "Event",
                         "Payload": json.dumps(event).encode("utf-8")},
                        account_id=parts[4], region=parts[3], principal=SERVICE_PRINCIPAL,
                        source_arn=sub.topic_arn)
        except AwsError as error:
            client_error = error.status_code < 500 and error.status_code != 429
            self._failed(sub, row, outcome, client_error, error.message, status=error.status_code)
            return
        outcome.finish(row)
        self._succeeded(sub, row, 202, json.dumps({"lambdaRequestId": row.record["MessageId"]}))

    # -- HTTP/S -------------------------------------------------------------------------------

    def _start_http(self, sub: Subscription, row: Row) -> None:
        if len(self.in_flight) >= MAX_HTTP_IN_FLIGHT or not self._under_rate(sub):
            return  # the next tick picks it up
        self.in_flight.add(row.delivery_id)
        background = self.cloud.background
        task = background.spawn("sns-http", self._post(sub, row))
        if task is None:
            self.in_flight.discard(row.delivery_id)

    def _under_rate(self, sub: Subscription) -> bool:
        topic = self.book.topics.get(sub.topic_arn)
        if topic is None:
            return True
        throttle = outbound.effective_http_policy(topic, sub).get("throttlePolicy") or {}
        rate = throttle.get("maxReceivesPerSecond")
        return not rate or self.throttle.allow(sub.arn, int(rate), self.cloud.clock.now())

    async def _post(self, sub: Subscription, row: Row) -> None:
        try:
            topic = self.book.topics.get(sub.topic_arn)
            policy = outbound.effective_http_policy(topic, sub) if topic else {}
            body = self.envelopes.body(row.kind, row.record, sub)
            status, error = await self.http.post(sub, row.kind, row.record, body, policy)
            outcome = Outcome([], [])
            if error is None:
                outcome.finish(row)
                if row.kind == "Notification":
                    self._succeeded(sub, row, status, "")
            else:
                self._failed(sub, row, outcome, False, error,
                             policy.get("healthyRetryPolicy"), status=status)
            self._record(outcome)
            self.status.flush()
        finally:
            if len(self.in_flight) >= MAX_HTTP_IN_FLIGHT:
                outbound.kick(self.cloud)  # posts were waiting for a free slot
            self.in_flight.discard(row.delivery_id)

    # -- email, email-json, SMS: the outbox ---------------------------------------------------

    def _to_outbox(self, sub: Subscription, row: Row) -> None:
        topic = self.book.topics.get(sub.topic_arn)
        subject, text = endpoints.outbox_text(self.envelopes, sub, row.kind, row.record,
                                              topic.attributes.get("DisplayName") if topic
                                              else None)
        region, account_id = sub.topic_arn.split(":")[3:5]
        outbound.write_outbox(self.cloud, account_id, region, sub.protocol, sub.endpoint,
                              sub.topic_arn, sub.arn, row.record["MessageId"], row.kind,
                              subject, text)

    def _endpoint_enabled(self, sub: Subscription) -> bool:
        from pocketcloud.services.sns.platform_operations import endpoint_record

        found = endpoint_record(self.cloud.store, sub.endpoint)
        return found is not None and found["attributes"].get("Enabled", "true") == "true"

    # -- failures: retry, dead-letter queue, or give up ---------------------------------------

    def _succeeded(self, sub: Subscription, row: Row, status: int, response: str) -> None:
        if row.kind == "Notification":
            self.status.note(self.book.topics.get(sub.topic_arn), sub, row.record,
                             success=True, status_code=status, response=response,
                             attempts=row.attempts + 1)

    def _failed(self, sub: Subscription, row: Row, outcome: Outcome, client_error: bool,
                reason: str, policy: dict[str, Any] | None = None, status: int = 0) -> None:
        attempts = row.attempts + 1
        delay_s = None if client_error else retry_delay_s(policy or DEFAULT_MANAGED_POLICY,
                                                          attempts)
        if delay_s is not None:
            outcome.retry.append((row.delivery_id, attempts, self.cloud.clock.now() + delay_s))
            return
        if row.kind == "Notification":
            self.status.note(self.book.topics.get(sub.topic_arn), sub, row.record,
                             success=False, status_code=status, response=reason,
                             attempts=attempts)
            self._dead_letter(sub, row, reason)
        else:
            log.info("sns: giving up on %s to %s: %s", row.kind, sub.endpoint, reason)
        outcome.finish(row)

    def _dead_letter(self, sub: Subscription, row: Row, reason: str) -> None:
        policy = json.loads(sub.attributes.get("RedrivePolicy") or "{}")
        target = policy.get("deadLetterTargetArn")
        if not target:
            log.info("sns: message %s to %s dropped: %s", row.record["MessageId"],
                     sub.endpoint, reason)
            return
        region, account_id, name = target.split(":")[3:6]
        params: dict[str, Any] = {
            "QueueUrl": f"https://sqs.{region}.amazonaws.com/{account_id}/{name}",
            "MessageBody": self.envelopes.body(row.kind, row.record, sub),
            "MessageAttributes": _sqs_dead_letter_attributes(sub, row)
            if sub.protocol in MESSAGE_ONLY_DEAD_LETTERS else {
                "RequestID": {"DataType": "String", "StringValue": row.record["MessageId"]},
                "ErrorCode": {"DataType": "String", "StringValue": "DeliveryFailed"},
                "ErrorMessage": {"DataType": "String", "StringValue": reason[:1000] or "error"},
                "TopicArn": {"DataType": "String", "StringValue": sub.topic_arn},
                "SubscriptionArn": {"DataType": "String", "StringValue": sub.arn},
            },
        }
        if name.endswith(".fifo"):
            params["MessageGroupId"] = row.record.get("MessageGroupId") or "default"
            params["MessageDeduplicationId"] = (row.record.get("MessageDeduplicationId")
                                                or row.record["MessageId"])
        try:
            call(self.cloud, "sqs", "SendMessage", params, account_id=account_id, region=region,
                 principal=SERVICE_PRINCIPAL, source_arn=sub.topic_arn)
        except AwsError as error:
            log.warning("sns: dead-letter queue %s refused message %s: %s", target,
                        row.record["MessageId"], error)

    def _record(self, outcome: Outcome) -> None:
        if not outcome.done and not outcome.retry:
            return
        with self.book.store.write() as tx:
            tx.executemany("DELETE FROM sns_deliveries WHERE delivery_id = ?",
                           [(i,) for i in outcome.done])
            tx.executemany("UPDATE sns_deliveries SET attempts = ?, next_attempt_s = ? "
                           "WHERE delivery_id = ?",
                           [(attempts, due, i) for i, attempts, due in outcome.retry])

    async def close(self) -> None:
        await self.http.close()


def _sqs_dead_letter_attributes(sub: Subscription, row: Row) -> dict[str, Any]:
    """An SQS or Lambda subscription's dead letter is the message it would have delivered:
    raw ones keep their attributes as SQS attributes, and AWS adds no error attributes."""
    from pocketcloud.services.sns.envelopes import sqs_attributes

    return sqs_attributes(row.record.get("MessageAttributes") or {}) if sub.raw else {}


def _farewell(row: Row) -> Subscription | None:
    """An UnsubscribeConfirmation goes to the endpoint of a subscription that is gone."""
    if row.kind != "UnsubscribeConfirmation" or "Endpoint" not in row.record:
        return None
    return Subscription(row.subscription_arn, row.record["TopicArn"], "",
                        row.record["Protocol"], row.record["Endpoint"], {}, True, None, 0.0)


_deliverers: dict[int, Deliverer] = {}


def deliverer(cloud: Cloud) -> Deliverer:
    found = _deliverers.get(id(cloud))
    if found is None or found.cloud is not cloud:
        found = _deliverers[id(cloud)] = Deliverer(cloud)
    return found


async def tick(cloud: Cloud) -> None:
    await deliverer(cloud).tick()


async def close(cloud: Cloud) -> None:
    found = _deliverers.pop(id(cloud), None)
    if found is not None:
        await found.close()
