"""SNS operations on subscriptions: subscribe, confirm, list, attributes, unsubscribe."""

from __future__ import annotations

import json
import re
from typing import Any

from pocketcloud.context import RequestContext
from pocketcloud.errors import AwsError
from pocketcloud.services.sns import outbound
from pocketcloud.services.sns import subscription_attributes as sa
from pocketcloud.services.sns.delivery_policy import shown_subscription_policy
from pocketcloud.services.sns.model import Subscription, Topic
from pocketcloud.services.sns.topic_attributes import DEFAULT_HTTP_RETRY_POLICY
from pocketcloud.services.sns.topic_operations import (
    find_topic,
    paginate,
    parse_topic_arn,
    sns_book,
)
from pocketcloud.services.sns.urls import base_url

CONFIRMED_AT_ONCE = frozenset({"sqs", "lambda", "sms", "application", "firehose"})
SERVED_PROTOCOLS = frozenset({"sqs", "lambda", "http", "https", "email", "email-json", "sms",
                              "application"})
KNOWN_PROTOCOLS = SERVED_PROTOCOLS | {"firehose"}
TOKEN_HEX_LENGTH = 256
TOKEN_VALID_S = 3 * 86400  # AWS: confirmation tokens are valid for three days
MAX_FILTER_POLICIES_PER_TOPIC = 200  # AWS's default quota
PENDING = "pending confirmation"
_PHONE = re.compile(r"\+?[0-9]{7,15}")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+")
_HEX_TOKEN = re.compile(r"[0-9a-fA-F]+")
# values an existing subscription has without showing them: a repeated Subscribe naming them
# is the same subscription (recorded)
_IMPLIED = {"RawMessageDelivery": "false", "FilterPolicyScope": "MessageAttributes"}


