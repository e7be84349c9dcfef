"""Which services check their requests against the model's constraints before an operation
runs, with their own error code, and the members their operations word themselves.

DynamoDB checks inside its provider (its internal callers are checked too); S3, EC2, SQS and
SNS word their own errors and are not listed.
"""

from __future__ import annotations

from typing import Any

from pocketcloud.protocol.constraints import Constraints

# Lambda lists these enums in its own order, not the spec's (recorded answers).
_LAMBDA_ENUM_ORDER = {"EventSourcePosition": ("LATEST", "AT_TIMESTAMP", "TRIM_HORIZON"),
                      "InvokeMode": ("RESPONSE_STREAM", "BUFFERED")}
# EventBridge lists API destinations' methods in its own order too (recorded answer).
_EVENTS_ENUM_ORDER = {"ApiDestinationHttpMethod": ("HEAD", "POST", "PATCH", "DELETE", "PUT",
                                                   "GET", "OPTIONS")}

_SERVICES = {
    # Lambda words runtimes itself (InvalidParameterValueException, its supported list only),
    # malformed principals ("The provided principal was invalid") and policy sizes
    # (PolicyLengthExceededException).
    "lambda": Constraints("lambda", "ValidationException", own_checks=(
        "Runtime", "CompatibleRuntimes", "CompatibleRuntime", "CompatibleArchitectures",
        "CompatibleArchitecture", "AddPermission.Principal", "PutResourcePolicy.Policy"),
        enum_order=_LAMBDA_ENUM_ORDER),
    # CloudWatch Logs answers InvalidParameterException; a group or stream name over 512 is
    # its own "Invalid LogGroup or LogStream" message (the names' patterns are checked with it).
    # DescribeMetricFilters accepts a namespace with ':' (recorded), unlike the model's pattern.
    "logs": Constraints("logs", "InvalidParameterException", own_checks=(
        "logGroupName", "logStreamName", "DescribeMetricFilters.metricNamespace")),
    # EventBridge words an over-long EventPattern itself (InvalidEventPatternException).
    "events": Constraints("events", "ValidationException", own_checks=("EventPattern",),
                          enum_order=_EVENTS_ENUM_ORDER),
    # IAM shows no values ("Value at 'versionId'", "Value at 'url'", "Value at 'tagKeys'", as
    # recorded from AWS; older reports quoted names) and names the members in field-name order
    # (recorded for CreateOpenIDConnectProvider); its password policy ranges come in their own
    # order.
    "iam": Constraints("iam", "ValidationError", own_checks=("UpdateAccountPasswordPolicy.*",),
                       hidden_types=("string", "list", "integer", "long"), by_field_name=True),
    "sts": Constraints("sts", "ValidationError"),
}


def check_constraints(service: str, operation: str, params: dict[str, Any]) -> None:
    constraints = _SERVICES.get(service)
    if constraints is not None:
        constraints.check(operation, params)
