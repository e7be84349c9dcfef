"""The stored item format: JSON wire bytes (so reads can send them as they are), and rows
written in the earlier CBOR format still read back."""

from __future__ import annotations

import json
from typing import Any

import cbor2
from hypothesis import given, settings
from hypothesis import strategies as st

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


_scalars = st.one_of(
    st.builds(lambda s: {"S": s}, st.text(max_size=20)),
    st.builds(lambda n: {"N": str(n)}, st.integers(-10**6, 10**6)),
    st.builds(lambda b: {"B": b}, st.binary(max_size=20)),
    st.builds(lambda b: {"BOOL": b}, st.booleans()),
    st.just({"NULL": True}),
    st.builds(lambda s: {"SS": sorted(s)}, st.sets(st.text(max_size=5), min_size=1, max_size=3)),
    st.builds(lambda s: {"BS": sorted(s)}, st.sets(st.binary(max_size=5), min_size=1,
                                                   max_size=3)),
)
_values = st.recursive(_scalars, lambda inner: st.one_of(
    st.builds(lambda v: {"L": v}, st.lists(inner, max_size=4)),
    st.builds(lambda v: {"M": v}, st.dictionaries(st.text(max_size=6), inner, max_size=4)),
), max_leaves=20)


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.text(min_size=1, max_size=8), _values, max_size=6))
def test_any_item_round_trips_through_the_stored_form(item: dict[str, Any]) -> None:
    assert decode_item(encode_item(item)) == item
    assert decode_item(raw_json(cbor2.dumps(item))) == item
