"""Bucket configurations kept by Id: analytics, inventory, metrics and S3 Intelligent-Tiering
archive settings. Each family has Put/Get/Delete by Id and a List paged 100 at a time with
a continuation token, at most 1,000 per bucket, as S3 documents.

They are stored and answered; no analysis, inventory report, CloudWatch metric or archive
tier is produced. All of a family's configurations are one document (configs.py)."""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pocketcloud.context import RequestContext
from pocketcloud.errors import AwsError
from pocketcloud.services.s3.buckets import require_bucket
from pocketcloud.services.s3.configs import get_config, put_config
from pocketcloud.services.s3.versioning import malformed_xml

CONFIGURATIONS_MAX = 1000  # per bucket and family
PAGE_SIZE = 100
ID_CHARS_MAX = 64
_FILTER_MEMBERS = ("Prefix", "Tag", "And", "AccessPointArn")
_TIER_MINIMUM_DAYS = {"ARCHIVE_ACCESS": 90, "DEEP_ARCHIVE_ACCESS": 180}
_TIER_MAXIMUM_DAYS = 730
_BUCKET_ARN = re.compile(r"arn:aws(?:-cn|-us-gov)?:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]").fullmatch


def _check_filter(config: dict[str, Any]) -> None:
    found = config.get("Filter")
    if found is not None and sum(name in found for name in _FILTER_MEMBERS) != 1:
        raise malformed_xml()  # exactly one of Prefix, Tag, And (and metrics' AccessPointArn)
    tag = (found or {}).get("Tag")
    if tag is not None and not tag.get("Key"):
        raise malformed_xml()


def _check_analytics(config: dict[str, Any]) -> None:
    _check_filter(config)
    analysis = config.get("StorageClassAnalysis")
    if analysis is None:
        raise malformed_xml()
    export = analysis.get("DataExport")
    if export is not None:
        destination = (export.get("Destination") or {}).get("S3BucketDestination") or {}
        if export.get("OutputSchemaVersion") != "V_1" or not destination.get("Bucket") or (
                destination.get("Format") != "CSV"):
            raise malformed_xml()


def _check_inventory(config: dict[str, Any]) -> None:
    destination = (config.get("Destination") or {}).get("S3BucketDestination") or {}
    if not destination.get("Bucket") or destination.get("Format") not in ("CSV", "ORC",
                                                                          "Parquet"):
        raise malformed_xml()
    if config.get("IsEnabled") is None or config.get("IncludedObjectVersions") not in (
            "All", "Current"):
        raise malformed_xml()
    if (config.get("Schedule") or {}).get("Frequency") not in ("Daily", "Weekly"):
        raise malformed_xml()
    prefix_filter = config.get("Filter")
    if prefix_filter is not None and prefix_filter.get("Prefix") is None:
        raise malformed_xml()


def _check_destination_arn(config: dict[str, Any]) -> None:
    """An inventory's destination is named by the bucket's ARN: arn:aws:s3:::<bucket>."""
    arn = config["Destination"]["S3BucketDestination"]["Bucket"]
    if not _BUCKET_ARN(arn):
        raise AwsError("InvalidS3DestinationBucket", "Invalid bucket ARN.")


def _check_metrics(config: dict[str, Any]) -> None:
    _check_filter(config)


def _check_intelligent_tiering(config: dict[str, Any]) -> None:
    _check_filter(config)
    tierings = config.get("Tierings") or []
    if config.get("Status") not in ("Enabled", "Disabled") or not tierings:
        raise malformed_xml()
    tiers = [tiering.get("AccessTier") for tiering in tierings]
    if len(set(tiers)) != len(tiers):
        raise malformed_xml()
    for tiering in tierings:
        minimum = _TIER_MINIMUM_DAYS.get(tiering.get("AccessTier") or "")
        if minimum is None or tiering.get("Days") is None:
            raise malformed_xml()
        if not minimum <= int(tiering["Days"]) <= _TIER_MAXIMUM_DAYS:
            raise AwsError("InvalidArgument", f"{tiering['AccessTier']} days must be between "
                           f"{minimum} and {_TIER_MAXIMUM_DAYS}")  # fmt: skip


@dataclass(frozen=True)
class Family:
    kind: str  # the document's kind in configs.py
    member: str  # the request/response member holding one configuration
    list_member: str  # ListBucket...Configurations' list
    check: Callable[[dict[str, Any]], None]


ANALYTICS = Family("analytics", "AnalyticsConfiguration", "AnalyticsConfigurationList",
                   _check_analytics)  # fmt: skip
INVENTORY = Family("inventory", "InventoryConfiguration", "InventoryConfigurationList",
                   _check_inventory)  # fmt: skip
METRICS = Family("metrics", "MetricsConfiguration", "MetricsConfigurationList", _check_metrics)
INTELLIGENT_TIERING = Family("intelligent-tiering", "IntelligentTieringConfiguration",
                             "IntelligentTieringConfigurationList",
                             _check_intelligent_tiering)  # fmt: skip


def no_such_configuration() -> AwsError:
    return AwsError("NoSuchConfiguration", "The specified configuration does not exist.", 404)


