"""S3's tag rules: up to 10 tags per object and 50 per bucket, keys of 1-128 and values of
0-256 Unicode characters, unique keys, no `aws:` prefix, and the `x-amz-tagging` header's
URL-query form."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qsl

from pocketcloud.errors import AwsError

OBJECT_TAGS_MAX = 10
BUCKET_TAGS_MAX = 50
TAG_KEY_CHARS_MAX = 128
TAG_VALUE_CHARS_MAX = 256
# letters, digits and white space of any script, and _ . : / = + - @ (AWS's tag character set)
_TAG_TEXT = re.compile(r"[\w\s.:/=+\-@]*")


def invalid_tag(message: str, key: str, value: str | None = None) -> AwsError:
    fields = {"TagKey": key} if value is None else {"TagKey": key, "TagValue": value}
    return AwsError("InvalidTag", message, fields=fields)


def tags_from_header(text: str | None) -> dict[str, str]:
    """`x-amz-tagging: k1=v1&k2=v2` (URL-encoded) as a validated dict."""
    if not text:
        return {}
    pairs = parse_qsl(text, keep_blank_values=True)
    tags = dict(pairs)
    if len(tags) != len(pairs) or not all(map(_TAG_TEXT.fullmatch, (*tags, *tags.values()))):
        raise AwsError(
            "InvalidArgument",
            "The header 'x-amz-tagging' shall be encoded as UTF-8 then URLEncoded URL query "
            "parameters without tag name duplicates.",
            fields={"ArgumentName": "x-amz-tagging", "ArgumentValue": text},
        )
    check_tags(tags, OBJECT_TAGS_MAX)
    return tags


def tags_from_tag_set(tag_set: Any, limit: int) -> dict[str, str]:
    """A `Tagging` body's TagSet (list of Key/Value) as a validated dict."""
    if not isinstance(tag_set, list):
        raise AwsError("MalformedXML", "The XML you provided was not well-formed or did not "
                       "validate against our published schema")  # fmt: skip
    tags: dict[str, str] = {}
    for tag in tag_set:
        key, value = tag.get("Key"), tag.get("Value")
        if key is None or value is None:
            raise AwsError("MalformedXML", "The XML you provided was not well-formed or did "
                           "not validate against our published schema")  # fmt: skip
        if key in tags:
            raise invalid_tag("Cannot provide multiple Tags with the same key", key)
        tags[key] = value
    check_tags(tags, limit)
    return tags


def check_tags(tags: dict[str, str], limit: int) -> None:
    if len(tags) > limit:
        if limit == OBJECT_TAGS_MAX:
            raise AwsError("BadRequest", "Object tags cannot be greater than 10")
        raise AwsError("InvalidTag", f"Bucket tag count cannot be greater than {limit}")
    for key, value in tags.items():
        if not key or len(key) > TAG_KEY_CHARS_MAX or not _TAG_TEXT.fullmatch(key):
            raise invalid_tag("The TagKey you have provided is invalid", key)
        if len(value) > TAG_VALUE_CHARS_MAX or not _TAG_TEXT.fullmatch(value):
            raise invalid_tag("The TagValue you have provided is invalid", key, value)
        if key.lower().startswith("aws:"):
            message = (
                "Your TagKey cannot be prefixed with aws:"
                if limit == OBJECT_TAGS_MAX
                else "System tags cannot be added/updated by requester"
            )
            raise invalid_tag(message, key)


def tag_set(tags: dict[str, str]) -> list[dict[str, str]]:
    return [{"Key": key, "Value": value} for key, value in tags.items()]
