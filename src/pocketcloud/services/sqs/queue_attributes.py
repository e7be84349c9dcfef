"""Queue attributes: AWS's defaults, ranges and cross-attribute rules for CreateQueue and
SetQueueAttributes. Values are kept as the strings AWS returns from GetQueueAttributes."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from pocketcloud.errors import AwsError
from pocketcloud.services.sqs.queues import parse_queue_arn

MAX_POLICY_BYTES = 20 * 1024
MAX_RECEIVE_COUNT_MAX = 1000
MAX_REDRIVE_SOURCE_ARNS = 10

# name -> (minimum, maximum, default) for the integer attributes
INTEGER_RANGES: dict[str, tuple[int, int, int]] = {
    "DelaySeconds": (0, 900, 0),
    "MaximumMessageSize": (1024, 1_048_576, 1_048_576),
    "MessageRetentionPeriod": (60, 1_209_600, 345_600),
    "ReceiveMessageWaitTimeSeconds": (0, 20, 0),
    "VisibilityTimeout": (0, 43_200, 30),
    "KmsDataKeyReusePeriodSeconds": (60, 86_400, 300),
}
STANDARD_DEFAULTS = {
    "DelaySeconds": "0",
    "MaximumMessageSize": "1048576",
    "MessageRetentionPeriod": "345600",
    "ReceiveMessageWaitTimeSeconds": "0",
    "VisibilityTimeout": "30",
    "SqsManagedSseEnabled": "true",
}
FIFO_DEFAULTS = {
    "FifoQueue": "true",
    "ContentBasedDeduplication": "false",
    "DeduplicationScope": "queue",
    "FifoThroughputLimit": "perQueue",
}
FIFO_ONLY = frozenset(
    {"FifoQueue", "ContentBasedDeduplication", "DeduplicationScope", "FifoThroughputLimit"}
)
OTHER_SETTABLE = frozenset(
    {"Policy", "RedrivePolicy", "RedriveAllowPolicy", "KmsMasterKeyId", "SqsManagedSseEnabled"}
)
SETTABLE = frozenset(INTEGER_RANGES) | FIFO_ONLY | OTHER_SETTABLE
COMPUTED = frozenset(
    {
        "ApproximateNumberOfMessages",
        "ApproximateNumberOfMessagesNotVisible",
        "ApproximateNumberOfMessagesDelayed",
        "CreatedTimestamp",
        "LastModifiedTimestamp",
        "QueueArn",
    }
)
READABLE = SETTABLE | COMPUTED

# Finds a queue's attributes by ARN (same account and region) for redrive checks.
QueueLookup = Callable[[str], "dict[str, str] | None"]


def invalid_value(name: str, reason: str = "") -> AwsError:
    suffix = f" Reason: {reason}" if reason else ""
    return AwsError("InvalidAttributeValue", f"Invalid value for the parameter {name}.{suffix}")


def unknown_attribute(name: str) -> AwsError:
    return AwsError("InvalidAttributeName", f"Unknown Attribute {name}.")


def new_queue_attributes(
    requested: dict[str, str], fifo: bool, own_arn: str, lookup: QueueLookup
) -> dict[str, str]:
    """The full attribute set of a new queue: defaults overlaid with the validated request."""
    attributes = dict(STANDARD_DEFAULTS)
    if fifo:
        attributes.update(FIFO_DEFAULTS)
    attributes.update(validated(requested, fifo, own_arn, lookup, creating=True))
    if not fifo:
        attributes.pop("FifoQueue", None)
    _check_fifo_throughput(attributes)
    return attributes


def updated_attributes(
    current: dict[str, str], requested: dict[str, str], own_arn: str, lookup: QueueLookup
) -> dict[str, str]:
    fifo = current.get("FifoQueue") == "true"
    changes = validated(requested, fifo, own_arn, lookup, creating=False)
    attributes = dict(current)
    for name, value in changes.items():
        if value == "" and name in ("Policy", "RedrivePolicy", "RedriveAllowPolicy",
                                    "KmsMasterKeyId"):
            attributes.pop(name, None)
        else:
            attributes[name] = value
    if "KmsMasterKeyId" in changes and changes["KmsMasterKeyId"]:
        attributes["SqsManagedSseEnabled"] = "false"
    if changes.get("SqsManagedSseEnabled") == "true":
        attributes.pop("KmsMasterKeyId", None)
        attributes.pop("KmsDataKeyReusePeriodSeconds", None)
    _check_fifo_throughput(attributes)
    return attributes


def validated(
    requested: dict[str, str], fifo: bool, own_arn: str, lookup: QueueLookup, *, creating: bool
) -> dict[str, str]:
    result: dict[str, str] = {}
    for name, raw in requested.items():
        if name not in SETTABLE or (name in FIFO_ONLY and not fifo and (
                name != "FifoQueue" or not creating)):
            raise unknown_attribute(name)
        value = "" if raw is None else str(raw)
        result[name] = _validated_value(name, value, fifo, own_arn, lookup, creating)
    if "KmsMasterKeyId" in result and result["KmsMasterKeyId"]:
        if result.get("SqsManagedSseEnabled") == "true":
            raise AwsError(
                "InvalidAttributeName",
                "You can use one type of server-side encryption (SSE) at one time. You can "
                "either enable KMS SSE or SQS SSE.",
            )
        result.setdefault("SqsManagedSseEnabled", "false")
        result.setdefault("KmsDataKeyReusePeriodSeconds", "300")
    return result


def _validated_value(
    name: str, value: str, fifo: bool, own_arn: str, lookup: QueueLookup, creating: bool
) -> str:
    if name in INTEGER_RANGES:
        low, high, _ = INTEGER_RANGES[name]
        if not _is_int(value) or not low <= int(value) <= high:
            raise invalid_value(name)
        return str(int(value))
    if name == "FifoQueue":
        if value.lower() not in ("true", "false") or (value.lower() == "true") != fifo:
            raise invalid_value(name, "" if creating else "Modifying queue type is not supported.")
        return value.lower()  # restating a FIFO queue's type is accepted
    if name in ("ContentBasedDeduplication", "SqsManagedSseEnabled"):
        return _boolean(name, value)
    if name == "DeduplicationScope":
        return _one_of(name, value, ("messageGroup", "queue"))
    if name == "FifoThroughputLimit":
        return _one_of(name, value, ("perQueue", "perMessageGroupId"))
    if name == "Policy":
        return _policy(value)
    if name == "RedrivePolicy":
        return redrive_policy(value, fifo, own_arn, lookup)
    if name == "RedriveAllowPolicy":
        return redrive_allow_policy(value)
    return value  # KmsMasterKeyId: stored; enforced once KMS exists


def _is_int(value: str) -> bool:
    text = value.strip()
    return text.lstrip("-").isdigit() and len(text) < 20


def _boolean(name: str, value: str) -> str:
    if value.lower() not in ("true", "false"):
        raise invalid_value(name)
    return value.lower()


def _one_of(name: str, value: str, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise invalid_value(name)
    return value


def _policy(value: str) -> str:
    if value == "":
        return value
    if len(value.encode()) > MAX_POLICY_BYTES:
        raise invalid_value("Policy", "Policy is too long.")
    try:
        document = json.loads(value)
    except ValueError:
        raise invalid_value("Policy", "Policy is not valid JSON.") from None
    if not isinstance(document, dict) or "Statement" not in document:
        raise invalid_value("Policy", "Policy must have a Statement.")
    return value


def _json_object(name: str, value: str) -> dict[str, Any]:
    try:
        document = json.loads(value)
    except ValueError:
        raise invalid_value(name, f"Invalid JSON for {name}.") from None
    if not isinstance(document, dict):
        raise invalid_value(name, f"{name} must be a JSON object.")
    return document


def _invalid_policy(name: str, value: str, reason: str) -> AwsError:
    return AwsError("InvalidParameterValue",
                    f"Value {value} for parameter {name} is invalid. Reason: {reason}")


def redrive_policy(value: str, fifo: bool, own_arn: str, lookup: QueueLookup) -> str:
    if value == "":
        return value
    document = _json_object("RedrivePolicy", value)
    target = document.get("deadLetterTargetArn")
    count = document.get("maxReceiveCount")
    if not isinstance(target, str) or count is None:
        missing = "deadLetterTargetArn" if not isinstance(target, str) else "maxReceiveCount"
        raise _invalid_policy("RedrivePolicy", value,
                              f"Redrive policy does not contain mandatory attribute: {missing}.")
    if parse_queue_arn(target) is None:
        raise _invalid_policy("RedrivePolicy", value, "Invalid value for deadLetterTargetArn.")
    count_text = str(count)
    if not _is_int(count_text) or not 1 <= int(count_text) <= MAX_RECEIVE_COUNT_MAX:
        raise _invalid_policy(
            "RedrivePolicy", value, f"Invalid value for maxReceiveCount: {count_text}, valid "
            f"values are from 1 to {MAX_RECEIVE_COUNT_MAX} both inclusive.")
    target_attributes = lookup(target)
    if target_attributes is None:
        raise _invalid_policy("RedrivePolicy", value, "Dead letter target does not exist.")
    if (target_attributes.get("FifoQueue") == "true") != fifo:
        # AWS's own reason ends in a full stop, so the answer ends in two
        raise _invalid_policy("RedrivePolicy", value,
                              "Dead-letter queue must be same type of queue as the source..")
    if not _allows_source(target_attributes.get("RedriveAllowPolicy"), own_arn):
        raise invalid_value(
            "RedrivePolicy",
            "Dead letter target does not allow this queue as a dead letter source.",
        )
    return json.dumps(
        {"deadLetterTargetArn": target, "maxReceiveCount": int(count_text)},
        separators=(",", ":"),
    )


def _allows_source(allow_policy: str | None, source_arn: str) -> bool:
    if not allow_policy:
        return True
    document = json.loads(allow_policy)
    permission = document.get("redrivePermission")
    if permission == "denyAll":
        return False
    if permission == "byQueue":
        return source_arn in document.get("sourceQueueArns", [])
    return True


def redrive_allow_policy(value: str) -> str:
    if value == "":
        return value
    document = _json_object("RedriveAllowPolicy", value)
    permission = document.get("redrivePermission")
    sources = document.get("sourceQueueArns")
    if permission not in ("allowAll", "denyAll", "byQueue"):
        raise invalid_value("RedriveAllowPolicy", "Invalid value for redrivePermission.")
    cannot = "Amazon SQS can't create the redrive allow policy. "
    if permission == "byQueue":
        if sources is None or sources == []:
            raise _invalid_policy("RedriveAllowPolicy", value, cannot + "When you specify the "
                                  "byQueue permission type, you must also specify one or more "
                                  "sourceQueueArns values.")
        if not isinstance(sources, list) or not all(isinstance(arn, str) for arn in sources):
            raise invalid_value(
                "RedriveAllowPolicy",
                "Amazon SQS can't create the redrive allow policy, as it's in an invalid format.",
            )
        if len(sources) > MAX_REDRIVE_SOURCE_ARNS:
            raise _invalid_policy("RedriveAllowPolicy", value, cannot + "The maximum number "
                                  "of source queue ARNs you can specify is "
                                  f"{MAX_REDRIVE_SOURCE_ARNS}.")
    elif sources is not None:
        raise _invalid_policy("RedriveAllowPolicy", value, cannot + "To specify one or more "
                              "source queue ARNs, you must set redrivePermission to byQueue.")
    return value


def _check_fifo_throughput(attributes: dict[str, str]) -> None:
    if (
        attributes.get("FifoThroughputLimit") == "perMessageGroupId"
        and attributes.get("DeduplicationScope") == "queue"
    ):
        raise invalid_value(
            "FifoThroughputLimit",
            "FifoThroughputLimit perMessageGroupId requires DeduplicationScope messageGroup.",
        )
