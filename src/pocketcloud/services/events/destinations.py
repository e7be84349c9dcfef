"""Lambda's asynchronous-invocation destinations that are SNS topics or event buses, through
the durable outbox: an SNS topic gets the invocation record as the message; an event bus gets
an event from source ``lambda`` with detail-type ``Lambda Function Invocation Result -
Success`` (or ``- Failure``), the record as detail and the function's ARN as resource."""

from __future__ import annotations

import json
from typing import Any

from pocketcloud.services.events import outbox
from pocketcloud.services.events.put_events import new_event

PRINCIPAL = "lambda.amazonaws.com"


def handles(target_arn: str) -> bool:
    parts = target_arn.split(":", 5)
    return len(parts) == 6 and (parts[2] == "sns" or (
        parts[2] == "events" and parts[5].startswith("event-bus/")))


def send_invocation_record(cloud: Any, target_arn: str, record: dict[str, Any],
                           function_arn: str) -> None:
    _, _, service, region, account_id, _ = target_arn.split(":", 5)
    if service == "sns":
        payload = json.dumps(record)
    else:
        success = record.get("requestContext", {}).get("condition") == "Success"
        detail_type = ("Lambda Function Invocation Result - "
                       + ("Success" if success else "Failure"))
        payload = json.dumps(new_event(cloud, account_id, region, "lambda", detail_type, record,
                                       [function_arn], cloud.clock.now()))
    with outbox.store(cloud).write() as tx:
        outbox.enqueue(tx, cloud, [outbox.Delivery(account_id, region, {"Arn": target_arn},
                                                   payload, PRINCIPAL, function_arn)])
    outbox.wake(cloud)