def _put(family: Family, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    bucket = require_bucket(ctx, params["Bucket"])
    config = params.get(family.member)
    config_id = params.get("Id") or ""
    if not isinstance(config, dict):
        raise malformed_xml()
    if family is INVENTORY:  # the document, then its Id, then the destination, as S3 checks
        family.check(config)
        if config.get("Id") != config_id:
            raise AwsError("IdMismatch",
                           "Document ID does not match the specified configuration ID.")
        _check_destination_arn(config)
    elif config.get("Id") != config_id:
        raise malformed_xml()  # the body's Id must be the one the query names
    if len(config_id) > ID_CHARS_MAX:
        raise AwsError("InvalidArgument", f"The Id must be at most {ID_CHARS_MAX} characters",
                       fields={"ArgumentName": "id", "ArgumentValue": config_id})  # fmt: skip
    if family is not INVENTORY:
        family.check(config)
    stored = dict(get_config(ctx, bucket.name, family.kind) or {})
    if config_id not in stored and len(stored) >= CONFIGURATIONS_MAX:
        raise AwsError("TooManyConfigurations", "You are attempting to create a new "
                       f"configuration but have already reached the {CONFIGURATIONS_MAX:,}-"
                       "configuration limit.")  # fmt: skip
    stored[config_id] = config
    put_config(ctx, bucket.name, family.kind, stored)
    return {}


def _get(family: Family, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    bucket = require_bucket(ctx, params["Bucket"])
    found = (get_config(ctx, bucket.name, family.kind) or {}).get(params.get("Id") or "")
    if found is None:
        raise no_such_configuration()
    return {family.member: found}


def _delete(family: Family, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    bucket = require_bucket(ctx, params["Bucket"])
    stored = dict(get_config(ctx, bucket.name, family.kind) or {})
    if stored.pop(params.get("Id") or "", None) is None:
        raise no_such_configuration()
    put_config(ctx, bucket.name, family.kind, stored)
    return {}


def _list(family: Family, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    bucket = require_bucket(ctx, params["Bucket"])
    stored = get_config(ctx, bucket.name, family.kind) or {}
    token = params.get("ContinuationToken")
    after = _token_id(token) if token is not None else None
    ids = sorted(i for i in stored if after is None or i > after)
    page = ids[:PAGE_SIZE]
    result: dict[str, Any] = {"IsTruncated": len(ids) > PAGE_SIZE}
    if page:
        result[family.list_member] = [stored[i] for i in page]
    if token is not None:
        result["ContinuationToken"] = token
    if len(ids) > PAGE_SIZE:
        result["NextContinuationToken"] = base64.urlsafe_b64encode(page[-1].encode()).decode()
    return result


def _token_id(token: str) -> str:
    try:
        found = base64.b64decode(token.encode(), altchars=b"-_", validate=True).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        found = ""
    if not found:
        raise AwsError("InvalidArgument", "The continuation token provided is incorrect",
                       fields={"ArgumentName": "continuation-token",
                               "ArgumentValue": token})  # fmt: skip
    return found


# The provider's operations, one per family and verb.
def put_bucket_analytics_configuration(ctx: RequestContext, params: dict[str, Any]) -> Any:
    return _put(ANALYTICS, ctx, params)


def get_bucket_analytics_configuration(ctx: RequestContext, params: dict[str, Any]) -> Any:
    return _get(ANALYTICS, ctx, params)


def delete_bucket_analytics_configuration(ctx: RequestContext, params: dict[str, Any]) -> Any:
    return _delete(ANALYTICS, ctx, params)


def list_bucket_analytics_configurations(ctx: RequestContext, params: dict[str, Any]) -> Any:
    return _list(ANALYTICS, ctx, params)


def put_bucket_inventory_configuration(ctx: RequestContext, params: dict[str, Any]) -> Any:
    return _put(INVENTORY, ctx, params)


def get_bucket_inventory_configuration(ctx: RequestContext, params: dict[str, Any]) -> Any:
    return _get(INVENTORY, ctx, params)


def delete_bucket_inventory_configuration(ctx: RequestContext, params: dict[str, Any]) -> Any:
    return _delete(INVENTORY, ctx, params)


def list_bucket_inventory_configurations(ctx: RequestContext, params: dict[str, Any]) -> Any:
    return _list(INVENTORY, ctx, params)


def put_bucket_metrics_configuration(ctx: RequestContext, params: dict[str, Any]) -> Any:
    return _put(METRICS, ctx, params)


def get_bucket_metrics_configuration(ctx: RequestContext, params: dict[str, Any]) -> Any:
    return _get(METRICS, ctx, params)


def delete_bucket_metrics_configuration(ctx: RequestContext, params: dict[str, Any]) -> Any:
    return _delete(METRICS, ctx, params)


def list_bucket_metrics_configurations(ctx: RequestContext, params: dict[str, Any]) -> Any:
    return _list(METRICS, ctx, params)


def put_bucket_intelligent_tiering_configuration(
    ctx: RequestContext, params: dict[str, Any]
) -> Any:
    return _put(INTELLIGENT_TIERING, ctx, params)


def get_bucket_intelligent_tiering_configuration(
    ctx: RequestContext, params: dict[str, Any]
) -> Any:
    return _get(INTELLIGENT_TIERING, ctx, params)


def delete_bucket_intelligent_tiering_configuration(
    ctx: RequestContext, params: dict[str, Any]
) -> Any:
    return _delete(INTELLIGENT_TIERING, ctx, params)


def list_bucket_intelligent_tiering_configurations(
    ctx: RequestContext, params: dict[str, Any]
) -> Any:
    return _list(INTELLIGENT_TIERING, ctx, params)
