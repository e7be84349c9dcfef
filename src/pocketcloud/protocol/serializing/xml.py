"""Shapes compiled into XML emitters (query, ec2 and rest-xml bodies).

An emitter appends escaped text to a list of strings, which the caller joins once: far
cheaper than building an ElementTree. Each element is written from a precomputed ``start``
(``<name xmlns="..."``, left open for attributes) and ``close`` (``</name>``). Element names
follow the rules botocore parses by: ``locationName`` for members, ``member``/``entry``/
``key``/``value`` by default inside lists and maps, and a flattened list's items named after
its member's ``locationName`` when it has one.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache, partial
from typing import Any

from botocore.model import ServiceModel, Shape

from pocketcloud.protocol import legacy_query_names
from pocketcloud.protocol.serializing import values

Emitter = Callable[[list[str], Any, str, str], None]  # (out, value, start, close)
TextOf = Callable[[Any], str]
# A member's binding: its kind, then for STRING nothing, for PLAIN the text function, for NESTED
# the emitter; then the element's start (open for attributes), start + ">", and close tags.
# Strings and plain scalars are written inline by emit_members: a listing has ~6 per entry,
# and a call per value was most of the serializer's time.
STRING, PLAIN, NESTED = 0, 1, 2
Binding = tuple[int, Any, str, str, str]


@dataclass
class StructurePlan:
    members: dict[str, Binding] = field(default_factory=dict)
    attributes: list[tuple[str, str, TextOf]] = field(default_factory=list)  # name, attr, text


def element_tags(name: str, namespace: Any = None) -> tuple[str, str]:
    """``start`` (without the closing ``>``) and ``close`` tags of an element."""
    if not namespace:
        return f"<{name}", f"</{name}>"
    if isinstance(namespace, str):
        return f'<{name} xmlns="{values.xml_attribute(namespace)}"', f"</{name}>"
    uri = values.xml_attribute(namespace.get("uri", ""))
    prefix = namespace.get("prefix")
    declaration = f'xmlns:{prefix}="{uri}"' if prefix else f'xmlns="{uri}"'
    return f"<{name} {declaration}", f"</{name}>"


class XmlCompiler:
    """Compiles one service's shapes into XML emitters."""

    def __init__(self, legacy_names: bool = False, iso8601: TextOf = values.iso8601) -> None:
        self._legacy_names = legacy_names  # SQS's query-era element names (legacy_query_names)
        self._iso8601 = iso8601
        self._structures: dict[str, StructurePlan] = {}
        self._lock = threading.RLock()  # a half-built recursive plan must never be seen

    def plan_for_members(self, members: dict[str, Shape]) -> StructurePlan:
        """A plan for a chosen set of members (a top-level body), not cached by name."""
        with self._lock:
            plan = StructurePlan()
            self._fill_plan(plan, members, "")
            return plan

    def structure_plan(self, shape: Shape) -> StructurePlan:
        with self._lock:
            return self._structure_plan(shape)

    def binding(self, name: str, member: Shape) -> Binding:
        with self._lock:
            return self._binding(name, member, "")

    def _structure_plan(self, shape: Shape) -> StructurePlan:
        plan = self._structures.get(shape.name)
        if plan is None:
            plan = StructurePlan()
            self._structures[shape.name] = plan  # before members: shapes may recurse
            self._fill_plan(plan, shape.members, shape.name)  # type: ignore[attr-defined]
        return plan

    def _fill_plan(self, plan: StructurePlan, members: dict[str, Shape], owner: str) -> None:
        for name, member in members.items():
            serialization = member.serialization
            if serialization.get("xmlAttribute"):
                attribute = serialization.get("name", name)
                plan.attributes.append((name, attribute, self._text_of(member)))
            else:
                plan.members[name] = self._binding(name, member, owner)

    def _binding(self, name: str, member: Shape, owner: str) -> Binding:
        serialization = member.serialization
        flattened = bool(serialization.get("flattened"))
        element = serialization.get("name", name)
        if flattened and member.type_name == "list":
            element = member.member.serialization.get("name", element)  # type: ignore[attr-defined]
        if self._legacy_names:
            element = legacy_query_names.OUTPUT_MEMBER_NAMES.get((owner, name), element)
        start, close = element_tags(element, serialization.get("xmlNamespace"))
        type_name = member.type_name
        if type_name == "string":
            return STRING, None, start, start + ">", close
        if type_name not in ("structure", "list", "map"):
            return PLAIN, self._text_of(member), start, start + ">", close
        return NESTED, self._emitter(member, flattened), start, start + ">", close

    def _emitter(self, shape: Shape, flattened: bool = False) -> Emitter:
        type_name = shape.type_name
        if type_name == "structure":
            return partial(emit_structure, self._structure_plan(shape))
        if type_name == "list":
            return self._list_emitter(shape, flattened)
        if type_name == "map":
            return self._map_emitter(shape, flattened)
        if type_name == "string":
            return _emit_string
        return partial(_emit_plain, self._text_of(shape))

    def _text_of(self, shape: Shape) -> TextOf:
        if shape.type_name == "timestamp":
            timestamp_format = shape.serialization.get("timestampFormat", "iso8601")
            if timestamp_format == "iso8601":
                return self._iso8601
        return _text_of(shape)

    def _list_emitter(self, shape: Shape, flattened: bool) -> Emitter:
        item: Shape = shape.member  # type: ignore[attr-defined]
        if item.type_name == "structure":  # a listing's entries: no call per item
            plan = self._structure_plan(item)
            if flattened:
                return partial(_emit_flattened_structures, plan)
            start, close = element_tags(
                item.serialization.get("name", "member"), item.serialization.get("xmlNamespace")
            )
            return partial(_emit_structures, plan, start, close)
        emit_item = self._emitter(item, bool(item.serialization.get("flattened")))
        if flattened:
            return partial(_emit_flattened_list, emit_item)
        start, close = element_tags(
            item.serialization.get("name", "member"), item.serialization.get("xmlNamespace")
        )
        return partial(_emit_list, emit_item, start, close)

    def _map_emitter(self, shape: Shape, flattened: bool) -> Emitter:
        key: Shape = shape.key  # type: ignore[attr-defined]
        value: Shape = shape.value  # type: ignore[attr-defined]
        key_name = key.serialization.get("name", "key")
        value_name = value.serialization.get("name", "value")
        if self._legacy_names:
            key_name, value_name = legacy_query_names.MAP_ENTRY_NAMES.get(
                shape.name, (key_name, value_name))
        key_start, key_close = element_tags(key_name, key.serialization.get("xmlNamespace"))
        value_start, value_close = element_tags(value_name, value.serialization.get("xmlNamespace"))
        entry = _MapEntry(
            key_start + ">", key_close, self._emitter(value), value_start, value_close
        )
        return partial(_emit_flattened_map if flattened else _emit_map, entry)


