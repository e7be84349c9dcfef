"""Transfer Acceleration: the bucket's setting, and the accelerate endpoint style.

PutBucketAccelerateConfiguration / GetBucketAccelerateConfiguration store and answer the
status. Requests may arrive through the accelerate endpoint (Host
``<bucket>.s3-accelerate.amazonaws.com``, ``...s3-accelerate.dualstack...`` or
``<bucket>.s3-accelerate.localhost:<port>``); S3 serves those only for a bucket with
acceleration Enabled. On one machine there is no edge network to speed anything up, so an
accelerated request is served exactly as a plain one.
"""

from __future__ import annotations

from typing import Any

from pocketcloud.context import RequestContext
from pocketcloud.errors import AwsError
from pocketcloud.gateway.hosts import parse_host
from pocketcloud.services.s3.buckets import require_bucket
from pocketcloud.services.s3.configs import get_config, put_config, read_config
from pocketcloud.services.s3.versioning import malformed_xml
from pocketcloud.store import Store

CONFIG_KIND = "accelerate"
STATUSES = ("Enabled", "Suspended")
ACCELERATE_LABEL = "s3-accelerate"


def put_bucket_accelerate_configuration(
    ctx: RequestContext, params: dict[str, Any]
) -> dict[str, Any]:
    bucket = require_bucket(ctx, params["Bucket"])
    status = (params.get("AccelerateConfiguration") or {}).get("Status")
    if status not in STATUSES:
        raise malformed_xml()
    if "." in bucket.name:
        raise AwsError("InvalidRequest", "S3 Transfer Acceleration is not supported for buckets "
                       "with periods (.) in their names")  # fmt: skip
    put_config(ctx, bucket.name, CONFIG_KIND, {"Status": status})
    return {}


def get_bucket_accelerate_configuration(
    ctx: RequestContext, params: dict[str, Any]
) -> dict[str, Any]:
    bucket = require_bucket(ctx, params["Bucket"])
    return dict(get_config(ctx, bucket.name, CONFIG_KIND) or {})


def is_accelerate_host(host: str) -> bool:
    """Whether S3's own label, after any virtual-hosted bucket (whose name may hold
    "s3-accelerate" as a label too), is the accelerate endpoint's; names in any case."""
    return parse_host(host).s3_label == ACCELERATE_LABEL


def check_accelerated(store: Store, bucket: str) -> None:
    """An accelerate-endpoint request to a bucket without acceleration: S3's 400."""
    status = (read_config(store, bucket, CONFIG_KIND) or {}).get("Status")
    if status != "Enabled":
        raise AwsError("InvalidRequest",
                       "S3 Transfer Acceleration is not configured on this bucket")
