"""Tags on rules and event buses: TagResource, UntagResource, ListTagsForResource."""

from __future__ import annotations

import json
import re
from typing import Any

from pocketcloud.context import RequestContext
from pocketcloud.errors import AwsError
from pocketcloud.services.events.buses import DEFAULT_BUS, store
from pocketcloud.store import Tx

TAGS_MAX = 50
_RULE_ARN = re.compile(r"arn:aws[\w-]*:events:([a-z0-9-]+):(\d{12}):rule/(?:([^/]+)/)?([^/]+)")
_BUS_ARN = re.compile(r"arn:aws[\w-]*:events:([a-z0-9-]+):(\d{12}):event-bus/(.+)")


def _locate(ctx: RequestContext, resource_arn: str) -> tuple[str, tuple[str, ...]]:
    """(table, key) of the tagged row; ResourceNotFoundException when there is none."""
    if m := _RULE_ARN.fullmatch(resource_arn):
        region, account, bus, name = m.groups()
        if (region, account) == (ctx.region, ctx.account_id):
            return "rules", (account, region, bus or DEFAULT_BUS, name)
    elif m := _BUS_ARN.fullmatch(resource_arn):
        region, account, name = m.groups()
        if (region, account) == (ctx.region, ctx.account_id) and name != DEFAULT_BUS:
            return "buses", (account, region, name)
    raise AwsError("ResourceNotFoundException", f"Resource {resource_arn} does not exist.")


def _read(tx: Tx, table: str, key: tuple[str, ...], resource_arn: str) -> dict[str, str]:
    if table == "rules":
        row = tx.fetchone("SELECT tags FROM events_rules WHERE account_id = ? AND region = ? "
                          "AND bus = ? AND name = ?", key)
    else:
        row = tx.fetchone("SELECT tags FROM events_buses WHERE account_id = ? AND region = ? "
                          "AND name = ?", key)
    if row is None:
        raise AwsError("ResourceNotFoundException", f"Resource {resource_arn} does not exist.")
    return dict(json.loads(row[0]))


def _write(tx: Tx, table: str, key: tuple[str, ...], tags: dict[str, str]) -> None:
    if table == "rules":
        tx.execute("UPDATE events_rules SET tags = ? WHERE account_id = ? AND region = ? AND "
                   "bus = ? AND name = ?", (json.dumps(tags), *key))
    else:
        tx.execute("UPDATE events_buses SET tags = ? WHERE account_id = ? AND region = ? AND "
                   "name = ?", (json.dumps(tags), *key))


def tag_resource(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    table, key = _locate(ctx, params["ResourceARN"])
    for tag in params["Tags"]:
        if not 1 <= len(tag["Key"]) <= 128 or len(tag["Value"]) > 256:
            raise AwsError("ValidationException", "Tag keys must be 1-128 characters and "
                           "values at most 256.")
        if tag["Key"].startswith("aws:"):
            raise AwsError("ValidationException", "Tag keys may not start with 'aws:'.")
    with store(ctx).write() as tx:
        tags = _read(tx, table, key, params["ResourceARN"])
        tags.update({t["Key"]: t["Value"] for t in params["Tags"]})
        if len(tags) > TAGS_MAX:
            raise AwsError("LimitExceededException",
                           "The requested resource exceeds the maximum number allowed.")
        _write(tx, table, key, tags)
    return {}


def untag_resource(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    table, key = _locate(ctx, params["ResourceARN"])
    with store(ctx).write() as tx:
        tags = _read(tx, table, key, params["ResourceARN"])
        for name in params["TagKeys"]:
            tags.pop(name, None)
        _write(tx, table, key, tags)
    return {}


def list_tags_for_resource(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    table, key = _locate(ctx, params["ResourceARN"])
    with store(ctx).read() as tx:
        tags = _read(tx, table, key, params["ResourceARN"])
    return {"Tags": [{"Key": k, "Value": v} for k, v in sorted(tags.items())]}