# Services whose XML timestamps always carry milliseconds (S3: `2025-01-01T12:00:00.000Z`);
# the others (Route 53, CloudFront, the query services) write them only when present.
_ISO8601_BY_SERVICE: dict[str, TextOf] = {"s3": values.iso8601_milliseconds}


@cache
def compiler_for(service_model: ServiceModel) -> XmlCompiler:
    prefix = service_model.metadata.get("endpointPrefix", "")
    return XmlCompiler(
        legacy_names=prefix in legacy_query_names.SERVICES,
        iso8601=_ISO8601_BY_SERVICE.get(prefix, values.iso8601),
    )


def _text_of(shape: Shape) -> TextOf:
    """Unescaped text of a scalar shape's value."""
    type_name = shape.type_name
    if type_name == "timestamp":
        timestamp_format = shape.serialization.get("timestampFormat", "iso8601")
        return values.TIMESTAMP_TEXT.get(timestamp_format, values.iso8601)
    if type_name in ("integer", "long", "short", "byte"):
        return values.integer_text
    if type_name in ("float", "double"):
        return values.float_text
    if type_name == "boolean":
        return values.boolean_text
    if type_name == "blob":
        return values.base64_text
    return str


# --- emitters ---------------------------------------------------------------------------


def emit_structure(
    plan: StructurePlan, out: list[str], value: dict[str, Any], start: str, close: str
) -> None:
    if plan.attributes:
        out.append(start + _attributes(plan, value) + ">")
    else:
        out.append(start + ">")
    emit_members(plan, out, value)
    out.append(close)


