"""Server-side encryption: the bucket's default (Put/Get/DeleteBucketEncryption) and the
encryption each object reports (x-amz-server-side-encryption and its KMS companions).

Since January 2023 every S3 bucket encrypts with SSE-S3 (AES256) unless told otherwise, so a
bucket with nothing set answers that rule and every object reports AES256. pocketcloud keeps
the bytes as they were sent: the settings are stored and reported, nothing is encrypted.

An object stores only what differs from that default (a KMS algorithm, its key, the bucket
key flag), so the common PUT stores and reads nothing more than before; the bucket's
document comes from configs.py's per-process cache.
"""

from __future__ import annotations

from typing import Any

from pocketcloud.context import RequestContext
from pocketcloud.errors import AwsError
from pocketcloud.services.s3.buckets import Bucket, require_bucket
from pocketcloud.services.s3.configs import delete_config, get_config, put_config
from pocketcloud.services.s3.versioning import malformed_xml

CONFIG_KIND = "encryption"
AES256 = "AES256"
KMS_ALGORITHMS = ("aws:kms", "aws:kms:dsse")
ALGORITHMS = (AES256, *KMS_ALGORITHMS)
RULES_MAX = 1  # S3 takes one default-encryption rule per bucket
OBJECT_MEMBERS = ("ServerSideEncryption", "SSEKMSKeyId", "BucketKeyEnabled")
DEFAULT_CONFIGURATION: dict[str, Any] = {"Rules": [{
    "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": AES256},
    "BucketKeyEnabled": False,
}]}  # fmt: skip


