"""The durable outbox: deliveries to Lambda, SQS, SNS, event buses and API destinations,
retried until done.

`enqueue` writes delivery rows (inside the caller's write transaction when there is one, so
they commit with the change that caused them); the request is acknowledged only after that.
A background job (woken after each enqueue, and on every clock move) delivers due rows through
the target service's own operation (services/internal.py) as a service principal, with the
rule or bucket ARN as aws:SourceArn, and deletes each row once its target accepted it.
Failures retry with exponential back-off within the target's RetryPolicy, then go to its
dead-letter queue (if any) and are dropped.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
from dataclasses import dataclass
from typing import Any

from pocketcloud.errors import AwsError
from pocketcloud.services import internal
from pocketcloud.services.events import api_delivery
from pocketcloud.services.events.schema import ready_store
from pocketcloud.services.registry import is_served
from pocketcloud.store import Tx

log = logging.getLogger("pocketcloud.events.outbox")

DEFAULT_MAX_ATTEMPTS = 185  # EventBridge's default RetryPolicy
DEFAULT_MAX_AGE_S = 86400
BACKOFF_MAX_S = 300.0
BATCH_MAX = 64  # deliveries started per scan
PAYLOAD_CHARS_MAX = 1024 * 1024  # bounds a row; EventBridge's own events are 256 KiB at most


@dataclass(frozen=True)
class Delivery:
    account_id: str  # whose resource caused it (the rule's or the bucket's account)
    region: str
    target: dict[str, Any]  # EventBridge's Target shape (Arn, SqsParameters, RetryPolicy...)
    payload: str
    principal: str  # events.amazonaws.com, s3.amazonaws.com
    source_arn: str


def enqueue(tx: Tx, cloud: Any, deliveries: list[Delivery]) -> None:
    now = cloud.clock.now()
    fitting = [d for d in deliveries if len(d.payload) <= PAYLOAD_CHARS_MAX]
    if len(fitting) < len(deliveries):  # only an InputTransformer can grow an event this much
        log.warning("%d deliveries over %d characters not queued",
                    len(deliveries) - len(fitting), PAYLOAD_CHARS_MAX)
    tx.executemany(
        "INSERT INTO events_deliveries (delivery_id, account_id, region, target, payload, "
        "principal, source_arn, created, next_attempt) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(cloud.ids.uuid4(), d.account_id, d.region, json.dumps(d.target), d.payload,
          d.principal, d.source_arn, now, now) for d in fitting])


def store(cloud: Any) -> Any:
    return ready_store(cloud.store)


JOB_NAME = "events-outbox"
ROUNDS_PER_TICK_MAX = 16  # bounds one tick: 16 x BATCH_MAX deliveries, the rest next tick


def wake(cloud: Any) -> None:
    """Deliver soon (called after a request committed new deliveries)."""
    cloud.background.wake(JOB_NAME)


async def tick(cloud: Any) -> None:
    """The background job: delivers what is due (new, retried, or left by a restart)."""
    for _ in range(ROUNDS_PER_TICK_MAX):
        now = cloud.clock.now()
        with store(cloud).read() as tx:
            rows = tx.fetchall(
                "SELECT delivery_id, account_id, region, target, payload, principal, "
                "source_arn, created, attempts FROM events_deliveries WHERE next_attempt "
                "<= ? ORDER BY next_attempt LIMIT ?", (now, BATCH_MAX))
        if rows:
            await asyncio.gather(*(_deliver_one(cloud, row) for row in rows))
        if len(rows) < BATCH_MAX:
            return


async def _deliver_one(cloud: Any, row: tuple[Any, ...]) -> None:
    delivery_id, account_id, region, target_text, payload, principal, source_arn, created, \
        attempts = row
    target = json.loads(target_text)
    try:
        await send(cloud, target, payload, principal, source_arn)
    except api_delivery.Deferred as later:
        with store(cloud).write() as tx:
            tx.execute("UPDATE events_deliveries SET next_attempt = ? WHERE delivery_id = ?",
                       (cloud.clock.now() + later.delay_s, delivery_id))
        return
    except AwsError as error:
        _failed(cloud, delivery_id, target, payload, source_arn, created, attempts, error)
        return
    except Exception:
        log.exception("delivery %s to %s failed inside pocketcloud", delivery_id, target["Arn"])
        _failed(cloud, delivery_id, target, payload, source_arn, created, attempts,
                AwsError("InternalFailure", "internal error", 500))
        return
    with store(cloud).write() as tx:
        tx.execute("DELETE FROM events_deliveries WHERE delivery_id = ?", (delivery_id,))



def _retriable(error: AwsError) -> bool:
    if isinstance(error, api_delivery.Failure):
        return error.retriable
    return error.status_code >= 500 or error.status_code == 429 or "Throttl" in error.code \
        or error.code in ("TooManyRequestsException", "KMSThrottlingException")


def _failed(cloud: Any, delivery_id: str, target: dict[str, Any], payload: str,
            source_arn: str, created: float, attempts: int, error: AwsError) -> None:
    retry = target.get("RetryPolicy") or {}
    max_attempts = retry.get("MaximumRetryAttempts", DEFAULT_MAX_ATTEMPTS)
    max_age_s = retry.get("MaximumEventAgeInSeconds", DEFAULT_MAX_AGE_S)
    now = cloud.clock.now()
    delay_s = min(BACKOFF_MAX_S, 2.0 ** attempts)
    if _retriable(error) and attempts < max_attempts and now + delay_s - created < max_age_s:
        with store(cloud).write() as tx:
            tx.execute("UPDATE events_deliveries SET attempts = ?, next_attempt = ? WHERE "
                       "delivery_id = ?", (attempts + 1, now + delay_s, delivery_id))
        return
    log.warning("delivery to %s dropped after %d attempts: %s", target["Arn"], attempts + 1,
                error)
    dlq = (target.get("DeadLetterConfig") or {}).get("Arn")
    with store(cloud).write() as tx:
        tx.execute("DELETE FROM events_deliveries WHERE delivery_id = ?", (delivery_id,))
        if dlq:
            enqueue(tx, cloud, [Delivery(
                _account(dlq), _region(dlq), {"Arn": dlq, "RetryPolicy": {
                    "MaximumRetryAttempts": 3}, "DeadLetterAttributes": {
                    "RULE_ARN": source_arn, "TARGET_ARN": target["Arn"],
                    "ERROR_CODE": error.code, "ERROR_MESSAGE": error.message[:1000] or "error"}},
                payload, "events.amazonaws.com", source_arn)])


def _account(target_arn: str) -> str:
    return target_arn.split(":")[4]


def _region(target_arn: str) -> str:
    return target_arn.split(":")[3]


async def send(cloud: Any, target: dict[str, Any], payload: str, principal: str,
               source_arn: str) -> None:
    """One delivery through the target service's own operation; raises AwsError on refusal."""
    target_arn = target["Arn"]
    parts = target_arn.split(":", 5)
    if len(parts) != 6:
        raise AwsError("ValidationException", f"Unsupported target {target_arn}")
    service, region, account_id, resource = parts[2], parts[3], parts[4], parts[5]
    if service == "lambda":
        operation, params = "Invoke", {"FunctionName": target_arn, "InvocationType": "Event",
                                       "Payload": payload.encode()}
    elif service == "sqs":
        operation, params = "SendMessage", _sqs_params(target, region, account_id, resource,
                                                       payload)
    elif service == "sns":
        operation, params = "Publish", {"TopicArn": target_arn, "Message": payload}
        if target.get("Subject"):
            params["Subject"] = target["Subject"]
    elif service == "events" and resource.startswith("api-destination/"):
        await api_delivery.deliver(cloud, target, payload)
        return
    elif service == "events" and resource.startswith("event-bus/"):
        _to_bus(cloud, account_id, region, resource.removeprefix("event-bus/"), payload)
        return
    else:
        raise AwsError("ValidationException", f"pocketcloud does not deliver to {service} "
                       "targets yet.")
    if not is_served(service):
        raise AwsError("ResourceNotFoundException", f"{service} is not served here yet.")
    await internal.acall(cloud, service, operation, params, account_id=account_id,
                         region=region, principal=principal, source_arn=source_arn)


