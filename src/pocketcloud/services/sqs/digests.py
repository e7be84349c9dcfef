"""Message contents: AWS's character rules, attribute rules, sizes and MD5 digests.

The attribute digest follows AWS's documented encoding, which SDKs verify on every send
and receive: attributes sorted by name, each as length-prefixed (4-byte big-endian) name,
length-prefixed data type, one transport byte (1 string/number, 2 binary), then the
length-prefixed value bytes.
"""

from __future__ import annotations

import hashlib
import re
import struct
from decimal import Decimal, InvalidOperation
from typing import Any

from pocketcloud.errors import AwsError

MAX_MESSAGE_ATTRIBUTES = 10
MAX_ATTRIBUTE_NAME_LENGTH = 256
MAX_DATA_TYPE_LENGTH = 256
MAX_TRACE_HEADER_BYTES = 3500  # AWS X-Ray trace header limit for AWSTraceHeader
SYSTEM_ATTRIBUTE_NAMES = frozenset({"AWSTraceHeader"})

# AWS's allowed set: #x9 | #xA | #xD | #x20-#xD7FF | #xE000-#xFFFD | #x10000-#x10FFFF
_INVALID_CHARACTER = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_ATTRIBUTE_NAME = re.compile(r"[A-Za-z0-9_.-]+")
_STRING, _BINARY = b"\x01", b"\x02"


def md5_hex(data: bytes) -> str:
    return hashlib.md5(data, usedforsecurity=False).hexdigest()


def check_characters(text: str, what: str = "message body") -> None:
    bad = _INVALID_CHARACTER.search(text)
    if bad is not None:
        raise AwsError(
            "InvalidMessageContents",
            f"Invalid characters found in the {what}: #x{ord(bad.group()):X} is not allowed. "
            "Allowed: #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF",
        )


def valid_message_attributes(attributes: dict[str, Any] | None) -> dict[str, dict[str, Any]]:
    """The attributes as stored (binary values kept as bytes); AWS's errors for bad ones."""
    if not attributes:
        return {}
    if len(attributes) > MAX_MESSAGE_ATTRIBUTES:
        raise _invalid(f"Number of message attributes [{len(attributes)}] exceeds the allowed "
                       f"maximum [{MAX_MESSAGE_ATTRIBUTES}].")
    return {name: _valid_attribute(name, value) for name, value in attributes.items()}


def valid_system_attributes(attributes: dict[str, Any] | None) -> dict[str, dict[str, Any]]:
    if not attributes:
        return {}
    for name, value in attributes.items():
        if name not in SYSTEM_ATTRIBUTE_NAMES:
            raise _invalid(f"Message system attribute name '{name}' is invalid.")
        if value.get("DataType") != "String" or not value.get("StringValue"):
            raise _invalid(f"Message system attribute '{name}' must be a String with a value.")
        if len(value["StringValue"].encode()) > MAX_TRACE_HEADER_BYTES:
            raise _invalid(f"Message system attribute '{name}' is too long.")
    return {name: {"DataType": "String", "StringValue": v["StringValue"]}
            for name, v in attributes.items()}


def _valid_attribute(name: str, value: dict[str, Any]) -> dict[str, Any]:
    _check_attribute_name(name)
    data_type = value.get("DataType") or ""
    if not data_type:
        raise _invalid(f"The message attribute '{name}' must contain non-empty message "
                       "attribute type.")
    base = data_type.split(".", 1)[0]
    if base not in ("String", "Number", "Binary") or len(data_type) > MAX_DATA_TYPE_LENGTH:
        raise _invalid(f"The type of message attribute '{name}' is invalid. You must use only "
                       "the following supported type prefixes: Binary, Number, String.")
    if base == "Binary":
        binary = value.get("BinaryValue")
        if binary is None or len(binary) == 0:
            raise _invalid(f"The message attribute '{name}' with type 'Binary' must use field "
                           "'Binary'.")
        return {"DataType": data_type, "BinaryValue": bytes(binary)}
    text = value.get("StringValue")
    if text is None or text == "":
        raise _invalid(f"Message (user) attribute '{name}' must contain a non-empty value "
                       f"of type '{base}'.")
    check_characters(text, f"message attribute '{name}'")
    if base == "Number":
        _check_number(name, text)
    return {"DataType": data_type, "StringValue": text}


def _check_attribute_name(name: str) -> None:
    if not is_legal_attribute_name(name):
        raise _invalid(f"Message attribute name '{name}' is invalid.")


def is_legal_attribute_name(name: str) -> bool:
    lowered = name.lower()
    return not (
        not name
        or len(name) > MAX_ATTRIBUTE_NAME_LENGTH
        or not _ATTRIBUTE_NAME.fullmatch(name)
        or name.startswith(".")
        or name.endswith(".")
        or ".." in name
        or lowered.startswith("aws.")
        or lowered.startswith("amazon.")
    )


def _check_number(name: str, text: str) -> None:
    try:
        number = Decimal(text)
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite() or abs(number) > Decimal("1e126") or (
        number != 0 and abs(number) < Decimal("1e-128")
    ):
        raise _invalid(f"Can't cast the value of message (user) attribute '{name}' to a number.")


def _invalid(message: str) -> AwsError:
    return AwsError("InvalidParameterValue", message)


def attributes_size(attributes: dict[str, dict[str, Any]]) -> int:
    """Bytes an attribute set counts toward the message size limit: name, type and value."""
    total = 0
    for name, value in attributes.items():
        total += len(name.encode()) + len(value["DataType"].encode())
        total += len(value["BinaryValue"]) if "BinaryValue" in value else len(
            value["StringValue"].encode())
    return total


def md5_of_attributes(attributes: dict[str, dict[str, Any]]) -> str | None:
    if not attributes:
        return None
    parts: list[bytes] = []
    for name in sorted(attributes):
        value = attributes[name]
        parts.append(_length_prefixed(name.encode()))
        parts.append(_length_prefixed(value["DataType"].encode()))
        if "BinaryValue" in value:
            parts.append(_BINARY + _length_prefixed(value["BinaryValue"]))
        else:
            parts.append(_STRING + _length_prefixed(value["StringValue"].encode()))
    return md5_hex(b"".join(parts))


def _length_prefixed(data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + data
