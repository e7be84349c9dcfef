"""Members bound to HTTP headers (rest-json, rest-xml): how each shape's value is written.

Defaults follow the REST protocols: timestamps as HTTP dates, blobs as base64, ``jsonvalue``
strings as base64-encoded JSON, lists as comma-separated items (quoted when an item holds a
comma or a quote; HTTP dates are never quoted although they contain commas).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import partial
from typing import Any

from botocore.model import Shape

from pocketcloud.protocol.serializing import values

HeaderText = Callable[[Any], str]


def header_text_of(shape: Shape) -> HeaderText:
    type_name = shape.type_name
    if type_name == "list":
        item: Shape = shape.member  # type: ignore[attr-defined]
        return partial(_list_text, header_text_of(item), item.type_name != "timestamp")
    if type_name == "timestamp":
        timestamp_format = shape.serialization.get("timestampFormat", "rfc822")
        return values.TIMESTAMP_TEXT.get(timestamp_format, values.http_date)
    if type_name in ("integer", "long", "short", "byte"):
        return values.integer_text
    if type_name in ("float", "double"):
        return values.float_text
    if type_name == "boolean":
        return values.boolean_text
    if type_name == "blob":
        return values.base64_text
    if shape.serialization.get("jsonvalue"):
        return _json_value_text
    return str


def _json_value_text(value: Any) -> str:
    return values.base64_text(json.dumps(value, separators=(",", ":")))


def _list_text(item_text: HeaderText, quote_items: bool, value: Any) -> str:
    texts = (item_text(item) for item in value if item is not None)
    if quote_items:
        texts = (_quoted(text) for text in texts)
    return ", ".join(texts)


def _quoted(text: str) -> str:
    if "," not in text and '"' not in text:
        return text
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
