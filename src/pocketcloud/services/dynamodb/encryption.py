"""Encryption at rest in table descriptions (SSEDescription).

A table encrypted with the AWS owned key (the default) shows no SSEDescription; one encrypted
with a KMS key shows the key's ARN. Without a key named, that is the account's AWS managed key
for DynamoDB (alias/aws/dynamodb), one key per account and region as in AWS."""

from __future__ import annotations

import uuid
from typing import Any

from pocketcloud.arns import arn
from pocketcloud.context import RequestContext

MANAGED_KEY_ALIAS = "alias/aws/dynamodb"
_KEY_IDS = uuid.UUID("5d1c2f44-8a3e-4f0b-9a55-0d7e1b6c2a91")  # namespace for derived key ids


def description(ctx: RequestContext, spec: dict[str, Any] | None) -> dict[str, Any] | None:
    """The SSEDescription an SSESpecification asks for (None: the AWS owned key)."""
    if not spec or not spec.get("Enabled"):
        return None
    return {
        "Status": "ENABLED",
        "SSEType": "KMS",
        "KMSMasterKeyArn": key_arn(ctx, spec.get("KMSMasterKeyId") or MANAGED_KEY_ALIAS),
    }


def key_arn(ctx: RequestContext, key: str) -> str:
    """A key's ARN from an ARN, a key id or an alias (an alias always meaning the same key)."""
    if key.startswith("arn:"):
        return key
    if key.startswith("alias/"):
        key = str(uuid.uuid5(_KEY_IDS, f"{ctx.account_id}:{ctx.region}:{key}"))
    return arn("kms", ctx.region, ctx.account_id, f"key/{key}")


def update(ctx: RequestContext, table: dict[str, Any], spec: dict[str, Any] | None) -> Any:
    """Apply UpdateTable's SSESpecification to a stored description; the SSEDescription its
    answer shows while the change settles (UPDATING), or None when nothing changes."""
    if spec is None:
        return None
    current = table.get("SSEDescription")
    wanted = description(ctx, spec)
    if wanted == current:
        return None
    if wanted is None:
        table.pop("SSEDescription", None)
    else:
        table["SSEDescription"] = wanted
    return {**(wanted or current or {}), "Status": "UPDATING"}
