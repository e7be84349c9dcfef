"""What a Publish or Subscribe leaves for the delivery job: durable rows, then a wake-up.

Also the outbox (email and SMS never leave the machine: they are kept for the user to read)
and the HTTP delivery policy a subscription ends up with.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from pocketcloud.context import RequestContext
from pocketcloud.services.sns import topic_attributes as ta
from pocketcloud.services.sns.model import Subscription, Topic
from pocketcloud.services.sns.schema import ready_store
from pocketcloud.services.sns.urls import subscribe_url
from pocketcloud.store import Tx

if TYPE_CHECKING:
    from pocketcloud.cloud import Cloud

JOB_NAME = "sns-deliveries"
MAX_OUTBOX_PAGE = 1000
CONFIRMATION_TEXT = ("You have chosen to subscribe to the topic {topic}.\n"
                     "To confirm the subscription, visit the SubscribeURL included in this "
                     "message.")
UNSUBSCRIBE_TEXT = ("You have chosen to deactivate subscription {sub}.\n"
                    "To cancel this operation and restore the subscription, visit the "
                    "SubscribeURL included in this message.")


def kick(cloud: Cloud) -> None:
    """Deliver soon: wake the delivery job (it also runs every second on its own)."""
    background = getattr(cloud, "background", None)
    if background is not None:
        background.wake(JOB_NAME)


def enqueue_notifications(tx: Tx, rows: list[tuple[Subscription, dict[str, Any]]],
                          now_s: float) -> None:
    if rows:
        tx.executemany(
            "INSERT INTO sns_deliveries (subscription_arn, kind, record, next_attempt_s, "
            "created_s) VALUES (?, 'Notification', ?, ?, ?)",
            [(sub.arn, json.dumps(record, separators=(",", ":")), now_s, now_s)
             for sub, record in rows])


def request_confirmation(ctx: RequestContext, topic: Topic, sub: Subscription, base: str) -> None:
    """The SubscriptionConfirmation message, queued for delivery like any other."""
    assert sub.token is not None
    _enqueue_handshake(ctx, topic, sub, base, "SubscriptionConfirmation", sub.token,
                       CONFIRMATION_TEXT.format(topic=topic.arn))


def announce_unsubscribe(ctx: RequestContext, topic: Topic, sub: Subscription, base: str) -> None:
    """HTTP/S endpoints hear that they were unsubscribed (the row carries the endpoint: the
    subscription itself is gone by the time it is delivered)."""
    _enqueue_handshake(ctx, topic, sub, base, "UnsubscribeConfirmation",
                       ctx.cloud.ids.hex(256), UNSUBSCRIBE_TEXT.format(sub=sub.arn))


def _enqueue_handshake(ctx: RequestContext, topic: Topic, sub: Subscription, base: str,
                       kind: str, token: str, text: str) -> None:
    from pocketcloud.services.sns.publishing import timestamp

    now_s = ctx.cloud.clock.now()
    record = {
        "MessageId": ctx.cloud.ids.uuid4(), "TopicArn": topic.arn, "Token": token,
        "Message": text, "SubscribeURL": subscribe_url(base, topic.arn, token),
        "Timestamp": timestamp(now_s),
        "SignatureVersion": topic.attributes.get("SignatureVersion", "1"), "Base": base,
        "Protocol": sub.protocol, "Endpoint": sub.endpoint,
    }
    with ready_store(ctx.cloud.store).write() as tx:
        tx.execute("INSERT INTO sns_deliveries (subscription_arn, kind, record, next_attempt_s, "
                   "created_s) VALUES (?, ?, ?, ?, ?)",
                   (sub.arn, kind, json.dumps(record), now_s, now_s))
    kick(ctx.cloud)


def write_outbox(cloud: Cloud, account_id: str, region: str, protocol: str, endpoint: str,
                 topic_arn: str | None, subscription_arn: str | None, message_id: str,
                 kind: str, subject: str | None, message: str) -> None:
    with ready_store(cloud.store).write() as tx:
        tx.execute("INSERT INTO sns_outbox (account_id, region, protocol, endpoint, topic_arn, "
                   "subscription_arn, message_id, kind, subject, message, created_s) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   (account_id, region, protocol, endpoint, topic_arn, subscription_arn,
                    message_id, kind, subject, message, cloud.clock.now()))


def read_outbox(cloud: Cloud, *, after: int = 0, limit: int = 100,
                endpoint: str | None = None) -> list[dict[str, Any]]:
    """Outbox messages, oldest first, after sequence number `after`."""
    limit = max(1, min(limit, MAX_OUTBOX_PAGE))
    sql = ("SELECT seq, account_id, region, protocol, endpoint, topic_arn, subscription_arn, "
           "message_id, kind, subject, message, created_s FROM sns_outbox WHERE seq > ?")
    args: list[Any] = [after]
    if endpoint:
        sql += " AND endpoint = ?"
        args.append(endpoint)
    with ready_store(cloud.store).read() as tx:
        rows = tx.fetchall(sql + " ORDER BY seq LIMIT ?", (*args, limit))
    names = ("seq", "account_id", "region", "protocol", "endpoint", "topic_arn",
             "subscription_arn", "message_id", "kind", "subject", "message", "created_s")
    return [dict(zip(names, row, strict=True)) for row in rows]


def effective_http_policy(topic: Topic, sub: Subscription) -> dict[str, Any]:
    """The topic's http policy (or AWS's default), with the subscription's own over it
    unless the topic disables subscription overrides; every member AWS shows, null if unset."""
    topic_policy = json.loads(topic.attributes.get("DeliveryPolicy") or "{}").get("http") or {}
    retry = dict(ta.DEFAULT_HTTP_RETRY_POLICY)
    retry.update(topic_policy.get("defaultHealthyRetryPolicy") or {})
    request = dict(topic_policy.get("defaultRequestPolicy") or
                   {"headerContentType": "text/plain; charset=UTF-8"})
    throttle = topic_policy.get("defaultThrottlePolicy") or None
    own = json.loads(sub.attributes.get("DeliveryPolicy") or "{}")
    if own and not topic_policy.get("disableSubscriptionOverrides"):
        retry.update(own.get("healthyRetryPolicy") or {})
        request.update(own.get("requestPolicy") or {})
        throttle = own.get("throttlePolicy") or throttle
    return {"healthyRetryPolicy": retry, "sicklyRetryPolicy": None, "throttlePolicy": throttle,
            "requestPolicy": request, "guaranteed": False}
