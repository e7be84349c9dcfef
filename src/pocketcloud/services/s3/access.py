"""Public access block and object ownership: Put/Get/DeletePublicAccessBlock,
Put/Get/DeleteBucketOwnershipControls, and what "public" means for policies and ACLs.

Since April 2023 a new bucket has all four public access block settings on and ACLs
disabled (ObjectOwnership BucketOwnerEnforced); so does a bucket here until the user changes
or deletes those settings. A deleted setting is stored as an empty document, to tell it from
the default."""

from __future__ import annotations

from typing import Any

from pocketcloud.context import RequestContext
from pocketcloud.errors import AwsError
from pocketcloud.iam.policy import Policy
from pocketcloud.services.s3.buckets import require_bucket
from pocketcloud.services.s3.configs import get_config, put_config

PUBLIC_ACCESS_BLOCK = "public_access_block"
OWNERSHIP = "ownership"
PAB_SETTINGS = ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")
OWNERSHIP_VALUES = ("BucketOwnerPreferred", "ObjectWriter", "BucketOwnerEnforced")
DEFAULT_OWNERSHIP = "BucketOwnerEnforced"
ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"
AUTHENTICATED_USERS = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"
# Condition keys that pin a statement to known callers: S3 does not count it as public then.
_RESTRICTING_KEYS = frozenset(
    {
        "aws:sourceip",
        "aws:sourcearn",
        "aws:sourcevpc",
        "aws:sourcevpce",
        "aws:sourceaccount",
        "aws:sourceowner",
        "aws:principalaccount",
        "aws:principalarn",
        "aws:principalorgid",
        "aws:userid",
        "aws:principalorgpaths",
        "s3:dataaccesspointarn",
        "s3:dataaccesspointaccount",
    }
)
_MALFORMED_XML = (
    "The XML you provided was not well-formed or did not validate against our published schema"
)


# --- public access block --------------------------------------------------------------------


def public_access_block(ctx: RequestContext, bucket: str) -> dict[str, bool]:
    """The bucket's settings; {} when deleted (nothing blocked)."""
    found = get_config(ctx, bucket, PUBLIC_ACCESS_BLOCK)
    if found is None:
        return dict.fromkeys(PAB_SETTINGS, True)
    return dict(found)


def put_public_access_block(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    bucket = require_bucket(ctx, params["Bucket"])
    given = params.get("PublicAccessBlockConfiguration") or {}
    settings = {name: bool(given.get(name, False)) for name in PAB_SETTINGS}
    put_config(ctx, bucket.name, PUBLIC_ACCESS_BLOCK, settings)
    return {}


def get_public_access_block(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    bucket = require_bucket(ctx, params["Bucket"])
    settings = public_access_block(ctx, bucket.name)
    if not settings:
        raise AwsError(
            "NoSuchPublicAccessBlockConfiguration",
            "The public access block configuration was not found", 404,
            fields={"BucketName": bucket.name},
        )  # fmt: skip
    return {"PublicAccessBlockConfiguration": settings}


def delete_public_access_block(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    bucket = require_bucket(ctx, params["Bucket"])
    put_config(ctx, bucket.name, PUBLIC_ACCESS_BLOCK, {})
    return {}


def access_denied() -> AwsError:
    return AwsError("AccessDenied", "Access Denied", 403)


# --- object ownership -----------------------------------------------------------------------


def object_ownership(ctx: RequestContext, bucket: str) -> str:
    """The bucket's ObjectOwnership; "" when its ownership controls were deleted."""
    found = get_config(ctx, bucket, OWNERSHIP)
    if found is None:
        return DEFAULT_OWNERSHIP
    return str(found.get("ObjectOwnership", ""))


def validated_ownership(value: Any) -> str:
    if value not in OWNERSHIP_VALUES:
        raise AwsError("MalformedXML", _MALFORMED_XML)
    return str(value)


def put_bucket_ownership_controls(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    bucket = require_bucket(ctx, params["Bucket"])
    rules = (params.get("OwnershipControls") or {}).get("Rules") or []
    if len(rules) != 1:
        raise AwsError("MalformedXML", _MALFORMED_XML)
    ownership = validated_ownership(rules[0].get("ObjectOwnership"))
    put_config(ctx, bucket.name, OWNERSHIP, {"ObjectOwnership": ownership})
    return {}


def get_bucket_ownership_controls(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    bucket = require_bucket(ctx, params["Bucket"])
    ownership = object_ownership(ctx, bucket.name)
    if not ownership:
        raise AwsError(
            "OwnershipControlsNotFoundError", "The bucket ownership controls were not found",
            404, fields={"BucketName": bucket.name},
        )  # fmt: skip
    return {"OwnershipControls": {"Rules": [{"ObjectOwnership": ownership}]}}


def delete_bucket_ownership_controls(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    bucket = require_bucket(ctx, params["Bucket"])
    put_config(ctx, bucket.name, OWNERSHIP, {})
    return {}


# --- what counts as public ------------------------------------------------------------------


def is_public_policy(policy: Policy) -> bool:
    """An Allow to everyone ("*") not narrowed by a condition on who or where the caller is."""
    for statement in policy.statements:
        if statement.effect != "Allow" or statement.principal is None:
            continue
        principal = statement.principal
        anyone = principal.anyone or "*" in principal.aws or statement.not_principal
        if not anyone:
            continue
        if not any(c.key in _RESTRICTING_KEYS for c in statement.conditions):
            return True
    return False


def is_public_grant(grant: dict[str, Any]) -> bool:
    return (grant.get("Grantee") or {}).get("URI") in (ALL_USERS, AUTHENTICATED_USERS)
