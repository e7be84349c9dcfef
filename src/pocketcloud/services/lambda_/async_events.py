"""Asynchronous invocation: events queued durably, retried with AWS's backoff, then delivered.

As in AWS: an event that fails is retried twice (MaximumRetryAttempts, 0-2), waiting about one
minute before the first retry and two before the second; events older than
MaximumEventAgeInSeconds are dropped. A success goes to the OnSuccess destination; a failure
(retries exhausted or too old) to OnFailure, and to the function's dead-letter queue.
Destinations that are Lambda functions are invoked; every record sent is also kept in
``lambda_destination_records``; SNS topics and event buses get theirs through EventBridge's
outbox (services/events/destinations.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from typing import Any

from pocketcloud.cloud import Cloud
from pocketcloud.context import RequestContext
from pocketcloud.errors import AwsError
from pocketcloud.services.events import destinations
from pocketcloud.services.lambda_ import records
from pocketcloud.services.lambda_.names import LATEST, FunctionRef, parse_function_name
from pocketcloud.services.lambda_.schema import ready_store
from pocketcloud.services.lambda_.settings import event_invoke_config

log = logging.getLogger("pocketcloud.lambda.async")

DEFAULT_MAX_RETRY_ATTEMPTS = 2
DEFAULT_MAX_EVENT_AGE_S = 21600
THROTTLE_RETRY_DELAY_S = 1.0
IDLE_POLL_S = 1.0
MAX_EVENTS_IN_FLIGHT = 32
MAX_EVENTS_PER_SCAN = 64


JOB_NAME = "lambda-async-events"


def _retry_delays_s(cloud: Cloud) -> tuple[float, ...]:
    """AWS's 1 and 2 minutes unless settings say otherwise (POCKETCLOUD_LAMBDA_RETRY_DELAYS_S)."""
    try:
        delays = tuple(float(part) for part in cloud.settings.lambda_retry_delays_s.split(","))
    except ValueError:
        log.warning("lambda_retry_delays_s is not a list of seconds; using AWS's 60,120")
        return (60.0, 120.0)
    return delays or (60.0, 120.0)


def enqueue_event(ctx: RequestContext, ref: FunctionRef, payload: bytes) -> str:
    event_id = ctx.request_id
    now = ctx.cloud.clock.now()
    with ready_store(ctx.cloud.store).write() as tx:
        tx.execute(
            "INSERT INTO lambda_async_events (event_id, account_id, region, name, qualifier, "
            "payload, received, next_attempt) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (event_id, ref.account_id, ref.region, ref.name, ref.qualifier or LATEST,
             payload or b"{}", now, now))
    _dispatcher(ctx.cloud).wake()
    return event_id


class _Dispatcher:
    def __init__(self, cloud: Cloud) -> None:
        self.cloud = cloud
        self._woken = asyncio.Event()
        self._in_flight: set[str] = set()
        self._task = asyncio.get_running_loop().create_task(self._run())

    @property
    def stopped(self) -> bool:
        return self._task.done()

    def wake(self) -> None:
        self._woken.set()

    def stop(self) -> None:
        self._task.cancel()

    async def _run(self) -> None:
        while True:
            try:
                wait_s = self._start_due()
            except Exception:
                log.exception("lambda async dispatcher failed; retrying")
                wait_s = IDLE_POLL_S
            self._woken.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._woken.wait(), timeout=wait_s)

    def _start_due(self) -> float:
        now = self.cloud.clock.now()
        with ready_store(self.cloud.store).read() as tx:
            rows = tx.fetchall(
                "SELECT event_id, account_id, region, name, qualifier, payload, received, "
                "attempts, next_attempt FROM lambda_async_events ORDER BY next_attempt LIMIT ?",
                (MAX_EVENTS_PER_SCAN,))
        next_due = now + IDLE_POLL_S
        for row in rows:
            if row[0] in self._in_flight:
                continue
            if row[8] > now:
                next_due = min(next_due, row[8])
                continue
            if len(self._in_flight) >= MAX_EVENTS_IN_FLIGHT:
                break
            self._in_flight.add(row[0])
            asyncio.get_running_loop().create_task(self._process(row))
        return max(0.01, next_due - now)

    async def _process(self, row: tuple[Any, ...]) -> None:
        event_id, account_id, region, name, qualifier, payload, received, attempts, _ = row
        ctx = RequestContext(cloud=self.cloud, request_id=event_id, account_id=account_id,
                             region=region, service="lambda", operation="Invoke")
        ref = FunctionRef(account_id, region, name, None if qualifier == LATEST else qualifier)
        try:
            await _attempt(ctx, ref, bytes(payload), received, attempts)
        except Exception:
            log.exception("async event %s for %s failed inside pocketcloud", event_id, name)
            _drop(ctx, event_id)
        finally:
            self._in_flight.discard(event_id)
            self.wake()


