"""Space-delimited filter patterns: ``[ip, user, ..., status=4*, bytes > 1000]``.

A message is split on spaces into fields; text in double quotes or square brackets is one
field. Each pattern entry names a field and may test it (``=``, ``!=``, ``<``, ``<=``, ``>``,
``>=``; ``*`` as a wildcard in text; ``&&`` and ``||`` inside one entry); ``...`` stands for
any number of fields. Without ``...`` the message must have exactly as many fields.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Callable
from functools import cache

from pocketcloud.errors import AwsError

MAX_FIELDS = 200
_FIELD_RE = re.compile(r'"[^"]*"|\[[^\]]*\]|\S+')
_ENTRY_RE = re.compile(r'\s*([A-Za-z_][\w]*|\.\.\.)\s*(?:(!=|>=|<=|=|>|<)\s*("[^"]*"|[^\s&|]+))?'
                       r'\s*')
_NUMBER_RE = re.compile(r"^-?\d+(\.\d+)?$")

Test = Callable[[str], bool]


def invalid() -> AwsError:
    return AwsError("InvalidParameterException", "Invalid filter pattern")


def compile_delimited(text: str) -> Callable[[str], bool]:
    extract = delimited_extractor(text)
    return lambda message: extract(message) is not None


def delimited_extractor(text: str) -> Callable[[str], dict[str, str] | None]:
    """The named fields (``$ip``, ``$status``...) of a matching message, None if it does not
    match: TestMetricFilter's extractedValues and a metric filter's ``$field`` values."""
    if not (text.startswith("[") and text.endswith("]")):
        raise invalid()
    if not text[1:-1].strip():  # "[]" names no field: every message matches, as in AWS
        return lambda message: {}
    entries = [_entry(part) for part in _split_entries(text[1:-1])]
    if not entries or len(entries) > MAX_FIELDS:
        raise invalid()

    def extract(message: str) -> dict[str, str] | None:
        fields = [f[1:-1] if f[:1] in '"[' else f for f in _FIELD_RE.findall(message)]
        if len(fields) > MAX_FIELDS:
            return None

        @cache
        def match_from(entry_at: int, field_at: int) -> bool:
            if entry_at == len(entries):
                return field_at == len(fields)
            name, test = entries[entry_at]
            if test is None:  # "...": any number of fields
                return any(match_from(entry_at + 1, at) for at in range(field_at,
                                                                        len(fields) + 1))
            return (field_at < len(fields) and test(fields[field_at])
                    and match_from(entry_at + 1, field_at + 1))

        if not match_from(0, 0):
            return None
        return _assignment(entries, fields, match_from)

    return extract


def _assignment(entries: list[tuple[str, Test | None]], fields: list[str],
                match_from: Callable[[int, int], bool]) -> dict[str, str]:
    """Walk the match found: each named entry gets its field ("..." the fewest it can)."""
    found: dict[str, str] = {}
    field_at = 0
    for entry_at, (name, test) in enumerate(entries):
        if test is None:
            field_at = next(at for at in range(field_at, len(fields) + 1)
                            if match_from(entry_at + 1, at))
            continue
        found["$" + name] = fields[field_at]
        field_at += 1
    return found


def _split_entries(body: str) -> list[str]:
    parts, current, quoted = [], "", False
    for char in body:
        if char == '"':
            quoted = not quoted
        if char == "," and not quoted:
            parts.append(current)
            current = ""
        else:
            current += char
    if quoted:
        raise invalid()
    parts.append(current)
    return [p.strip() for p in parts]


def _entry(text: str) -> tuple[str, Test | None]:
    if text == "...":
        return "...", None
    alternatives = [alt for alt in text.split("||")]
    tests = [[_condition(term) for term in alt.split("&&")] for alt in alternatives]
    name = re.match(r"\s*([A-Za-z_]\w*)", text)
    return (name.group(1) if name else text), (
        lambda field: any(all(t(field) for t in group) for group in tests))


def _condition(term: str) -> Test:
    match = _ENTRY_RE.fullmatch(term)
    if match is None or match.group(1) == "...":
        raise invalid()
    op, raw = match.group(2), match.group(3)
    if op is None:
        return lambda field: True
    value = raw[1:-1] if raw.startswith('"') else raw
    if _NUMBER_RE.match(value) and not raw.startswith('"'):
        number = float(value)
        compare: dict[str, Callable[[float], bool]] = {
            "=": lambda x: x == number, "!=": lambda x: x != number,
            ">": lambda x: x > number, "<": lambda x: x < number,
            ">=": lambda x: x >= number, "<=": lambda x: x <= number}
        check = compare[op]
        return lambda field: bool(_NUMBER_RE.match(field)) and check(float(field))
    if op not in ("=", "!="):
        raise invalid()
    equal = (lambda f: fnmatch.fnmatchcase(f, value)) if "*" in value else (
        lambda f: f == value)
    return equal if op == "=" else (lambda field: not equal(field))
