"""ACLs stored and returned: Put/GetBucketAcl, Put/GetObjectAcl (checks in acl_store)."""

from __future__ import annotations

from typing import Any

from pocketcloud.context import RequestContext
from pocketcloud.errors import AwsError
from pocketcloud.services.s3.access import object_ownership
from pocketcloud.services.s3.acl_rules import grants_from_request, owner_grant, with_display_names
from pocketcloud.services.s3.acl_store import BUCKET_ACL as ACL
from pocketcloud.services.s3.acl_store import check_grants_allowed, object_grants, save_object_acl
from pocketcloud.services.s3.buckets import Bucket, owner_of, require_bucket
from pocketcloud.services.s3.configs import get_config, put_config
from pocketcloud.services.s3.notifications import notify_changed
from pocketcloud.services.s3.objects import find_object
from pocketcloud.services.s3.ownership import object_owner


def _acl_answer(
    grants: list[dict[str, Any]], account_id: str, bucket_owner: str = ""
) -> dict[str, Any]:
    names = (account_id, bucket_owner) if bucket_owner else (account_id,)
    return {"Owner": owner_of(account_id), "Grants": with_display_names(grants, *names)}


def put_bucket_acl(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    bucket = require_bucket(ctx, params["Bucket"])
    grants = _required_grants(params, bucket)
    check_grants_allowed(ctx, bucket, grants, params.get("ACL"))
    put_config(ctx, bucket.name, ACL, grants)
    return {}


def _required_grants(
    params: dict[str, Any], bucket: Bucket, owner: str = ""
) -> list[dict[str, Any]]:
    grants = grants_from_request(params, owner or bucket.account_id, bucket.account_id)
    if grants is None:
        raise AwsError("MissingSecurityHeader", "Your request was missing a required header",
                       fields={"MissingHeaderName": "x-amz-acl"})  # fmt: skip
    return grants


def get_bucket_acl(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    bucket = require_bucket(ctx, params["Bucket"])
    grants = get_config(ctx, bucket.name, ACL)
    if grants is None or object_ownership(ctx, bucket.name) == "BucketOwnerEnforced":
        grants = [owner_grant(bucket.account_id)]
    return _acl_answer(grants, bucket.account_id)


def put_object_acl(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    bucket = require_bucket(ctx, params["Bucket"])
    row = find_object(ctx, bucket, params, "PUT", marker_not_allowed=True)  # 405 as S3
    owner = object_owner(ctx, bucket, row.owner)
    grants = _required_grants(params, bucket, owner)
    check_grants_allowed(ctx, bucket, grants, params.get("ACL"))
    before = object_grants(ctx, bucket, row) or [owner_grant(owner)]
    save_object_acl(ctx, bucket, row, grants)
    if grants != before:  # S3 sends ObjectAcl:Put only for an ACL that changed
        notify_changed(ctx, bucket, "ObjectAcl:Put", row)
    return {}


def get_object_acl(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    bucket = require_bucket(ctx, params["Bucket"])
    row = find_object(ctx, bucket, params)
    owner = object_owner(ctx, bucket, row.owner)
    grants: list[dict[str, Any]] | None = None
    if object_ownership(ctx, bucket.name) != "BucketOwnerEnforced":
        grants = object_grants(ctx, bucket, row)
    return _acl_answer(grants or [owner_grant(owner)], owner, bucket.account_id)
