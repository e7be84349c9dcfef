"""rest-json and rest-xml requests: members bound to the URI, query string, headers and body.

Per operation a `RestPlan` is built once: which label, query key and header feeds which
member (with its coercion), which member is the payload, and how the body decodes. A
request then costs a few dictionary lookups plus the body parse.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from botocore.model import OperationModel, Shape

from pocketcloud.protocol.http import HttpRequest
from pocketcloud.protocol.parsing import xml as xml_body
from pocketcloud.protocol.parsing.failures import ParseFailure, invalid
from pocketcloud.protocol.parsing.json import decoder_for as json_decoder
from pocketcloud.protocol.parsing.json import parse_json_document
from pocketcloud.protocol.parsing.query import query_pairs
from pocketcloud.protocol.parsing.values import (
    INTEGER_RANGES,
    as_text,
    blob_from_base64,
    text_coercer,
    timestamp_from_text,
)
from pocketcloud.protocol.rest_router import UriTemplate

Coerce = Callable[[str], Any]
HEADER_LIST_ITEMS_MAX = 1000
OPERATION_CACHE_MAX = 8192
_WEEKDAYS = frozenset({"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"})


@dataclass(frozen=True)
class _Binding:
    member: str  # the member's name in the input shape
    wire_name: str  # label name, query key, or lower-case header name (prefix for maps)
    coerce: Coerce  # text -> value (one item's coercion for lists)
    is_list: bool = False


@dataclass(frozen=True)
class RestPlan:
    template: UriTemplate
    labels: tuple[_Binding, ...]
    query: tuple[_Binding, ...]
    query_map: _Binding | None  # `location: querystring` without a name: the leftover keys
    query_reserved: frozenset[str]  # keys the query map never sees
    headers: tuple[_Binding, ...]
    prefix_headers: tuple[_Binding, ...]
    payload: tuple[str, Shape] | None  # the member that *is* the body
    body_shape: Shape | None  # the input, when some members live in the body
    # header name -> its bindings: a request sends a few of the dozens a spec may name
    header_index: dict[str, tuple[_Binding, ...]] = field(default_factory=dict)


def parse_rest_request(
    operation: OperationModel,
    request: HttpRequest,
    uri_params: dict[str, str] | None,
    *,
    xml: bool,
) -> dict[str, Any]:
    plan = rest_plan(operation)
    result: dict[str, Any] = {}
    if plan.body_shape is not None or plan.payload is not None:
        _read_body(plan, request.body, xml, result)
    if plan.labels:
        _read_labels(plan, request.path, uri_params, result)
    if request.query_string and (plan.query or plan.query_map):
        _read_query(plan, request.query_string, result)
    if plan.headers or plan.prefix_headers:
        _read_headers(plan, request.headers, result)
    return result


@lru_cache(maxsize=OPERATION_CACHE_MAX)
def rest_plan(operation: OperationModel) -> RestPlan:
    template = UriTemplate(operation.http.get("requestUri", "/"))
    shape = operation.input_shape
    labels: list[_Binding] = []
    query: list[_Binding] = []
    headers: list[_Binding] = []
    prefix_headers: list[_Binding] = []
    query_map: _Binding | None = None
    has_body_members = False
    xml_protocol = operation.metadata.get("protocol") == "rest-xml"
    for name, member in shape.members.items() if shape is not None else ():
        location = member.serialization.get("location")
        wire_name = member.serialization.get("name", name)
        if location == "uri":
            labels.append(_Binding(name, wire_name, text_coercer(member.type_name)))
        elif location == "querystring" and member.type_name == "map":
            query_map = _map_binding(name, member)
        elif location == "querystring":
            binding = _text_binding(name, wire_name, member)
            if xml_protocol and member.type_name in INTEGER_RANGES:
                binding = _Binding(name, wire_name, _blank_is_absent(binding.coerce))
            query.append(binding)
        elif location == "header":
            binding = _header_binding(name, wire_name.lower(), member)
            if binding.wire_name == "expires" and operation.metadata.get("endpointPrefix") == "s3":
                binding = _Binding(name, binding.wire_name, _date_or_text)
            headers.append(binding)
        elif location == "headers":
            prefix_headers.append(_map_binding(name, member, wire_name.lower()))
        elif location is None:
            has_body_members = True
    payload_name = shape.serialization.get("payload") if shape is not None else None
    payload = (payload_name, shape.members[payload_name]) if payload_name and shape else None
    return RestPlan(
        template=template,
        labels=tuple(labels),
        query=tuple(query),
        query_map=query_map,
        query_reserved=frozenset(template.literal_query) | {b.wire_name for b in query},
        headers=tuple(headers),
        prefix_headers=tuple(prefix_headers),
        payload=payload,
        body_shape=shape if has_body_members and payload is None else None,
        header_index={
            name: tuple(b for b in headers if b.wire_name == name)
            for name in {b.wire_name for b in headers}
        },
    )


def _text_binding(name: str, wire_name: str, member: Shape) -> _Binding:
    if member.type_name == "list":
        return _Binding(name, wire_name, text_coercer(member.member.type_name), is_list=True)
    return _Binding(name, wire_name, text_coercer(member.type_name))


def _date_or_text(text: str) -> Any:
    """S3's Expires header: a date when it reads as one, else kept as the text sent (S3
    stores and answers it verbatim; SDKs read it back as ExpiresString)."""
    try:
        return timestamp_from_text(text)
    except ParseFailure:
        return text


def _blank_is_absent(coerce: Coerce) -> Coerce:
    """S3 takes `?max-parts=` (an empty integer) as not sent, where other text is a 400."""
    return lambda text: coerce(text) if text else None


def _map_binding(name: str, member: Shape, prefix: str = "") -> _Binding:
    value = member.value
    if value.type_name == "list":
        return _Binding(name, prefix, text_coercer(value.member.type_name), is_list=True)
    return _Binding(name, prefix, text_coercer(value.type_name))


def _header_binding(name: str, header: str, member: Shape) -> _Binding:
    if member.type_name == "list":
        return _Binding(name, header, text_coercer(member.member.type_name), is_list=True)
    if member.type_name == "string" and member.serialization.get("jsonvalue"):
        return _Binding(name, header, _json_value_header)
    return _Binding(name, header, text_coercer(member.type_name))


def _json_value_header(text: str) -> Any:
    """A `jsonvalue` header: base64 of a JSON document, handed over decoded."""
    try:
        return json.loads(blob_from_base64(text))
    except (ValueError, RecursionError):
        raise invalid("The header value is not base64-encoded JSON") from None


def _read_labels(
    plan: RestPlan, path: str, uri_params: dict[str, str] | None, result: dict[str, Any]
) -> None:
    if uri_params is None:
        uri_params = plan.template.match(path) or {}
    for binding in plan.labels:
        value = uri_params.get(binding.wire_name)
        if value is not None:
            result[binding.member] = _http_value(binding, value)


def _read_query(plan: RestPlan, query_string: str, result: dict[str, Any]) -> None:
    values: dict[str, list[str]] = {}
    try:
        for key, value in query_pairs(query_string, b""):
            values.setdefault(key, []).append(value)
    except ParseFailure as failure:
        failure.kind = "http"  # a bad query string is not a bad body
        raise
    for binding in plan.query:
        found = values.get(binding.wire_name)
        if found is not None:
            value = _http_value(binding, found if binding.is_list else found[0])
            if value is not None:  # an empty integer S3 ignores (_blank_is_absent)
                result[binding.member] = value
    query_map = plan.query_map
    if query_map is None:
        return
    leftovers = {key: found for key, found in values.items() if key not in plan.query_reserved}
    if leftovers:
        result[query_map.member] = {
            key: _http_value(query_map, found if query_map.is_list else found[0])
            for key, found in leftovers.items()
        }


def _read_headers(plan: RestPlan, headers: dict[str, str], result: dict[str, Any]) -> None:
    bindings = plan.headers
    if len(headers) < len(bindings):  # look up the headers sent, not every one named
        index = plan.header_index
        bindings = tuple(b for name in headers if name in index for b in index[name])
    for binding in bindings:
        value = headers.get(binding.wire_name)
        if value is None or (not value and binding.coerce is not as_text and not binding.is_list):
            continue  # an empty header says nothing about a number, boolean or date
        items = split_header_list(value, binding.coerce) if binding.is_list else value
        result[binding.member] = _http_value(binding, items)
    for binding in plan.prefix_headers:
        prefix = binding.wire_name
        found = {
            name[len(prefix) :]: _http_value(binding, value)
            for name, value in headers.items()
            if name.startswith(prefix)
        }
        if found:
            result[binding.member] = found


def _http_value(binding: _Binding, value: str | list[str]) -> Any:
    try:
        if isinstance(value, list):
            return [binding.coerce(item) for item in value]
        return binding.coerce(value)
    except ParseFailure as failure:
        failure.kind = "http"
        raise failure.inside(binding.wire_name) from None


def split_header_list(value: str, coerce: Coerce) -> list[str]:
    """`a, "b,c", d` -> ['a', 'b,c', 'd']; HTTP dates keep their own comma."""
    if not value.strip():
        return []
    if '"' in value:
        return _split_quoted(value)
    items = [item.strip() for item in value.split(",", HEADER_LIST_ITEMS_MAX)]
    if coerce is timestamp_from_text:
        return _rejoin_http_dates(items)
    return items


def _rejoin_http_dates(items: list[str]) -> list[str]:
    joined: list[str] = []
    for item in items:
        if joined and joined[-1] in _WEEKDAYS:
            joined[-1] = f"{joined[-1]}, {item}"
        else:
            joined.append(item)
    return joined


def _split_quoted(value: str) -> list[str]:
    items: list[str] = []
    index, length = 0, len(value)
    while index < length and len(items) < HEADER_LIST_ITEMS_MAX:
        while index < length and value[index] in " \t":
            index += 1
        if index < length and value[index] == '"':
            item, index = _quoted_string(value, index + 1)
            comma = value.find(",", index)
            index = length if comma < 0 else comma + 1
        else:
            comma = value.find(",", index)
            end = length if comma < 0 else comma
            item, index = value[index:end].strip(), end + 1
        items.append(item)
    return items


def _quoted_string(value: str, index: int) -> tuple[str, int]:
    """The unescaped quoted string starting after the opening quote, and where it ended."""
    chars: list[str] = []
    while index < len(value):
        char = value[index]
        if char == "\\" and index + 1 < len(value):
            chars.append(value[index + 1])
            index += 2
        elif char == '"':
            return "".join(chars), index + 1
        else:
            chars.append(char)
            index += 1
    raise ParseFailure("A quoted header value is not closed", "http")


def _read_body(plan: RestPlan, body: bytes, xml: bool, result: dict[str, Any]) -> None:
    if plan.payload is not None:
        name, member = plan.payload
        value = _payload_value(member, body, xml)
        if value is not None:
            result[name] = value
        return
    if not body.strip() or plan.body_shape is None:
        return
    if xml:
        root = xml_body.parse_xml_document(body)
        result.update(xml_body.decode_element(plan.body_shape, root, body_only=True))
        return
    document = parse_json_document(body)
    if type(document) is not dict:
        raise invalid("The request body must be a JSON object")
    result.update(_json_body_decoder(plan.body_shape)(document))


def _payload_value(member: Shape, body: bytes, xml: bool) -> Any:
    """The payload member's value, or None when the body is empty (the member is unset)."""
    kind = member.type_name
    if kind == "blob":
        return body or None
    if kind == "string":
        if not body:
            return None
        try:
            return body.decode("utf-8")
        except UnicodeDecodeError:
            raise invalid("The request body is not valid UTF-8 text") from None
    if not body.strip():
        return None
    if xml:
        return xml_body.decode_element(member, xml_body.parse_xml_document(body))
    document = parse_json_document(body)
    if member.metadata.get("document"):
        return document
    # botocore sends `{}` for an unset structure payload, so `{}` means "not set".
    return json_decoder(member)(document) if document != {} else None


@lru_cache(maxsize=OPERATION_CACHE_MAX)
def _json_body_decoder(shape: Shape) -> Callable[[Any], dict[str, Any]]:
    """The input shape's JSON decoder, blind to members bound to the URI and headers."""
    table = {
        member.serialization.get("name", name): (name, json_decoder(member))
        for name, member in shape.members.items()
        if "location" not in member.serialization
    }

    def decode_body(document: dict[str, Any]) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key, item in document.items():
            field = table.get(key)
            if field is None or item is None:
                continue
            try:
                result[field[0]] = field[1](item)
            except ParseFailure as failure:
                raise failure.inside(field[0]) from None
        return result

    return decode_body
