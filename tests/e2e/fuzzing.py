"""Hostile requests built from botocore's input shapes, for the fuzz tests.

`hostile_params` walks an operation's input shape and fills it with values a careless or
hostile client might send: wrong types, missing required members, empty and huge strings,
unicode edge cases, out-of-range numbers, path-traversal names, deep nesting. Values are drawn
from a seeded `random.Random`, so a failure names the seed that reproduces it.
`mutated_bodies` gives raw bodies (bad JSON, CBOR, XML, query strings) for one protocol.
"""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime
from typing import Any

from botocore.model import Shape

HUGE_TEXT_CHARS = 100_000  # big enough to trip unbounded work, small enough to send fast
NESTING_DEPTH = 64
TRAVERSALS = ["../../etc/passwd", "%2e%2e/%2e%2e/etc/passwd", "..\\..\\windows\\win.ini",
              "/etc/passwd", "a/../../../b", "..", ".", "./", "~root/.ssh"]
UNICODE = ["a\x00b", "\x00", "\u202eevil\u202c", "😀" * 8, "\uffff\ufffe", "e\u0301",
           "\u200b", "line\nbreak\r\n", "tab\t", "日本語"]
INJECTIONS = ["' OR '1'='1", "\"; DROP TABLE x; --", "<x>&amp;</x>", "${jndi:ldap://x}",
              "%s%s%n", "{\"a\":1}", "*", "?"]
NUMBERS = [-1, 0, -(2**31) - 1, 2**31, 2**63, -(2**63) - 1, 2**64, 10**30]
FLOATS = [-1.5, 1e308, -1e308, 5e-324]


def deep_list(depth: int = NESTING_DEPTH) -> Any:
    value: Any = "x"
    for _ in range(depth):
        value = [value]
    return value


def deep_map(depth: int = NESTING_DEPTH) -> Any:
    value: Any = "x"
    for _ in range(depth):
        value = {"k": value}
    return value


def hostile_text(rng: random.Random) -> str:
    kind = rng.random()
    if kind < 0.1:
        return ""
    if kind < 0.2:
        return rng.choice("aZ9/") * HUGE_TEXT_CHARS
    return rng.choice(TRAVERSALS + UNICODE + INJECTIONS)


def wrong_type(rng: random.Random) -> Any:
    return rng.choice(["not-a-number", 12345, -7, True, [1, "two"], {"k": "v"}, 1.5,
                       deep_list(), deep_map(), [], {}])


def hostile_value(shape: Shape, rng: random.Random, depth: int = 0) -> Any:
    """A value for `shape` that is wrong, out of range or nasty, but often the right type."""
    if rng.random() < 0.35 or depth > 5:  # specs are recursive (DynamoDB's AttributeValue)
        return wrong_type(rng)
    kind = shape.type_name
    if kind == "string":
        return hostile_text(rng)
    if kind in ("integer", "long", "short", "byte"):
        return rng.choice(NUMBERS)
    if kind in ("float", "double"):
        return rng.choice(FLOATS)
    if kind == "list":
        count = rng.choice([0, 1, 3, 200])
        return [hostile_value(shape.member, rng, depth + 1) for _ in range(count)]
    if kind == "map":
        return {hostile_text(rng)[:200] or "k": hostile_value(shape.value, rng, depth + 1)
                for _ in range(rng.choice([0, 1, 3]))}
    if kind == "structure":
        return {name: hostile_value(member, rng, depth + 1)
                for name, member in shape.members.items() if rng.random() < 0.5}
    if kind == "blob":
        return rng.choice([b"", b"\x00" * 64, rng.randbytes(256), b"PK\x03\x04junk"])
    if kind == "timestamp":
        return rng.choice([datetime(1, 1, 1, tzinfo=UTC), datetime(9999, 12, 31, tzinfo=UTC),
                           0, -1])
    return wrong_type(rng)


