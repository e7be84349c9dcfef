"""DynamoDB attribute values: validation, number semantics, item size and key encoding.

Values stay in the wire form a provider receives (``{"S": "x"}``, ``{"B": b"..."}``,
``{"N": "1.5"}``); numbers are normalised on the way in, as DynamoDB stores them.
"""

from __future__ import annotations

import decimal
from decimal import Decimal
from typing import Any

from pocketcloud.errors import AwsError

MAX_ITEM_SIZE_BYTES = 400 * 1024
MAX_NUMBER_DIGITS = 38
MAX_NESTING_DEPTH = 32
# DynamoDB's number range: magnitudes from 1E-130 to 9.9999999999999999999999999999999999999E+125
_MIN_ADJUSTED_EXPONENT = -130
_MAX_ADJUSTED_EXPONENT = 125

TYPES = frozenset(("S", "N", "B", "SS", "NS", "BS", "M", "L", "NULL", "BOOL"))
KEY_TYPES = frozenset(("S", "N", "B"))
_CONTEXT = decimal.Context(prec=MAX_NUMBER_DIGITS + 2, Emax=999, Emin=-999)
_SET_NAMES = {"SS": "string set", "NS": "number set", "BS": "binary set"}

Item = dict[str, dict[str, Any]]


def invalid(message: str) -> AwsError:
    return AwsError("ValidationException", message)


def invalid_parameter(message: str) -> AwsError:
    return invalid("One or more parameter values were invalid: " + message)


def check_list_length(field: str, given: list[Any], high: int) -> None:
    """A list of structures between 1 and `high` long; an empty one is shown as '[]', a long
    one's Java rendering is left out."""
    if given and len(given) <= high:
        return
    shown, bound = ("'[]' ", "greater than or equal to 1") if not given else (
        "", f"less than or equal to {high}")  # fmt: skip
    raise invalid(
        f"1 validation error detected: Value {shown}at '{field}' failed to satisfy constraint: "
        f"Member must have length {bound}"
    )


# -- numbers --------------------------------------------------------------------------------


def parse_number(text: Any) -> Decimal:
    """A DynamoDB number, or DynamoDB's ValidationException for one it would refuse."""
    if type(text) is not str:
        raise invalid("NUMBER_VALUE cannot be converted to String")
    stripped = text.strip()
    try:
        if not stripped or stripped[-1] not in "0123456789." or "_" in stripped:
            raise decimal.InvalidOperation
        value = Decimal(stripped)
    except decimal.InvalidOperation:
        raise invalid("A value provided cannot be converted into a number") from None
    if not value.is_finite():
        raise invalid("A value provided cannot be converted into a number")
    if not value:
        return Decimal(0)
    digits = value.as_tuple().digits
    significant = len(digits) - (len(digits) - len(bytes(digits).rstrip(b"\0")))
    if significant > MAX_NUMBER_DIGITS:
        raise invalid("Attempting to store more than 38 significant digits in a Number")
    adjusted = value.adjusted()  # before normalising, which overflows the context on 1E+1000
    if adjusted > _MAX_ADJUSTED_EXPONENT:
        raise invalid(
            "Number overflow. Attempting to store a number with magnitude larger than supported "
            "range"
        )
    if adjusted < _MIN_ADJUSTED_EXPONENT:
        raise invalid(
            "Number underflow. Attempting to store a number with magnitude smaller than "
            "supported range"
        )
    return value.normalize(_CONTEXT)


def number_text(value: Decimal) -> str:
    """The form DynamoDB answers with: no exponent, no insignificant zeros."""
    if not value:
        return "0"
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def normal_number(text: Any) -> str:
    return number_text(parse_number(text))


def number_size_bytes(text: str) -> int:
    digits = text.lstrip("-").replace(".", "").strip("0")
    return (len(digits) + 1) // 2 + 1 + (1 if text.startswith("-") else 0)


# -- validation -----------------------------------------------------------------------------


def clean_item(item: Any, *, depth: int = 0) -> Item:
    """`item` with every value validated and numbers normalised (a new dict)."""
    if type(item) is not dict:
        raise invalid("Item must be a map of attribute names to values")
    return {name: clean_value(value, depth) for name, value in item.items()}


def clean_item_sized(item: Any) -> tuple[Item, int]:
    """clean_item and item_size_bytes in one pass (PutItem's): the same item, the same errors."""
    if type(item) is not dict:
        raise invalid("Item must be a map of attribute names to values")
    cleaned: Item = {}
    size = 0
    for name, value in item.items():
        inner = value.get("S") if type(value) is dict and len(value) == 1 else None
        if type(inner) is str:  # the most common value, already clean
            cleaned[name] = value
            size += _utf8_len(name) + _utf8_len(inner)
        else:
            cleaned[name] = value = clean_value(value)
            size += _utf8_len(name) + value_size_bytes(value)
    return cleaned, size


def _utf8_len(text: str) -> int:
    return len(text) if text.isascii() else len(text.encode())


