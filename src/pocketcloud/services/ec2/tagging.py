"""EC2's tag conventions: TagSpecifications on create, and `tag:<key>` / `tag-key` filters."""

from __future__ import annotations

from fnmatch import fnmatchcase
from typing import Any

from pocketcloud.errors import AwsError

MAX_TAGS_PER_RESOURCE = 50


def tags_for(resource_type: str, specifications: list[dict[str, Any]]) -> list[dict[str, str]]:
    """The tags a create call's TagSpecifications give to a resource of `resource_type`."""
    tags: list[dict[str, str]] = []
    for spec in specifications:
        if spec.get("ResourceType") != resource_type:
            raise AwsError(
                "InvalidParameterValue",
                f"'{spec.get('ResourceType')}' is not a valid taggable resource type "
                f"for this operation.",
            )
        tags.extend({"Key": t["Key"], "Value": t.get("Value", "")} for t in spec.get("Tags", []))
    if len(tags) > MAX_TAGS_PER_RESOURCE:
        limit = MAX_TAGS_PER_RESOURCE
        raise AwsError("TagLimitExceeded", f"The maximum number of tags is {limit}.")
    return tags


def matches_filters(
    resource: dict[str, Any], filters: list[dict[str, Any]], fields: dict[str, str]
) -> bool:
    """EC2 filter semantics: every filter must match; any of a filter's values may; `*` and
    `?` are wildcards."""
    return all(_matches(resource, f, fields) for f in filters)


def _matches(resource: dict[str, Any], filter_: dict[str, Any], fields: dict[str, str]) -> bool:
    name, values = filter_.get("Name", ""), filter_.get("Values") or []
    tags = {t["Key"]: t["Value"] for t in resource.get("Tags", [])}
    if name.startswith("tag:"):
        candidates = [tags[name[4:]]] if name[4:] in tags else []
    elif name == "tag-key":
        candidates = list(tags)
    elif name == "tag-value":
        candidates = list(tags.values())
    elif name in fields:
        candidates = [str(resource.get(fields[name], ""))]
    else:
        raise AwsError("InvalidParameterValue", f"The filter '{name}' is invalid")
    return any(fnmatchcase(c, v) for c in candidates for v in values)