def subscribe(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    topic = find_topic(ctx, params.get("TopicArn"))
    protocol = params.get("Protocol") or ""
    endpoint = params.get("Endpoint") or ""
    _check_endpoint(topic, protocol, endpoint)
    attributes: dict[str, str] = {}
    requested = params.get("Attributes") or {}
    try:
        for name in sorted(requested, key=lambda n: n != "FilterPolicyScope"):  # scope first
            sa.apply(attributes, str(name), str(requested[name]), protocol)
    except AwsError as error:
        raise sa.as_subscribe_error(error) from None
    state = sns_book(ctx)
    for existing in state.subscriptions_of(topic.arn):
        if existing.protocol == protocol and existing.endpoint == endpoint:
            if any(existing.attributes.get(k, _IMPLIED.get(k)) != v
                   for k, v in attributes.items()):
                raise AwsError("InvalidParameter", "Invalid parameter: Attributes Reason: "
                               "Subscription already exists with different attributes")
            if existing.confirmed or params.get("ReturnSubscriptionArn"):
                return {"SubscriptionArn": existing.arn}
            return {"SubscriptionArn": PENDING}
    if attributes.get("FilterPolicy"):
        _check_filter_policy_quota(ctx, topic.arn)
    _check_dead_letter_queue(topic, attributes)
    confirmed = protocol in CONFIRMED_AT_ONCE and not _queue_of_another(ctx, protocol, endpoint)
    sub = Subscription(f"{topic.arn}:{ctx.cloud.ids.uuid4()}", topic.arn, ctx.account_id,
                       protocol, endpoint, attributes, confirmed,
                       None if confirmed else ctx.cloud.ids.hex(TOKEN_HEX_LENGTH),
                       ctx.cloud.clock.now())
    state.add_subscription(sub)
    if not confirmed:
        outbound.request_confirmation(ctx, topic, sub, base_url(ctx))
    if confirmed or params.get("ReturnSubscriptionArn"):
        return {"SubscriptionArn": sub.arn}
    return {"SubscriptionArn": PENDING}


def _check_filter_policy_quota(ctx: RequestContext, topic_arn: str) -> None:
    filtered = sum(1 for s in sns_book(ctx).subscriptions_of(topic_arn)
                   if s.attributes.get("FilterPolicy"))
    if filtered >= MAX_FILTER_POLICIES_PER_TOPIC:
        raise AwsError("FilterPolicyLimitExceeded", "Filter policy limit exceeded", 403)


def _check_dead_letter_queue(topic: Topic, attributes: dict[str, str]) -> None:
    """A FIFO topic's subscriptions need a FIFO dead-letter queue (and only they may)."""
    text = attributes.get("RedrivePolicy")
    if not text:
        return
    target = str(json.loads(text)["deadLetterTargetArn"])
    if topic.fifo and not target.endswith(".fifo"):
        raise AwsError("InvalidParameter", "Invalid parameter: RedrivePolicy: must use a FIFO "
                       "queue as DLQ for a FIFO Subscription to a FIFO Topic.")
    if target.endswith(".fifo") != topic.fifo:
        kind = "a standard"
        raise AwsError("InvalidParameter", "Invalid parameter: RedrivePolicy: the dead-letter "
                       f"queue of a subscription to this topic must be {kind} queue")


def _queue_of_another(ctx: RequestContext, protocol: str, endpoint: str) -> bool:
    """A queue another account owns must confirm (its owner reads the confirmation message
    from the queue), unless that owner is the one subscribing."""
    return protocol == "sqs" and endpoint.split(":")[4] != ctx.account_id


def _check_endpoint(topic: Topic, protocol: str, endpoint: str) -> None:
    if protocol not in KNOWN_PROTOCOLS:
        raise AwsError("InvalidParameter", "Invalid parameter: Amazon SNS does not support "
                       f"this protocol string: {protocol}")
    if protocol not in SERVED_PROTOCOLS:
        raise AwsError("InvalidParameter", f"Invalid parameter: pocketcloud does not deliver "
                       f"to {protocol} endpoints yet")
    if topic.fifo and protocol != "sqs":
        raise AwsError("InvalidParameter", f"Invalid parameter: Invalid protocol type: "
                       f"{protocol}")
    if protocol == "sqs":
        parts = endpoint.split(":")
        if len(parts) != 6 or parts[0] != "arn" or parts[2] != "sqs":
            raise AwsError("InvalidParameter", "Invalid parameter: SQS endpoint ARN")
        if parts[5].endswith(".fifo") and not topic.fifo:
            raise AwsError("InvalidParameter", "Invalid parameter: Invalid parameter: Endpoint "
                           "Reason: FIFO SQS Queues can not be subscribed to standard SNS topics")
    elif protocol == "lambda":
        parts = endpoint.split(":")
        if len(parts) < 7 or parts[0] != "arn" or parts[2] != "lambda" or \
                parts[5] != "function":
            raise AwsError("InvalidParameter", "Invalid parameter: Lambda endpoint ARN")
    elif protocol in ("http", "https"):
        if not endpoint.lower().startswith(f"{protocol}://") or len(endpoint) > 2048:
            raise AwsError("InvalidParameter", "Invalid parameter: Endpoint must match the "
                           "specified protocol")
    elif protocol in ("email", "email-json"):
        if not _EMAIL.fullmatch(endpoint):
            raise AwsError("InvalidParameter", "Invalid parameter: Email address")
    elif protocol == "application" and (":endpoint/" not in endpoint
                                        or not endpoint.startswith("arn:aws:sns:")):
        raise AwsError("InvalidParameter", "Invalid parameter: Endpoint Reason: An "
                       "application endpoint ARN is required")
    elif protocol == "sms" and not _PHONE.fullmatch(endpoint.replace("-", "")):
        raise AwsError("InvalidParameter", f"Invalid SMS endpoint: {endpoint}")


def confirm_subscription(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    topic_arn = params.get("TopicArn") or ""
    try:
        parse_topic_arn(topic_arn)
    except AwsError:
        raise AwsError("InvalidParameter", "Invalid parameter: Topic") from None
    if topic_arn.split(":")[3] != ctx.region:
        raise AwsError("InvalidParameter", "Invalid parameter: Topic")
    token = params.get("Token") or ""
    if token and not _HEX_TOKEN.fullmatch(token):  # AWS: a token not shaped as one (recorded)
        raise AwsError("InvalidParameter", "Invalid token")
    sub = _pending_by_token(ctx, topic_arn, token)
    if sub is None:
        raise AwsError("InvalidParameter", "Invalid parameter: Token")
    if not sub.confirmed:
        sub.confirmed = True
        if str(params.get("AuthenticateOnUnsubscribe", "")).lower() == "true":
            sub.attributes["ConfirmationWasAuthenticated"] = "true"
        sns_book(ctx).save_subscription(sub)
    return {"SubscriptionArn": sub.arn}


def _pending_by_token(ctx: RequestContext, topic_arn: str, token: str) -> Subscription | None:
    """The subscription a live token names. As recorded from AWS, a token still confirms when
    the URL names a topic that does not exist (in the right region); an existing topic's
    subscriptions are searched first."""
    state = sns_book(ctx)
    if topic_arn in state.topics:
        candidates = state.subscriptions_of(topic_arn)
    else:
        candidates = [s for t in state.topics_in(ctx.account_id, ctx.region)
                      for s in state.subscriptions_of(t.arn)]
    for sub in candidates:
        if token and sub.token == token:
            expired = ctx.cloud.clock.now() - sub.created_s > TOKEN_VALID_S
            return None if expired and not sub.confirmed else sub
    return None


def find_subscription(ctx: RequestContext, subscription_arn: str | None) -> Subscription:
    value = subscription_arn or ""
    parts = value.split(":")
    if len(parts) < 6:
        raise AwsError("InvalidParameter", "Invalid parameter: SubscriptionArn Reason: An ARN "
                       f"must have at least 6 elements, not {len(parts)}")
    if len(parts) == 6:  # a topic's ARN, no subscription id: AWS's wording
        raise AwsError("InvalidParameter", "Invalid parameter: SubscriptionId")
    if len(parts) != 7 or parts[2] != "sns":
        raise AwsError("InvalidParameter", "Invalid parameter: SubscriptionArn")
    sub = sns_book(ctx).subscriptions.get(value)
    if sub is None or parts[3] != ctx.region:
        raise AwsError("NotFound", "Subscription does not exist", 404)
    return sub


def unsubscribe(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    try:
        sub = find_subscription(ctx, params.get("SubscriptionArn"))
    except AwsError as error:
        if error.code == "NotFound":
            return {}  # AWS: unsubscribing twice succeeds
        raise
    sns_book(ctx).remove_subscription(sub)
    topic = sns_book(ctx).topics.get(sub.topic_arn)
    if topic is not None and sub.confirmed and sub.protocol in ("http", "https"):
        outbound.announce_unsubscribe(ctx, topic, sub, base_url(ctx))
    return {}


def get_subscription_attributes(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    sub = find_subscription(ctx, params.get("SubscriptionArn"))
    topic = sns_book(ctx).topics.get(sub.topic_arn)
    attributes = {
        "SubscriptionArn": sub.arn,
        "TopicArn": sub.topic_arn,
        "Owner": sub.owner,
        "Protocol": sub.protocol,
        "Endpoint": sub.endpoint,
        "PendingConfirmation": "false" if sub.confirmed else "true",
        "ConfirmationWasAuthenticated": "true" if sub.protocol in CONFIRMED_AT_ONCE and
                                        sub.confirmed else "false",
        "RawMessageDelivery": "false",
        "SubscriptionPrincipal": f"arn:aws:iam::{sub.owner}:root",
        **sub.attributes,
    }
    if "FilterPolicy" not in sub.attributes:
        attributes.pop("FilterPolicyScope", None)  # AWS shows the scope only with a policy
    if sub.attributes.get("DeliveryPolicy"):
        attributes["DeliveryPolicy"] = json.dumps(shown_subscription_policy(
            sub.attributes["DeliveryPolicy"], DEFAULT_HTTP_RETRY_POLICY), separators=(",", ":"))
    if sub.protocol in ("http", "https") and topic is not None:
        attributes["EffectiveDeliveryPolicy"] = json.dumps(
            outbound.effective_http_policy(topic, sub), separators=(",", ":"))
    return {"Attributes": attributes}


def set_subscription_attributes(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    sub = find_subscription(ctx, params.get("SubscriptionArn"))
    value = params.get("AttributeValue")
    attributes = dict(sub.attributes)
    sa.apply(attributes, params.get("AttributeName") or "", "" if value is None else str(value),
             sub.protocol)
    if attributes.get("FilterPolicy") and not sub.attributes.get("FilterPolicy"):
        _check_filter_policy_quota(ctx, sub.topic_arn)
    topic = sns_book(ctx).topics.get(sub.topic_arn)
    if topic is not None:
        _check_dead_letter_queue(topic, attributes)
    sub.attributes = attributes
    sns_book(ctx).save_subscription(sub)
    return {}


def _listing(sub: Subscription) -> dict[str, Any]:
    return {"SubscriptionArn": sub.arn if sub.confirmed else "PendingConfirmation",
            "Owner": sub.owner, "Protocol": sub.protocol, "Endpoint": sub.endpoint,
            "TopicArn": sub.topic_arn}


def list_subscriptions(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    state = sns_book(ctx)
    subs = {s.arn: s for t in state.topics_in(ctx.account_id, ctx.region)
            for s in state.subscriptions_of(t.arn)}
    return _page(subs, params.get("NextToken"))


def list_subscriptions_by_topic(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    topic_arn = params.get("TopicArn") or ""
    parse_topic_arn(topic_arn)
    topic = find_topic(ctx, topic_arn)
    subs = {s.arn: s for s in sns_book(ctx).subscriptions_of(topic.arn)}
    return _page(subs, params.get("NextToken"))


def _page(subs: dict[str, Subscription], token: str | None) -> dict[str, Any]:
    page, next_token = paginate(sorted(subs), token)
    result: dict[str, Any] = {"Subscriptions": [_listing(subs[a]) for a in page]}
    if next_token:
        result["NextToken"] = next_token
    return result
