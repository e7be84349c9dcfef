"""Object Lock: a bucket's default retention, each version's retention and legal hold, and
the rule that a locked version cannot be deleted.

A version's lock lives in its row's headers (ObjectLockMode, ObjectLockRetainUntilDate as
epoch seconds, ObjectLockLegalHoldStatus), so HeadObject/GetObject report it for free. Dates
are compared with the cloud clock, so a test can advance time past a retention.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from pocketcloud.context import RequestContext
from pocketcloud.errors import AwsError
from pocketcloud.services.s3.buckets import Bucket, remember_bucket, require_bucket
from pocketcloud.services.s3.rows import ObjectRow, update_headers
from pocketcloud.services.s3.schema import s3_store
from pocketcloud.services.s3.versioning import malformed_xml
from pocketcloud.store import Tx

MODES = ("GOVERNANCE", "COMPLIANCE")
LEGAL_HOLD_STATUSES = ("ON", "OFF")
CONFIG_KIND = "object-lock"
DAY_S = 86_400
YEAR_DAYS = 365
RETENTION_DAYS_MAX = 36_500  # S3 accepts up to 100 years of default retention
LOCK_HEADERS = ("ObjectLockMode", "ObjectLockRetainUntilDate", "ObjectLockLegalHoldStatus")


def missing_configuration() -> AwsError:
    return AwsError("InvalidRequest", "Bucket is missing Object Lock Configuration")


def access_denied() -> AwsError:
    return AwsError("AccessDenied", "Access Denied", 403)


def _epoch(value: Any) -> float:
    return value.timestamp() if isinstance(value, datetime) else float(value)


# -- the bucket's configuration -------------------------------------------------------------


def put_object_lock_configuration(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    bucket = require_bucket(ctx, params["Bucket"])
    configuration = params.get("ObjectLockConfiguration") or {}
    if configuration.get("ObjectLockEnabled") != "Enabled":
        raise malformed_xml()
    rule = _valid_rule(configuration.get("Rule"))
    if not bucket.object_lock and bucket.versioning != "Enabled":
        raise AwsError(
            "InvalidBucketState",
            "Versioning must be 'Enabled' on the bucket to apply a Object Lock configuration",
            409,
        )
    document = json.dumps({"Rule": rule} if rule else {})
    with s3_store(ctx).write() as tx:
        tx.execute("UPDATE s3_buckets SET object_lock = 1 WHERE name = ?", (bucket.name,))
        tx.execute(
            "INSERT INTO s3_bucket_configs (bucket, kind, document) VALUES (?, ?, ?) "
            "ON CONFLICT (bucket, kind) DO UPDATE SET document = excluded.document",
            (bucket.name, CONFIG_KIND, document),
        )
    remember_bucket(ctx, bucket.name, bucket._replace(object_lock=True))
    return {}


def _valid_rule(rule: dict[str, Any] | None) -> dict[str, Any] | None:
    if rule is None:
        return None
    if not rule or not isinstance(rule, dict):  # a Rule element with nothing in it
        raise malformed_xml()
    retention = rule.get("DefaultRetention") or {}
    days, years = retention.get("Days"), retention.get("Years")
    if retention.get("Mode") not in MODES or (days is None) == (years is None):
        raise malformed_xml()
    period = int(days if days is not None else years or 0)
    if period <= 0:
        raise AwsError(
            "InvalidArgument", "Default retention period must be a positive integer value."
        )
    if period * (1 if days is not None else YEAR_DAYS) > RETENTION_DAYS_MAX:
        raise AwsError(
            "InvalidArgument", "Default retention period is too large.",
        )  # fmt: skip
    unit = "Days" if days is not None else "Years"
    return {"DefaultRetention": {"Mode": retention["Mode"], unit: period}}


def _rule(tx: Tx, bucket: str) -> dict[str, Any]:
    document = tx.fetchvalue(
        "SELECT document FROM s3_bucket_configs WHERE bucket = ? AND kind = ?",
        (bucket, CONFIG_KIND),
    )
    return json.loads(document).get("Rule") or {} if document else {}


def get_object_lock_configuration(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    bucket = require_bucket(ctx, params["Bucket"])
    if not bucket.object_lock:
        raise AwsError(
            "ObjectLockConfigurationNotFoundError",
            "Object Lock configuration does not exist for this bucket",
            404,
            fields={"BucketName": bucket.name},
        )
    with s3_store(ctx).read() as tx:
        rule = _rule(tx, bucket.name)
    configuration: dict[str, Any] = {"ObjectLockEnabled": "Enabled"}
    if rule:
        configuration["Rule"] = rule
    return {"ObjectLockConfiguration": configuration}


# -- a new version's lock -------------------------------------------------------------------


def lock_headers(ctx: RequestContext, bucket: Bucket, headers: dict[str, Any]) -> None:
    """Check a new version's lock headers, or give it the bucket's default retention."""
    mode = headers.get("ObjectLockMode")
    until = headers.get("ObjectLockRetainUntilDate")
    hold = headers.get("ObjectLockLegalHoldStatus")
    if mode is None and until is None and hold is None:
        if bucket.object_lock:
            _apply_default(ctx, bucket, headers)
        return
    if not bucket.object_lock:
        raise missing_configuration()
    if (mode is None) != (until is None):
        raise AwsError(
            "InvalidArgument",
            "x-amz-object-lock-retain-until-date and x-amz-object-lock-mode must both be supplied",
        )
    if mode is not None and mode not in MODES:
        raise AwsError("InvalidArgument", "Unknown wormMode directive.")
    if until is not None and _epoch(until) <= ctx.cloud.clock.now():
        raise AwsError("InvalidArgument", "The retain until date must be in the future!")
    if hold is not None and hold not in LEGAL_HOLD_STATUSES:
        raise AwsError("InvalidArgument", "Legal Hold must be either of 'ON' or 'OFF'")
    if mode is None:
        _apply_default(ctx, bucket, headers)


def _apply_default(ctx: RequestContext, bucket: Bucket, headers: dict[str, Any]) -> None:
    with s3_store(ctx).read() as tx:
        retention = _rule(tx, bucket.name).get("DefaultRetention")
    if not retention:
        return
    days = retention.get("Days") or retention.get("Years", 0) * YEAR_DAYS
    headers["ObjectLockMode"] = retention["Mode"]
    headers["ObjectLockRetainUntilDate"] = ctx.cloud.clock.now() + days * DAY_S


def without_lock(headers: dict[str, Any]) -> dict[str, Any]:
    """A copy's headers: the source's lock does not travel with its bytes."""
    return {name: value for name, value in headers.items() if name not in LOCK_HEADERS}


def is_locked(row: ObjectRow, now_s: float) -> bool:
    """Does a legal hold or an unexpired retention protect this version (lifecycle skips it)?"""
    try:
        check_deletable(row, now_s, bypass_governance=False)
    except AwsError:
        return True
    return False


def check_deletable(row: ObjectRow, now_s: float, bypass_governance: bool) -> None:
    """Refuse (AccessDenied, as S3) to delete a version under legal hold or retention."""
    if row.delete_marker:
        return
    if row.headers.get("ObjectLockLegalHoldStatus") == "ON":
        raise access_denied()
    until = row.headers.get("ObjectLockRetainUntilDate")
    if until is None or float(until) <= now_s:
        return
    if row.headers.get("ObjectLockMode") == "GOVERNANCE" and bypass_governance:
        return
    raise access_denied()


def may_bypass(ctx: RequestContext, bucket: str, key: str) -> bool:
    """x-amz-bypass-governance-retention counts only for a caller allowed
    s3:BypassGovernanceRetention on the object (checked when IAM enforces)."""
    if ctx.cloud.settings.iam != "enforce" or ctx.caller is None:
        return True
    from pocketcloud.gateway.authorization import decide
    from pocketcloud.iam.actions import Target

    target = Target("s3:BypassGovernanceRetention", [f"arn:aws:s3:::{bucket}/{key}"], {})
    return decide(ctx, target).allowed


# -- a version's retention and legal hold ---------------------------------------------------


def _locked_version(
    ctx: RequestContext, params: dict[str, Any], method: str
) -> tuple[Bucket, ObjectRow]:
    """The version a lock request names; a delete marker, latest or by id, is 405 for
    `method`, as S3 answers retention requests."""
    from pocketcloud.services.s3.objects import find_object  # objects imports this module

    bucket = require_bucket(ctx, params["Bucket"])
    if not bucket.object_lock:
        raise missing_configuration()
    return bucket, find_object(ctx, bucket, params, method, marker_not_allowed=True)


def put_object_retention(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    bucket, row = _locked_version(ctx, params, "PUT")
    retention = params.get("Retention") or {}
    mode, until = retention.get("Mode"), retention.get("RetainUntilDate")
    if (mode is None) != (until is None) or (mode is not None and mode not in MODES):
        raise malformed_xml()
    now = ctx.cloud.clock.now()
    until_s = _epoch(until) if until is not None else None
    if until_s is not None and until_s <= now:
        raise AwsError("InvalidArgument", "The retain until date must be in the future!")
    bypass = bool(params.get("BypassGovernanceRetention")) and may_bypass(ctx, bucket.name, row.key)
    _check_retention_change(row, mode, until_s, now, bypass)
    headers = without_lock(row.headers)
    if row.headers.get("ObjectLockLegalHoldStatus"):
        headers["ObjectLockLegalHoldStatus"] = row.headers["ObjectLockLegalHoldStatus"]
    if mode is not None:
        headers.update(ObjectLockMode=mode, ObjectLockRetainUntilDate=until_s)
    _save(ctx, bucket, row, headers)
    return {}


def _check_retention_change(
    row: ObjectRow, mode: str | None, until_s: float | None, now_s: float, bypass: bool
) -> None:
    """Only a longer retention in the same mode may replace an active one; a governance lock
    may be shortened, lifted or made COMPLIANCE only with the bypass, a compliance lock never."""
    old_mode = row.headers.get("ObjectLockMode")
    old_until = row.headers.get("ObjectLockRetainUntilDate")
    if old_mode is None or old_until is None or float(old_until) <= now_s:
        return
    extends = mode == old_mode and until_s is not None and until_s >= float(old_until)
    if not extends and (old_mode == "COMPLIANCE" or not bypass):
        raise access_denied()


def _save(ctx: RequestContext, bucket: Bucket, row: ObjectRow, headers: dict[str, Any]) -> None:
    with s3_store(ctx).write() as tx:
        if not update_headers(tx, bucket.name, row.key, row.version_id, headers):
            raise AwsError("NoSuchKey", "The specified key does not exist.", 404)


def get_object_retention(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    _, row = _locked_version(ctx, params, "GET")
    mode = row.headers.get("ObjectLockMode")
    if mode is None:
        raise _no_lock()
    until = row.headers["ObjectLockRetainUntilDate"]
    return {"Retention": {"Mode": mode, "RetainUntilDate": until}}


def put_object_legal_hold(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    bucket, row = _locked_version(ctx, params, "PUT")
    status = (params.get("LegalHold") or {}).get("Status")
    if status not in LEGAL_HOLD_STATUSES:
        raise malformed_xml()
    _save(ctx, bucket, row, {**row.headers, "ObjectLockLegalHoldStatus": status})
    return {}


def get_object_legal_hold(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    _, row = _locked_version(ctx, params, "GET")
    status = row.headers.get("ObjectLockLegalHoldStatus")
    if status is None:
        raise _no_lock()
    return {"LegalHold": {"Status": status}}


def _no_lock() -> AwsError:
    return AwsError(
        "NoSuchObjectLockConfiguration",
        "The specified object does not have a ObjectLock configuration",
        404,
    )
