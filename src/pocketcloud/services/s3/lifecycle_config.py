"""Lifecycle configuration: Put/Get/DeleteBucketLifecycleConfiguration, validated as S3
validates it. Rules are stored as given (dates as epoch seconds); lifecycle_run.py applies
the expiration actions."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pocketcloud.context import RequestContext
from pocketcloud.errors import AwsError
from pocketcloud.services.s3.buckets import require_bucket
from pocketcloud.services.s3.configs import delete_config, get_config, put_config

LIFECYCLE = "lifecycle"
RULES_MAX = 1000  # AWS: a lifecycle configuration holds up to 1,000 rules
RULE_ID_CHARS_MAX = 255
DAY_S = 86_400
DEFAULT_MINIMUM_SIZE = "all_storage_classes_128K"
TRANSITION_CLASSES = ("GLACIER", "STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING",
                      "DEEP_ARCHIVE", "GLACIER_IR")  # fmt: skip
_FILTER_MEMBERS = ("Prefix", "Tag", "ObjectSizeGreaterThan", "ObjectSizeLessThan", "And")
_ACTIONS = ("Expiration", "Transitions", "NoncurrentVersionExpiration",
            "NoncurrentVersionTransitions", "AbortIncompleteMultipartUpload")  # fmt: skip
_MALFORMED_XML = (
    "The XML you provided was not well-formed or did not validate against our published schema"
)


def malformed() -> AwsError:
    return AwsError("MalformedXML", _MALFORMED_XML)


def invalid(message: str) -> AwsError:
    return AwsError("InvalidArgument", message)


def _epoch(value: Any) -> float:
    return value.timestamp() if isinstance(value, datetime) else float(value)


def _iso(epoch_s: float) -> str:
    return datetime.fromtimestamp(epoch_s, UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def _check_filter(rule: dict[str, Any]) -> bool:
    """Validates Filter/Prefix; True when the rule filters on tags."""
    has_filter = "Filter" in rule and rule["Filter"] is not None
    if has_filter == ("Prefix" in rule and rule["Prefix"] is not None):
        raise malformed()  # exactly one of Filter and the legacy Prefix
    if not has_filter:
        return False
    given = [m for m in _FILTER_MEMBERS if rule["Filter"].get(m) is not None]
    if len(given) > 1:
        raise malformed()
    and_ = rule["Filter"].get("And")
    if and_ is not None:
        above, below = and_.get("ObjectSizeGreaterThan"), and_.get("ObjectSizeLessThan")
        if above is not None and below is not None and above >= below:
            raise invalid("ObjectSizeGreaterThan must be less than ObjectSizeLessThan in a "
                          "lifecycle rule filter")  # fmt: skip
        keys = [tag.get("Key") for tag in and_.get("Tags") or []]
        if len(keys) != len(set(keys)):
            raise AwsError("InvalidRequest", "Duplicate Tag Keys are not allowed.")
        return bool(and_.get("Tags"))
    return rule["Filter"].get("Tag") is not None


def _check_expiration(expiration: dict[str, Any], tagged: bool) -> None:
    given = [m for m in ("Days", "Date", "ExpiredObjectDeleteMarker")
             if expiration.get(m) is not None]  # fmt: skip
    if len(given) != 1:
        if expiration.get("ExpiredObjectDeleteMarker") is False:
            raise invalid("ExpiredObjectDeleteMarker cannot be specified with Days or Date in "
                          "a Lifecycle Expiration Policy.")  # fmt: skip
        raise malformed()
    if expiration.get("Days") is not None and expiration["Days"] <= 0:
        raise invalid("'Days' for Expiration action must be a positive integer")
    if expiration.get("Date") is not None:
        date = _epoch(expiration["Date"])
        if date % DAY_S:
            raise AwsError("InvalidArgument", "'Date' must be at midnight GMT", fields={
                "ArgumentName": "Date", "ArgumentValue": _iso(date)})
        expiration["Date"] = date
    if expiration.get("ExpiredObjectDeleteMarker") is not None and tagged:
        raise invalid("ExpiredObjectDeleteMarker cannot be specified with tag filter.")


def _check_transition(transition: dict[str, Any]) -> None:
    storage_class = transition.get("StorageClass")
    if storage_class not in TRANSITION_CLASSES:
        raise malformed()
    if (transition.get("Days") is None) == (transition.get("Date") is None):
        raise malformed()
    if transition.get("Date") is not None:
        transition["Date"] = _epoch(transition["Date"])
    elif storage_class in ("STANDARD_IA", "ONEZONE_IA") and transition["Days"] < 30:
        raise invalid(f"'Days' in Transition action must be greater than or equal to 30 for "
                      f"storageClass '{storage_class}'")  # fmt: skip
    elif transition["Days"] < 0:
        raise invalid("'Days' in Transition action must be a nonnegative integer")


def _check_rule(rule: dict[str, Any]) -> dict[str, Any]:
    rule = dict(rule)
    if rule.get("Status") not in ("Enabled", "Disabled"):
        raise malformed()
    if len(rule.get("ID") or "") > RULE_ID_CHARS_MAX:
        raise invalid("ID length should not exceed allowed limit of 255")
    tagged = _check_filter(rule)
    noncurrent = rule.get("NoncurrentVersionExpiration")
    if noncurrent is not None and all(noncurrent.get(member) is None for member in
                                      ("NoncurrentDays", "NewerNoncurrentVersions")):
        raise malformed()  # an empty action element fails the schema
    if not any(rule.get(action) for action in _ACTIONS):
        raise AwsError("InvalidRequest", "At least one action needs to be specified in a rule")
    if rule.get("Expiration") is not None:
        rule["Expiration"] = dict(rule["Expiration"])
        _check_expiration(rule["Expiration"], tagged)
    abort = rule.get("AbortIncompleteMultipartUpload")
    if abort is not None:
        if tagged:
            raise AwsError(
                "InvalidRequest", "AbortIncompleteMultipartUpload cannot be specified with Tags."
            )
        if (abort.get("DaysAfterInitiation") or 0) <= 0:
            raise invalid("'DaysAfterInitiation' for AbortIncompleteMultipartUpload action "
                          "must be a positive integer")  # fmt: skip
    if noncurrent is not None and (noncurrent.get("NoncurrentDays") or 0) <= 0:
        raise invalid("'NoncurrentDays' for NoncurrentVersionExpiration action must be a "
                      "positive integer")  # fmt: skip
    for transition in rule.get("Transitions") or []:
        _check_transition(transition)
    return rule


# Wire names of the actions whose rule-level prefixes may not overlap
_ACTION_TYPES = (("Expiration", "Expiration"), ("Transitions", "Transition"),
                 ("NoncurrentVersionExpiration", "NoncurrentVersionExpiration"),
                 ("NoncurrentVersionTransitions", "NoncurrentVersionTransition"),
                 ("AbortIncompleteMultipartUpload", "AbortIncompleteMultipartUpload"))  # fmt: skip


def _check_forms(rules: list[dict[str, Any]]) -> None:
    """One configuration is all rule-level prefixes (V1) or all filters (V2); S3 names the
    form of the first rule it read in its refusal. Captured from AWS: "Filter element can only
    be used in Lifecycle V2." after a prefix (ansible issue 53751), "Base level prefix cannot
    be used in Lifecycle V2, ..." after a filter (terraform-provider-aws issue 23299)."""
    legacy = ["Filter" not in rule or rule["Filter"] is None for rule in rules]
    if all(legacy):
        _check_overlaps(rules)
    elif any(legacy):
        if legacy[0]:
            raise AwsError("InvalidRequest", "Filter element can only be used in Lifecycle V2.")
        raise AwsError("InvalidRequest", "Base level prefix cannot be used in Lifecycle V2, "
                                         "prefixes are only supported in the Filter.")  # fmt: skip


