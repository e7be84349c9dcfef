"""The bucket policy that governs an S3 ARN (`arn:aws:s3:::bucket` or `.../key`), for the
gateway's IAM enforcement to evaluate with the caller's identity policies."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from pocketcloud.iam.errors import PolicyError
from pocketcloud.iam.policy import Policy, parse_policy
from pocketcloud.services.s3.access import OWNERSHIP, PUBLIC_ACCESS_BLOCK, is_public_policy
from pocketcloud.services.s3.acl_policy import (
    acl_statements,
    acls_apply,
    owned_object_statements,
    ownership_uses_acls,
)
from pocketcloud.services.s3.configs import config_and_generation, read_config
from pocketcloud.services.s3.schema import store_of

if TYPE_CHECKING:
    from pocketcloud.cloud import Cloud

_S3_ARN_PREFIX = "arn:aws:s3:::"

def resource_policy(cloud: Cloud, resource_arn: str) -> str | None:
    if not resource_arn.startswith(_S3_ARN_PREFIX):
        return None
    bucket = resource_arn[len(_S3_ARN_PREFIX) :].split("/", 1)[0]
    if not bucket:
        return None
    store = store_of(cloud)
    found = read_config(store, bucket, "policy")
    key = resource_arn[len(_S3_ARN_PREFIX) + len(bucket) + 1 :] if "/" in resource_arn else None
    from_acls = acl_statements(cloud, store, bucket, key)
    if found is None:
        return _with_statements("", from_acls)
    block = read_config(store, bucket, PUBLIC_ACCESS_BLOCK)
    if block is None or block.get("RestrictPublicBuckets"):  # on by default since 2023
        return _with_statements(_without_public_statements(str(found)), from_acls)
    return _with_statements(str(found), from_acls)


def _with_statements(text: str, statements: list[Any]) -> str | None:
    """The policy with ACL-derived statements added (the text itself when there are none)."""
    if not statements:
        return text or None
    document: dict[str, Any] = json.loads(text) if text else {"Version": "2012-10-17"}
    existing = document.get("Statement", [])
    existing = [existing] if isinstance(existing, dict) else list(existing)
    return json.dumps({**document, "Statement": existing + statements})


def _without_public_statements(text: str) -> str:
    """RestrictPublicBuckets: a public policy's grants to everyone stop applying (only the
    owner account's principals and AWS services keep theirs); Deny statements stay."""
    try:
        policy = parse_policy(text, "resource")
    except PolicyError:
        return text
    public = {s.index for s in policy.statements if s.effect == "Allow" and is_public_policy(
        Policy((s,), policy.version))}  # fmt: skip
    if not public:
        return text
    document = json.loads(text)
    statements = document["Statement"]
    statements = [statements] if isinstance(statements, dict) else statements
    kept = [s for i, s in enumerate(statements) if i not in public]
    if not kept:
        return ""
    return json.dumps({**document, "Statement": kept})


# What S3 authorizes in the object owner's context: reading an object and its ACL, tags and
# attributes, and writing its ACL and tags. Writing, overwriting and deleting objects are the
# bucket's (its owner may always delete an object, whoever owns it).
_OBJECT_CONTEXT_ACTIONS = frozenset(
    f"s3:{verb}Object{version}{what}"
    for verb, what in (("Get", ""), ("Get", "Acl"), ("Get", "Attributes"), ("Get", "Tagging"),
                       ("Put", "Acl"), ("Put", "Tagging"), ("Delete", "Tagging"),
                       ("Get", "Retention"), ("Get", "LegalHold"), ("Put", "Retention"),
                       ("Put", "LegalHold"), ("Get", "Torrent"))
    for version in ("", "Version")
) | {"s3:RestoreObject"}


