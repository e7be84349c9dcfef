"""Talking to endpoints outside pocketcloud's services: HTTP/S posts and the outbox texts."""

from __future__ import annotations

import json
from collections import OrderedDict
from typing import Any

import httpx

from pocketcloud.services.sns.envelopes import Envelopes
from pocketcloud.services.sns.model import Subscription
from pocketcloud.services.sns.urls import unsubscribe_url

HTTP_TIMEOUT_S = 15.0  # AWS waits 15 s for an HTTP/S endpoint to answer
DEFAULT_CONTENT_TYPE = "text/plain; charset=UTF-8"
USER_AGENT = "Amazon Simple Notification Service Agent"
MAX_CONNECTIONS = 64
EMAIL_FOOTER = (
    "\n\n--\nIf you wish to stop receiving notifications from this topic, please click or "
    "visit the link below to unsubscribe:\n{url}\n\nPlease do not reply directly to this "
    "email. If you have any questions or comments regarding this email, please contact us at "
    "https://aws.amazon.com/support")
CONFIRMATION_EMAIL = (
    "You have chosen to subscribe to the topic: \n{topic}\n\nTo confirm this subscription, "
    "click or visit the link below (If this was in error no action is necessary): \n"
    "Confirm subscription: {url}")


MAX_THROTTLED_SUBSCRIPTIONS = 10_000


class Throttle:
    """throttlePolicy.maxReceivesPerSecond: at most that many posts per subscription in any
    one-second window of the cloud clock (a post over the rate waits for the next tick)."""

    def __init__(self) -> None:
        self._windows: OrderedDict[str, tuple[int, int]] = OrderedDict()  # arn -> (second, n)

    def allow(self, subscription_arn: str, per_second: int, now_s: float) -> bool:
        second = int(now_s)
        window, count = self._windows.get(subscription_arn, (second, 0))
        if window != second:
            count = 0
        if count >= per_second:
            return False
        self._windows[subscription_arn] = (second, count + 1)
        self._windows.move_to_end(subscription_arn)
        while len(self._windows) > MAX_THROTTLED_SUBSCRIPTIONS:
            self._windows.popitem(last=False)
        return True


class HttpSender:
    def __init__(self) -> None:
        self._client: httpx.AsyncClient | None = None

    def client(self) -> httpx.AsyncClient:
        if self._client is None:
            self._client = httpx.AsyncClient(
                timeout=HTTP_TIMEOUT_S, follow_redirects=False,
                limits=httpx.Limits(max_connections=MAX_CONNECTIONS))
            del self._client.headers["accept"]  # AWS's posts carry no Accept header
        return self._client

    async def post(self, sub: Subscription, kind: str, record: dict[str, Any], body: str,
                   policy: dict[str, Any]) -> tuple[int, str | None]:
        """(HTTP status, None) when the endpoint took the message (2xx), else (status or 0,
        why not)."""
        content_type = DEFAULT_CONTENT_TYPE
        if kind == "Notification":  # AWS posts its confirmations as plain text, always
            content_type = (policy.get("requestPolicy") or {}).get("headerContentType") \
                or DEFAULT_CONTENT_TYPE
        headers = {
            "content-type": content_type, "user-agent": USER_AGENT,
            "accept-encoding": "gzip,deflate",
            "x-amz-sns-message-type": kind, "x-amz-sns-message-id": record["MessageId"],
            "x-amz-sns-topic-arn": record["TopicArn"],
        }
        if kind != "SubscriptionConfirmation":  # AWS names the subscription once it exists
            headers["x-amz-sns-subscription-arn"] = sub.arn
        if kind == "Notification" and sub.raw:
            headers["x-amz-sns-rawdelivery"] = "true"
        try:
            response = await self.client().post(sub.endpoint, content=body.encode("utf-8"),
                                                headers=headers)
        except httpx.HTTPError as error:
            return 0, f"{type(error).__name__}: {error}"
        if 200 <= response.status_code < 300:
            return response.status_code, None
        return response.status_code, f"the endpoint answered HTTP {response.status_code}"

    async def close(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None


def outbox_text(envelopes: Envelopes, sub: Subscription, kind: str, record: dict[str, Any],
                display_name: str | None) -> tuple[str | None, str]:
    """(subject, text) as the email or SMS would carry them."""
    if sub.protocol == "email-json":
        subject = record.get("Subject") or display_name or "AWS Notification Message"
        return subject, json.dumps(envelopes.envelope(kind, record, sub), indent=2)
    if kind != "Notification":
        if sub.protocol == "sms":
            return None, f"Reply YES to confirm subscription to {record['TopicArn']}"
        return ("AWS Notification - Subscription Confirmation",
                CONFIRMATION_EMAIL.format(topic=record["TopicArn"], url=record["SubscribeURL"]))
    if sub.protocol == "sms":
        prefix = f"{display_name}> " if display_name else ""
        return None, prefix + str(record["Message"])
    if sub.protocol == "application":
        return record.get("Subject"), str(record["Message"])
    subject = record.get("Subject") or display_name or "AWS Notification Message"
    footer = EMAIL_FOOTER.format(url=unsubscribe_url(record["Base"], sub.arn))
    return subject, str(record["Message"]) + footer
