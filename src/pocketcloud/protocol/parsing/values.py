"""Scalar coercions shared by every protocol: text and wire numbers into Python values.

Every function raises `ParseFailure` (kind "value") on bad input, never ValueError, so a
client's typo becomes a 400 in its own protocol's words.
"""

from __future__ import annotations

import base64
import binascii
import math
import re
from collections.abc import Callable
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

from pocketcloud.protocol.parsing.failures import invalid

# Inclusive ranges of the spec's integer types (Java's byte/short/int/long on AWS's side).
INTEGER_RANGES = {
    "byte": (-(2**7), 2**7 - 1),
    "short": (-(2**15), 2**15 - 1),
    "integer": (-(2**31), 2**31 - 1),
    "long": (-(2**63), 2**63 - 1),
}
TEXT_VALUE_LENGTH_MAX = 64  # longest number/boolean/timestamp text worth parsing

_INTEGER_TEXT = re.compile(r"[+-]?[0-9]+")
_FLOAT_TEXT = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_FLOAT_WORDS = {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}
_BOOLEAN_WORDS = {"true": True, "false": False}


def _clip(text: str) -> str:
    return text if len(text) <= 40 else text[:37] + "..."


def integer_in_range(value: int, type_name: str) -> int:
    low, high = INTEGER_RANGES.get(type_name, INTEGER_RANGES["long"])
    if not low <= value <= high:
        raise invalid(f"{value} is out of range for a {type_name}")
    return value


def integer_from_text(text: str, type_name: str = "integer") -> int:
    text = text.strip()
    if len(text) > TEXT_VALUE_LENGTH_MAX or not _INTEGER_TEXT.fullmatch(text):
        raise invalid(f"'{_clip(text)}' is not a valid {type_name}")
    return integer_in_range(int(text), type_name)


def float_from_text(text: str) -> float:
    text = text.strip()
    special = _FLOAT_WORDS.get(text)
    if special is not None:
        return special
    if len(text) > TEXT_VALUE_LENGTH_MAX or not _FLOAT_TEXT.fullmatch(text):
        raise invalid(f"'{_clip(text)}' is not a valid number")
    return float(text)


def boolean_from_text(text: str) -> bool:
    value = _BOOLEAN_WORDS.get(text.strip().lower())
    if value is None:
        raise invalid(f"'{_clip(text)}' is not a valid boolean (true or false)")
    return value


def timestamp_from_epoch(seconds: float) -> datetime:
    if isinstance(seconds, bool) or not math.isfinite(seconds):
        raise invalid(f"{seconds!r} is not a valid timestamp")
    try:
        return datetime.fromtimestamp(seconds, tz=UTC)
    except (OverflowError, OSError, ValueError):
        raise invalid(f"{seconds!r} is out of range for a timestamp") from None


def timestamp_from_text(text: str) -> datetime:
    """Epoch seconds, ISO 8601 or RFC 7231 (HTTP date), whichever the text is.

    The spec names one format per member, but accepting all three costs nothing and AWS's
    own front ends are as forgiving.
    """
    text = text.strip()
    if len(text) > TEXT_VALUE_LENGTH_MAX:
        raise invalid(f"'{_clip(text)}' is not a valid timestamp")
    if _FLOAT_TEXT.fullmatch(text):
        return timestamp_from_epoch(float(text))
    parse = datetime.fromisoformat if text[:4].isdigit() else parsedate_to_datetime
    try:
        parsed = parse(text)
    except (ValueError, TypeError, IndexError, OverflowError):
        raise invalid(f"'{_clip(text)}' is not a valid timestamp") from None
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def blob_from_base64(text: str | bytes) -> bytes:
    if isinstance(text, str):
        text = text.encode("ascii", "replace")
    if any(byte in b" \t\r\n" for byte in text):
        text = b"".join(text.split())  # line-wrapped base64 is still base64
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise invalid("value is not valid base64") from None


def text_coercer(type_name: str) -> Callable[[str], Any]:
    """The function that turns a text value (query, header, label, XML) into `type_name`."""
    if type_name in INTEGER_RANGES:
        return lambda text: integer_from_text(text, type_name)
    return _TEXT_COERCERS.get(type_name, as_text)


def as_text(text: str) -> str:
    return text


_TEXT_COERCERS: dict[str, Callable[[str], Any]] = {
    "string": as_text,
    "boolean": boolean_from_text,
    "float": float_from_text,
    "double": float_from_text,
    "timestamp": timestamp_from_text,
    "blob": blob_from_base64,
}
