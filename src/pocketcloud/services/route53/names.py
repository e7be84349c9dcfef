"""DNS names as Route 53 keeps them: lower case, absolute (trailing dot), octal escapes.

Route 53 accepts a name with or without its trailing dot and in any case, and answers with
the lower-case absolute form. Characters outside letters, digits, '-' and '_' are shown as
``\\ooo`` octal escapes, except a leading ``*`` label (a wildcard).
"""

from __future__ import annotations

import re

from pocketcloud.errors import AwsError

NAME_LENGTH_MAX = 255  # octets on the wire, including the root label
LABEL_LENGTH_MAX = 63
_PLAIN = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-_")
_OCTAL = re.compile(r"\\([0-7]{3})")


def normalize(name: str) -> str:
    """``WWW.Example.com`` -> ``www.example.com.``; raises InvalidInput when it cannot be a name."""
    labels = split_labels(name)
    return ".".join(_escape(label, i == 0) for i, label in enumerate(labels)) + "."


def split_labels(name: str) -> list[str]:
    """The name's labels, unescaped and lower-cased; the root name '.' has none."""
    text = _OCTAL.sub(lambda m: chr(int(m.group(1), 8)), name.strip())
    text = text[:-1] if text.endswith(".") else text
    if not text:
        return []
    labels = text.lower().split(".")
    wire_length = sum(len(label.encode("utf-8")) + 1 for label in labels) + 1
    if any(not label for label in labels) or wire_length > NAME_LENGTH_MAX:
        raise AwsError("InvalidInput", f"Invalid request: The domain name {name!r} is invalid.")
    if any(len(label.encode("utf-8")) > LABEL_LENGTH_MAX for label in labels):
        raise AwsError("InvalidInput", f"Invalid request: a label of {name!r} is longer than "
                       f"{LABEL_LENGTH_MAX} characters.")
    return labels


def _escape(label: str, first: bool) -> str:
    if label == "*" and first:
        return label
    return "".join(c if c in _PLAIN else f"\\{ord(c) & 0o377:03o}" for c in label)


def sort_key(name: str) -> str:
    """Labels reversed, the order of ListResourceRecordSets: www.example.com. -> com.example.www"""
    return ".".join(reversed(name.rstrip(".").split(".")))


def is_within(name: str, zone_name: str) -> bool:
    """True if ``name`` is the zone's apex or below it (both normalized)."""
    return name == zone_name or name.endswith("." + zone_name)


def display(name: str) -> str:
    """The name without its trailing dot (for messages that quote it that way)."""
    return name[:-1] if name.endswith(".") else name
