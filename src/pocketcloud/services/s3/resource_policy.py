"""The bucket policy that governs an S3 ARN (`arn:aws:s3:::bucket` or `.../key`), for the
gateway's IAM enforcement to evaluate with the caller's identity policies."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pocketcloud.services.s3.configs import read_config
from pocketcloud.services.s3.schema import SCHEMA
from pocketcloud.store import Store

if TYPE_CHECKING:
    from pocketcloud.cloud import Cloud

_S3_ARN_PREFIX = "arn:aws:s3:::"
_ready: set[int] = set()


def _store(cloud: Cloud) -> Store:
    store = cloud.store
    if id(store) not in _ready:
        store.register_schema("s3", SCHEMA)
        _ready.add(id(store))
    return store


def resource_policy(cloud: Cloud, resource_arn: str) -> str | None:
    if not resource_arn.startswith(_S3_ARN_PREFIX):
        return None
    bucket = resource_arn[len(_S3_ARN_PREFIX) :].split("/", 1)[0]
    if not bucket:
        return None
    found = read_config(_store(cloud), bucket, "policy")
    return str(found) if found is not None else None


def resource_account(cloud: Cloud, resource_arn: str) -> str | None:
    """The account that owns the bucket an S3 ARN names (S3 ARNs carry no account)."""
    if not resource_arn.startswith(_S3_ARN_PREFIX):
        return None
    bucket = resource_arn[len(_S3_ARN_PREFIX) :].split("/", 1)[0]
    store = _store(cloud)
    with store.read() as tx:
        row = tx.fetchone("SELECT account_id FROM s3_buckets WHERE name = ?", (bucket,))
    return str(row[0]) if row else None
