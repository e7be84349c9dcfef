"""ACL grants as policy statements for IAM enforcement: with ACLs enabled (ObjectOwnership
other than BucketOwnerEnforced) a grant to a canonical user lets that account in, and, with
IgnorePublicAcls off, a public-read object can be read anonymously and a public-read-write
bucket written, as on AWS."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pocketcloud.context import RequestContext
from pocketcloud.services.s3.access import (
    ALL_USERS,
    AUTHENTICATED_USERS,
    OWNERSHIP,
    PUBLIC_ACCESS_BLOCK,
)
from pocketcloud.services.s3.acl_rules import owner_grant
from pocketcloud.services.s3.acl_store import BUCKET_ACL, object_grants
from pocketcloud.services.s3.buckets import find_bucket
from pocketcloud.services.s3.configs import read_config
from pocketcloud.services.s3.rows import ObjectRow, current_row
from pocketcloud.services.s3.schema import s3_store

if TYPE_CHECKING:
    from pocketcloud.cloud import Cloud
    from pocketcloud.store import Store

_BUCKET_ACTIONS = {
    "READ": ["s3:ListBucket", "s3:ListBucketVersions", "s3:ListBucketMultipartUploads"],
    "READ_ACP": ["s3:GetBucketAcl"], "WRITE_ACP": ["s3:PutBucketAcl"],
}  # fmt: skip
_WRITE_ACTIONS = ["s3:PutObject", "s3:DeleteObject", "s3:DeleteObjectVersion",
                  "s3:AbortMultipartUpload"]  # fmt: skip
_OBJECT_ACTIONS = {
    "READ": ["s3:GetObject", "s3:GetObjectVersion"],
    "READ_ACP": ["s3:GetObjectAcl", "s3:GetObjectVersionAcl"],
    "WRITE_ACP": ["s3:PutObjectAcl", "s3:PutObjectVersionAcl"],
}  # fmt: skip
_PRINCIPALS: dict[str, Any] = {ALL_USERS: "*", AUTHENTICATED_USERS: {"AWS": "*"}}


def acl_statements(cloud: Cloud, store: Store, bucket: str, key: str | None) -> list[Any]:
    """Allow statements for the grants that govern `bucket` (or its object `key`)."""
    if not acls_apply(store, bucket):
        return []
    public = _public_acls_apply(store, bucket)
    bucket_grants = read_config(store, bucket, BUCKET_ACL) or []
    arn = f"arn:aws:s3:::{bucket}"
    if key is None:
        return _statements(bucket_grants, _BUCKET_ACTIONS, arn, public)
    statements = _statements(bucket_grants, {"WRITE": _WRITE_ACTIONS}, f"{arn}/*", public)
    return statements + _statements(_object_grants(cloud, bucket, key), _OBJECT_ACTIONS,
                                    f"{arn}/{key}", public)  # fmt: skip


def owned_object_statements(cloud: Cloud, store: Store, row: ObjectRow, bucket: str) -> list[Any]:
    """Allow statements for the grants of an object version another account owns: only its
    own ACL grants there (the bucket's grants and policy allow nothing on it)."""
    arn = f"arn:aws:s3:::{bucket}/{row.key}"
    grants = _row_grants(cloud, bucket, row)
    return _statements(grants, _OBJECT_ACTIONS, arn, _public_acls_apply(store, bucket))


def _public_acls_apply(store: Store, bucket: str) -> bool:
    block = read_config(store, bucket, PUBLIC_ACCESS_BLOCK)
    return block is not None and not block.get("IgnorePublicAcls")  # None: all blocks on


def acls_apply(store: Store, bucket: str) -> bool:
    """Whether the bucket's and its objects' ACL grants count in policy evaluation."""
    return ownership_uses_acls(read_config(store, bucket, OWNERSHIP))


def ownership_uses_acls(ownership: Any | None) -> bool:
    """Whether a bucket's ownership controls document leaves its ACLs in force."""
    # ACLs disabled (the default); deleted controls ({}) mean ObjectWriter
    return ownership is not None and ownership.get("ObjectOwnership") != "BucketOwnerEnforced"


def _object_grants(cloud: Cloud, bucket_name: str, key: str) -> list[Any]:
    ctx = RequestContext(cloud=cloud, request_id="", account_id="", region="", service="s3")
    bucket = find_bucket(ctx, bucket_name)
    if bucket is None:
        return []
    with s3_store(ctx).read() as tx:
        row = current_row(tx, bucket.name, key)
    if row is None or row.delete_marker:
        return []
    return object_grants(ctx, bucket, row) or []


def _row_grants(cloud: Cloud, bucket_name: str, row: ObjectRow) -> list[Any]:
    """The version's grants; none stored: its owner's full control, the default."""
    ctx = RequestContext(cloud=cloud, request_id="", account_id="", region="", service="s3")
    bucket = find_bucket(ctx, bucket_name)
    found = object_grants(ctx, bucket, row) if bucket is not None else None
    return [owner_grant(row.owner)] if found is None else found


def _statements(
    grants: list[Any], actions: dict[str, list[str]], resource: str, public: bool
) -> list[Any]:
    statements = []
    for grant in grants:
        grantee = grant["Grantee"]
        principal = ({"CanonicalUser": grantee["ID"]} if grantee.get("ID")
                     else _PRINCIPALS.get(grantee.get("URI", "")) if public else None)
        if principal is None:
            continue
        permission = grant["Permission"]
        granted = ([a for names in actions.values() for a in names]
                   if permission == "FULL_CONTROL" else actions.get(permission, []))  # fmt: skip
        if granted:
            statements.append({"Effect": "Allow", "Principal": principal, "Action": granted,
                               "Resource": resource})  # fmt: skip
    return statements