def _check_overlaps(rules: list[dict[str, Any]]) -> None:
    """Rule-level prefixes, one a prefix of the other, may not share an action: "Found
    overlapping prefixes '' and 'a' for same action type 'Expiration'" (AWS, captured in
    noobaa issue 8341). Filters may overlap (the user guide's lifecycle conflicts page)."""
    for member, action in _ACTION_TYPES:
        prefixes = sorted(rule["Prefix"] for rule in rules if rule.get(member))
        for shorter, longer in zip(prefixes, prefixes[1:], strict=False):  # sorted: adjacent
            if longer.startswith(shorter):
                raise AwsError("InvalidRequest", f"Found overlapping prefixes '{shorter}' and "
                                                 f"'{longer}' for same action type '{action}'")


def put_bucket_lifecycle_configuration(
    ctx: RequestContext, params: dict[str, Any]
) -> dict[str, Any]:
    bucket = require_bucket(ctx, params["Bucket"])
    rules = (params.get("LifecycleConfiguration") or {}).get("Rules") or []
    if not rules or len(rules) > RULES_MAX:
        raise malformed()
    checked = [_check_rule(rule) for rule in rules]
    _check_forms(checked)
    ids = [rule["ID"] for rule in checked if rule.get("ID")]
    if len(ids) != len(set(ids)):
        raise invalid("Rule ID must be unique. Found same ID for more than one rule")
    for index, rule in enumerate(checked):
        rule.setdefault("ID", f"rule-{index + 1}")
    minimum = params.get("TransitionDefaultMinimumObjectSize") or DEFAULT_MINIMUM_SIZE
    put_config(ctx, bucket.name, LIFECYCLE, {"Rules": checked, "MinimumSize": minimum})
    return {"TransitionDefaultMinimumObjectSize": minimum}


def get_bucket_lifecycle_configuration(
    ctx: RequestContext, params: dict[str, Any]
) -> dict[str, Any]:
    bucket = require_bucket(ctx, params["Bucket"])
    config = get_config(ctx, bucket.name, LIFECYCLE)
    if config is None:
        raise AwsError("NoSuchLifecycleConfiguration",
                       "The lifecycle configuration does not exist", 404,
                       fields={"BucketName": bucket.name})  # fmt: skip
    return {"Rules": config["Rules"], "TransitionDefaultMinimumObjectSize": config["MinimumSize"]}


def delete_bucket_lifecycle(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    bucket = require_bucket(ctx, params["Bucket"])
    delete_config(ctx, bucket.name, LIFECYCLE)
    return {}
