"""Publish's message attributes and size rules, with AWS's errors."""

from __future__ import annotations

import json
import re
from typing import Any

from pocketcloud.errors import AwsError

MAX_MESSAGE_BYTES = 256 * 1024  # message, subject and attributes together
MAX_SUBJECT_LENGTH = 100
MAX_ATTRIBUTE_NAME_LENGTH = 256
_NAME = re.compile(r"(?!\.)(?!.*\.\.)[A-Za-z0-9_.\-]{1,256}(?<!\.)")
_NAME_CHAR = re.compile(r"[A-Za-z0-9_.\-]")
_TYPES = ("String.Array", "String", "Number", "Binary")


def value_error(message: str) -> AwsError:
    return AwsError("ParameterValueInvalid", message)


def validated_attributes(attributes: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The attributes in a canonical form: {name: {DataType, StringValue|BinaryValue}}."""
    clean: dict[str, dict[str, Any]] = {}
    for name, attribute in attributes.items():
        _check_name(name)
        data_type = str(attribute.get("DataType") or "")
        # a custom type is the base, a dot and a label: "String." (no label) is refused
        base = next((t for t in _TYPES if data_type == t or data_type.startswith(t + ".")
                     and len(data_type) > len(t) + 1), None)
        if base is None or base == "String.Array" and data_type != base:
            raise value_error(f"The message attribute '{name}' has an invalid message attribute "
                              "type, the set of supported type prefixes is Binary, Number, and "
                              "String.")
        field = "BinaryValue" if base == "Binary" else "StringValue"
        value = attribute.get(field)
        if value is None and attribute.get(_OTHER_FIELD[field]) is not None:
            raise value_error(f"The message attribute '{name}' with type '{base}' must use "
                              f"field '{field[:-5]}'.")
        if value is None or len(value) == 0:
            raise value_error(f"The message attribute '{name}' must contain non-empty message "
                              f"attribute value for message attribute type '{base}'.")
        if base == "Binary":
            clean[name] = {"DataType": data_type, "BinaryValue": bytes(value)}
            continue
        if base == "Number":
            _check_number(name, str(value))
        elif base == "String.Array":
            _check_array(name, str(value))
        clean[name] = {"DataType": data_type, "StringValue": str(value)}
    return clean


_OTHER_FIELD = {"BinaryValue": "StringValue", "StringValue": "BinaryValue"}


def _check_name(name: str) -> None:
    """AWS's checks, in AWS's order, each with its own message."""
    if _NAME.fullmatch(name) and not name.lower().startswith(("aws.", "amazon.")):
        return  # the common case: one match
    if len(name.encode("utf-8")) > MAX_ATTRIBUTE_NAME_LENGTH:
        raise value_error("Length of message attribute name must be less than 256 bytes.")
    bad = next((ch for ch in name if not _NAME_CHAR.fullmatch(ch)), None)
    if bad is not None:
        raise value_error(f"Invalid non-alphanumeric character '#x{ord(bad):X}' was found in "
                          "the message attribute name. Can only include alphanumeric "
                          "characters, hyphens, underscores, or dots.")
    if name.startswith("."):
        raise value_error("Invalid message attribute name starting with character '.' was "
                          "found.")
    if name.endswith("."):
        raise value_error("Invalid message attribute name ending with character '.' was found.")
    if ".." in name:
        raise value_error("Message attribute name can not have successive '.' character.")
    if not name or name.lower().startswith(("aws.", "amazon.")):
        raise value_error(f"The message attribute name '{name}' is invalid. Names may not be "
                          "empty or start with AWS. or Amazon.")


def _check_number(name: str, value: str) -> None:
    try:
        number = float(value)
    except (ValueError, RecursionError):
        raise value_error(f"Could not cast message attribute '{name}' value to number.") from None
    if number != number or abs(number) == float("inf"):
        raise value_error(f"Could not cast message attribute '{name}' value to number.")


def _check_array(name: str, value: str) -> None:
    try:
        parsed = json.loads(value)
    except (ValueError, RecursionError):
        parsed = None
    if not isinstance(parsed, list) or any(isinstance(v, dict | list) for v in parsed):
        raise AwsError("InvalidParameter", f"Invalid parameter: Message attribute '{name}' "
                       "must be a JSON array of strings, numbers, true, false or null")


def size_bytes(message: str, subject: str | None, attributes: dict[str, dict[str, Any]]) -> int:
    size = len(message.encode("utf-8")) + len((subject or "").encode("utf-8"))
    for name, attribute in attributes.items():
        size += len(name.encode()) + len(str(attribute["DataType"]).encode())
        value = attribute.get("StringValue")
        size += len(value.encode()) if value is not None else len(attribute["BinaryValue"])
    return size


def check_subject(subject: str | None) -> None:
    if subject is None:
        return
    if (not subject or len(subject) > MAX_SUBJECT_LENGTH
            or any(ch in subject for ch in "\r\n") or not subject.isprintable()
            or not subject.isascii()):
        raise AwsError("InvalidParameter", "Invalid parameter: Subject")


def resolve_structure(message: str, structure: str | None) -> dict[str, str] | None:
    """MessageStructure=json: the per-protocol messages (with "default"), else None."""
    if structure is None or structure == "":
        return None
    if structure != "json":
        raise AwsError("InvalidParameter", "Invalid parameter: MessageStructure")
    try:
        parsed = json.loads(message)
    except (ValueError, RecursionError):
        parsed = None
    if not isinstance(parsed, dict):
        raise AwsError("InvalidParameter", "Invalid parameter: Message Structure - JSON message "
                       "body failed to parse")
    if not isinstance(parsed.get("default"), str):  # recorded: an object there counts as none
        raise AwsError("InvalidParameter", "Invalid parameter: Message Structure - No default "
                       "entry in JSON message body")
    return {str(k): v if isinstance(v, str) else json.dumps(v) for k, v in parsed.items()}
