"""PutBucketVersioning and GetBucketVersioning.

A bucket is never-enabled ("", its objects carry the "null" version), Enabled or Suspended;
once enabled it never returns to never-enabled. Object Lock needs versioning on, so a locked
bucket cannot be suspended, nor can a bucket that replicates. MFA delete needs a hardware
token we cannot check: asking for it is refused, and the state is reported as Disabled once
the bucket has been configured.
"""

from __future__ import annotations

from typing import Any

from pocketcloud.context import RequestContext
from pocketcloud.errors import AwsError
from pocketcloud.services.s3.buckets import remember_bucket, require_bucket
from pocketcloud.services.s3.configs import get_config
from pocketcloud.services.s3.replication_config import CONFIG_KIND as REPLICATION
from pocketcloud.services.s3.schema import s3_store

STATUSES = ("Enabled", "Suspended")


def malformed_xml() -> AwsError:
    return AwsError(
        "MalformedXML",
        "The XML you provided was not well-formed or did not validate against our published "
        "schema",
    )


def put_bucket_versioning(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    bucket = require_bucket(ctx, params["Bucket"])
    configuration = params.get("VersioningConfiguration") or {}
    status = configuration.get("Status")
    mfa_delete = configuration.get("MFADelete")
    if status is None and mfa_delete is None:
        raise AwsError(
            "IllegalVersioningConfigurationException", "The Versioning element must be specified"
        )
    if status not in STATUSES or mfa_delete not in (None, "Enabled", "Disabled"):
        raise malformed_xml()
    if mfa_delete == "Enabled":
        raise AwsError(
            "InvalidRequest",
            "MFA delete cannot be enabled: pocketcloud has no MFA devices to check tokens "
            "against.",
        )
    if bucket.object_lock and status != "Enabled":
        raise AwsError(
            "InvalidBucketState",
            "An Object Lock configuration is present on this bucket, so the versioning state "
            "cannot be changed.",
            409,
        )
    if status != "Enabled" and get_config(ctx, bucket.name, REPLICATION) is not None:
        raise AwsError(
            "InvalidBucketState",
            "A replication configuration is present on this bucket, so the versioning state "
            "cannot be changed.",
            409,
        )
    with s3_store(ctx).write() as tx:
        tx.execute("UPDATE s3_buckets SET versioning = ? WHERE name = ?", (status, bucket.name))
    remember_bucket(ctx, bucket.name, bucket._replace(versioning=status))
    return {}


def get_bucket_versioning(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    bucket = require_bucket(ctx, params["Bucket"])
    if not bucket.versioning:
        return {}
    return {"Status": bucket.versioning, "MFADelete": "Disabled"}
