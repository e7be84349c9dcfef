"""The bucket policy that governs an S3 ARN (`arn:aws:s3:::bucket` or `.../key`), for the
gateway's IAM enforcement to evaluate with the caller's identity policies."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pocketcloud.services.s3.configs import read_config
from pocketcloud.services.s3.schema import SCHEMA

if TYPE_CHECKING:
    from pocketcloud.cloud import Cloud

_S3_ARN_PREFIX = "arn:aws:s3:::"
_ready: set[int] = set()


def resource_policy(cloud: Cloud, resource_arn: str) -> str | None:
    if not resource_arn.startswith(_S3_ARN_PREFIX):
        return None
    bucket = resource_arn[len(_S3_ARN_PREFIX) :].split("/", 1)[0]
    if not bucket:
        return None
    store = cloud.store
    if id(store) not in _ready:
        store.register_schema("s3", SCHEMA)
        _ready.add(id(store))
    found = read_config(store, bucket, "policy")
    return str(found) if found is not None else None
