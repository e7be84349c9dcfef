"""PutBucketReplication / GetBucketReplication / DeleteBucketReplication: the rules that
replication.py applies, validated as S3 validates them (both buckets versioned, the
destination existing, the V2 schema's Priority and DeleteMarkerReplication)."""

from __future__ import annotations

import base64
import uuid
from typing import Any

from pocketcloud.context import RequestContext
from pocketcloud.errors import AwsError
from pocketcloud.services.s3.buckets import bucket_named, require_bucket
from pocketcloud.services.s3.configs import delete_config, get_config, put_config
from pocketcloud.services.s3.schema import s3_store

CONFIG_KIND = "replication"
MAX_RULES = 1000
MAX_RULE_ID_CHARS = 255
_BUCKET_ARN = "arn:aws:s3:::"


def put_bucket_replication(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    bucket = require_bucket(ctx, params["Bucket"])
    config = params["ReplicationConfiguration"]
    if bucket.versioning != "Enabled":
        raise _invalid("Versioning must be 'Enabled' on the bucket to apply a replication "
                       "configuration")
    rules = config.get("Rules") or []
    if not config.get("Role") or not rules or len(rules) > MAX_RULES:
        raise _malformed()
    v2 = any(_is_v2(rule) for rule in rules)
    if v2 and not all(_is_v2(rule) for rule in rules):
        raise _malformed()  # one schema per configuration
    ids = [rule.get("ID") for rule in rules if rule.get("ID")]
    if len(ids) != len(set(ids)):
        raise AwsError("InvalidArgument", "Rule Id must be unique.")
    for rule in rules:
        _check_rule(ctx, bucket.name, rule, v2, len(rules))
    if v2:
        priorities = [rule.get("Priority") for rule in rules]
        if len(priorities) != len(set(priorities)):
            raise _invalid("Found overlapping priority. Priority must be unique for each rule.")
    rules = [rule if rule.get("ID") else {**rule, "ID": _generated_id()} for rule in rules]
    put_config(ctx, bucket.name, CONFIG_KIND, {"Role": config["Role"], "Rules": rules})
    return {}


def _generated_id() -> str:
    """S3 names a rule sent without ID: an opaque base64 token, as it answers them."""
    return base64.b64encode(str(uuid.uuid4()).encode()).decode()


def get_bucket_replication(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    bucket = require_bucket(ctx, params["Bucket"])
    config = get_config(ctx, bucket.name, CONFIG_KIND)
    if not config:
        raise AwsError("ReplicationConfigurationNotFoundError",
                       "The replication configuration was not found", 404,
                       fields={"BucketName": bucket.name})  # fmt: skip
    return {"ReplicationConfiguration": config}


def delete_bucket_replication(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    bucket = require_bucket(ctx, params["Bucket"])
    delete_config(ctx, bucket.name, CONFIG_KIND)
    return {}


def replication_rules(ctx: RequestContext, bucket: str) -> list[dict[str, Any]]:
    """The bucket's enabled rules, highest priority first (no configuration: none)."""
    config = get_config(ctx, bucket, CONFIG_KIND) or {}
    rules = [rule for rule in config.get("Rules") or [] if rule.get("Status") == "Enabled"]
    return sorted(rules, key=lambda rule: -int(rule.get("Priority") or 0))


def destination_bucket(rule: dict[str, Any]) -> str:
    return str(rule["Destination"]["Bucket"])[len(_BUCKET_ARN) :]


def _check_rule(ctx: RequestContext, source: str, rule: dict[str, Any], v2: bool,
                count: int) -> None:
    if rule.get("Status") not in ("Enabled", "Disabled"):
        raise _malformed()
    if len(rule.get("ID") or "") > MAX_RULE_ID_CHARS:
        raise AwsError("InvalidArgument", "ID length should not exceed allowed limit of 255")
    if v2 and "DeleteMarkerReplication" not in rule:
        raise _invalid("DeleteMarkerReplication must be specified for this version of Cross "
                       "Region Replication configuration schema.")
    if v2 and count > 1 and rule.get("Priority") is None:
        raise _invalid("Priority must be specified for this version of Cross Region "
                       "Replication configuration schema.")
    if v2 and _has_tags(rule.get("Filter") or {}) and (
            (rule.get("DeleteMarkerReplication") or {}).get("Status") == "Enabled"):
        raise _invalid("Delete marker replication is not supported if any Tag filter is "
                       "specified.")
    destination = str((rule.get("Destination") or {}).get("Bucket") or "")
    if not destination.startswith(_BUCKET_ARN) or len(destination) == len(_BUCKET_ARN):
        raise AwsError("InvalidArgument", "Invalid bucket ARN.",
                       fields={"ArgumentName": "Bucket", "ArgumentValue": destination})
    name = destination[len(_BUCKET_ARN) :]
    if name == source:
        raise _invalid("Destination bucket cannot be the same as the source bucket.")
    found = bucket_named(s3_store(ctx), name)
    if found is None:
        raise _invalid("Destination bucket must exist.")
    if found.versioning != "Enabled":
        raise _invalid("Destination bucket must have versioning enabled.")


def _is_v2(rule: dict[str, Any]) -> bool:
    return "Filter" in rule


def _has_tags(rule_filter: dict[str, Any]) -> bool:
    return "Tag" in rule_filter or bool((rule_filter.get("And") or {}).get("Tags"))


def _invalid(message: str) -> AwsError:
    return AwsError("InvalidRequest", message)


def _malformed() -> AwsError:
    return AwsError("MalformedXML", "The XML you provided was not well-formed or did not "
                    "validate against our published schema")