def emit_members(plan: StructurePlan, out: list[str], value: dict[str, Any]) -> None:
    members = plan.members
    append = out.append
    for name, member_value in value.items():
        binding = members.get(name)
        if binding is None or member_value is None:
            continue
        kind, function, start, opened, close = binding
        if kind == STRING:
            text = member_value if type(member_value) is str else str(member_value)
            if "&" in text or "<" in text or ">" in text or not text.isprintable():
                text = values.xml_text(text)  # CR, controls and NUL fail isprintable()
            append(opened + text + close)
        elif kind == PLAIN:  # numbers, booleans, dates, base64: no escaping
            append(opened + function(member_value) + close)
        else:
            function(out, member_value, start, close)


def _attributes(plan: StructurePlan, value: dict[str, Any]) -> str:
    text = ""
    for name, attribute, text_of in plan.attributes:
        attribute_value = value.get(name)
        if attribute_value is not None:
            text += f' {attribute}="{values.xml_attribute(text_of(attribute_value))}"'
    return text


def _emit_string(out: list[str], value: Any, start: str, close: str) -> None:
    out.append(f"{start}>{values.string_text(value)}{close}")


def _emit_plain(text_of: TextOf, out: list[str], value: Any, start: str, close: str) -> None:
    out.append(f"{start}>{text_of(value)}{close}")  # numbers, booleans, dates, base64: no escaping


def _emit_list(
    emit_item: Emitter, item_start: str, item_close: str,
    out: list[str], value: Any, start: str, close: str,
) -> None:  # fmt: skip
    out.append(start + ">")
    for item in value:
        if item is not None:
            emit_item(out, item, item_start, item_close)
    out.append(close)


def _emit_flattened_list(
    emit_item: Emitter, out: list[str], value: Any, start: str, close: str
) -> None:
    for item in value:
        if item is not None:
            emit_item(out, item, start, close)


def _emit_flattened_structures(
    plan: StructurePlan, out: list[str], value: Any, start: str, close: str
) -> None:
    """A flattened list of structures (a listing's Contents): emit_structure, inlined."""
    if plan.attributes:
        for item in value:
            if item is not None:
                emit_structure(plan, out, item, start, close)
        return
    opened = start + ">"
    append = out.append
    for item in value:
        if item is not None:
            append(opened)
            emit_members(plan, out, item)
            append(close)


def _emit_structures(
    plan: StructurePlan, item_start: str, item_close: str,
    out: list[str], value: Any, start: str, close: str,
) -> None:  # fmt: skip
    out.append(start + ">")
    _emit_flattened_structures(plan, out, value, item_start, item_close)
    out.append(close)


@dataclass(frozen=True)
class _MapEntry:
    key_open: str
    key_close: str
    emit_value: Emitter
    value_start: str
    value_close: str


def _emit_map(
    entry: _MapEntry, out: list[str], value: dict[str, Any], start: str, close: str
) -> None:
    out.append(start + ">")
    for key, item in value.items():
        if item is not None:
            out.append(f"<entry>{entry.key_open}{values.string_text(key)}{entry.key_close}")
            entry.emit_value(out, item, entry.value_start, entry.value_close)
            out.append("</entry>")
    out.append(close)


def _emit_flattened_map(
    entry: _MapEntry, out: list[str], value: dict[str, Any], start: str, close: str
) -> None:
    for key, item in value.items():
        if item is not None:
            out.append(f"{start}>{entry.key_open}{values.string_text(key)}{entry.key_close}")
            entry.emit_value(out, item, entry.value_start, entry.value_close)
            out.append(close)
