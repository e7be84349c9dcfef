"""Leaf values on the wire: timestamps, floats, booleans, blobs and escaped XML text.

Providers hand back loose Python values (a ``datetime`` or epoch number for a timestamp,
``bytes`` or ``str`` for a blob, ``float('nan')`` or ``"NaN"`` for a float); these helpers
turn each into what a protocol writes, so no serializer needs to care where a value came from.
"""

from __future__ import annotations

import binascii
import calendar
import math
import re
import time
from datetime import UTC, date, datetime
from decimal import Decimal
from email.utils import parsedate_to_datetime
from typing import Any

_DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_INFINITY = math.inf
_NEGATIVE_INFINITY = -math.inf
_EPOCH_MIN, _EPOCH_MAX = 0, 253_402_300_800  # 1970 .. 9999: where gmtime agrees with datetime


# --- timestamps -------------------------------------------------------------------------


def to_datetime(value: Any) -> datetime:
    """Any timestamp a provider may return, as an aware UTC datetime."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value if value.tzinfo is UTC else value.astimezone(UTC)
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        # Millisecond precision is all any AWS timestamp carries.
        return datetime.fromtimestamp(round(float(value), 3), UTC)
    if isinstance(value, str):
        return _datetime_from_text(value)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    raise TypeError(f"cannot serialize {type(value).__name__} as a timestamp")


def _datetime_from_text(text: str) -> datetime:
    try:
        return to_datetime(datetime.fromisoformat(text))
    except ValueError:
        pass
    try:
        return to_datetime(parsedate_to_datetime(text))
    except (TypeError, ValueError):
        pass
    return to_datetime(float(text))  # epoch seconds as text; ValueError if not


def to_epoch(value: Any) -> int | float:
    """Seconds since the epoch: an int when whole, else a float with millisecond precision."""
    if type(value) is int:
        return value
    if type(value) is float:
        return int(value) if value.is_integer() else round(value, 3)
    moment = to_datetime(value)
    seconds = calendar.timegm(moment.timetuple())
    milliseconds = moment.microsecond // 1000
    return seconds + milliseconds / 1000 if milliseconds else seconds


# Epoch numbers (what providers mostly return) skip datetime entirely: whole seconds are
# formatted once each and remembered, since the timestamps of one answer (a listing's
# LastModified) are mostly few distinct seconds. Bounded; cleared when full.
_SECONDS_CACHED_MAX = 4096
_iso_seconds: dict[int, str] = {}
_http_seconds: dict[int, str] = {}


def _epoch_parts(value: int | float) -> tuple[int, int]:
    """(whole seconds, milliseconds) of an epoch number, rounded to the millisecond."""
    if type(value) is int:
        return value, 0
    return divmod(round(value * 1000), 1000)  # type: ignore[no-any-return]


def _iso_second(seconds: int) -> str:
    text = _iso_seconds.get(seconds)
    if text is None:
        if len(_iso_seconds) >= _SECONDS_CACHED_MAX:
            _iso_seconds.clear()
        m = time.gmtime(seconds)
        text = _iso_seconds[seconds] = (
            f"{m.tm_year:04d}-{m.tm_mon:02d}-{m.tm_mday:02d}"
            f"T{m.tm_hour:02d}:{m.tm_min:02d}:{m.tm_sec:02d}"
        )
    return text


# ".001Z" .. ".999Z" (and "Z" for none): a listing formats a thousand of these per page
_MILLISECONDS_Z = ("Z", *(f".{n:03d}Z" for n in range(1, 1000)))


def iso8601(value: Any) -> str:
    """``2014-04-29T18:30:38Z``, with ``.123`` milliseconds when the time has them."""
    kind = type(value)
    if kind is float and _EPOCH_MIN <= value < _EPOCH_MAX:
        seconds, milliseconds = divmod(round(value * 1000), 1000)
        text = _iso_seconds.get(seconds) or _iso_second(seconds)
        return text + _MILLISECONDS_Z[milliseconds]
    if kind is int and _EPOCH_MIN <= value < _EPOCH_MAX:
        return (_iso_seconds.get(value) or _iso_second(value)) + "Z"
    m = to_datetime(value)
    text = f"{m.year:04d}-{m.month:02d}-{m.day:02d}T{m.hour:02d}:{m.minute:02d}:{m.second:02d}"
    milliseconds = m.microsecond // 1000
    return f"{text}.{milliseconds:03d}Z" if milliseconds else text + "Z"


_MILLISECONDS_ALWAYS_Z = (".000Z", *_MILLISECONDS_Z[1:])


def iso8601_milliseconds(value: Any) -> str:
    """``2014-04-29T18:30:38.000Z``: the milliseconds always written, as S3 does."""
    kind = type(value)
    if kind is int and _EPOCH_MIN <= value < _EPOCH_MAX:
        return (_iso_seconds.get(value) or _iso_second(value)) + ".000Z"
    if kind is float and _EPOCH_MIN <= value < _EPOCH_MAX:
        seconds, milliseconds = divmod(round(value * 1000), 1000)
        text = _iso_seconds.get(seconds) or _iso_second(seconds)
        return text + _MILLISECONDS_ALWAYS_Z[milliseconds]
    text = iso8601(value)
    return text[:-1] + ".000Z" if len(text) == 20 else text


def http_date(value: Any) -> str:
    """RFC 7231 IMF-fixdate: ``Tue, 29 Apr 2014 18:30:38 GMT`` (no fractions)."""
    kind = type(value)
    if (kind is float or kind is int) and _EPOCH_MIN <= value < _EPOCH_MAX:
        seconds = _epoch_parts(value)[0]
        text = _http_seconds.get(seconds)
        if text is None:
            if len(_http_seconds) >= _SECONDS_CACHED_MAX:
                _http_seconds.clear()
            text = _http_seconds[seconds] = _http_date_text(datetime.fromtimestamp(seconds, UTC))
        return text
    return _http_date_text(to_datetime(value))


def _http_date_text(m: datetime) -> str:
    return (
        f"{_DAY_NAMES[m.weekday()]}, {m.day:02d} {_MONTH_NAMES[m.month - 1]} {m.year:04d} "
        f"{m.hour:02d}:{m.minute:02d}:{m.second:02d} GMT"
    )


def epoch_text(value: Any) -> str:
    epoch = to_epoch(value)
    return str(epoch) if type(epoch) is int else f"{epoch:.3f}".rstrip("0")


TIMESTAMP_TEXT = {"iso8601": iso8601, "rfc822": http_date, "unixTimestamp": epoch_text}


# --- numbers and booleans ---------------------------------------------------------------


def float_value(value: Any) -> float | int:
    """A float shape's value as a number; accepts the spec's ``"NaN"``/``"Infinity"`` words."""
    if type(value) is float or type(value) is int:
        return value
    return float(value)


def float_text(value: Any) -> str:
    number = float_value(value)
    if number != number:
        return "NaN"
    if number == _INFINITY:
        return "Infinity"
    if number == _NEGATIVE_INFINITY:
        return "-Infinity"
    return repr(number)


def json_float(value: Any) -> float | int | str:
    """JSON has no NaN or Infinity: AWS sends those as the strings botocore expects."""
    number = float_value(value)
    if type(number) is float and not math.isfinite(number):
        return float_text(number)
    return number


def integer_text(value: Any) -> str:
    return str(value) if type(value) is int else str(int(value))


def boolean_value(value: Any) -> bool:
    if isinstance(value, str):
        return value.lower() == "true"
    return bool(value)


def boolean_text(value: Any) -> str:
    return "true" if boolean_value(value) else "false"


# --- blobs ------------------------------------------------------------------------------


def to_bytes(value: Any) -> bytes:
    if type(value) is bytes:
        return value
    if isinstance(value, str):
        return value.encode("utf-8")
    if isinstance(value, (bytearray, memoryview)):
        return bytes(value)
    raise TypeError(f"cannot serialize {type(value).__name__} as a blob")


def base64_text(value: Any) -> str:
    return binascii.b2a_base64(to_bytes(value), newline=False).decode("ascii")


# --- XML text ---------------------------------------------------------------------------


# Characters XML 1.0 cannot carry at all, not even as references (NUL, most C0 controls,
# lone surrogates, U+FFFE/U+FFFF): one in an answer would make the whole document unreadable.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(text: str) -> str:
    """Escape element text. CR is a character reference: XML parsers fold a raw CR into LF."""
    if not text.isprintable():  # cheap test first; tabs and newlines land here too
        text = _NOT_XML.sub("\ufffd", text)
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    if "\r" in text:
        text = text.replace("\r", "&#xD;")
    return text


def xml_attribute(text: str) -> str:
    """Escape an attribute value; parsers would fold raw newlines and tabs into spaces."""
    return xml_text(text).replace('"', "&quot;").replace("\n", "&#10;").replace("\t", "&#9;")


def string_text(value: Any) -> str:
    return xml_text(value if type(value) is str else str(value))
