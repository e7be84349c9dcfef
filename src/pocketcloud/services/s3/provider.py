"""Amazon S3: one function per operation, named as botocore names it (``put_object``).

The operations live in topic modules; this module gathers them for the gateway's registry.
"""

from __future__ import annotations

from pocketcloud.services.s3.accelerate import (
    get_bucket_accelerate_configuration,
    put_bucket_accelerate_configuration,
)
from pocketcloud.services.s3.access import (
    delete_bucket_ownership_controls,
    delete_public_access_block,
    get_bucket_ownership_controls,
    get_public_access_block,
    put_bucket_ownership_controls,
    put_public_access_block,
)
from pocketcloud.services.s3.acl import (
    get_bucket_acl,
    get_object_acl,
    put_bucket_acl,
    put_object_acl,
)
from pocketcloud.services.s3.batch import delete_objects
from pocketcloud.services.s3.bucket_ops import (
    create_bucket,
    delete_bucket,
    get_bucket_location,
    head_bucket,
    list_buckets,
)
from pocketcloud.services.s3.bucket_policy import (
    delete_bucket_policy,
    get_bucket_policy,
    get_bucket_policy_status,
    put_bucket_policy,
)
from pocketcloud.services.s3.bucket_settings import (
    get_bucket_logging,
    get_bucket_request_payment,
    put_bucket_logging,
    put_bucket_request_payment,
)
from pocketcloud.services.s3.copying import copy_object
from pocketcloud.services.s3.cors import delete_bucket_cors, get_bucket_cors, put_bucket_cors
from pocketcloud.services.s3.encryption import (
    delete_bucket_encryption,
    get_bucket_encryption,
    put_bucket_encryption,
)
from pocketcloud.services.s3.id_configs import (
    delete_bucket_analytics_configuration,
    delete_bucket_intelligent_tiering_configuration,
    delete_bucket_inventory_configuration,
    delete_bucket_metrics_configuration,
    get_bucket_analytics_configuration,
    get_bucket_intelligent_tiering_configuration,
    get_bucket_inventory_configuration,
    get_bucket_metrics_configuration,
    list_bucket_analytics_configurations,
    list_bucket_intelligent_tiering_configurations,
    list_bucket_inventory_configurations,
    list_bucket_metrics_configurations,
    put_bucket_analytics_configuration,
    put_bucket_intelligent_tiering_configuration,
    put_bucket_inventory_configuration,
    put_bucket_metrics_configuration,
)
from pocketcloud.services.s3.legacy_configs import (
    get_bucket_lifecycle,
    get_bucket_notification,
    put_bucket_lifecycle,
    put_bucket_notification,
)
from pocketcloud.services.s3.lifecycle_config import (
    delete_bucket_lifecycle,
    get_bucket_lifecycle_configuration,
    put_bucket_lifecycle_configuration,
)
from pocketcloud.services.s3.listing import list_objects, list_objects_v2
from pocketcloud.services.s3.multipart import (
    abort_multipart_upload,
    complete_multipart_upload,
    create_multipart_upload,
    upload_part,
    upload_part_copy,
)
from pocketcloud.services.s3.notification_config import (
    get_bucket_notification_configuration,
    put_bucket_notification_configuration,
)
from pocketcloud.services.s3.object_attributes import get_object_attributes
from pocketcloud.services.s3.object_lock import (
    get_object_legal_hold,
    get_object_lock_configuration,
    get_object_retention,
    put_object_legal_hold,
    put_object_lock_configuration,
    put_object_retention,
)
from pocketcloud.services.s3.objects import delete_object, get_object, head_object, put_object
from pocketcloud.services.s3.replication_config import (
    delete_bucket_replication,
    get_bucket_replication,
    put_bucket_replication,
)
from pocketcloud.services.s3.restore import restore_object
from pocketcloud.services.s3.tagging import (
    delete_bucket_tagging,
    delete_object_tagging,
    get_bucket_tagging,
    get_object_tagging,
    put_bucket_tagging,
    put_object_tagging,
)
from pocketcloud.services.s3.upload_listing import list_multipart_uploads, list_parts
from pocketcloud.services.s3.version_listing import list_object_versions
from pocketcloud.services.s3.versioning import get_bucket_versioning, put_bucket_versioning
from pocketcloud.services.s3.website import (
    delete_bucket_website,
    get_bucket_website,
    put_bucket_website,
)

__all__ = [
    "get_bucket_lifecycle",
    "get_bucket_notification",
    "put_bucket_lifecycle",
    "put_bucket_notification",
    "restore_object",
    "get_object_attributes",
    "delete_bucket_encryption",
    "get_bucket_encryption",
    "put_bucket_encryption",
    "get_bucket_logging",
    "get_bucket_request_payment",
    "put_bucket_logging",
    "put_bucket_request_payment",
    "delete_bucket_analytics_configuration",
    "delete_bucket_intelligent_tiering_configuration",
    "delete_bucket_inventory_configuration",
    "delete_bucket_metrics_configuration",
    "get_bucket_analytics_configuration",
    "get_bucket_intelligent_tiering_configuration",
    "get_bucket_inventory_configuration",
    "get_bucket_metrics_configuration",
    "list_bucket_analytics_configurations",
    "list_bucket_intelligent_tiering_configurations",
    "list_bucket_inventory_configurations",
    "list_bucket_metrics_configurations",
    "put_bucket_analytics_configuration",
    "put_bucket_intelligent_tiering_configuration",
    "put_bucket_inventory_configuration",
    "put_bucket_metrics_configuration",
    "get_bucket_accelerate_configuration",
    "put_bucket_accelerate_configuration",
    "delete_bucket_replication",
    "get_bucket_replication",
    "put_bucket_replication",
    "get_bucket_notification_configuration",
    "put_bucket_notification_configuration",
    "delete_bucket_lifecycle",
    "get_bucket_lifecycle_configuration",
    "put_bucket_lifecycle_configuration",
    "delete_bucket_cors",
    "get_bucket_cors",
    "put_bucket_cors",
    "delete_bucket_website",
    "get_bucket_website",
    "put_bucket_website",
    "delete_bucket_ownership_controls",
    "delete_public_access_block",
    "get_bucket_ownership_controls",
    "get_public_access_block",
    "put_bucket_ownership_controls",
    "put_public_access_block",
    "get_bucket_acl",
    "get_object_acl",
    "put_bucket_acl",
    "put_object_acl",
    "delete_bucket_policy",
    "get_bucket_policy",
    "get_bucket_policy_status",
    "put_bucket_policy",
    "delete_bucket_tagging",
    "delete_object_tagging",
    "get_bucket_tagging",
    "get_object_tagging",
    "put_bucket_tagging",
    "put_object_tagging",
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
    "get_bucket_versioning",
    "get_object_legal_hold",
    "get_object_lock_configuration",
    "get_object_retention",
    "list_object_versions",
    "put_bucket_versioning",
    "put_object_legal_hold",
    "put_object_lock_configuration",
    "put_object_retention",
    "get_object",
    "head_bucket",
    "head_object",
    "list_buckets",
    "list_objects",
    "list_objects_v2",
    "put_object",
]
