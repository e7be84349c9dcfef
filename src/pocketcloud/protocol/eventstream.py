"""AWS's event stream framing (``application/vnd.amazon.eventstream``), the encoding side.

Each message is: a 12-byte prelude (total length, headers length, both big-endian u32, then
the CRC32 of those 8 bytes), the headers, the payload, and the CRC32 of everything before it.
A header is its name (u8 length + bytes), a type byte and a value; only strings (type 7,
u16 length + UTF-8) are written, which is all an event's ``:event-type``, ``:content-type``
and ``:message-type`` need. botocore's EventStream parser reads these frames back.
"""

from __future__ import annotations

import json
import struct
import zlib
from typing import Any

CONTENT_TYPE = "application/vnd.amazon.eventstream"
_STRING_TYPE = 7
_PRELUDE = struct.Struct(">II")
_CRC = struct.Struct(">I")
MAX_HEADER_VALUE_BYTES = 32767  # the format's limit on a string header
MAX_MESSAGE_BYTES = 16 * 1024 * 1024  # the format's limit on one message


def encode_message(headers: dict[str, str], payload: bytes) -> bytes:
    """One framed message; ValueError if a header or the whole exceeds the format's limits."""
    encoded = b"".join(_header(name, value) for name, value in headers.items())
    total = _PRELUDE.size + _CRC.size + len(encoded) + len(payload) + _CRC.size
    if total > MAX_MESSAGE_BYTES:
        raise ValueError(f"an event stream message is at most {MAX_MESSAGE_BYTES} bytes")
    prelude = _PRELUDE.pack(total, len(encoded))
    head = prelude + _CRC.pack(zlib.crc32(prelude))
    body = head + encoded + payload
    return body + _CRC.pack(zlib.crc32(body))


def event(event_type: str, payload: bytes, content_type: str) -> bytes:
    """An event message, as services send them (``:message-type`` event)."""
    return encode_message({":event-type": event_type, ":content-type": content_type,
                           ":message-type": "event"}, payload)


def json_event(event_type: str, members: dict[str, Any]) -> bytes:
    """An event whose payload is its structure's members as JSON (rest-json's events)."""
    body = json.dumps({k: v for k, v in members.items() if v is not None}).encode()
    return event(event_type, body, "application/json")


def _header(name: str, value: str) -> bytes:
    name_bytes, value_bytes = name.encode(), value.encode()
    if len(name_bytes) > 255 or len(value_bytes) > MAX_HEADER_VALUE_BYTES:
        raise ValueError("event stream header too long")
    return (bytes([len(name_bytes)]) + name_bytes + bytes([_STRING_TYPE])
            + struct.pack(">H", len(value_bytes)) + value_bytes)
