"""The stored item format: JSON wire bytes (so reads can send them as they are), and rows
written in the earlier CBOR format still read back."""

from __future__ import annotations

import json
from typing import Any

import cbor2

from pocketcloud.services.dynamodb.storage import decode_item, encode_item, raw_json

ITEM = {
    "pk": {"S": 'text with "B": inside'},
    "b": {"B": b"\x00\xff"},
    "m": {"M": {"bs": {"BS": [b"\x01", b"\x02"]}, "l": {"L": [{"B": b"x"}, {"N": "1"}]}}},
    "n": {"N": "-1.5"},
    "flag": {"BOOL": False},
    "none": {"NULL": True},
    "ss": {"SS": ["a", "\u00e9\U0001f600"]},
}


def test_round_trip_keeps_binary_as_bytes() -> None:
    raw = encode_item(ITEM)
    assert raw.startswith(b"{")
    assert decode_item(raw) == ITEM
    wire = json.loads(raw)
    assert wire["b"] == {"B": "AP8="} and wire["m"]["M"]["bs"] == {"BS": ["AQ==", "Ag=="]}


def test_cbor_rows_from_before_still_read() -> None:
    old: Any = cbor2.dumps(ITEM)
    assert decode_item(old) == ITEM
    assert json.loads(raw_json(old)) == json.loads(encode_item(ITEM))
