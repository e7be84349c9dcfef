"""Bucket sub-resources (tagging, policy, ACL, CORS, lifecycle, website, ...) stored as one
JSON document per (bucket, kind) in `s3_bucket_configs`; DeleteBucket drops them all.

Documents are read on every CORS, website and policy-checked request, so they are cached per
store in this process (the only writer), like bucket rows."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from pocketcloud.context import RequestContext
from pocketcloud.services.s3.schema import s3_store, store_of
from pocketcloud.store import Store

if TYPE_CHECKING:
    from pocketcloud.cloud import Cloud

CONFIGS_CACHED_MAX = 100_000
_MISSING = object()
_NONE: dict[str, Any] = {}  # an empty cache level to look through (never written)
_caches: dict[int, dict[str, dict[str, Any]]] = {}  # store -> bucket -> kind -> document
# store -> a count of document and bucket writes: cached IAM decisions that read bucket
# owners, policies, ACLs or public access blocks compare it (resource_policy.decision_version)
_generations: dict[int, int] = {}


def _cache(store: Store) -> dict[str, dict[str, Any]]:
    return _caches.setdefault(id(store), {})


def changed(store: Store) -> None:
    """Count a write that a cached IAM decision may depend on (documents, bucket rows)."""
    _generations[id(store)] = _generations.get(id(store), 0) + 1


def config_and_generation(cloud: Cloud, bucket: str, kind: str) -> tuple[Any | None, int]:
    """A bucket's document and the count of writes, in one call: IAM asks for both on every
    policy-checked request (resource_policy.decision_version)."""
    store = cloud.store
    found = _caches.get(id(store), _NONE).get(bucket, _NONE).get(kind, _MISSING)
    if found is _MISSING:
        found = read_config(store_of(cloud), bucket, kind)
    return found, _generations.get(id(store), 0)


def get_config(ctx: RequestContext, bucket: str, kind: str) -> Any | None:
    return read_config(s3_store(ctx), bucket, kind)


def read_config(store: Store, bucket: str, kind: str) -> Any | None:
    cache = _cache(store)
    found = cache.get(bucket, {}).get(kind, _MISSING)
    if found is not _MISSING:
        return found
    with store.read() as tx:
        row = tx.fetchone(
            "SELECT document FROM s3_bucket_configs WHERE bucket = ? AND kind = ?", (bucket, kind)
        )
    found = json.loads(row[0]) if row else None
    if len(cache) >= CONFIGS_CACHED_MAX:
        cache.clear()
    cache.setdefault(bucket, {})[kind] = found
    return found


def put_config(ctx: RequestContext, bucket: str, kind: str, document: Any) -> None:
    store = s3_store(ctx)
    with store.write() as tx:
        tx.execute(
            "INSERT INTO s3_bucket_configs (bucket, kind, document) VALUES (?, ?, ?) "
            "ON CONFLICT (bucket, kind) DO UPDATE SET document = excluded.document",
            (bucket, kind, json.dumps(document, separators=(",", ":"))),
        )
    _cache(store).setdefault(bucket, {})[kind] = document
    changed(store)


def delete_config(ctx: RequestContext, bucket: str, kind: str) -> None:
    store = s3_store(ctx)
    with store.write() as tx:
        tx.execute("DELETE FROM s3_bucket_configs WHERE bucket = ? AND kind = ?", (bucket, kind))
    _cache(store).setdefault(bucket, {})[kind] = None
    changed(store)


def forget_configs(store: Store, bucket: str) -> None:
    """Drop a deleted bucket's cached documents (DeleteBucket removed its rows)."""
    _cache(store).pop(bucket, None)
    changed(store)
