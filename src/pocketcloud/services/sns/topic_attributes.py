"""Topic attributes: what CreateTopic/SetTopicAttributes accept, defaults, the default policy."""

from __future__ import annotations

import json
from typing import Any

from pocketcloud.errors import AwsError

SETTABLE = frozenset({
    "DeliveryPolicy", "DisplayName", "Policy", "TracingConfig", "KmsMasterKeyId",
    "SignatureVersion", "ContentBasedDeduplication", "DataProtectionPolicy", "ArchivePolicy",
    "FifoThroughputScope",
    "ApplicationSuccessFeedbackRoleArn", "ApplicationSuccessFeedbackSampleRate",
    "ApplicationFailureFeedbackRoleArn", "HTTPSuccessFeedbackRoleArn",
    "HTTPSuccessFeedbackSampleRate", "HTTPFailureFeedbackRoleArn",
    "LambdaSuccessFeedbackRoleArn", "LambdaSuccessFeedbackSampleRate",
    "LambdaFailureFeedbackRoleArn", "SQSSuccessFeedbackRoleArn",
    "SQSSuccessFeedbackSampleRate", "SQSFailureFeedbackRoleArn",
    "FirehoseSuccessFeedbackRoleArn", "FirehoseSuccessFeedbackSampleRate",
    "FirehoseFailureFeedbackRoleArn",
})
CREATE_ONLY = frozenset({"FifoTopic"})
FIFO_ONLY = frozenset({"ContentBasedDeduplication", "ArchivePolicy", "FifoThroughputScope"})
MAX_DISPLAY_NAME = 100
MAX_POLICY_BYTES = 30 * 1024

DEFAULT_HTTP_RETRY_POLICY = {
    "minDelayTarget": 20, "maxDelayTarget": 20, "numRetries": 3, "numMaxDelayRetries": 0,
    "numNoDelayRetries": 0, "numMinDelayRetries": 0, "backoffFunction": "linear",
}
DEFAULT_EFFECTIVE_DELIVERY_POLICY = {
    "http": {
        "defaultHealthyRetryPolicy": DEFAULT_HTTP_RETRY_POLICY,
        "disableSubscriptionOverrides": False,
        "defaultRequestPolicy": {"headerContentType": "text/plain; charset=UTF-8"},
    },
}


def default_policy(topic_arn: str, account_id: str) -> str:
    """The access policy AWS gives a new topic: the owner account may do everything."""
    return json.dumps({
        "Version": "2008-10-17",
        "Id": "__default_policy_ID",
        "Statement": [{
            "Sid": "__default_statement_ID",
            "Effect": "Allow",
            "Principal": {"AWS": "*"},
            "Action": ["SNS:GetTopicAttributes", "SNS:SetTopicAttributes", "SNS:AddPermission",
                       "SNS:RemovePermission", "SNS:DeleteTopic", "SNS:Subscribe",
                       "SNS:ListSubscriptionsByTopic", "SNS:Publish"],
            "Resource": topic_arn,
            "Condition": {"StringEquals": {"AWS:SourceOwner": account_id}},
        }],
    }, separators=(",", ":"))


def invalid_attribute(name: str, reason: str = "") -> AwsError:
    detail = f"Attributes Reason: {reason}" if reason else f"AttributeName: {name}"
    return AwsError("InvalidParameter", f"Invalid parameter: {detail}")


def validated(name: str, value: str, *, fifo: bool, creating: bool) -> str:
    """One attribute's value as stored, or AWS's InvalidParameter."""
    allowed = SETTABLE | (CREATE_ONLY if creating else frozenset())
    if name not in allowed:
        raise AwsError("InvalidParameter", "Invalid parameter: AttributeName")
    if name in FIFO_ONLY and not fifo:
        raise invalid_attribute(name, f"{name} is only valid for FIFO Topics")
    return _CHECKS.get(name, _any)(name, value)


def _any(name: str, value: str) -> str:
    return value


def _boolean(name: str, value: str) -> str:
    if value.lower() not in ("true", "false"):
        raise AwsError("InvalidParameter",
                       f"Invalid parameter: Attributes Reason: {name}: Invalid value [{value}]. "
                       "Must be true or false.")
    return value.lower()


def _display_name(name: str, value: str) -> str:
    if len(value) > MAX_DISPLAY_NAME:
        raise AwsError("InvalidParameter", "Invalid parameter: DisplayName")
    return value


def _json_object(name: str, value: str) -> str:
    try:
        parsed = json.loads(value)
    except (ValueError, RecursionError):
        parsed = None
    if not isinstance(parsed, dict):
        raise AwsError("InvalidParameter", f"Invalid parameter: {name}: failed to parse JSON.")
    if name == "Policy" and len(value.encode()) > MAX_POLICY_BYTES:
        raise AwsError("InvalidParameter", "Invalid parameter: Policy Error: Policy size exceeds "
                       f"the maximum of {MAX_POLICY_BYTES} bytes")
    if name == "Policy" and not isinstance(parsed.get("Statement"), list | dict):
        raise AwsError("InvalidParameter",
                       "Invalid parameter: Policy Error: null")
    return value


def _delivery_policy(name: str, value: str) -> str:
    from pocketcloud.services.sns.delivery_policy import check_topic_policy

    if value:
        check_topic_policy(value)
    return value


def _one_of(*allowed: str) -> Any:
    """A check that the value is one of `allowed`, with SNS's wording."""
    choices = " or ".join(allowed)

    def check(name: str, value: str) -> str:
        if value not in allowed:
            raise AwsError("InvalidParameter", f"Invalid parameter: Attributes Reason: {name}: "
                           f"Invalid value [{value}]. Must be {choices}.")
        return value

    return check


_signature_version = _one_of("1", "2")
_tracing = _one_of("PassThrough", "Active")
_throughput_scope = _one_of("Topic", "MessageGroup")


_CHECKS: dict[str, Any] = {
    "FifoTopic": _boolean,
    "ContentBasedDeduplication": _boolean,
    "DisplayName": _display_name,
    "Policy": _json_object,
    "DeliveryPolicy": _delivery_policy,
    "DataProtectionPolicy": _json_object,
    "ArchivePolicy": _json_object,
    "SignatureVersion": _signature_version,
    "TracingConfig": _tracing,
    "FifoThroughputScope": _throughput_scope,
}
