"""Subscription attributes: what Subscribe and SetSubscriptionAttributes accept."""

from __future__ import annotations

import json

from pocketcloud.errors import AwsError
from pocketcloud.services.sns.delivery_policy import check_subscription_policy
from pocketcloud.services.sns.filter_policy import parse_policy

SETTABLE = frozenset({"DeliveryPolicy", "FilterPolicy", "FilterPolicyScope", "RawMessageDelivery",
                      "RedrivePolicy", "SubscriptionRoleArn", "ReplayPolicy"})
RAW_PROTOCOLS = frozenset({"sqs", "http", "https", "firehose"})
DELIVERY_POLICY_PROTOCOLS = frozenset({"http", "https"})
SCOPES = ("MessageAttributes", "MessageBody")


PARAMETER = "Invalid parameter: "


def invalid(reason: str) -> AwsError:
    return AwsError("InvalidParameter", f"{PARAMETER}{reason}")


def as_subscribe_error(error: AwsError) -> AwsError:
    """Subscribe reports a bad attribute as "Attributes Reason: ..." where
    SetSubscriptionAttributes names the attribute directly (AWS's recorded wording)."""
    message = error.message
    if error.code != "InvalidParameter" or not message.startswith(PARAMETER) \
            or message == f"{PARAMETER}AttributeName":
        return error
    return invalid(f"Attributes Reason: {message[len(PARAMETER):]}")


def apply(attributes: dict[str, str], name: str, value: str, protocol: str) -> None:
    """Validate one attribute for a subscription of `protocol` and set it in `attributes`."""
    if name not in SETTABLE:
        raise AwsError("InvalidParameter", "Invalid parameter: AttributeName")
    if name == "RawMessageDelivery":
        if value.lower() not in ("true", "false"):
            raise invalid(f"RawMessageDelivery: Invalid value [{value}]. Must be true or false.")
        if protocol not in RAW_PROTOCOLS:
            raise invalid(f"Delivery protocol [{protocol}] does not support raw message "
                          "delivery.")
        attributes[name] = value.lower()
    elif name == "FilterPolicyScope":
        if value not in SCOPES:
            raise invalid(f"FilterPolicyScope: Invalid value [{value}]. Please use either "
                          "MessageBody or MessageAttributes")
        if attributes.get("FilterPolicy"):
            parse_policy(attributes["FilterPolicy"], value)
        attributes[name] = value
    elif name == "FilterPolicy":
        _set_or_clear(attributes, name, value, _filter_policy(attributes, value))
    elif name == "RedrivePolicy":
        _set_or_clear(attributes, name, value, _redrive_policy)
    elif name == "DeliveryPolicy":
        if protocol not in DELIVERY_POLICY_PROTOCOLS:
            raise invalid(f"DeliveryPolicy: Delivery protocol [{protocol}] does not support "
                          "delivery policies")
        _set_or_clear(attributes, name, value, check_subscription_policy)
    elif name == "SubscriptionRoleArn" and protocol != "firehose":
        raise invalid("SubscriptionRoleArn: only firehose subscriptions use a role")
    else:
        attributes[name] = value


def _set_or_clear(attributes: dict[str, str], name: str, value: str, check: object) -> None:
    if not value.strip():
        attributes.pop(name, None)
        if name == "FilterPolicy":
            attributes.pop("FilterPolicyScope", None)
        return
    check(value)  # type: ignore[operator]
    attributes[name] = value


def _filter_policy(attributes: dict[str, str], value: str) -> object:
    def check(text: str) -> None:
        scope = attributes.get("FilterPolicyScope") or "MessageAttributes"
        parse_policy(text, scope)
        attributes.setdefault("FilterPolicyScope", scope)

    return check


def _redrive_policy(value: str) -> None:
    try:
        policy = json.loads(value)
    except (ValueError, RecursionError):
        raise AwsError("InvalidParameter",
                       "Invalid parameter: RedrivePolicy: failed to parse JSON.") from None
    target = policy.get("deadLetterTargetArn") if isinstance(policy, dict) else None
    parts = str(target).split(":") if target else []
    if len(parts) != 6 or parts[0] != "arn" or parts[2] != "sqs":
        raise AwsError("InvalidParameter", "Invalid parameter: RedrivePolicy: "
                       "deadLetterTargetArn is an invalid arn")

