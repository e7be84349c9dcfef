"""ListResourceRecordSets (reversed-label order, then type, then set identifier) and GetChange."""

from __future__ import annotations

import json
from typing import Any

from pocketcloud.context import RequestContext
from pocketcloud.errors import AwsError
from pocketcloud.services.route53 import names
from pocketcloud.services.route53.common import (
    CHANGE_PREFIX,
    bare_id,
    change_info,
    max_items,
    store,
)
from pocketcloud.services.route53.validation import RECORD_TYPES
from pocketcloud.services.route53.zones import find_zone

LIST_RECORDS_DEFAULT = 100  # a page without MaxItems (AWS answers MaxItems "100")
LIST_RECORDS_MAX = 300  # the most one page holds


def list_resource_record_sets(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    limit = max_items(params, LIST_RECORDS_DEFAULT, LIST_RECORDS_MAX)
    start = _start(params)
    with store(ctx.cloud).read() as tx:
        zone = find_zone(tx, ctx.account_id, params.get("HostedZoneId", ""))
        rows = tx.fetchall(
            "SELECT data, name, type, set_identifier FROM route53_records WHERE zone_id = ? "
            "AND (sort_name, type, set_identifier) >= (?, ?, ?) "
            "ORDER BY sort_name, type, set_identifier LIMIT ?",
            (zone.zone_id, *start, limit + 1))
    result: dict[str, Any] = {
        "ResourceRecordSets": [json.loads(r[0]) for r in rows[:limit]],
        "IsTruncated": len(rows) > limit,
        "MaxItems": str(limit),
    }
    if len(rows) > limit:
        _, name, rtype, set_id = rows[limit]
        result.update(NextRecordName=name, NextRecordType=rtype)
        if set_id:
            result["NextRecordIdentifier"] = set_id
    return result


def _start(params: dict[str, Any]) -> tuple[str, str, str]:
    name, rtype = params.get("StartRecordName"), params.get("StartRecordType")
    set_id = params.get("StartRecordIdentifier")
    if rtype and not name:
        raise AwsError("InvalidInput", "The input is not valid: StartRecordType requires "
                       "StartRecordName.")
    if set_id and not rtype:
        raise AwsError("InvalidInput", "The input is not valid: StartRecordIdentifier "
                       "requires StartRecordType.")
    if rtype and rtype not in RECORD_TYPES:
        raise AwsError("InvalidInput", f"Invalid type {rtype}")
    return (names.sort_key(names.normalize(name)) if name else "", rtype or "", set_id or "")


def get_change(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    raw = params.get("Id") or ""
    change_id = bare_id(raw, CHANGE_PREFIX)
    with store(ctx.cloud).read() as tx:
        row = tx.fetchone("SELECT comment, submitted_s FROM route53_changes WHERE "
                          "change_id = ?", (change_id,))
    if row is None:
        raise AwsError("NoSuchChange", f"Could not find resource with ID: {raw}", 404)
    return {"ChangeInfo": change_info(ctx.cloud, change_id, row[1], row[0])}
