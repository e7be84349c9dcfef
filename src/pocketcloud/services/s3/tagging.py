"""Bucket tagging and object tagging: Put/Get/DeleteBucketTagging, Put/Get/DeleteObjectTagging.

Object tags live on the object's row (a version's tags belong to that version); bucket tags
are a bucket config document."""

from __future__ import annotations

import json
from typing import Any

from pocketcloud.context import RequestContext
from pocketcloud.errors import AwsError
from pocketcloud.services.s3.buckets import Bucket, require_bucket
from pocketcloud.services.s3.configs import delete_config, get_config, put_config
from pocketcloud.services.s3.notifications import notify_changed
from pocketcloud.services.s3.objects import find_object
from pocketcloud.services.s3.rows import ObjectRow
from pocketcloud.services.s3.schema import key_bytes, s3_store
from pocketcloud.services.s3.tag_rules import (
    BUCKET_TAGS_MAX,
    OBJECT_TAGS_MAX,
    tag_set,
    tags_from_tag_set,
)

TAGGING = "tagging"


def put_bucket_tagging(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    bucket = require_bucket(ctx, params["Bucket"])
    tagging = params.get("Tagging") or {}
    tags = tags_from_tag_set(tagging.get("TagSet", []), BUCKET_TAGS_MAX)
    put_config(ctx, bucket.name, TAGGING, tags)
    return {}


def get_bucket_tagging(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    bucket = require_bucket(ctx, params["Bucket"])
    tags = get_config(ctx, bucket.name, TAGGING)
    if tags is None:
        raise AwsError("NoSuchTagSet", "The TagSet does not exist", 404,
                       fields={"BucketName": bucket.name})  # fmt: skip
    return {"TagSet": tag_set(tags)}


def delete_bucket_tagging(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    bucket = require_bucket(ctx, params["Bucket"])
    delete_config(ctx, bucket.name, TAGGING)
    return {}


def _version_answer(bucket: Bucket, row: ObjectRow) -> dict[str, Any]:
    return {"VersionId": row.version_id} if bucket.versioning else {}


def put_object_tagging(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    bucket = require_bucket(ctx, params["Bucket"])
    tagging = params.get("Tagging") or {}
    tags = tags_from_tag_set(tagging.get("TagSet", []), OBJECT_TAGS_MAX)
    row = find_object(ctx, bucket, params, "PUT", marker_not_allowed=True)
    set_object_tags(ctx, bucket, row, tags)
    notify_changed(ctx, bucket, "ObjectTagging:Put", row)
    return _version_answer(bucket, row)


def get_object_tagging(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    bucket = require_bucket(ctx, params["Bucket"])
    try:
        row = find_object(ctx, bucket, params, "GET", marker_not_allowed=True)
    except AwsError as error:
        if error.code == "NoSuchKey":  # S3 names the key with its bucket here
            error.fields["Key"] = f"{bucket.name}/{params['Key']}"
        raise
    return {**_version_answer(bucket, row), "TagSet": tag_set(row.tags)}


def delete_object_tagging(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    bucket = require_bucket(ctx, params["Bucket"])
    row = find_object(ctx, bucket, params, "DELETE", marker_not_allowed=True)
    set_object_tags(ctx, bucket, row, {})
    notify_changed(ctx, bucket, "ObjectTagging:Delete", row)
    return _version_answer(bucket, row)


def set_object_tags(
    ctx: RequestContext, bucket: Bucket, row: ObjectRow, tags: dict[str, str]
) -> None:
    """Replace one version's tags (found by its seq, which no other version shares)."""
    document = json.dumps(tags, separators=(",", ":")) if tags else "{}"
    with s3_store(ctx).write() as tx:
        for table in ("s3_objects", "s3_versions"):
            tx.execute(
                f"UPDATE {table} SET tags = ? WHERE bucket = ? AND key = ? AND seq = ?",
                (document, bucket.name, key_bytes(row.key), row.seq),
            )
