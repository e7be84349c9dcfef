"""The event bus policy (PutPermission) that IAM enforcement evaluates for event-bus ARNs."""

from __future__ import annotations

import re
from typing import Any

from pocketcloud.services.events.permissions import bus_policy
from pocketcloud.services.events.schema import ready_store

_BUS_ARN = re.compile(r"arn:aws[\w-]*:events:([a-z0-9-]+):(\d{12}):event-bus/(.+)")


def resource_policy(cloud: Any, resource_arn: str) -> str | None:
    m = _BUS_ARN.fullmatch(resource_arn)
    if m is None:
        return None
    region, account_id, name = m.groups()
    with ready_store(cloud.store).read() as tx:
        return bus_policy(tx, account_id, region, name)
