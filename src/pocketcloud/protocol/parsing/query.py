"""awsQuery and ec2Query requests: form-encoded `Name.member.1.Field=value` parameters.

The flat parameters are first folded into a tree on their dots (`Tags.member.1.Key` ->
Tags / member / 1 / Key), then a decoder compiled once per shape walks the tree. The two
protocols differ only in names and lists:

- query: a member's wire name is its locationName (else its name); lists are
  `Name.member.N` (the list member's locationName replaces `member`), flattened lists
  `Name.N`; maps `Name.entry.N.key` / `.value`, flattened maps `Name.N.key`.
- ec2: a member's wire name is its queryName, else its capitalised locationName, else its
  name; lists are always `Name.N`.

Both forms of a list are accepted either way: clients in the wild send both.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import lru_cache
from typing import Any
from urllib.parse import unquote_plus

from botocore.model import Shape

from pocketcloud.protocol import legacy_query_names as legacy_names
from pocketcloud.protocol.parsing.failures import ParseFailure, invalid, malformed
from pocketcloud.protocol.parsing.json import SHAPE_CACHE_MAX
from pocketcloud.protocol.parsing.values import text_coercer

QUERY_PARAMS_MAX = 20_000  # parameters in one request (EC2 filters can be many, not this many)
QUERY_KEY_DEPTH_MAX = 32  # dots in one parameter name
LIST_INDEX_DIGITS_MAX = 9


class Node:
    """One dotted-name prefix: its own value (if sent) and the names under it."""

    __slots__ = ("value", "children")

    def __init__(self) -> None:
        self.value: str | None = None
        self.children: dict[str, Node] | None = None


NodeDecoder = Callable[[Node], Any]


def parse_query_request(
    shape: Shape | None, query_string: str, body: bytes, *, ec2: bool = False
) -> dict[str, Any]:
    root = Node()
    for key, value in query_pairs(query_string, body):
        _insert(root, key, value)
    if shape is None or root.children is None:
        return {}
    result: dict[str, Any] = decoder_for(shape, ec2)(root)
    return result


def query_pairs(query_string: str, body: bytes) -> Iterator[tuple[str, str]]:
    """Decoded (name, value) pairs from the URL's query string, then the form body."""
    try:
        text = body.decode("utf-8") if body else ""
    except UnicodeDecodeError:
        raise malformed("The request body is not valid UTF-8 form data") from None
    count = 0
    for raw in (query_string, text):
        for piece in raw.split("&") if raw else ():
            if not piece:
                continue
            count += 1
            if count > QUERY_PARAMS_MAX:
                raise malformed(f"More than {QUERY_PARAMS_MAX} parameters")
            key, _, value = piece.partition("=")
            if "%" in piece or "+" in piece:
                try:
                    key = unquote_plus(key, errors="strict")
                    value = unquote_plus(value, errors="strict")
                except UnicodeDecodeError:
                    raise malformed(f"Parameter '{key[:40]}' is not valid UTF-8") from None
            yield key, value


def _insert(root: Node, key: str, value: str) -> None:
    if "." not in key:  # the common case: a top-level member
        if root.children is None:
            root.children = {}
        node = root.children.get(key)
        if node is None:
            node = root.children[key] = Node()
        node.value = value
        return
    parts = key.split(".")
    if len(parts) > QUERY_KEY_DEPTH_MAX:
        raise malformed(f"Parameter name '{key[:60]}...' is nested too deeply")
    node = root
    for part in parts:
        children = node.children
        if children is None:
            children = node.children = {}
        child = children.get(part)
        if child is None:
            child = children[part] = Node()
        node = child
    node.value = value


@lru_cache(maxsize=SHAPE_CACHE_MAX)
def decoder_for(shape: Shape, ec2: bool = False) -> NodeDecoder:
    kind = shape.type_name
    if kind == "structure" and not shape.metadata.get("document"):
        return _structure_decoder(shape, ec2)
    if kind == "list":
        return _list_decoder(shape, ec2)
    if kind == "map":
        return _map_decoder(shape, ec2)
    return _scalar_decoder(text_coercer(kind))


