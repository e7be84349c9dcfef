"""Shapes compiled into converters from provider values to JSON or CBOR data.

json, rest-json and smithy-rpc-v2-cbor bodies are the same tree of objects, lists and
scalars; they differ only in leaves (JSON: base64 blobs, epoch-number timestamps, NaN as a
string; CBOR: byte strings, tag-1 timestamps, native floats) and in member names (CBOR
ignores ``locationName``). A converter is compiled once per shape and service, so a request
only walks its own data. ``None`` as a converter means "the value is already right".
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import cache, partial
from typing import Any

from botocore.model import ServiceModel, Shape
from cbor2 import CBORTag

from pocketcloud.protocol.serializing import values

Converter = Callable[[Any], Any]
Fields = dict[str, tuple[str, Converter | None]]  # member name -> (wire name, converter)

_JSON_TIMESTAMPS: dict[str, Converter] = {
    "unixTimestamp": values.to_epoch,
    "iso8601": values.iso8601,
    "rfc822": values.http_date,
}


# Hand-written JSON converters a service registers for a hot, recursive shape (DynamoDB's
# AttributeValue): keyed by (targetPrefix, shape name); used instead of the compiled walk.
_JSON_OVERRIDES: dict[tuple[str, str], Converter] = {}


def register_json_converter(target_prefix: str, shape_name: str, convert: Converter) -> None:
    """Call at import of the service's provider, before its first request is served."""
    _JSON_OVERRIDES[(target_prefix, shape_name)] = convert


class JsonValueCompiler:
    """Compiles one service's shapes for JSON (``cbor=False``) or CBOR data."""

    def __init__(self, cbor: bool, target_prefix: str = "") -> None:
        self.cbor = cbor
        self.target_prefix = target_prefix
        self._structures: dict[str, Fields] = {}
        self._lock = threading.RLock()  # a half-built recursive plan must never be seen

    def converter(self, shape: Shape) -> Converter | None:
        with self._lock:
            return self._converter(shape)

    def wire_name(self, member_name: str, member: Shape) -> str:
        if self.cbor:
            return member_name
        name: str = member.serialization.get("name", member_name)
        return name

    def fields(self, members: dict[str, Shape]) -> Fields:
        """Wire names and converters for the given members of a structure."""
        with self._lock:
            return {
                name: (self.wire_name(name, member), self._converter(member))
                for name, member in members.items()
            }

    def _converter(self, shape: Shape) -> Converter | None:
        if not self.cbor and (self.target_prefix, shape.name) in _JSON_OVERRIDES:
            return _JSON_OVERRIDES[(self.target_prefix, shape.name)]
        type_name = shape.type_name
        if type_name == "structure":
            if shape.metadata.get("document"):
                return None
            return partial(convert_structure, self._structure_fields(shape))
        if type_name == "list":
            item = self._converter(shape.member)  # type: ignore[attr-defined]
            return _as_list if item is None else partial(_convert_list, item)
        if type_name == "map":
            item = self._converter(shape.value)  # type: ignore[attr-defined]
            return None if item is None else partial(_convert_map, item)
        if type_name == "timestamp":
            if self.cbor:
                return _cbor_timestamp
            return _JSON_TIMESTAMPS.get(
                shape.serialization.get("timestampFormat", ""), values.to_epoch
            )
        if type_name == "blob":
            return values.to_bytes if self.cbor else values.base64_text
        if type_name in ("float", "double"):
            return values.float_value if self.cbor else values.json_float
        if type_name == "boolean":
            return values.boolean_value
        return None

    def _structure_fields(self, shape: Shape) -> Fields:
        fields = self._structures.get(shape.name)
        if fields is None:
            fields = {}
            self._structures[shape.name] = fields  # before members: shapes may recurse
            for name, member in shape.members.items():  # type: ignore[attr-defined]
                fields[name] = (self.wire_name(name, member), self._converter(member))
        return fields


@cache
def compiler_for(service_model: ServiceModel, cbor: bool) -> JsonValueCompiler:
    return JsonValueCompiler(cbor, service_model.metadata.get("targetPrefix", ""))


def convert_structure(fields: Fields, value: dict[str, Any]) -> dict[str, Any]:
    converted = {}
    for name, member_value in value.items():
        field = fields.get(name)
        if field is None or member_value is None:
            continue
        wire_name, convert = field
        converted[wire_name] = member_value if convert is None else convert(member_value)
    return converted


def _convert_list(convert: Converter, value: Any) -> list[Any]:
    return [None if item is None else convert(item) for item in value]


def _as_list(value: Any) -> Any:
    return value if type(value) is list else list(value)


def _convert_map(convert: Converter, value: dict[str, Any]) -> dict[str, Any]:
    return {key: convert(item) for key, item in value.items() if item is not None}


def _cbor_timestamp(value: Any) -> CBORTag:
    return CBORTag(1, float(values.to_epoch(value)))
