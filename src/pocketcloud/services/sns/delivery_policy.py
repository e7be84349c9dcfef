"""HTTP/S delivery policies (topic DeliveryPolicy's "http" part, a subscription's own): AWS's
bounds, so every retry schedule is finite (at most 100 retries, at most an hour apart)."""

from __future__ import annotations

import json
from typing import Any

from pocketcloud.errors import AwsError

MAX_RETRIES = 100
MAX_DELAY_S = 3600
BACKOFF_FUNCTIONS = frozenset({"arithmetic", "exponential", "geometric", "linear"})
_COUNTS = ("numRetries", "numNoDelayRetries", "numMinDelayRetries", "numMaxDelayRetries")


def invalid(message: str) -> AwsError:
    return AwsError("InvalidParameter", f"Invalid parameter: DeliveryPolicy: {message}")


def check_subscription_policy(text: str) -> None:
    policy = _object(text)
    _check_retry(policy.get("healthyRetryPolicy"), "healthyRetryPolicy")
    _check_throttle(policy.get("throttlePolicy"))


def check_topic_policy(text: str) -> None:
    policy = _object(text)
    http = policy.get("http")
    if http is None:
        return
    if not isinstance(http, dict):
        raise invalid("http must be an object")
    _check_retry(http.get("defaultHealthyRetryPolicy"), "defaultHealthyRetryPolicy")
    _check_throttle(http.get("defaultThrottlePolicy"))


def _object(text: str) -> dict[str, Any]:
    try:
        policy = json.loads(text)
    except (ValueError, RecursionError):
        policy = None
    if not isinstance(policy, dict):
        raise invalid("failed to parse JSON.")
    return policy


def _check_retry(retry: Any, name: str) -> None:
    if retry is None:
        return
    if not isinstance(retry, dict):
        raise invalid(f"{name} must be an object")
    for key in _COUNTS:
        value = retry.get(key, 0)
        if isinstance(value, bool) or not isinstance(value, int) or not \
                0 <= value <= MAX_RETRIES:
            raise invalid(f"{name}.{key} must be an integer between 0 and {MAX_RETRIES}")
    phases = sum(retry.get(key, 0) for key in _COUNTS[1:])
    if phases > retry.get("numRetries", 3):
        raise invalid(f"{name}.numRetries must be at least the sum of the phase retries")
    low, high = retry.get("minDelayTarget", 20), retry.get("maxDelayTarget", 20)
    for key, value in (("minDelayTarget", low), ("maxDelayTarget", high)):
        if isinstance(value, bool) or not isinstance(value, int) or not \
                0 < value <= MAX_DELAY_S:
            raise invalid(f"{name}.{key} must be an integer between 1 and {MAX_DELAY_S}")
    if low > high:
        raise invalid(f"{name}.minDelayTarget must be less than or equal to maxDelayTarget")
    function = retry.get("backoffFunction", "linear")
    if function not in BACKOFF_FUNCTIONS:
        raise invalid(f"{name}.backoffFunction must be one of "
                      f"{', '.join(sorted(BACKOFF_FUNCTIONS))}")


def _check_throttle(throttle: Any) -> None:
    if throttle is None:
        return
    rate = throttle.get("maxReceivesPerSecond") if isinstance(throttle, dict) else None
    if isinstance(rate, bool) or not isinstance(rate, int) or rate < 1:
        raise invalid("throttlePolicy.maxReceivesPerSecond must be a positive integer")


# -- as AWS shows them ------------------------------------------------------------------------

def shown_topic_policy(text: str) -> dict[str, Any]:
    """A topic's DeliveryPolicy as GetTopicAttributes shows it: null members dropped and
    "http" always saying whether subscriptions may override it."""
    shown = {key: value for key, value in json.loads(text).items() if value is not None}
    http = shown.get("http")
    if isinstance(http, dict):
        http = {key: value for key, value in http.items() if value is not None}
        http.setdefault("disableSubscriptionOverrides", False)
        shown["http"] = _ordered(http, ("defaultHealthyRetryPolicy", "defaultSicklyRetryPolicy",
                                        "defaultThrottlePolicy", "disableSubscriptionOverrides",
                                        "defaultRequestPolicy"))
    return shown


def shown_subscription_policy(text: str, default_retry: dict[str, Any]) -> dict[str, Any]:
    """A subscription's DeliveryPolicy as AWS shows it: every member, null when unset, and a
    retry policy completed with AWS's defaults."""
    own = json.loads(text)
    retry = own.get("healthyRetryPolicy")
    return {
        "healthyRetryPolicy": {**default_retry, **retry} if isinstance(retry, dict) else None,
        "sicklyRetryPolicy": own.get("sicklyRetryPolicy"),
        "throttlePolicy": own.get("throttlePolicy"),
        "requestPolicy": own.get("requestPolicy"),
        "guaranteed": bool(own.get("guaranteed", False)),
    }


def _ordered(policy: dict[str, Any], order: tuple[str, ...]) -> dict[str, Any]:
    first = {key: policy[key] for key in order if key in policy}
    return {**first, **{k: v for k, v in policy.items() if k not in first}}