def put_bucket_encryption(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    bucket = require_bucket(ctx, params["Bucket"])
    config = params.get("ServerSideEncryptionConfiguration") or {}
    rules = config.get("Rules") or []
    if not rules or len(rules) > RULES_MAX:
        raise malformed_xml()
    put_config(ctx, bucket.name, CONFIG_KIND, {"Rules": [_checked_rule(r) for r in rules]})
    return {}


def get_bucket_encryption(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    bucket = require_bucket(ctx, params["Bucket"])
    config = get_config(ctx, bucket.name, CONFIG_KIND) or DEFAULT_CONFIGURATION
    return {"ServerSideEncryptionConfiguration": config}


def delete_bucket_encryption(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    bucket = require_bucket(ctx, params["Bucket"])
    delete_config(ctx, bucket.name, CONFIG_KIND)  # back to SSE-S3, as S3 does
    return {}


def _checked_rule(rule: dict[str, Any]) -> dict[str, Any]:
    default = rule.get("ApplyServerSideEncryptionByDefault")
    if not isinstance(default, dict) or default.get("SSEAlgorithm") not in ALGORITHMS:
        raise malformed_xml()  # S3 validates the algorithm against its schema's enumeration
    algorithm = default["SSEAlgorithm"]
    if default.get("KMSMasterKeyID") and algorithm not in KMS_ALGORITHMS:
        raise AwsError("InvalidArgument", "a KMSMasterKeyID is not applicable if the default "
                       "sse algorithm is not aws:kms or aws:kms:dsse")  # fmt: skip
    checked: dict[str, Any] = {"ApplyServerSideEncryptionByDefault": {
        name: default[name] for name in ("SSEAlgorithm", "KMSMasterKeyID") if default.get(name)
    }, "BucketKeyEnabled": bool(rule.get("BucketKeyEnabled"))}  # fmt: skip
    if rule.get("BlockedEncryptionTypes"):
        checked["BlockedEncryptionTypes"] = rule["BlockedEncryptionTypes"]
    return checked


def managed_key_arn(ctx: RequestContext, bucket: Bucket) -> str:
    """The AWS managed key S3 uses when SSE-KMS names no key (aws/s3 of the account)."""
    return f"arn:aws:kms:{bucket.region}:{bucket.account_id}:alias/aws/s3"


def object_encryption(
    ctx: RequestContext, bucket: Bucket, params: dict[str, Any]
) -> dict[str, Any]:
    """The encryption members a new object stores: the request's headers, else the bucket's
    default; {} for SSE-S3 (the default every object reports) and for SSE-C."""
    algorithm = params.get("ServerSideEncryption")
    if algorithm is None:
        if params.get("SSEKMSKeyId") is not None:
            raise _kms_key_without_kms()
        if params.get("SSECustomerAlgorithm") is not None:
            return {}
        return _bucket_default(ctx, bucket)
    if algorithm not in ALGORITHMS:
        raise AwsError("InvalidArgument", "The encryption method specified is not supported",
                       fields={"ArgumentName": "x-amz-server-side-encryption",
                               "ArgumentValue": str(algorithm)})  # fmt: skip
    if params.get("SSECustomerAlgorithm") is not None:
        raise AwsError("InvalidArgument", "Server Side Encryption with Customer provided key "
                       "is incompatible with the encryption method specified")  # fmt: skip
    if algorithm == AES256:
        if params.get("SSEKMSKeyId") is not None:
            raise _kms_key_without_kms()
        return {}
    key_id = params.get("SSEKMSKeyId") or _default_kms_key(ctx, bucket, algorithm)
    chosen: dict[str, Any] = {"ServerSideEncryption": algorithm, "SSEKMSKeyId": key_id}
    bucket_key = params.get("BucketKeyEnabled")
    if bucket_key is None:
        bucket_key = _default_rule(ctx, bucket).get("BucketKeyEnabled")
    if bucket_key:
        chosen["BucketKeyEnabled"] = True
    return chosen


def reported(headers: dict[str, Any]) -> dict[str, Any]:
    """What a write answers about the object's encryption (AES256 unless it says more)."""
    found = {name: headers[name] for name in OBJECT_MEMBERS if name in headers}
    found.setdefault("ServerSideEncryption", AES256)
    return found


def without_encryption(headers: dict[str, Any]) -> dict[str, Any]:
    """A copy's headers: the copy is encrypted as its request and bucket say, not as the
    source was."""
    return {name: value for name, value in headers.items() if name not in OBJECT_MEMBERS}


def has_default_encryption(ctx: RequestContext, bucket: Bucket) -> bool:
    """Was a default-encryption configuration put on the bucket (not the implicit SSE-S3)?"""
    return bool(get_config(ctx, bucket.name, CONFIG_KIND))


def _default_rule(ctx: RequestContext, bucket: Bucket) -> dict[str, Any]:
    config = get_config(ctx, bucket.name, CONFIG_KIND)
    return dict(config["Rules"][0]) if config else {}


def _bucket_default(ctx: RequestContext, bucket: Bucket) -> dict[str, Any]:
    rule = _default_rule(ctx, bucket)
    default = rule.get("ApplyServerSideEncryptionByDefault") or {}
    algorithm = default.get("SSEAlgorithm")
    if algorithm not in KMS_ALGORITHMS:
        return {}
    chosen: dict[str, Any] = {
        "ServerSideEncryption": algorithm,
        "SSEKMSKeyId": default.get("KMSMasterKeyID") or managed_key_arn(ctx, bucket),
    }
    if rule.get("BucketKeyEnabled"):
        chosen["BucketKeyEnabled"] = True
    return chosen


def _default_kms_key(ctx: RequestContext, bucket: Bucket, algorithm: str) -> str:
    """The bucket's default key when its default uses the same algorithm, else aws/s3."""
    default = _default_rule(ctx, bucket).get("ApplyServerSideEncryptionByDefault") or {}
    if default.get("SSEAlgorithm") == algorithm and default.get("KMSMasterKeyID"):
        return str(default["KMSMasterKeyID"])
    return managed_key_arn(ctx, bucket)


def _kms_key_without_kms() -> AwsError:
    return AwsError("InvalidArgument", "Server Side Encryption with AWS KMS managed key "
                    "requires HTTP header x-amz-server-side-encryption : aws:kms")  # fmt: skip
