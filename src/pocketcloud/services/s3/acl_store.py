"""Where object ACLs live, and the checks every ACL write passes: ObjectOwnership
BucketOwnerEnforced (the default) disables ACLs, accepting only the bucket owner's full
control (AccessControlListNotSupported otherwise); BlockPublicAcls refuses grants to
AllUsers/AuthenticatedUsers (AccessDenied).

An object's ACL is keyed by its row's `seq` (unique per version), so a new version of a key
never inherits an old one's grants; the default (owner full control) is not stored."""

from __future__ import annotations

import json
from typing import Any

from pocketcloud.context import RequestContext
from pocketcloud.errors import AwsError
from pocketcloud.services.s3.access import (
    DEFAULT_OWNERSHIP,
    OWNERSHIP,
    OWNERSHIP_VALUES,
    access_denied,
    is_public_grant,
    object_ownership,
    public_access_block,
)
from pocketcloud.services.s3.acl_rules import grants_from_request, only_owner_full_control
from pocketcloud.services.s3.buckets import Bucket
from pocketcloud.services.s3.configs import put_config
from pocketcloud.services.s3.rows import ObjectRow
from pocketcloud.services.s3.schema import key_bytes, s3_store
from pocketcloud.store import Store

BUCKET_ACL = "acl"
SCHEMA = (
    """
    CREATE TABLE s3_object_acls (
        bucket TEXT NOT NULL,
        key BLOB NOT NULL,
        seq INTEGER NOT NULL,
        grants TEXT NOT NULL,
        PRIMARY KEY (bucket, key, seq)
    ) WITHOUT ROWID;
    """,
    """
    CREATE TABLE s3_upload_acls (
        upload_id TEXT PRIMARY KEY,
        grants TEXT NOT NULL
    );
    """,
)

def _store(ctx: RequestContext) -> Store:
    store = s3_store(ctx)
    store.ensure_schema("s3acl", SCHEMA)
    return store


def check_grants_allowed(
    ctx: RequestContext, bucket: Bucket, grants: list[dict[str, Any]], canned: str | None = None
) -> None:
    """`canned`: the request's x-amz-acl; with ACLs disabled S3 takes only
    bucket-owner-full-control (even `private` is refused), or grants that say the same."""
    if object_ownership(ctx, bucket.name) == "BucketOwnerEnforced" and (
        canned not in (None, "bucket-owner-full-control")
        or not only_owner_full_control(grants, bucket.account_id)
    ):
        raise AwsError("AccessControlListNotSupported", "The bucket does not allow ACLs")
    if public_access_block(ctx, bucket.name).get("BlockPublicAcls") and any(
        is_public_grant(g) for g in grants
    ):
        raise access_denied()


def acl_for_write(
    ctx: RequestContext, bucket: Bucket, params: dict[str, Any], owner: str
) -> list[dict[str, Any]] | None:
    """The validated grants a PutObject/CopyObject/CreateMultipartUpload carries (or None);
    `owner`: the account that will own the object."""
    grants = grants_from_request(params, owner, bucket.account_id)
    if grants is not None:
        check_grants_allowed(ctx, bucket, grants, params.get("ACL"))
    return grants


def save_object_acl(
    ctx: RequestContext, bucket: Bucket, row: ObjectRow, grants: list[dict[str, Any]] | None
) -> None:
    if grants is None:
        return
    with _store(ctx).write() as tx:
        tx.execute(
            "INSERT INTO s3_object_acls (bucket, key, seq, grants) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (bucket, key, seq) DO UPDATE SET grants = excluded.grants",
            (bucket.name, key_bytes(row.key), row.seq, json.dumps(grants)),
        )


def object_grants(
    ctx: RequestContext, bucket: Bucket, row: ObjectRow
) -> list[dict[str, Any]] | None:
    with _store(ctx).read() as tx:
        found = tx.fetchone(
            "SELECT grants FROM s3_object_acls WHERE bucket = ? AND key = ? AND seq = ?",
            (bucket.name, key_bytes(row.key), row.seq),
        )
    return json.loads(found[0]) if found else None


def check_create_bucket(ctx: RequestContext, params: dict[str, Any]) -> None:
    """CreateBucket's x-amz-object-ownership and ACL, before the bucket exists."""
    ownership = params.get("ObjectOwnership")
    if ownership is not None and ownership not in OWNERSHIP_VALUES:
        raise AwsError(
            "InvalidArgument",
            f"Invalid x-amz-object-ownership header: {ownership}",
            fields={"ArgumentName": "x-amz-object-ownership"},
        )
    grants = grants_from_request(params, ctx.account_id)
    if (
        (ownership or DEFAULT_OWNERSHIP) == "BucketOwnerEnforced"
        and grants is not None
        and (not only_owner_full_control(grants, ctx.account_id))
    ):
        raise AwsError(
            "InvalidBucketAclWithObjectOwnership",
            "Bucket cannot have ACLs set with ObjectOwnership's BucketOwnerEnforced setting",
        )


def save_create_settings(ctx: RequestContext, bucket: str, params: dict[str, Any]) -> None:
    ownership = params.get("ObjectOwnership")
    if ownership is not None:
        put_config(ctx, bucket, OWNERSHIP, {"ObjectOwnership": ownership})
    grants = grants_from_request(params, ctx.account_id)
    if grants is not None:
        put_config(ctx, bucket, BUCKET_ACL, grants)


def save_upload_acl(
    ctx: RequestContext, upload_id: str, grants: list[dict[str, Any]] | None
) -> None:
    """A CreateMultipartUpload's ACL, applied to the object when the upload completes."""
    if grants is None:
        return
    with _store(ctx).write() as tx:
        tx.execute("INSERT INTO s3_upload_acls (upload_id, grants) VALUES (?, ?)",
                   (upload_id, json.dumps(grants)))  # fmt: skip


def apply_upload_acl(ctx: RequestContext, bucket: Bucket, row: ObjectRow, upload_id: str) -> None:
    with _store(ctx).write() as tx:
        found = tx.fetchone(
            "DELETE FROM s3_upload_acls WHERE upload_id = ? RETURNING grants", (upload_id,)
        )
    if found is not None:
        save_object_acl(ctx, bucket, row, json.loads(found[0]))
