"""JSON bodies (awsJson 1.0/1.1 and the body half of rest-json), and decoded CBOR trees.

`decoder_for(shape)` compiles, once per shape, a function that turns the decoded wire value
(dicts, lists, str, numbers...) into the input dict providers receive: member names as keys,
datetimes for timestamps, bytes for blobs. CBOR trees take the same path with `cbor=True`,
where blobs arrive as bytes and timestamps as CBOR tag 1 (datetime) instead of base64 text and
epoch numbers.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from botocore.model import Shape

from pocketcloud.protocol.parsing.failures import ParseFailure, invalid, malformed
from pocketcloud.protocol.parsing.values import (
    INTEGER_RANGES,
    blob_from_base64,
    integer_in_range,
    timestamp_from_epoch,
    timestamp_from_text,
)

Decoder = Callable[[Any], Any]
SHAPE_CACHE_MAX = 16384  # compiled decoders kept per process (shapes are few; recursion adds some)

_FLOAT_WORDS = {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}


# An escaped UTF-16 surrogate ("\\ud800"): alone it is no character, and no store can keep it.
_LONE_SURROGATE = re.compile(rb"\\u[dD][89a-fA-F]")


def parse_json_document(body: bytes) -> Any:
    """The decoded JSON value of `body`; malformed JSON is a client error."""
    try:
        # AWS takes UTF-8 only; decoding first also skips json's encoding sniffing.
        value = _loads(body.decode("utf-8"))
        if b"\\u" in body and _LONE_SURROGATE.search(body):
            json.dumps(value, ensure_ascii=False).encode("utf-8")  # fails on a lone surrogate
        return value
    except (ValueError, RecursionError):  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        raise malformed("The request body is not valid JSON") from None


# What json.loads runs, minus its Python layers (typeshed does not declare the attribute).
_scan_once: Callable[[str, int], tuple[Any, int]] = json.JSONDecoder().scan_once  # type: ignore[attr-defined]


def _loads(text: str) -> Any:
    """json.loads(text), a third cheaper for a body without surrounding whitespace: the value
    scanned from the first character must end at the last; anything else (whitespace, a BOM,
    extra data, bad JSON) goes through json.loads, for its exact value or error."""
    try:
        value, end = _scan_once(text, 0)
    except StopIteration:
        end = -1
    return value if end == len(text) else json.loads(text)


def parse_json_body(shape: Shape | None, body: bytes) -> dict[str, Any]:
    """An awsJson request body: an object whose keys are the input shape's members."""
    if shape is None or not body.strip():
        return {}
    return decode_object(shape, parse_json_document(body))


def decode_object(shape: Shape, value: Any, *, cbor: bool = False) -> dict[str, Any]:
    if type(value) is not dict:
        raise invalid("The request body must be an object")
    result: dict[str, Any] = decoder_for(shape, cbor)(value)
    return result


@lru_cache(maxsize=SHAPE_CACHE_MAX)
def decoder_for(shape: Shape, cbor: bool = False) -> Decoder:
    kind = shape.type_name
    if kind == "structure":
        if shape.metadata.get("document"):
            return _document
        return _structure_decoder(shape, cbor)
    if kind == "list":
        return _list_decoder(shape, cbor)
    if kind == "map":
        return _map_decoder(shape, cbor)
    if kind in INTEGER_RANGES:
        return _integer_decoder(kind)
    if kind == "timestamp":
        return _cbor_timestamp if cbor else _json_timestamp
    if kind == "blob":
        return _cbor_blob if cbor else _json_blob
    return _SCALARS.get(kind, _document)


def _member_table(shape: Shape, cbor: bool) -> dict[str, tuple[str, Decoder]]:
    """Wire key -> (member name, decoder). CBOR also answers to the bare member name."""
    table: dict[str, tuple[str, Decoder]] = {}
    for name, member in shape.members.items():
        entry = (name, decoder_for(member, cbor))
        table[member.serialization.get("name", name)] = entry
        if cbor:
            table.setdefault(name, entry)
    return table


