"""AttributeValue to JSON, by hand: the hottest shape of DynamoDB's responses (every item of a
Query page). Only binary values change (to base64); everything else is already wire-ready,
so an item of strings and numbers is returned as it is, without a copy."""

from __future__ import annotations

import binascii
from typing import Any

from pocketcloud.protocol.serializing.jsonlike import register_json_converter

_PLAIN = frozenset(("S", "N", "BOOL", "NULL", "SS", "NS"))


def _b64(value: Any) -> str:
    return binascii.b2a_base64(bytes(value), newline=False).decode("ascii")


def attribute_value(value: dict[str, Any]) -> dict[str, Any]:
    for kind, inner in value.items():  # exactly one member
        if kind in _PLAIN:
            return value
        if kind == "M":
            return {"M": {name: attribute_value(v) for name, v in inner.items()}}
        if kind == "L":
            return {"L": [attribute_value(v) for v in inner]}
        if kind == "B":
            return {"B": _b64(inner)}
        if kind == "BS":
            return {"BS": [_b64(v) for v in inner]}
    return value


def attribute_map(item: dict[str, Any]) -> dict[str, Any]:
    """An item (or key): itself when every value is plain, which is the common case."""
    for value in item.values():
        if not value.keys() <= _PLAIN:
            return {name: attribute_value(v) for name, v in item.items()}
    return item


def register() -> None:
    for prefix in ("DynamoDB_20120810", "DynamoDBStreams_20120810"):
        register_json_converter(prefix, "AttributeValue", attribute_value)
        register_json_converter(prefix, "AttributeMap", attribute_map)
        register_json_converter(prefix, "Key", attribute_map)
