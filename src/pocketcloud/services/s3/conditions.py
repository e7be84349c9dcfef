"""Conditional requests (If-Match, If-None-Match, If-(Un)Modified-Since) and byte ranges,
evaluated the way S3 documents (RFC 7232 precedence)."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

from pocketcloud.errors import AwsError

_PRECONDITION_MESSAGE = "At least one of the pre-conditions you specified did not hold"


def etag_matches(condition: str, etag: str) -> bool:
    """Does an If-Match / If-None-Match list ("a", "b" or *) name `etag`?"""
    for item in condition.split(","):
        item = item.strip()
        if item == "*":
            return True
        if item.startswith("W/"):
            item = item[2:]
        if item.strip('"') == etag.strip('"'):
            return True
    return False


def precondition_failed(condition: str) -> AwsError:
    return AwsError(
        "PreconditionFailed", _PRECONDITION_MESSAGE, 412, fields={"Condition": condition}
    )


def _epoch(value: Any) -> float:
    return value.timestamp() if isinstance(value, datetime) else float(value)


def check_read_conditions(
    params: dict[str, Any], etag: str, last_modified_s: float, now: Callable[[], float]
) -> None:
    """Raise 412 or 304 as S3 does (for GET and HEAD); an If-Modified-Since later than now
    is ignored. (Most reads carry no condition: they cost four lookups, not a clock read.)"""
    if (params.get("IfMatch") is None and params.get("IfNoneMatch") is None
            and params.get("IfModifiedSince") is None
            and params.get("IfUnmodifiedSince") is None):
        return
    _check(_without_future(params, "IfModifiedSince", now()), etag, last_modified_s, "If", "")


def check_copy_source_conditions(
    params: dict[str, Any], etag: str, last_modified_s: float, now_s: float
) -> None:
    """A copy's x-amz-copy-source-if-* conditions: 412 where a read would answer 304, and
    an If-Modified-Since later than now is ignored, as S3 does."""
    params = _without_future(params, "CopySourceIfModifiedSince", now_s)
    _check(params, etag, last_modified_s, "CopySourceIf", "x-amz-copy-source-")


def _without_future(params: dict[str, Any], member: str, now_s: float) -> dict[str, Any]:
    value = params.get(member)
    if value is not None and _epoch(value) > now_s:
        return {**params, member: None}
    return params


def _check(
    params: dict[str, Any], etag: str, last_modified_s: float, prefix: str, header: str
) -> None:
    if_match = params.get(f"{prefix}Match")
    unmodified_since = params.get(f"{prefix}UnmodifiedSince")
    if_none_match = params.get(f"{prefix}NoneMatch")
    modified_since = params.get(f"{prefix}ModifiedSince")
    modified_s = int(last_modified_s)
    if if_match is not None:
        if not etag_matches(if_match, etag):
            raise precondition_failed(f"{header}If-Match")
    elif unmodified_since is not None and modified_s > _epoch(unmodified_since):
        raise precondition_failed(f"{header}If-Unmodified-Since")
    if if_none_match is not None:
        if etag_matches(if_none_match, etag):
            _not_modified(prefix, f"{header}If-None-Match", etag, last_modified_s)
    elif modified_since is not None and modified_s <= _epoch(modified_since):
        _not_modified(prefix, f"{header}If-Modified-Since", etag, last_modified_s)


def _not_modified(prefix: str, condition: str, etag: str, last_modified_s: float) -> None:
    if prefix != "If":
        raise precondition_failed(condition)
    from email.utils import formatdate

    raise AwsError(
        "NotModified",
        "Not Modified",
        304,
        headers={"ETag": etag, "Last-Modified": formatdate(last_modified_s, usegmt=True)},
    )


def byte_range(header: str | None, size: int) -> tuple[int, int] | None:
    """The inclusive (first, last) bytes a single `Range` asks for, or None for the whole
    object (no header, a syntax S3 ignores, or several ranges). Raises InvalidRange (416)."""
    if not header or not header.startswith("bytes=") or "," in header:
        return None
    first_text, dash, last_text = header[6:].strip().partition("-")
    if (
        not dash
        or not (first_text.isdigit() or first_text == "")
        or not (last_text.isdigit() or last_text == "")
    ):
        return None
    if first_text == "":
        if last_text == "":
            return None
        suffix = int(last_text)
        if suffix == 0 or size == 0:
            raise invalid_range(header, size)
        return max(0, size - suffix), size - 1
    first = int(first_text)
    if last_text and int(last_text) < first:
        return None  # a syntactically invalid range is ignored
    if first >= size:
        raise invalid_range(header, size)
    last = int(last_text) if last_text else size - 1
    return first, min(last, size - 1)


def invalid_range(header: str, size: int) -> AwsError:
    return AwsError(
        "InvalidRange",
        "The requested range is not satisfiable",
        416,
        fields={"RangeRequested": header, "ActualObjectSize": str(size)},
        headers={"Content-Range": f"bytes */{size}"},
    )


_COPY_RANGE = re.compile(r"bytes=(\d+)-(\d+)")


def copy_source_window(header: str, size: int) -> tuple[int, int]:
    """The (first, length) an UploadPartCopy's x-amz-copy-source-range names. Unlike a GET's
    Range, S3 takes only `bytes=first-last` (first <= last) here and refuses, not clamps, a
    range past the end: InvalidRequest when it starts there, InvalidArgument when it ends there."""
    match = _COPY_RANGE.fullmatch(header.strip())
    if match is None or int(match[1]) > int(match[2]):
        raise AwsError(
            "InvalidArgument",
            "The x-amz-copy-source-range value must be of the form bytes=first-last where "
            "first and last are the zero-based offsets of the first and last bytes to copy",
            fields={"ArgumentName": "x-amz-copy-source-range", "ArgumentValue": header},
        )
    first, last = int(match[1]), int(match[2])
    if first >= size:
        raise AwsError(
            "InvalidRequest", "The specified copy range is invalid for the source object size"
        )
    if last >= size:
        raise AwsError(
            "InvalidArgument",
            f"Range specified is not valid for source object of size: {size}",
            fields={"ArgumentName": "x-amz-copy-source-range", "ArgumentValue": header},
        )
    return first, last - first + 1