def _structure_decoder(shape: Shape, cbor: bool) -> Decoder:
    table: dict[str, tuple[str, Decoder]] | None = None  # built on first use: shapes recurse
    is_union = bool(shape.metadata.get("union"))

    def decode_structure(value: Any) -> dict[str, Any]:
        nonlocal table
        if type(value) is not dict:
            raise invalid(f"Expected an object for {shape.name}")
        if table is None:
            table = _member_table(shape, cbor)
        result: dict[str, Any] = {}
        for key, item in value.items():
            field = table.get(key)
            if field is None or item is None:
                continue  # unknown members are ignored, nulls mean "not set"
            try:
                result[field[0]] = field[1](item)
            except ParseFailure as failure:
                raise failure.inside(field[0]) from None
        if is_union and len(result) > 1:
            raise invalid(f"Only one member of the union {shape.name} may be set")
        return result

    return decode_structure


def _list_decoder(shape: Shape, cbor: bool) -> Decoder:
    decode_item: Decoder | None = None

    def decode_list(value: Any) -> list[Any]:
        nonlocal decode_item
        if type(value) is not list:
            raise invalid(f"Expected a list for {shape.name}")
        if decode_item is None:
            decode_item = decoder_for(shape.member, cbor)
        result = []
        for index, item in enumerate(value):
            if item is None:
                continue
            try:
                result.append(decode_item(item))
            except ParseFailure as failure:
                raise failure.inside(str(index)) from None
        return result

    return decode_list


def _map_decoder(shape: Shape, cbor: bool) -> Decoder:
    decode_value: Decoder | None = None

    def decode_map(value: Any) -> dict[str, Any]:
        nonlocal decode_value
        if type(value) is not dict:
            raise invalid(f"Expected an object for {shape.name}")
        if decode_value is None:
            decode_value = decoder_for(shape.value, cbor)
        result: dict[str, Any] = {}
        for key, item in value.items():
            if item is None:
                continue
            if type(key) is not str:
                raise invalid(f"Keys of {shape.name} must be strings")
            try:
                result[key] = decode_value(item)
            except ParseFailure as failure:
                raise failure.inside(key) from None
        return result

    return decode_map


def _integer_decoder(type_name: str) -> Decoder:
    def decode_integer(value: Any) -> int:
        if type(value) is int:
            return integer_in_range(value, type_name)
        if type(value) is float and value.is_integer():
            return integer_in_range(int(value), type_name)
        raise invalid(f"Expected an integer, got {_json_type(value)}")

    return decode_integer


def _float(value: Any) -> float:
    if type(value) is float:
        return value
    if type(value) is int:
        return float(value)
    if type(value) is str and value in _FLOAT_WORDS:
        return _FLOAT_WORDS[value]
    raise invalid(f"Expected a number, got {_json_type(value)}")


def _string(value: Any) -> str:
    if type(value) is str:
        return value
    raise invalid(f"Expected a string, got {_json_type(value)}")


def _boolean(value: Any) -> bool:
    if type(value) is bool:
        return value
    raise invalid(f"Expected a boolean, got {_json_type(value)}")


def _document(value: Any) -> Any:
    return value


def _json_timestamp(value: Any) -> datetime:
    if type(value) is int or type(value) is float:
        return timestamp_from_epoch(value)
    if type(value) is str:
        return timestamp_from_text(value)
    raise invalid(f"Expected a timestamp, got {_json_type(value)}")


def _cbor_timestamp(value: Any) -> datetime:
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    return _json_timestamp(value)


def _json_blob(value: Any) -> bytes:
    if type(value) is str:
        return blob_from_base64(value)
    raise invalid(f"Expected base64 text, got {_json_type(value)}")


def _cbor_blob(value: Any) -> bytes:
    if isinstance(value, bytes | bytearray):
        return bytes(value)
    raise invalid(f"Expected a byte string, got {_json_type(value)}")


def _json_type(value: Any) -> str:
    return {
        dict: "an object",
        list: "a list",
        str: "a string",
        bool: "a boolean",
        int: "a number",
        float: "a number",
    }.get(type(value), type(value).__name__)


_SCALARS: dict[str, Decoder] = {
    "string": _string,
    "boolean": _boolean,
    "float": _float,
    "double": _float,
}
