"""Server access logging (Put/GetBucketLogging) and Requester Pays (Put/GetBucketRequestPayment):
settings stored and answered as S3 validates them.

No access logs are delivered and nobody is charged: pocketcloud has no bill to send."""

from __future__ import annotations

from typing import Any

from pocketcloud.context import RequestContext
from pocketcloud.errors import AwsError
from pocketcloud.services.s3.buckets import Bucket, bucket_named, require_bucket
from pocketcloud.services.s3.configs import delete_config, get_config, put_config
from pocketcloud.services.s3.schema import s3_store
from pocketcloud.services.s3.versioning import malformed_xml

LOGGING = "logging"
REQUEST_PAYMENT = "request-payment"
PAYERS = ("BucketOwner", "Requester")
_PERMISSIONS = ("FULL_CONTROL", "READ", "WRITE")


def put_bucket_logging(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    bucket = require_bucket(ctx, params["Bucket"])
    enabled = (params.get("BucketLoggingStatus") or {}).get("LoggingEnabled")
    if enabled is None:  # an empty BucketLoggingStatus turns logging off
        delete_config(ctx, bucket.name, LOGGING)
        return {}
    if not enabled.get("TargetBucket") or enabled.get("TargetPrefix") is None:
        raise malformed_xml()
    for grant in enabled.get("TargetGrants") or []:
        if grant.get("Permission") not in _PERMISSIONS or not grant.get("Grantee"):
            raise malformed_xml()
    _check_target(ctx, bucket, str(enabled["TargetBucket"]))
    put_config(ctx, bucket.name, LOGGING, enabled)
    return {}


def get_bucket_logging(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    bucket = require_bucket(ctx, params["Bucket"])
    enabled = get_config(ctx, bucket.name, LOGGING)
    return {"LoggingEnabled": enabled} if enabled else {}


def _check_target(ctx: RequestContext, bucket: Bucket, name: str) -> None:
    target = bucket_named(s3_store(ctx), name)
    if target is None:
        raise AwsError("InvalidTargetBucketForLogging",
                       "The target bucket for logging does not exist",
                       fields={"TargetBucket": name})  # fmt: skip
    if target.account_id != bucket.account_id:
        raise AwsError("InvalidTargetBucketForLogging", "The owner for the bucket to be "
                       "logged and the target bucket must be the same.",
                       fields={"TargetBucket": name})  # fmt: skip
    if target.region != bucket.region:
        raise AwsError("CrossLocationLoggingProhibited", "Cross-location logging not allowed. "
                       "Buckets in one geographic location cannot log information to a bucket "
                       "in another location.", 403,
                       fields={"SourceBucketLocation": bucket.region,
                               "TargetBucketLocation": target.region})  # fmt: skip


def put_bucket_request_payment(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    bucket = require_bucket(ctx, params["Bucket"])
    payer = (params.get("RequestPaymentConfiguration") or {}).get("Payer")
    if payer not in PAYERS:
        raise malformed_xml()
    if payer == PAYERS[0]:
        delete_config(ctx, bucket.name, REQUEST_PAYMENT)
    else:
        put_config(ctx, bucket.name, REQUEST_PAYMENT, {"Payer": payer})
    return {}


def get_bucket_request_payment(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    bucket = require_bucket(ctx, params["Bucket"])
    return dict(get_config(ctx, bucket.name, REQUEST_PAYMENT) or {"Payer": PAYERS[0]})
