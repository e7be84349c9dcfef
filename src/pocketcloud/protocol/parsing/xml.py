"""rest-xml request bodies, read safely with expat into a small element tree.

Safety: a document type declaration (and with it every entity declaration) is refused
outright, so no external entity is ever fetched and no entity can expand ("billion
laughs"); nesting deeper than `XML_DEPTH_MAX` is refused before it is built.

Names: namespaces are ignored and prefixes dropped (`<baz:foo>` is `foo`), because AWS
matches members by local name. Lists are a wrapper with one child per item (any child
name), or, when flattened, repeated elements named after the member. Maps are `entry`
elements holding key and value elements (names from the spec), or flattened repeats of
the member's own element.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any
from xml.parsers import expat

from botocore.model import Shape

from pocketcloud.protocol.parsing.failures import ParseFailure, invalid, malformed
from pocketcloud.protocol.parsing.json import SHAPE_CACHE_MAX
from pocketcloud.protocol.parsing.values import text_coercer

XML_DEPTH_MAX = 64  # S3's deepest request documents are under 10 levels
MALFORMED_XML_MESSAGE = (
    "The XML you provided was not well-formed or did not validate against our published schema"
)


class Element:
    __slots__ = ("tag", "attributes", "children", "parts")

    def __init__(self, tag: str, attributes: dict[str, str]) -> None:
        self.tag = tag
        self.attributes = attributes
        self.children: list[Element] = []
        self.parts: list[str] = []

    @property
    def text(self) -> str:
        return "".join(self.parts)

    def child(self, tag: str) -> Element | None:
        for child in self.children:
            if child.tag == tag:
                return child
        return None


ElementDecoder = Callable[[Element], Any]


def parse_xml_document(body: bytes) -> Element:
    """The root element of `body`; anything but one safe, well-formed document is refused."""
    builder = _TreeBuilder()
    parser = expat.ParserCreate()
    parser.buffer_text = True
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartDoctypeDeclHandler = builder.refuse_doctype
    parser.EntityDeclHandler = builder.refuse_entity
    parser.StartElementHandler = builder.start
    parser.EndElementHandler = builder.end
    parser.CharacterDataHandler = builder.characters
    try:
        parser.Parse(body, True)
    except (expat.ExpatError, ValueError, UnicodeError):
        raise malformed(MALFORMED_XML_MESSAGE) from None
    if builder.root is None:
        raise malformed(MALFORMED_XML_MESSAGE)
    return builder.root


class _TreeBuilder:
    def __init__(self) -> None:
        self.root: Element | None = None
        self.stack: list[Element] = []

    def start(self, tag: str, attributes: dict[str, str]) -> None:
        if len(self.stack) >= XML_DEPTH_MAX:
            raise malformed(f"The XML document is nested deeper than {XML_DEPTH_MAX} levels")
        element = Element(tag.rpartition(":")[2], attributes)
        if self.stack:
            self.stack[-1].children.append(element)
        else:
            self.root = element
        self.stack.append(element)

    def end(self, tag: str) -> None:
        self.stack.pop()

    def characters(self, data: str) -> None:
        if self.stack:
            self.stack[-1].parts.append(data)

    def refuse_doctype(self, *args: object) -> None:
        raise malformed("Document type declarations are not allowed")

    def refuse_entity(self, *args: object) -> None:
        raise malformed("Entity declarations are not allowed")


def decode_element(shape: Shape, element: Element, *, body_only: bool = False) -> Any:
    """Decode `element` as `shape`; `body_only` skips members bound to the URI/headers."""
    if body_only:
        return _structure_decoder(shape, True)(element)
    return decoder_for(shape)(element)


@lru_cache(maxsize=SHAPE_CACHE_MAX)
def decoder_for(shape: Shape) -> ElementDecoder:
    kind = shape.type_name
    if kind == "structure" and not shape.metadata.get("document"):
        return _structure_decoder(shape, False)
    if kind == "list":
        return _list_decoder(shape)
    if kind == "map":
        return _map_decoder(shape)
    return _scalar_decoder(text_coercer(kind))


# How a child element contributes to its structure: the whole member, or one item of a
# flattened list, or one entry of a flattened map.
_WHOLE, _LIST_ITEM, _MAP_ENTRY = 0, 1, 2


@lru_cache(maxsize=SHAPE_CACHE_MAX)
def _structure_decoder(shape: Shape, body_only: bool) -> ElementDecoder:
    tables: tuple[dict[str, tuple[str, int, ElementDecoder]], dict[str, tuple[str, Any]]] | None
    tables = None  # built on first use: shapes recurse

    def decode_structure(element: Element) -> dict[str, Any]:
        nonlocal tables
        if tables is None:
            tables = _member_tables(shape, body_only)
        elements, attributes = tables
        result: dict[str, Any] = {}
        if attributes and element.attributes:
            _read_attributes(element, attributes, result)
        for child in element.children:
            field = elements.get(child.tag)
            if field is None:
                continue
            name, contribution, decode = field
            try:
                if contribution == _WHOLE:
                    result[name] = decode(child)
                elif contribution == _LIST_ITEM:
                    result.setdefault(name, []).append(decode(child))
                else:
                    key, value = decode(child)
                    result.setdefault(name, {})[key] = value
            except ParseFailure as failure:
                raise failure.inside(name) from None
        return result

    return decode_structure


def _member_tables(
    shape: Shape, body_only: bool
) -> tuple[dict[str, tuple[str, int, ElementDecoder]], dict[str, tuple[str, Any]]]:
    elements: dict[str, tuple[str, int, ElementDecoder]] = {}
    attributes: dict[str, tuple[str, Any]] = {}
    for name, member in shape.members.items():
        serialization = member.serialization
        if body_only and "location" in serialization:
            continue
        wire_name = serialization.get("name", name)
        if serialization.get("xmlAttribute"):
            attributes[wire_name] = (name, text_coercer(member.type_name))
            continue
        flattened = serialization.get("flattened") and member.type_name in ("list", "map")
        if not flattened:
            entry = (name, _WHOLE, decoder_for(member))
            elements.setdefault(wire_name, entry)
            # botocore merges a target shape's own xmlName into its members' names, but
            # clients name a member's element after the member (Smithy's rule).
            elements.setdefault(name, entry)
        elif member.type_name == "list":
            entry = (name, _LIST_ITEM, decoder_for(member.member))
            elements.setdefault(wire_name, entry)
            item_name = member.member.serialization.get("name")
            if item_name:
                elements.setdefault(item_name, entry)
        else:
            elements.setdefault(wire_name, (name, _MAP_ENTRY, _entry_decoder(member)))
    return elements, attributes


def _read_attributes(
    element: Element, attributes: dict[str, tuple[str, Any]], result: dict[str, Any]
) -> None:
    local_names = {key.rpartition(":")[2]: value for key, value in element.attributes.items()}
    for wire_name, (name, coerce) in attributes.items():
        value = element.attributes.get(wire_name)
        if value is None:
            value = local_names.get(wire_name.rpartition(":")[2])
        if value is not None:
            try:
                result[name] = coerce(value)
            except ParseFailure as failure:
                raise failure.inside(name) from None


def _list_decoder(shape: Shape) -> ElementDecoder:
    decode_item: ElementDecoder | None = None

    def decode_list(element: Element) -> list[Any]:
        nonlocal decode_item
        if decode_item is None:
            decode_item = decoder_for(shape.member)
        result = []
        for index, child in enumerate(element.children):
            try:
                result.append(decode_item(child))
            except ParseFailure as failure:
                raise failure.inside(str(index)) from None
        return result

    return decode_list


def _map_decoder(shape: Shape) -> ElementDecoder:
    decode_entry = _entry_decoder(shape)

    def decode_map(element: Element) -> dict[str, Any]:
        return dict(decode_entry(entry) for entry in element.children)

    return decode_map


def _entry_decoder(shape: Shape) -> Callable[[Element], tuple[str, Any]]:
    key_name = shape.key.serialization.get("name", "key")
    value_name = shape.value.serialization.get("name", "value")
    decode_value: ElementDecoder | None = None

    def decode_entry(entry: Element) -> tuple[str, Any]:
        nonlocal decode_value
        if decode_value is None:
            decode_value = decoder_for(shape.value)
        key = entry.child(key_name)
        value = entry.child(value_name)
        if key is None or value is None:
            raise invalid(f"Each {shape.name} entry needs a {key_name} and a {value_name}")
        try:
            return key.text, decode_value(value)
        except ParseFailure as failure:
            raise failure.inside(key.text) from None

    return decode_entry


def _scalar_decoder(coerce: Callable[[str], Any]) -> ElementDecoder:
    def decode_scalar(element: Element) -> Any:
        return coerce(element.text)

    return decode_scalar