async def _attempt(ctx: RequestContext, ref: FunctionRef, payload: bytes, received: float,
                   attempts: int) -> None:
    from pocketcloud.services.lambda_.invoke import run_function
    from pocketcloud.services.lambda_.running import choose_version

    qualifier = ref.qualifier or LATEST
    with ready_store(ctx.cloud.store).read() as tx:
        if not records.function_exists(tx, ref):
            _drop(ctx, ctx.request_id)
            return
        config = event_invoke_config(tx, ref, qualifier)
        version = choose_version(tx, ref)
        found = records.load_version(tx, ref, version)
        function_config = found[0] if found else {}
    if found is None:
        _drop(ctx, ctx.request_id)
        return
    max_age_s = config.get("MaximumEventAgeInSeconds", DEFAULT_MAX_EVENT_AGE_S)
    max_retries = config.get("MaximumRetryAttempts", DEFAULT_MAX_RETRY_ATTEMPTS)
    event = _Event(ctx, ref, payload, attempts + 1, version)
    if ctx.cloud.clock.now() - received > max_age_s:
        event.fail(config, function_config, "EventAgeExceeded", None)
        return
    try:
        outcome = await run_function(ctx, ref, version, found, payload, ctx.request_id)
    except AwsError as error:
        if error.code == "TooManyRequestsException":  # throttles retry without counting
            _reschedule(ctx, attempts, THROTTLE_RETRY_DELAY_S)
            return
        event.fail(config, function_config, "RetriesExhausted", None)
        return
    if outcome.function_error is None:
        event.succeed(config, outcome.payload)
    elif attempts < max_retries:
        delays = _retry_delays_s(ctx.cloud)
        _reschedule(ctx, attempts + 1, delays[min(attempts, len(delays) - 1)])
    else:
        event.fail(config, function_config, "RetriesExhausted", outcome)


class _Event:
    def __init__(self, ctx: RequestContext, ref: FunctionRef, payload: bytes, invoke_count: int,
                 version: str) -> None:
        self.ctx, self.ref, self.payload = ctx, ref, payload
        self.invoke_count, self.version = invoke_count, version

    def succeed(self, config: dict[str, Any], response: bytes) -> None:
        target = ((config.get("DestinationConfig") or {}).get("OnSuccess") or {}).get(
            "Destination")
        if target:
            self._send(target, self._record("Success", 200, None, response))
        _drop(self.ctx, self.ctx.request_id)

    def fail(self, config: dict[str, Any], function_config: dict[str, Any], condition: str,
             outcome: Any) -> None:
        target = ((config.get("DestinationConfig") or {}).get("OnFailure") or {}).get(
            "Destination")
        response = outcome.payload if outcome is not None else b""
        if target:
            self._send(target, self._record(condition, 200, "Unhandled", response))
        dlq = (function_config.get("DeadLetterConfig") or {}).get("TargetArn")
        if dlq:
            body = self.payload.decode("utf-8", "replace")
            _keep(self.ctx, dlq, {"body": body, "attributes": {
                "RequestID": self.ctx.request_id, "ErrorCode": "200",
                "ErrorMessage": response.decode("utf-8", "replace")}})
            attributes = {"RequestID": self.ctx.request_id, "ErrorCode": "200",
                          "ErrorMessage": response.decode("utf-8", "replace")[:1000] or "error"}
            if dlq.startswith("arn:aws:sqs:"):
                _send_to_queue(self.ctx, dlq, body, attributes)
            elif dlq.startswith("arn:aws:sns:"):
                _publish_to_topic(self.ctx, dlq, body, attributes)
        _drop(self.ctx, self.ctx.request_id)

    def _record(self, condition: str, status: int, function_error: str | None,
                response: bytes) -> dict[str, Any]:
        response_context: dict[str, Any] = {"statusCode": status,
                                            "executedVersion": self.version}
        if function_error:
            response_context["functionError"] = function_error
        return {
            "version": "1.0",
            "timestamp": records.timestamp(self.ctx.cloud.clock.now()).replace("+0000", "Z"),
            "requestContext": {"requestId": self.ctx.request_id,
                               "functionArn": f"{self.ref.arn}:{self.ref.qualifier or LATEST}",
                               "condition": condition,
                               "approximateInvokeCount": self.invoke_count},
            "requestPayload": _json_or_text(self.payload),
            "responseContext": response_context,
            "responsePayload": _json_or_text(response) if response else None,
        }

    def _send(self, target: str, record: dict[str, Any]) -> None:
        _keep(self.ctx, target, record)
        if target.startswith("arn:aws:sqs:"):
            _send_to_queue(self.ctx, target, json.dumps(record))
        elif destinations.handles(target):  # SNS topics and event buses, via the outbox
            destinations.send_invocation_record(self.ctx.cloud, target, record, self.ref.arn)
        elif ":lambda:" in target and ":function:" in target:
            try:
                destination = parse_function_name(self.ctx, target)
            except AwsError:
                return
            enqueue_event(_child_context(self.ctx), destination, json.dumps(record).encode())


