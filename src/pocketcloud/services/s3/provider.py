"""Amazon S3: one function per operation, named as botocore names it (``put_object``).

The operations live in topic modules; this module gathers them for the gateway's registry.
"""

from __future__ import annotations

from pocketcloud.services.s3.bucket_ops import (
    create_bucket,
    delete_bucket,
    get_bucket_location,
    head_bucket,
    list_buckets,
)
from pocketcloud.services.s3.listing import list_objects, list_objects_v2
from pocketcloud.services.s3.objects import delete_object, get_object, head_object, put_object

__all__ = [
    "create_bucket",
    "delete_bucket",
    "delete_object",
    "get_bucket_location",
    "get_object",
    "head_bucket",
    "head_object",
    "list_buckets",
    "list_objects",
    "list_objects_v2",
    "put_object",
]