def _sqs_params(target: dict[str, Any], region: str, account_id: str, name: str,
                payload: str) -> dict[str, Any]:
    params: dict[str, Any] = {
        "QueueUrl": f"https://sqs.{region}.amazonaws.com/{account_id}/{name}",
        "MessageBody": payload}
    group = (target.get("SqsParameters") or {}).get("MessageGroupId")
    if group:
        params["MessageGroupId"] = group
    if name.endswith(".fifo"):
        params["MessageDeduplicationId"] = hashlib.sha256(payload.encode()).hexdigest()
        params.setdefault("MessageGroupId", "default")
    trace = target.get("TraceHeader")  # the X-Ray header of the request that caused it
    if trace:
        params["MessageSystemAttributes"] = {
            "AWSTraceHeader": {"DataType": "String", "StringValue": trace}}
    attributes = target.get("DeadLetterAttributes")
    if attributes:
        params["MessageAttributes"] = {k: {"DataType": "String", "StringValue": v}
                                       for k, v in attributes.items()}
    return params


def _to_bus(cloud: Any, account_id: str, region: str, bus: str, payload: str) -> None:
    """An event for a bus (a rule's bus target, S3's EventBridge notifications) is routed
    there directly: it keeps its source (aws.s3 included), detail and resources."""
    from pocketcloud.services.events.put_events import Router

    event = json.loads(payload)
    event.update(id=cloud.ids.uuid4(), account=account_id, region=region)
    with store(cloud).write() as tx:
        if bus != "default" and tx.fetchone(
                "SELECT 1 FROM events_buses WHERE account_id = ? AND region = ? AND name = ?",
                (account_id, region, bus)) is None:
            raise AwsError("ResourceNotFoundException", f"Event bus {bus} does not exist.")
        router = Router(tx, cloud)
        router.route(account_id, region, bus, event)
        router.commit()
    if router.delivered:
        wake(cloud)