def _send_to_queue(ctx: RequestContext, queue_arn: str, body: str,
                   attributes: dict[str, str] | None = None) -> None:
    """SendMessage through SQS's own operation (not its tables), as the queue's account."""
    from pocketcloud.services.registry import provider_function

    parts = queue_arn.split(":")
    send = provider_function("sqs", "SendMessage")
    if len(parts) != 6 or send is None:
        return
    region, account_id, name = parts[3], parts[4], parts[5]
    sqs_ctx = RequestContext(cloud=ctx.cloud, request_id=ctx.cloud.ids.uuid4(),
                             account_id=account_id, region=region, service="sqs",
                             operation="SendMessage", protocol="json")
    params: dict[str, Any] = {
        "QueueUrl": f"https://sqs.{region}.amazonaws.com/{account_id}/{name}",
        "MessageBody": body}
    if attributes:
        params["MessageAttributes"] = {k: {"DataType": "String", "StringValue": v}
                                       for k, v in attributes.items()}
    try:
        send(sqs_ctx, params)
    except AwsError as error:
        log.warning("lambda destination %s refused the record: %s", queue_arn, error)


def _publish_to_topic(ctx: RequestContext, topic_arn: str, message: str,
                      attributes: dict[str, str]) -> None:
    """A dead-letter topic gets the event through SNS's own Publish, as the topic's account."""
    from pocketcloud.services.internal import call

    parts = topic_arn.split(":")
    if len(parts) != 6:
        return
    params = {"TopicArn": topic_arn, "Message": message, "MessageAttributes": {
        k: {"DataType": "String", "StringValue": v} for k, v in attributes.items()}}
    try:
        call(ctx.cloud, "sns", "Publish", params, account_id=parts[4], region=parts[3])
    except AwsError as error:
        log.warning("lambda dead-letter topic %s refused the event: %s", topic_arn, error)


def _child_context(ctx: RequestContext) -> RequestContext:
    return RequestContext(cloud=ctx.cloud, request_id=ctx.cloud.ids.uuid4(),
                          account_id=ctx.account_id, region=ctx.region, service="lambda")


def _keep(ctx: RequestContext, destination: str, record: dict[str, Any]) -> None:
    with ready_store(ctx.cloud.store).write() as tx:
        tx.execute("INSERT INTO lambda_destination_records (record_id, account_id, region, "
                   "destination, record, created) VALUES (?, ?, ?, ?, ?, ?)",
                   (ctx.cloud.ids.uuid4(), ctx.account_id, ctx.region, destination,
                    json.dumps(record), ctx.cloud.clock.now()))


def _reschedule(ctx: RequestContext, attempts: int, delay_s: float) -> None:
    with ready_store(ctx.cloud.store).write() as tx:
        tx.execute("UPDATE lambda_async_events SET attempts = ?, next_attempt = ? WHERE "
                   "event_id = ?", (attempts, ctx.cloud.clock.now() + delay_s, ctx.request_id))


def _drop(ctx: RequestContext, event_id: str) -> None:
    with ready_store(ctx.cloud.store).write() as tx:
        tx.execute("DELETE FROM lambda_async_events WHERE event_id = ?", (event_id,))


def _json_or_text(data: bytes) -> Any:
    try:
        return json.loads(data)
    except (ValueError, UnicodeDecodeError):
        return data.decode("utf-8", "replace")


_dispatchers: dict[int, _Dispatcher] = {}


def _dispatcher(cloud: Cloud) -> _Dispatcher:
    found = _dispatchers.get(id(cloud))
    if found is None or found.stopped:
        found = _dispatchers[id(cloud)] = _Dispatcher(cloud)
    return found


def resume_pending(cloud: Cloud) -> None:
    """At start-up: events queued before a restart (or a crash) are picked up again."""
    _dispatcher(cloud)


def tick(cloud: Cloud) -> None:
    """The background job: look for due events now (the cloud clock may have moved)."""
    _dispatcher(cloud).wake()


def stop(cloud: Cloud) -> None:
    found = _dispatchers.pop(id(cloud), None)
    if found is not None:
        found.stop()