def clean_value(value: Any, depth: int = 0) -> dict[str, Any]:
    if type(value) is not dict or not value:
        raise invalid(
            "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes"
        )
    if len(value) > 1:
        raise invalid(
            "Supplied AttributeValue has more than one datatypes set, must contain exactly one "
            "of the supported datatypes"
        )
    ((kind, inner),) = value.items()
    if kind == "S":
        if type(inner) is not str:
            raise invalid("STRING_VALUE can not be converted to a String")
        return value
    if kind == "N":
        return {"N": normal_number(inner)}
    if kind == "B":
        return value
    if kind == "BOOL":
        return value
    if kind == "NULL":
        if inner is not True:
            raise invalid_parameter("Null attribute value types must have the value of true")
        return value
    if depth >= MAX_NESTING_DEPTH:
        raise invalid("Nesting Levels have exceeded supported limits")
    if kind == "M":
        return {"M": {k: clean_value(v, depth + 1) for k, v in inner.items()}}
    if kind == "L":
        return {"L": [clean_value(v, depth + 1) for v in inner]}
    if kind in _SET_NAMES:
        return {kind: _clean_set(kind, inner)}
    raise invalid(
        "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes"
    )


def _clean_set(kind: str, members: list[Any]) -> list[Any]:
    if not members:
        if kind == "BS":
            raise invalid_parameter("Binary sets should not be empty")
        raise invalid_parameter(f"An {_SET_NAMES[kind]}  may not be empty")
    if kind == "NS":
        members = [normal_number(m) for m in members]
        seen = {parse_number(m) for m in members}
    else:
        seen = set(members)
    if len(seen) != len(members):
        shown = ", ".join(_set_member_text(m) for m in members)
        raise invalid_parameter(f"Input collection [{shown}] contains duplicates.")
    return members


def _set_member_text(member: Any) -> str:
    if isinstance(member, bytes):
        return f"java.nio.HeapByteBuffer[pos=0 lim={len(member)} cap={len(member)}]"
    return str(member)


# -- size -----------------------------------------------------------------------------------


def item_size_bytes(item: Item) -> int:
    return sum(len(name.encode()) + value_size_bytes(value) for name, value in item.items())


def value_size_bytes(value: dict[str, Any]) -> int:
    for kind, inner in value.items():
        if kind == "S":
            return len(inner.encode())
        if kind == "N":
            return number_size_bytes(inner)
        if kind == "B":
            return len(inner)
        if kind in ("BOOL", "NULL"):
            return 1
        if kind == "M":
            return 3 + sum(len(k.encode()) + 1 + value_size_bytes(v) for k, v in inner.items())
        if kind == "L":
            return 3 + sum(1 + value_size_bytes(v) for v in inner)
        if kind == "SS":
            return sum(len(s.encode()) for s in inner)
        if kind == "NS":
            return sum(number_size_bytes(n) for n in inner)
        if kind == "BS":
            return sum(len(b) for b in inner)
    return 0


# -- comparison and keys --------------------------------------------------------------------


def kind_of(value: dict[str, Any]) -> str:
    return next(iter(value))


def values_equal(left: dict[str, Any], right: dict[str, Any]) -> bool:
    (kind, a), (other, b) = next(iter(left.items())), next(iter(right.items()))
    if kind != other:
        return False
    if kind == "N":
        return bool(a == b or Decimal(a) == Decimal(b))
    if kind == "NS":
        return {Decimal(x) for x in a} == {Decimal(x) for x in b}
    if kind in ("SS", "BS"):
        return set(a) == set(b)
    if kind == "M":
        return a.keys() == b.keys() and all(values_equal(a[k], b[k]) for k in a)
    if kind == "L":
        return len(a) == len(b) and all(values_equal(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def scalar_order_key(value: dict[str, Any]) -> Any:
    """A Python value ordering N, S and B as DynamoDB does; None for types without order."""
    kind, inner = next(iter(value.items()))
    if kind == "N":
        return Decimal(inner)
    if kind == "S":
        return inner.encode()
    if kind == "B":
        return inner
    return None


def encode_key(value: dict[str, Any]) -> bytes:
    """Bytes whose memcmp order is DynamoDB's order for the key's type (S, N or B)."""
    kind, inner = next(iter(value.items()))
    if kind == "S":
        return inner.encode()  # type: ignore[no-any-return]
    if kind == "B":
        return inner  # type: ignore[no-any-return]
    return encode_number(Decimal(inner))


def encode_number(value: Decimal) -> bytes:
    """Order-preserving bytes: sign, biased exponent, then the digits (complemented if < 0)."""
    if not value:
        return b"\x80"
    sign, digits, _ = value.as_tuple()
    stripped = list(digits)
    while stripped and stripped[-1] == 0:
        stripped.pop()
    exponent = value.adjusted() - _MIN_ADJUSTED_EXPONENT  # 0..255 for the allowed range
    if not sign:
        return bytes((0x81, exponent, *stripped))
    # Negative: a bigger magnitude sorts lower, so complement everything; 10 ends the digits
    # so that a prefix (-0.1) sorts above its extensions (-0.15).
    return bytes((0x7F, 255 - exponent, *(9 - d for d in stripped), 10))


def decode_key(kind: str, raw: bytes) -> dict[str, Any]:
    if kind == "S":
        return {"S": raw.decode()}
    if kind == "B":
        return {"B": bytes(raw)}
    return {"N": number_text(decode_number(raw))}


def decode_number(raw: bytes) -> Decimal:
    if raw == b"\x80":
        return Decimal(0)
    negative = raw[0] == 0x7F
    if negative:
        exponent = 255 - raw[1]
        digits = tuple(9 - d for d in raw[2:-1])
    else:
        exponent = raw[1]
        digits = tuple(raw[2:])
    adjusted = exponent + _MIN_ADJUSTED_EXPONENT
    return Decimal((1 if negative else 0, digits, adjusted - len(digits) + 1))
