"""The queue policy (the queue's ``Policy`` attribute) that IAM enforcement evaluates."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pocketcloud.context import RequestContext

if TYPE_CHECKING:
    from pocketcloud.cloud import Cloud


def resource_policy(cloud: Cloud, resource_arn: str) -> str | None:
    from pocketcloud.services.sqs.state import sqs_state

    ctx = RequestContext(cloud=cloud, request_id="", account_id="", region="", service="sqs")
    queue = sqs_state(ctx).queues.by_arn(resource_arn)
    return queue.attributes.get("Policy") if queue is not None else None
