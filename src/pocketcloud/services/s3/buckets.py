"""Buckets: AWS's naming rules, one global namespace, a home region, and who may use them.

Bucket rows are read on every object request, so they are cached per store in this process
(the only writer); `forget_buckets` drops the cache (for `pocketcloud reset`).
"""

from __future__ import annotations

import ipaddress
import re
from typing import Any, NamedTuple

from pocketcloud.arns import canonical_user_id
from pocketcloud.context import RequestContext
from pocketcloud.errors import AwsError
from pocketcloud.gateway.hosts import parse_host
from pocketcloud.infra.regions import is_valid_region
from pocketcloud.services.s3.configs import changed
from pocketcloud.services.s3.presign import check_presigned_expiry
from pocketcloud.services.s3.schema import s3_store
from pocketcloud.store import Store

DEFAULT_REGION = "us-east-1"
BUCKET_NAME_RE = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")
_RESERVED_PREFIXES = ("xn--", "sthree-", "amzn-s3-demo-")
_RESERVED_SUFFIXES = ("-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3")
_LEGACY_LOCATIONS = {"EU": "eu-west-1"}
BUCKETS_CACHED_MAX = 100_000


class Bucket(NamedTuple):
    name: str
    account_id: str
    region: str
    created: float
    versioning: str  # "" (never enabled), "Enabled" or "Suspended"
    object_lock: bool


_caches: dict[int, dict[str, Bucket | None]] = {}


def _cache(store: Store) -> dict[str, Bucket | None]:
    cache = _caches.get(id(store))
    if cache is None:
        cache = _caches[id(store)] = {}
    return cache


def forget_buckets(store: Store) -> None:
    _caches.pop(id(store), None)


def find_bucket(ctx: RequestContext, name: str) -> Bucket | None:
    return bucket_named(s3_store(ctx), name)


def bucket_named(store: Store, name: str) -> Bucket | None:
    """The bucket called `name` in any account or region (names are global), cached."""
    cache = _cache(store)
    if name in cache:
        return cache[name]
    with store.read() as tx:
        row = tx.fetchone(
            "SELECT name, account_id, region, created, versioning, object_lock "
            "FROM s3_buckets WHERE name = ?",
            (name,),
        )
    found = Bucket(row[0], row[1], row[2], row[3], row[4], bool(row[5])) if row else None
    if len(cache) >= BUCKETS_CACHED_MAX:
        cache.clear()
    cache[name] = found
    return found


def remember_bucket(ctx: RequestContext, name: str, bucket: Bucket | None) -> None:
    store = s3_store(ctx)
    _cache(store)[name] = bucket
    changed(store)  # the owner may be new: cached IAM decisions about the bucket start over


def no_such_bucket(name: str) -> AwsError:
    return AwsError(
        "NoSuchBucket", "The specified bucket does not exist", 404, fields={"BucketName": name}
    )


def require_bucket(ctx: RequestContext, name: str, *, same_region: bool = True) -> Bucket:
    """The caller's bucket `name`, answered from its own region as S3 does."""
    check_presigned_expiry(ctx)
    bucket = find_bucket(ctx, name)
    if bucket is None:
        raise no_such_bucket(name)
    if bucket.account_id != ctx.account_id and ctx.cloud.settings.iam == "off":
        # With IAM on, the gateway has already decided with the bucket policy (which may
        # grant other accounts and anonymous callers); with it off, only the owner may.
        raise AwsError("AccessDenied", "Access Denied", 403)
    if same_region and bucket.region != ctx.region and _region_was_named(ctx):
        raise wrong_region(ctx, bucket)
    return bucket


def wrong_region(ctx: RequestContext, bucket: Bucket) -> AwsError:
    """What S3 answers a request for a bucket of another region (botocore follows it)."""
    headers = {"x-amz-bucket-region": bucket.region}
    request = ctx.request
    authorization = request.headers.get("authorization", "") if request else ""
    if authorization.startswith("AWS4-"):
        return AwsError(
            "AuthorizationHeaderMalformed",
            f"The authorization header is malformed; the region '{ctx.region}' is wrong; "
            f"expecting '{bucket.region}'",
            400,
            fields={"Region": bucket.region},
            headers=headers,
        )
    if request is not None and "X-Amz-Credential=" in request.query_string:
        return AwsError(
            "AuthorizationQueryParametersError",
            f"Error parsing the X-Amz-Credential parameter; the region '{ctx.region}' is "
            f"wrong; expecting '{bucket.region}'",
            400,
            fields={"Region": bucket.region},
            headers=headers,
        )
    return AwsError(
        "PermanentRedirect",
        "The bucket you are attempting to access must be addressed using the specified "
        "endpoint. Please send all future requests to this endpoint.",
        301,
        fields={"Bucket": bucket.name, "Endpoint": f"s3.{bucket.region}.amazonaws.com"},
        headers=headers,
    )


def _region_was_named(ctx: RequestContext) -> bool:
    """Did the client name a region (signature scope or host), rather than us defaulting one?"""
    request = ctx.request
    if request is None:
        return False
    if request.headers.get("authorization", "").startswith("AWS4-"):
        return True
    return "X-Amz-Credential=" in request.query_string or bool(parse_host(request.host).region)


def validate_bucket_name(name: str) -> None:
    if not _is_valid_bucket_name(name):
        raise AwsError(
            "InvalidBucketName", "The specified bucket is not valid.", fields={"BucketName": name}
        )


def _is_valid_bucket_name(name: str) -> bool:
    if not BUCKET_NAME_RE.fullmatch(name) or ".." in name or ".-" in name or "-." in name:
        return False
    if name.startswith(_RESERVED_PREFIXES) or name.endswith(_RESERVED_SUFFIXES):
        return False
    try:
        ipaddress.IPv4Address(name)
    except ValueError:
        return True
    return False


def location_for_create(ctx: RequestContext, params: dict[str, Any]) -> str:
    """The region a CreateBucket puts the bucket in, or AWS's error for the constraint."""
    configuration = params.get("CreateBucketConfiguration") or {}
    constraint = configuration.get("LocationConstraint")
    if constraint is None:
        if ctx.region != DEFAULT_REGION:
            raise AwsError(
                "IllegalLocationConstraintException",
                "The unspecified location constraint is incompatible for the region specific "
                "endpoint this request was sent to.",
            )
        return DEFAULT_REGION
    region = _LEGACY_LOCATIONS.get(constraint, constraint)
    if region == DEFAULT_REGION or not is_valid_region(region):
        raise AwsError(
            "InvalidLocationConstraint",
            "The specified location-constraint is not valid",
            fields={"LocationConstraint": constraint},
        )
    if ctx.region not in (DEFAULT_REGION, region):
        raise AwsError(
            "IllegalLocationConstraintException",
            f"The {constraint} location constraint is incompatible for the region specific "
            "endpoint this request was sent to.",
        )
    return region


def owner_of(account_id: str) -> dict[str, str]:
    return {"DisplayName": f"account-{account_id}", "ID": canonical_user_id(account_id)}