def _wire_names(owner: str, member_name: str, member: Shape, ec2: bool) -> list[str]:
    """The names a member of the `owner` structure answers to, preferred first."""
    serialization = member.serialization
    if ec2:
        names = [_capitalize(serialization.get("name", member_name)), member_name]
        if "queryName" in serialization:
            names.insert(0, serialization["queryName"])
        return names
    names = [serialization.get("name", member_name)]
    if member.type_name == "list" and serialization.get("flattened"):
        item_name = member.member.serialization.get("name")
        if item_name:
            names.append(item_name)
    legacy = legacy_names.MEMBER_NAMES.get((owner, member_name))
    if legacy is not None:
        names.append(legacy)
    return names


def _capitalize(name: str) -> str:
    return name[:1].upper() + name[1:]


def _member_table(shape: Shape, ec2: bool) -> dict[str, tuple[str, NodeDecoder]]:
    table: dict[str, tuple[str, NodeDecoder]] = {}
    for name, member in shape.members.items():
        entry = (name, decoder_for(member, ec2))
        for wire_name in _wire_names(shape.name, name, member, ec2):
            table.setdefault(wire_name, entry)
    return table


def _structure_decoder(shape: Shape, ec2: bool) -> NodeDecoder:
    table: dict[str, tuple[str, NodeDecoder]] | None = None  # built on first use: shapes recurse

    def decode_structure(node: Node) -> dict[str, Any]:
        nonlocal table
        if node.children is None:
            if node.value:
                raise invalid(f"Expected the members of {shape.name}, got a value")
            return {}
        if table is None:
            table = _member_table(shape, ec2)
        result: dict[str, Any] = {}
        for key, child in node.children.items():
            field = table.get(key)
            if field is None or field[0] in result:
                continue
            try:
                result[field[0]] = field[1](child)
            except ParseFailure as failure:
                raise failure.inside(key) from None
        return result

    return decode_structure


def _list_decoder(shape: Shape, ec2: bool) -> NodeDecoder:
    item_name = "" if ec2 else shape.member.serialization.get("name", "member")
    decode_item: NodeDecoder | None = None

    def decode_list(node: Node) -> list[Any]:
        nonlocal decode_item
        if decode_item is None:
            decode_item = decoder_for(shape.member, ec2)
        items = node
        if item_name and node.children is not None and item_name in node.children:
            items = node.children[item_name]
        return [decode_item(child) for child in _indexed(items)]

    return decode_list


def _map_decoder(shape: Shape, ec2: bool) -> NodeDecoder:
    key_name = shape.key.serialization.get("name", "key")
    value_name = shape.value.serialization.get("name", "value")
    old_key, old_value = legacy_names.MAP_ENTRY_NAMES.get(shape.name, (key_name, value_name))
    decode_value: NodeDecoder | None = None

    def decode_map(node: Node) -> dict[str, Any]:
        nonlocal decode_value
        if decode_value is None:
            decode_value = decoder_for(shape.value, ec2)
        entries = node
        if node.children is not None and "entry" in node.children:
            entries = node.children["entry"]
        result: dict[str, Any] = {}
        for entry in _indexed(entries):
            children = entry.children or {}
            key_node = children.get(key_name, children.get(old_key))
            value_node = children.get(value_name, children.get(old_value))
            if key_node is None or key_node.value is None:
                raise invalid(f"A {shape.name} entry has no {key_name}")
            if value_node is not None:
                try:
                    result[key_node.value] = decode_value(value_node)
                except ParseFailure as failure:
                    raise failure.inside(key_node.value) from None
        return result

    return decode_map


def _indexed(node: Node) -> list[Node]:
    """The children of a list node (`.1`, `.2`, ...) in index order."""
    if node.children is None:
        return []  # `Name=` is how clients send an empty list
    numbered = []
    for index, child in node.children.items():
        if not index.isdecimal() or len(index) > LIST_INDEX_DIGITS_MAX:
            raise invalid(f"'{index[:40]}' is not a list index")
        numbered.append((int(index), child))
    numbered.sort(key=lambda pair: pair[0])
    return [child for _, child in numbered]


def _scalar_decoder(coerce: Callable[[str], Any]) -> NodeDecoder:
    def decode_scalar(node: Node) -> Any:
        if node.value is None:
            raise invalid("Expected a value, got nested parameters")
        return coerce(node.value)

    return decode_scalar
