"""Tags on hosted zones and health checks: ChangeTagsForResource, ListTagsForResource(s)."""

from __future__ import annotations

from typing import Any

from pocketcloud.context import RequestContext
from pocketcloud.errors import AwsError
from pocketcloud.services.route53.common import HOSTED_ZONE_PREFIX, bare_id, bump_generation, store
from pocketcloud.store import Tx

TAGS_MAX = 50  # per resource
ADD_TAGS_MAX = 10  # per ChangeTagsForResource call
KEY_LENGTH_MAX = 128
VALUE_LENGTH_MAX = 256
RESOURCE_TYPES = ("healthcheck", "hostedzone")
LIST_RESOURCES_MAX = 10


def _resource(tx: Tx, account_id: str, rtype: str, rid: str) -> str:
    if rtype not in RESOURCE_TYPES:
        raise AwsError("InvalidInput", f"Invalid request: ResourceType must be one of "
                       f"{', '.join(RESOURCE_TYPES)}.")
    if rtype == "hostedzone":
        rid = bare_id(rid, HOSTED_ZONE_PREFIX)
        if tx.fetchvalue("SELECT 1 FROM route53_zones WHERE zone_id = ? AND account_id = ?",
                         (rid, account_id)) is None:
            raise AwsError("NoSuchHostedZone", f"No hosted zone found with ID: {rid}", 404)
    elif tx.fetchvalue("SELECT 1 FROM route53_health_checks WHERE health_check_id = ? AND "
                       "account_id = ?", (rid, account_id)) is None:
        raise AwsError("NoSuchHealthCheck", f"A health check with id {rid} does not exist.", 404)
    return rid


def change_tags_for_resource(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    add = params.get("AddTags") or []
    remove = params.get("RemoveTagKeys") or []
    if len(add) > ADD_TAGS_MAX or len(remove) > ADD_TAGS_MAX:
        raise AwsError("InvalidInput", f"Invalid request: at most {ADD_TAGS_MAX} tags can be "
                       "added or removed at once.")
    for tag in add:
        if not 1 <= len(tag.get("Key") or "") <= KEY_LENGTH_MAX or \
                len(tag.get("Value") or "") > VALUE_LENGTH_MAX:
            raise AwsError("InvalidInput", "Invalid request: a tag key must be 1 to "
                           f"{KEY_LENGTH_MAX} characters, a value at most {VALUE_LENGTH_MAX}.")
    rtype = params.get("ResourceType") or ""
    with store(ctx.cloud).write() as tx:
        rid = _resource(tx, ctx.account_id, rtype, params.get("ResourceId") or "")
        tx.executemany("DELETE FROM route53_tags WHERE resource_type = ? AND resource_id = ? "
                       "AND key = ?", [(rtype, rid, k) for k in remove])
        tx.executemany("INSERT OR REPLACE INTO route53_tags VALUES (?, ?, ?, ?)",
                       [(rtype, rid, t["Key"], t.get("Value") or "") for t in add])
        count = tx.fetchvalue("SELECT COUNT(*) FROM route53_tags WHERE resource_type = ? AND "
                              "resource_id = ?", (rtype, rid))
        if count > TAGS_MAX:
            raise AwsError("InvalidInput",
                           f"Invalid request: a resource can have at most {TAGS_MAX} tags.")
    bump_generation()  # a health check's tags can place its endpoint in a region
    return {}


def _tag_set(tx: Tx, rtype: str, rid: str) -> dict[str, Any]:
    rows = tx.fetchall("SELECT key, value FROM route53_tags WHERE resource_type = ? AND "
                       "resource_id = ? ORDER BY key", (rtype, rid))
    return {"ResourceType": rtype, "ResourceId": rid,
            "Tags": [{"Key": k, "Value": v} for k, v in rows]}


def list_tags_for_resource(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    rtype = params.get("ResourceType") or ""
    with store(ctx.cloud).read() as tx:
        rid = _resource(tx, ctx.account_id, rtype, params.get("ResourceId") or "")
        return {"ResourceTagSet": _tag_set(tx, rtype, rid)}


def list_tags_for_resources(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    rtype = params.get("ResourceType") or ""
    ids = params.get("ResourceIds") or []
    if not 1 <= len(ids) <= LIST_RESOURCES_MAX:
        raise AwsError("InvalidInput", f"Invalid request: give 1 to {LIST_RESOURCES_MAX} "
                       "ResourceIds.")
    with store(ctx.cloud).read() as tx:
        rids = [_resource(tx, ctx.account_id, rtype, rid) for rid in ids]
        return {"ResourceTagSets": [_tag_set(tx, rtype, rid) for rid in rids]}
