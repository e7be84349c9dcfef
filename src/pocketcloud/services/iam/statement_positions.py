"""Where each statement sits in a policy document's text, as the Simulate* answers give it.

IAM's StartPosition is the 1-based Line/Column just after the ``[`` or ``,`` that opens the
statement (so it may point at whitespace) and EndPosition the one just after its closing
``}``: AdministratorAccess, indented by two spaces, answers Line 3 Column 17 to Line 8
Column 6.
"""

from __future__ import annotations

import json
from functools import lru_cache

Position = dict[str, int]
Span = tuple[Position, Position]
_DECODER = json.JSONDecoder()
_WHITESPACE = " \t\n\r"


@lru_cache(maxsize=256)
def statement_spans(document: str) -> tuple[Span, ...]:
    """One span per statement, in order; () when the text cannot be scanned."""
    try:
        offsets = _statement_offsets(document)
    except (ValueError, IndexError):
        return ()
    return tuple((_position(document, start), _position(document, end))
                 for start, end in offsets)


def _statement_offsets(text: str) -> list[tuple[int, int]]:
    index = _skip(text, 0)
    if text[index] != "{":
        return []
    index = _skip(text, index + 1)
    while text[index] != "}":
        key, index = _DECODER.raw_decode(text, index)
        index = _skip(text, index)
        if text[index] != ":":
            return []
        value_at = _skip(text, index + 1)
        if key == "Statement":
            return _element_offsets(text, index + 1, value_at)
        _, index = _DECODER.raw_decode(text, value_at)
        index = _skip(text, index)
        if text[index] == ",":
            index = _skip(text, index + 1)
    return []


def _element_offsets(text: str, after_colon: int, value_at: int) -> list[tuple[int, int]]:
    if text[value_at] == "{":
        _, end = _DECODER.raw_decode(text, value_at)
        return [(after_colon, end)]
    if text[value_at] != "[":
        return []
    offsets: list[tuple[int, int]] = []
    start = value_at + 1
    while True:
        element_at = _skip(text, start)
        if text[element_at] == "]":
            return offsets
        _, end = _DECODER.raw_decode(text, element_at)
        offsets.append((start, end))
        after = _skip(text, end)
        if text[after] != ",":
            return offsets
        start = after + 1


def _skip(text: str, index: int) -> int:
    while text[index] in _WHITESPACE:
        index += 1
    return index


def _position(text: str, offset: int) -> Position:
    line_start = text.rfind("\n", 0, offset) + 1
    return {"Line": text.count("\n", 0, offset) + 1, "Column": offset - line_start + 1}
