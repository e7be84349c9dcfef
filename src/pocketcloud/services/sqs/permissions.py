"""AddPermission and RemovePermission: statements in the queue's Policy attribute, stored
as AWS writes them (enforced once IAM enforcement covers SQS)."""

from __future__ import annotations

import json
from typing import Any

from pocketcloud.context import RequestContext
from pocketcloud.errors import AwsError
from pocketcloud.services.sqs.queue_operations import find_queue

MAX_STATEMENTS = 20


def add_permission(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    state, queue = find_queue(ctx, params)
    label = params.get("Label") or ""
    accounts = params.get("AWSAccountIds") or []
    actions = params.get("Actions") or []
    if not label or not accounts or not actions:
        raise AwsError("MissingParameter",
                       "The request must contain Label, AWSAccountIds and Actions.")
    policy = _policy(queue.attributes.get("Policy"), queue.arn)
    statements = policy["Statement"]
    if any(s.get("Sid") == label for s in statements):
        raise AwsError("InvalidParameterValue",
                       f"Value {label} for parameter Label is invalid. Reason: Already exists.")
    if len(statements) >= MAX_STATEMENTS:
        raise AwsError("OverLimit", f"A queue policy can hold {MAX_STATEMENTS} statements.")
    statements.append({
        "Sid": label,
        "Effect": "Allow",
        "Principal": {"AWS": _one_or_list([f"arn:aws:iam::{a}:root" for a in accounts])},
        "Action": _one_or_list([f"SQS:{action}" for action in actions]),
        "Resource": queue.arn,
    })
    queue.attributes["Policy"] = json.dumps(policy, separators=(",", ":"))
    state.queues.save(queue, ctx.cloud.clock.now())
    return {}


def remove_permission(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    state, queue = find_queue(ctx, params)
    label = params.get("Label") or ""
    policy = _policy(queue.attributes.get("Policy"), queue.arn)
    kept = [s for s in policy["Statement"] if s.get("Sid") != label]
    if len(kept) == len(policy["Statement"]):
        raise AwsError("InvalidParameterValue", f"Value {label} for parameter Label is "
                       "invalid. Reason: can't find label.")
    if kept:
        queue.attributes["Policy"] = json.dumps({**policy, "Statement": kept},
                                                separators=(",", ":"))
    else:
        queue.attributes.pop("Policy", None)
    state.queues.save(queue, ctx.cloud.clock.now())
    return {}


def _policy(text: str | None, queue_arn: str) -> dict[str, Any]:
    if text:
        document = json.loads(text)
        if isinstance(document.get("Statement"), dict):
            document["Statement"] = [document["Statement"]]
        return dict(document)
    return {"Version": "2008-10-17", "Id": f"{queue_arn}/SQSDefaultPolicy", "Statement": []}


def _one_or_list(values: list[str]) -> str | list[str]:
    """AWS writes a lone principal or action as a string, several as a list."""
    return values[0] if len(values) == 1 else values