def plausible_value(shape: Shape, rng: random.Random, hostile_rate: float, depth: int = 0) -> Any:
    """A value for `shape` that mostly fits, with hostile values mixed in at `hostile_rate`."""
    if rng.random() < hostile_rate:
        return hostile_value(shape, rng)
    kind = shape.type_name
    if kind == "structure":
        return _structure(shape, rng, hostile_rate, depth)
    if kind == "list":
        if depth > 5:
            return []
        return [plausible_value(shape.member, rng, hostile_rate, depth + 1)
                for _ in range(rng.randint(0, 2))]
    if kind == "map":
        if depth > 5:
            return {}
        return {f"k{i}": plausible_value(shape.value, rng, hostile_rate, depth + 1)
                for i in range(rng.randint(0, 2))}
    if kind == "string":
        if shape.enum:
            return rng.choice(shape.enum)
        return f"fuzz-{rng.randrange(16**6):06x}"
    if kind in ("integer", "long", "short", "byte"):
        low = int(shape.metadata.get("min", 0))
        return low + rng.randint(0, 3)
    if kind in ("float", "double"):
        return 1.5
    if kind == "boolean":
        return rng.random() < 0.5
    if kind == "blob":
        return b"fuzz"
    if kind == "timestamp":
        return datetime(2026, 1, 1, tzinfo=UTC)
    return None


def _structure(shape: Shape, rng: random.Random, hostile_rate: float, depth: int) -> Any:
    out: dict[str, Any] = {}
    if depth > 6:
        return out
    required = set(shape.required_members)
    for name, member in shape.members.items():
        if member.serialization.get("eventstream") or member.type_name == "structure" and \
                member.serialization.get("eventstream"):
            continue
        if name in required:
            if rng.random() < 0.15:  # a required member left out
                continue
        elif rng.random() < 0.6:
            continue
        out[name] = plausible_value(member, rng, hostile_rate, depth + 1)
    return out


def hostile_params(shape: Shape | None, rng: random.Random) -> dict[str, Any]:
    if shape is None:
        return {"Junk": "unexpected"} if rng.random() < 0.5 else {}
    value = plausible_value(shape, rng, rng.choice([0.1, 0.3, 0.6]))
    return value if isinstance(value, dict) else {}


# -- raw bodies, per protocol ---------------------------------------------------------------

def _json_bodies(rng: random.Random) -> list[bytes]:
    return [
        b"{not json", b"", b"null", b"[1, 2, 3]", b'"text"', b"{\"a\": }", rng.randbytes(300),
        b"[" * 20_000 + b"]" * 20_000, b'{"a":' * 5_000 + b"1" + b"}" * 5_000,
        b'{"Name": "\\ud800"}', b'{"Name": "\\u0000"}', b'{"Name": 1e999999}',
        b'{"Name": NaN}', b"\xef\xbb\xbf{}", b'{"a": 1, "a": 2}',
        json.dumps({"Name": "x" * HUGE_TEXT_CHARS}).encode(),
        json.dumps({"Tags": deep_list(500)}).encode(),
    ]


def _cbor_bodies(rng: random.Random) -> list[bytes]:
    return [b"", rng.randbytes(64), b"\x9f" * 5000, b"\xbf" * 5000, b"\x5b\xff\xff\xff\xff",
            b"\xa1\x61a\xc1\xfb\x7f\xf0\x00\x00\x00\x00\x00\x00", b"\x1b" + b"\xff" * 8]


def _xml_bodies(rng: random.Random) -> list[bytes]:
    laughs = (b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa">'
              b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
              b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">'
              b'<!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]><X>&d;&d;&d;&d;</X>')
    external = (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
                b"<X>&e;</X>")
    return [b"<unclosed", b"", rng.randbytes(200), laughs, external,
            b"<a>" * 20_000 + b"</a>" * 20_000, b"<?xml version='1.0' encoding='nope'?><a/>",
            b"<X>\x00</X>", b"<X><Y>" + b"y" * HUGE_TEXT_CHARS + b"</Y></X>"]


def _query_bodies(rng: random.Random, action: str, version: str) -> list[bytes]:
    head = f"Action={action}&Version={version}".encode()
    deep = b".member.1" * 300
    return [head + b"&%ZZ=%G", head + b"&=&&==", head + b"&X.member.999999999999=1",
            head + b"&X" + deep + b"=1", head + b"&X=\xff\xfe", head + b"&X=%00%ff",
            head + b"&" + b"&".join(b"K%d=v" % i for i in range(5000)),
            head + b"&Name=" + b"n" * HUGE_TEXT_CHARS, rng.randbytes(200)]


def mutated_bodies(protocol: str, rng: random.Random, action: str = "", version: str = "",
                   ) -> list[bytes]:
    if protocol in ("json", "rest-json"):
        return _json_bodies(rng)
    if protocol == "smithy-rpc-v2-cbor":
        return _cbor_bodies(rng)
    if protocol == "rest-xml":
        return _xml_bodies(rng)
    return _query_bodies(rng, action, version)
