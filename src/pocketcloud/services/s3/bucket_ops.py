"""CreateBucket, HeadBucket, ListBuckets, DeleteBucket, GetBucketLocation."""

from __future__ import annotations

import base64
from typing import Any

from pocketcloud.context import RequestContext
from pocketcloud.errors import AwsError
from pocketcloud.infra.regions import is_valid_region
from pocketcloud.services.s3.acl_store import check_create_bucket, save_create_settings
from pocketcloud.services.s3.buckets import (
    DEFAULT_REGION,
    Bucket,
    find_bucket,
    location_for_create,
    owner_of,
    remember_bucket,
    require_bucket,
    validate_bucket_name,
)
from pocketcloud.services.s3.configs import forget_configs
from pocketcloud.services.s3.schema import s3_store

MAX_BUCKETS_PER_PAGE = 10_000
MAX_BUCKETS_PER_ACCOUNT = 10_000  # AWS's default quota


def create_bucket(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = params["Bucket"]
    validate_bucket_name(name)
    region = location_for_create(ctx, params)
    object_lock = bool(params.get("ObjectLockEnabledForBucket"))
    check_create_bucket(ctx, params)
    existing = find_bucket(ctx, name)
    if existing is not None:
        return _recreate(ctx, existing)
    bucket = Bucket(name, ctx.account_id, region, ctx.cloud.clock.now(), "", object_lock)
    with s3_store(ctx).write() as tx:
        owned = tx.fetchvalue(
            "SELECT COUNT(*) FROM s3_buckets WHERE account_id = ?", (ctx.account_id,)
        )
        if owned >= MAX_BUCKETS_PER_ACCOUNT:
            raise AwsError(
                "TooManyBuckets", "You have attempted to create more buckets than allowed"
            )
        changed = tx.execute(
            "INSERT INTO s3_buckets (name, account_id, region, created, versioning, object_lock) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (name) DO NOTHING",
            (
                name,
                ctx.account_id,
                region,
                bucket.created,
                "Enabled" if object_lock else "",
                int(object_lock),
            ),
        )
    if not changed:  # created meanwhile by another request
        remember_bucket(ctx, name, None)
        found = find_bucket(ctx, name)
        assert found is not None
        return _recreate(ctx, found)
    remember_bucket(ctx, name, bucket._replace(versioning="Enabled" if object_lock else ""))
    save_create_settings(ctx, name, params)
    return {"Location": f"/{name}"}


def _recreate(ctx: RequestContext, existing: Bucket) -> dict[str, Any]:
    if existing.account_id != ctx.account_id:
        raise AwsError(
            "BucketAlreadyExists",
            "The requested bucket name is not available. The bucket namespace is shared by all "
            "users of the system. Please select a different name and try again.",
            409,
            fields={"BucketName": existing.name},
        )
    if existing.region == DEFAULT_REGION and ctx.region == DEFAULT_REGION:
        return {"Location": f"/{existing.name}"}  # us-east-1 answers the owner's re-create 200
    raise AwsError(
        "BucketAlreadyOwnedByYou",
        "Your previous request to create the named bucket succeeded and you already own it.",
        409,
        fields={"BucketName": existing.name},
    )


def head_bucket(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    bucket = require_bucket(ctx, params["Bucket"])
    return {"BucketRegion": bucket.region, "AccessPointAlias": False}


def get_bucket_location(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    bucket = require_bucket(ctx, params["Bucket"], same_region=False)
    return {"LocationConstraint": None if bucket.region == DEFAULT_REGION else bucket.region}


def _check_region(region: str) -> None:
    if not is_valid_region(region):
        raise AwsError("InvalidArgument", f"Argument value {region} is not a valid AWS Region",
                       fields={"ArgumentName": "bucket-region"})  # fmt: skip


def list_buckets(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    limit = min(int(params.get("MaxBuckets") or MAX_BUCKETS_PER_PAGE), MAX_BUCKETS_PER_PAGE)
    if limit < 1:  # a negative max-buckets once indexed past the page's rows
        raise AwsError("InvalidArgument", "Argument max-buckets must be an integer between 1 "
                       f"and {MAX_BUCKETS_PER_PAGE}", fields={"ArgumentName": "max-buckets"})
    prefix = params.get("Prefix") or ""
    after = _decode_token(params.get("ContinuationToken"))
    sql = "SELECT name, region, created FROM s3_buckets WHERE account_id = ? AND name > ?"
    args: list[Any] = [ctx.account_id, after]
    if prefix:
        sql += " AND substr(name, 1, ?) = ?"
        args += [len(prefix), prefix]
    if params.get("BucketRegion"):
        _check_region(params["BucketRegion"])
        sql += " AND region = ?"
        args.append(params["BucketRegion"])
    with s3_store(ctx).read() as tx:
        rows = tx.fetchall(sql + " ORDER BY name LIMIT ?", (*args, limit + 1))
    result: dict[str, Any] = {
        "Buckets": [
            {"Name": name, "CreationDate": int(created), "BucketRegion": region}
            for name, region, created in rows[:limit]
        ],
        "Owner": owner_of(ctx.account_id),
    }
    if prefix:
        result["Prefix"] = prefix
    if len(rows) > limit:
        result["ContinuationToken"] = _encode_token(rows[limit - 1][0])
    return result


def _not_empty(name: str, versioned: bool) -> AwsError:
    message = "The bucket you tried to delete is not empty"
    if versioned:  # as recorded: a bucket that has had versioning names its versions
        message += ". You must delete all versions in the bucket."
    return AwsError("BucketNotEmpty", message, 409, fields={"BucketName": name})


def delete_bucket(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    bucket = require_bucket(ctx, params["Bucket"])
    with s3_store(ctx).write() as tx:
        if tx.fetchone("SELECT 1 FROM s3_objects WHERE bucket = ? LIMIT 1", (bucket.name,)) or (
            tx.fetchone("SELECT 1 FROM s3_versions WHERE bucket = ? LIMIT 1", (bucket.name,))
        ):
            raise _not_empty(bucket.name, bool(bucket.versioning))
        parts = tx.fetchall(
            "SELECT p.blob_id FROM s3_parts p JOIN s3_uploads u ON u.upload_id = p.upload_id "
            "WHERE u.bucket = ?",
            (bucket.name,),
        )
        tx.execute(
            "DELETE FROM s3_parts WHERE upload_id IN "
            "(SELECT upload_id FROM s3_uploads WHERE bucket = ?)",
            (bucket.name,),
        )
        tx.execute("DELETE FROM s3_uploads WHERE bucket = ?", (bucket.name,))
        tx.execute("DELETE FROM s3_bucket_configs WHERE bucket = ?", (bucket.name,))
        tx.execute("DELETE FROM s3_buckets WHERE name = ?", (bucket.name,))
    remember_bucket(ctx, bucket.name, None)
    forget_configs(s3_store(ctx), bucket.name)
    blobs = ctx.cloud.store.blobs
    for (blob_id,) in parts:
        blobs.delete(blob_id)
    return {}


def _encode_token(name: str) -> str:
    return base64.urlsafe_b64encode(name.encode()).decode()


def _decode_token(token: str | None) -> str:
    if not token:
        return ""
    try:
        return base64.urlsafe_b64decode(token.encode()).decode()
    except (ValueError, UnicodeDecodeError):
        raise AwsError("InvalidArgument", "The continuation token provided is incorrect") from None
