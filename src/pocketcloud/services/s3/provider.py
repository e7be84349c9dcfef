"""Amazon S3: one function per operation, named as botocore names it (``put_object``).

The operations live in topic modules; this module gathers them for the gateway's registry.
"""

from __future__ import annotations

from pocketcloud.services.s3.batch import delete_objects
from pocketcloud.services.s3.bucket_ops import (
    create_bucket,
    delete_bucket,
    get_bucket_location,
    head_bucket,
    list_buckets,
)
from pocketcloud.services.s3.copying import copy_object
from pocketcloud.services.s3.listing import list_objects, list_objects_v2
from pocketcloud.services.s3.multipart import (
    abort_multipart_upload,
    complete_multipart_upload,
    create_multipart_upload,
    list_multipart_uploads,
    list_parts,
    upload_part,
    upload_part_copy,
)
from pocketcloud.services.s3.notification_config import (
    get_bucket_notification_configuration,
    put_bucket_notification_configuration,
)
from pocketcloud.services.s3.objects import delete_object, get_object, head_object, put_object

__all__ = [
    "get_bucket_notification_configuration",
    "put_bucket_notification_configuration",
    "abort_multipart_upload",
    "complete_multipart_upload",
    "create_multipart_upload",
    "list_multipart_uploads",
    "list_parts",
    "upload_part",
    "upload_part_copy",
    "copy_object",
    "create_bucket",
    "delete_bucket",
    "delete_object",
    "delete_objects",
    "get_bucket_location",
    "get_object",
    "head_bucket",
    "head_object",
    "list_buckets",
    "list_objects",
    "list_objects_v2",
    "put_object",
]
