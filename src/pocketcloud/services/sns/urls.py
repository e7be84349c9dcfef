"""The URLs SNS puts in messages (SubscribeURL, UnsubscribeURL, SigningCertURL): this server,
as the client reached it, so a subscriber can confirm or verify against it."""

from __future__ import annotations

from urllib.parse import urlencode

from pocketcloud.context import RequestContext

CERT_PATH = "/_pocketcloud/sns/SimpleNotificationService.pem"
LINK_PATH = "/_pocketcloud/sns/"  # AWS's links are /?Action=...: a plain GET works here too


def base_url(ctx: RequestContext) -> str:
    host = ctx.request.host if ctx.request is not None and ctx.request.host else ""
    if not host:
        settings = ctx.cloud.settings
        host = f"{settings.host}:{settings.port}"
    return f"http://{host}"


def subscribe_url(base: str, topic_arn: str, token: str) -> str:
    query = urlencode({"Action": "ConfirmSubscription", "TopicArn": topic_arn, "Token": token},
                      safe=":")  # AWS leaves an ARN's colons as they are
    return f"{base}{LINK_PATH}?{query}"


def unsubscribe_url(base: str, subscription_arn: str) -> str:
    query = urlencode({"Action": "Unsubscribe", "SubscriptionArn": subscription_arn}, safe=":")
    return f"{base}{LINK_PATH}?{query}"


def cert_url(base: str) -> str:
    return base + CERT_PATH
