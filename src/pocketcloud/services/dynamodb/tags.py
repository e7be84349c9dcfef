"""TagResource, UntagResource and ListTagsOfResource (tables are named by ARN)."""

from __future__ import annotations

import json
from typing import Any

from pocketcloud.context import RequestContext
from pocketcloud.services.dynamodb.table_validation import check_tag_count, check_tags
from pocketcloud.services.dynamodb.tables import save_meta, table_for_arn
from pocketcloud.services.dynamodb.values import invalid


def tag_resource(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    if not params.get("Tags"):
        raise invalid("Atleast one Tag needs to be provided as Input.")
    check_tags(params["Tags"])
    table = table_for_arn(ctx, params["ResourceArn"])
    meta = json.loads(json.dumps(table.meta))
    tags = {t["Key"]: t["Value"] for t in meta.get("tags", [])}
    tags.update({t["Key"]: t["Value"] for t in params["Tags"]})
    check_tag_count(len(tags))
    meta["tags"] = [{"Key": k, "Value": v} for k, v in tags.items()]
    save_meta(ctx, table, meta)
    return {}


def untag_resource(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    if not params.get("TagKeys"):
        raise invalid("Atleast one Tag Key needs to be provided as Input.")
    table = table_for_arn(ctx, params["ResourceArn"])
    meta = json.loads(json.dumps(table.meta))
    removed = set(params["TagKeys"])
    meta["tags"] = [t for t in meta.get("tags", []) if t["Key"] not in removed]
    save_meta(ctx, table, meta)
    return {}


def list_tags_of_resource(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    table = table_for_arn(ctx, params["ResourceArn"])
    return {"Tags": table.meta.get("tags", [])}
