"""The `x-amz-expiration` header (Expiration member) of PutObject, GetObject, HeadObject,
CopyObject and CompleteMultipartUpload: when the bucket's lifecycle will expire the object
and by which rule, as S3 tells it (`expiry-date="<HTTP date>", rule-id="<ID>"`)."""

from __future__ import annotations

import math
from email.utils import formatdate
from typing import Any

from pocketcloud.context import RequestContext
from pocketcloud.services.s3.configs import get_config
from pocketcloud.services.s3.lifecycle_config import DAY_S, LIFECYCLE
from pocketcloud.services.s3.rows import ObjectRow
from pocketcloud.services.s3.rule_filters import matches, rule_prefix


def add_expiration(
    ctx: RequestContext, bucket: str, row: ObjectRow, result: dict[str, Any]
) -> None:
    expiration = expiration_of(ctx, bucket, row)
    if expiration is not None:
        result["Expiration"] = expiration


def expiration_of(ctx: RequestContext, bucket: str, row: ObjectRow) -> str | None:
    """The earliest expiration an enabled rule sets for this (current) object, or None."""
    config = get_config(ctx, bucket, LIFECYCLE)
    if not config:
        return None
    earliest: tuple[float, str] | None = None
    for rule in config["Rules"]:
        expiry_s = _expiry_s(rule, row)
        if expiry_s is not None and (earliest is None or expiry_s < earliest[0]):
            earliest = (expiry_s, str(rule.get("ID") or ""))
    if earliest is None:
        return None
    return f'expiry-date="{formatdate(earliest[0], usegmt=True)}", rule-id="{earliest[1]}"'


def _expiry_s(rule: dict[str, object], row: ObjectRow) -> float | None:
    expiration = rule.get("Expiration")
    if rule.get("Status") != "Enabled" or not isinstance(expiration, dict):
        return None
    if not row.key.startswith(rule_prefix(rule)) or not matches(rule, row):
        return None
    if expiration.get("Days"):
        # S3 adds the days to the creation time and rounds up to the next midnight UTC
        due_s = row.last_modified + int(expiration["Days"]) * DAY_S
        return math.ceil(due_s / DAY_S) * DAY_S
    if expiration.get("Date") is not None:
        return float(expiration["Date"])
    return None
