"""A function's resource-based policy (AddPermission's statements) for IAM enforcement,
and a layer version's (AddLayerVersionPermission's).

The statements of every qualifier are kept together; each names its own (qualified) ARN as
its Resource, so evaluating them all against the requested ARN picks the right ones."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from pocketcloud.services.lambda_.schema import ready_store

if TYPE_CHECKING:
    from pocketcloud.cloud import Cloud


def resource_policy(cloud: Cloud, resource_arn: str) -> str | None:
    parts = resource_arn.split(":")
    if len(parts) == 8 and parts[2] == "lambda" and parts[5] == "layer":
        return _layer_version_policy(cloud, parts)
    if len(parts) < 7 or parts[2] != "lambda" or parts[5] != "function":
        return None
    with ready_store(cloud.store).read() as tx:
        stored = tx.fetchvalue("SELECT policy FROM lambda_functions WHERE account_id = ? AND "
                               "region = ? AND name = ?", (parts[4], parts[3], parts[6]))
    statements = json.loads(stored) if stored else []
    if not statements:
        return None
    return json.dumps({"Version": "2012-10-17", "Id": "default", "Statement": statements})


def _layer_version_policy(cloud: Cloud, parts: list[str]) -> str | None:
    """A layer version's statements (AddLayerVersionPermission), for GetLayerVersion's users."""
    if not parts[7].isdigit() or len(parts[7]) > 18:
        return None
    with ready_store(cloud.store).read() as tx:
        stored = tx.fetchvalue("SELECT policy FROM lambda_layer_versions WHERE account_id = ? AND "
                               "region = ? AND layer_name = ? AND version = ?",
                               (parts[4], parts[3], parts[6], int(parts[7])))
    statements = json.loads(stored) if stored else []
    if not statements:
        return None
    return json.dumps({"Version": "2012-10-17", "Id": "default", "Statement": statements})