def action_side(
    cloud: Cloud, action: str, resource_arn: str, params: Mapping[str, Any]
) -> tuple[str | None, str] | None:
    """For an object operation on a version another account owns (ACLs enabled): the policy
    that governs it and its owner, in place of the bucket's. The bucket owner's policy may
    still deny, but grants nothing there; the object owner's ACL grants decide. None: the
    bucket's policy and owner govern, as for every object of a bucket with ACLs disabled."""
    if action not in _OBJECT_CONTEXT_ACTIONS or not resource_arn.startswith(_S3_ARN_PREFIX):
        return None
    bucket_name, _, key = resource_arn[len(_S3_ARN_PREFIX) :].partition("/")
    store = store_of(cloud)
    if not key or not acls_apply(store, bucket_name):
        return None
    from pocketcloud.services.s3.buckets import bucket_named
    from pocketcloud.services.s3.rows import current_row, version_row

    bucket = bucket_named(store, bucket_name)
    version_id = params.get("VersionId")
    with store.read() as tx:
        row = (version_row(tx, bucket_name, key, str(version_id)) if version_id
               else current_row(tx, bucket_name, key))  # fmt: skip
    if bucket is None or row is None or row.delete_marker or row.owner in ("", bucket.account_id):
        return None
    statements = _denials(read_config(store, bucket_name, "policy")) + owned_object_statements(
        cloud, store, row, bucket_name)
    return _with_statements("", statements), row.owner


def _denials(text: str | None) -> list[Any]:
    """The Deny statements of a bucket policy (validated when put)."""
    if not text:
        return []
    statements = json.loads(text).get("Statement", [])
    statements = [statements] if isinstance(statements, dict) else statements
    return [s for s in statements if s.get("Effect") == "Deny"]


def resource_account(cloud: Cloud, resource_arn: str) -> str | None:
    """The account that owns the bucket an S3 ARN names (S3 ARNs carry no account)."""
    if not resource_arn.startswith(_S3_ARN_PREFIX):
        return None
    bucket = resource_arn[len(_S3_ARN_PREFIX) :].split("/", 1)[0]
    from pocketcloud.services.s3.buckets import bucket_named

    found = bucket_named(store_of(cloud), bucket)
    return found.account_id if found is not None else None


def decision_version(cloud: Cloud, resource_arn: str) -> object | None:
    """What S3's side of a cached IAM decision about `resource_arn` depends on: the count of
    bucket and bucket-document writes (owner, policy, ACL, public access block, ownership
    controls). None (do not cache) when public ACL grants apply: object ACLs change with
    object writes, which this count does not follow."""
    if not resource_arn.startswith(_S3_ARN_PREFIX):
        return ()
    bucket = resource_arn[len(_S3_ARN_PREFIX) :].partition("/")[0]
    ownership, generation = config_and_generation(cloud, bucket, OWNERSHIP)
    return None if ownership_uses_acls(ownership) else generation


# The actions the Service Authorization Reference lists with s3:ExistingObjectTag/<key>.
_EXISTING_TAG_ACTIONS = frozenset(
    f"s3:{verb}Object{version}{what}"
    for verb, what in (("Get", ""), ("Get", "Acl"), ("Get", "Attributes"), ("Get", "Tagging"),
                       ("Put", "Acl"), ("Put", "Tagging"), ("Delete", "Tagging"))
    for version in ("", "Version")
) | {"s3:GetObjectRetention", "s3:PutObjectRetention", "s3:GetObjectLegalHold",
     "s3:PutObjectLegalHold"}


def resource_condition_keys(
    cloud: Cloud, action: str, resource_arn: str, params: Mapping[str, Any]
) -> dict[str, Any]:
    """s3:ExistingObjectTag/<key>: the tags of the object version the request acts on."""
    if action not in _EXISTING_TAG_ACTIONS or not resource_arn.startswith(_S3_ARN_PREFIX):
        return {}
    bucket, _, key = resource_arn[len(_S3_ARN_PREFIX) :].partition("/")
    if not key:
        return {}
    from pocketcloud.services.s3.rows import current_row, version_row

    version_id = params.get("VersionId")
    with store_of(cloud).read() as tx:
        row = (version_row(tx, bucket, key, str(version_id)) if version_id
               else current_row(tx, bucket, key))
    if row is None:
        return {}
    return {f"s3:ExistingObjectTag/{name}": value for name, value in row.tags.items()}
