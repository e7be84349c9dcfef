"""Who owns an object, as S3 Object Ownership decides.

The owner is fixed when a version is written and stored in its row's `owner` column: the
bucket owner under BucketOwnerEnforced, or under BucketOwnerPreferred when the writer gives
the bucket-owner-full-control canned ACL; the writing account otherwise. While the bucket is
BucketOwnerEnforced its owner owns every object whatever the row says (ACLs disabled); a row's
own owner counts again once ACLs are re-enabled, so a change of setting alters new writes only.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pocketcloud.context import RequestContext
from pocketcloud.services.s3.access import object_ownership
from pocketcloud.services.s3.buckets import Bucket, owner_of


def written_owner(ctx: RequestContext, bucket: Bucket, canned_acl: str | None) -> str:
    """The account that owns what the caller writes now (PutObject, CopyObject, uploads)."""
    if ctx.account_id == bucket.account_id or not ctx.account_id:
        return bucket.account_id  # the common case costs no settings lookup
    ownership = object_ownership(ctx, bucket.name)
    if ownership == "BucketOwnerEnforced" or (
        ownership == "BucketOwnerPreferred" and canned_acl == "bucket-owner-full-control"
    ):
        return bucket.account_id
    return ctx.account_id


def effective_owner(ownership: str, bucket: Bucket, stored: str) -> str:
    """The owner of a version whose row stores `stored`, under the bucket's `ownership`."""
    if ownership == "BucketOwnerEnforced" or not stored:
        return bucket.account_id
    return stored


def object_owner(ctx: RequestContext, bucket: Bucket, stored: str) -> str:
    if stored == bucket.account_id:
        return stored
    return effective_owner(object_ownership(ctx, bucket.name), bucket, stored)


def owner_names(ctx: RequestContext, bucket: Bucket) -> Callable[[str], dict[str, Any]]:
    """A listing's Owner element for a row's stored owner (each account's worked out once)."""
    ownership = object_ownership(ctx, bucket.name)
    names: dict[str, dict[str, Any]] = {}

    def name(stored: str) -> dict[str, Any]:
        found = names.get(stored)
        if found is None:
            found = names[stored] = owner_of(effective_owner(ownership, bucket, stored))
        return found

    return name
