"""The filter of a lifecycle or replication rule, as both schemas write it: a V1 rule's
`Prefix`, or a `Filter` holding a `Prefix`, a `Tag`, or an `And` of a prefix, tags (and,
for lifecycle, object size bounds)."""

from __future__ import annotations

from typing import Any

from pocketcloud.services.s3.rows import ObjectRow


def rule_prefix(rule: dict[str, Any]) -> str:
    if rule.get("Prefix") is not None:
        return str(rule["Prefix"])
    filter_ = rule.get("Filter") or {}
    return str(filter_.get("Prefix") or (filter_.get("And") or {}).get("Prefix") or "")


def matches(rule: dict[str, Any], row: ObjectRow) -> bool:
    """Whether the row's tags and size pass the filter (its prefix aside: see rule_prefix)."""
    filter_ = rule.get("Filter") or {}
    conditions = filter_.get("And") or filter_
    tags = list(conditions.get("Tags") or []) + ([filter_["Tag"]] if filter_.get("Tag") else [])
    if any(row.tags.get(tag["Key"]) != tag["Value"] for tag in tags):
        return False
    above = conditions.get("ObjectSizeGreaterThan")
    below = conditions.get("ObjectSizeLessThan")
    return (above is None or row.size > above) and (below is None or row.size < below)
