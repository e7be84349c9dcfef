"""CloudWatch Logs filter patterns: terms, quoted phrases, ?OR terms, -exclusions, %regex%,
JSON patterns ({ $.field = value }, with && || ( ) and the comparison operators) and
space-delimited patterns ([ip, user, ..., status=4*], see ``delimited``).

    compile_pattern("ERROR -Debug")            -> a predicate on a message
    compile_pattern('{ $.latency > 50 }')

Matching of terms is case-sensitive, as in AWS. An unparsable pattern is AWS's
InvalidParameterException ("Invalid filter pattern").
"""

from __future__ import annotations

import fnmatch
import json
import re
from collections.abc import Callable
from typing import Any

import re2  # type: ignore[import-untyped]

from pocketcloud.errors import AwsError
from pocketcloud.services.logs.delimited import compile_delimited, delimited_extractor

Predicate = Callable[[str], bool]
Extractor = Callable[[str], dict[str, str] | None]
MAX_PATTERN_CHARS = 1024
_TOKEN_RE = re.compile(
    r'\s*(?:(?P<op>&&|\|\||!=|>=|<=|=|>|<|\(|\))|(?P<str>"(?:[^"\\]|\\.)*")'
    r'|(?P<word>[^\s()=!<>&|"]+))')


def invalid_pattern() -> AwsError:
    return AwsError("InvalidParameterException", "Invalid filter pattern")


def compile_pattern(pattern: str | None) -> Predicate:
    text = (pattern or "").strip()
    if len(text) > MAX_PATTERN_CHARS:
        raise invalid_pattern()
    if not text:
        return lambda message: True
    if text.startswith("{"):
        return _json_pattern(text)
    if text.startswith("%") and text.endswith("%") and len(text) > 1:
        regex = _safe_regex(text[1:-1])
        return lambda message: regex.search(message) is not None
    if text.startswith("["):
        return compile_delimited(text)
    return _term_pattern(text)


def compile_extractor(pattern: str | None) -> Extractor:
    """Like `compile_pattern`, but a match answers the values the pattern names: the fields
    of a space-delimited pattern (``$status``), the selectors of a JSON one (``$.latency``);
    None when the message does not match."""
    text = (pattern or "").strip()
    if text.startswith("[") and len(text) <= MAX_PATTERN_CHARS:
        return delimited_extractor(text)
    matches = compile_pattern(pattern)
    selectors = _selectors(text) if text.startswith("{") else []

    def extract(message: str) -> dict[str, str] | None:
        if not matches(message):
            return None
        if not selectors:
            return {}
        document = json.loads(message)
        found = {}
        for selector in selectors:
            present, value = _lookup(document, _path(selector))
            if present and not isinstance(value, dict | list):
                found[selector] = value if isinstance(value, str) else json.dumps(value)
        return found

    return extract


def _selectors(text: str) -> list[str]:
    words = [value for kind, value in _tokenize(text[1:-1]) if kind == "word"]
    return list(dict.fromkeys(w for w in words if w.startswith("$")))


def _term_pattern(text: str) -> Predicate:
    required: list[str] = []
    optional: list[str] = []
    excluded: list[str] = []
    for match in re.finditer(r'([?-]?)("(?:[^"\\]|\\.)*"|\S+)', text):
        sign, word = match.groups()
        term = _unquote(word) if word.startswith('"') and len(word) > 1 else word
        {"?": optional, "-": excluded}.get(sign, required).append(term)

    def matches(message: str) -> bool:
        if any(term in message for term in excluded):
            return False
        if not all(term in message for term in required):
            return False
        return not optional or any(term in message for term in optional)

    return matches


def _unquote(word: str) -> str:
    try:
        return str(json.loads(word))
    except ValueError:
        raise invalid_pattern() from None


def _safe_regex(source: str) -> Any:
    """A %regex% compiled by RE2: linear time whatever the message or pattern (a backtracking
    engine could be held for ever by one FilterLogEvents call)."""
    options = re2.Options()
    options.log_errors = False
    try:
        return re2.compile(source, options)
    except re2.error:
        raise invalid_pattern() from None


# --- JSON patterns ------------------------------------------------------------------------

def _json_pattern(text: str) -> Predicate:
    if not text.endswith("}"):
        raise invalid_pattern()
    tokens = _tokenize(text[1:-1])
    parser = _Parser(tokens)
    test = parser.expression()
    if parser.index != len(tokens):
        raise invalid_pattern()

    def matches(message: str) -> bool:
        try:
            document = json.loads(message)
        except ValueError:
            return False
        return bool(test(document))

    return matches


def _tokenize(body: str) -> list[tuple[str, str]]:
    tokens, index = [], 0
    while index < len(body):
        if body[index:].strip() == "":
            break
        match = _TOKEN_RE.match(body, index)
        if match is None or match.end() == index:
            raise invalid_pattern()
        kind = match.lastgroup or ""
        tokens.append((kind, match.group(kind)))
        index = match.end()
    return tokens


class _Parser:
    """expression := term (('&&'|'||') term)*, term := '(' expression ')' | comparison."""

    def __init__(self, tokens: list[tuple[str, str]]) -> None:
        self.tokens, self.index = tokens, 0

    def peek(self) -> str:
        return self.tokens[self.index][1] if self.index < len(self.tokens) else ""

    def take(self) -> tuple[str, str]:
        if self.index >= len(self.tokens):
            raise invalid_pattern()
        self.index += 1
        return self.tokens[self.index - 1]

    def expression(self) -> Callable[[Any], bool]:
        left = self.term()
        while self.peek() in ("&&", "||"):
            op = self.take()[1]
            right = self.term()
            left = _combine(op, left, right)
        return left

    def term(self) -> Callable[[Any], bool]:
        if self.peek() == "(":
            self.take()
            inner = self.expression()
            if self.take()[1] != ")":
                raise invalid_pattern()
            return inner
        kind, selector = self.take()
        if kind != "word" or not selector.startswith("$"):
            raise invalid_pattern()
        path = _path(selector)
        if self.peek().upper() in ("IS", "NOT"):
            return self._keyword(path)
        kind, op = self.take()
        if kind != "op" or op not in ("=", "!=", ">", "<", ">=", "<="):
            raise invalid_pattern()
        kind, raw = self.take()
        if kind == "op":
            raise invalid_pattern()
        return _comparison(path, op, _unquote(raw) if kind == "str" else raw,
                           quoted=kind == "str")

    def _keyword(self, path: list[str | int]) -> Callable[[Any], bool]:
        words = [self.take()[1].upper()]
        words.append(self.take()[1].upper())
        phrase = " ".join(words)
        if phrase == "IS NULL":
            return lambda doc: _lookup(doc, path) == (True, None)
        if phrase == "NOT EXISTS":
            return lambda doc: not _lookup(doc, path)[0]
        if phrase in ("IS TRUE", "IS FALSE"):
            wanted = phrase == "IS TRUE"
            return lambda doc: _lookup(doc, path) == (True, wanted)
        raise invalid_pattern()


def _combine(op: str, left: Callable[[Any], bool],
             right: Callable[[Any], bool]) -> Callable[[Any], bool]:
    if op == "&&":
        return lambda doc: left(doc) and right(doc)
    return lambda doc: left(doc) or right(doc)


def _path(selector: str) -> list[str | int]:
    parts: list[str | int] = []
    for piece in re.finditer(r"\.([^.\[\]]+)|\[(\d+)\]", selector[1:]):
        parts.append(piece.group(1) if piece.group(1) is not None else int(piece.group(2)))
    if not parts and selector != "$":
        raise invalid_pattern()
    return parts


def _lookup(document: Any, path: list[str | int]) -> tuple[bool, Any]:
    value = document
    for part in path:
        in_list = isinstance(part, int) and isinstance(value, list) and part < len(value)
        if in_list or (isinstance(part, str) and isinstance(value, dict) and part in value):
            value = value[part]
        else:
            return False, None
    return True, value


def _comparison(path: list[str | int], op: str, raw: str,
                quoted: bool) -> Callable[[Any], bool]:
    if quoted or not _is_number(raw):
        if op not in ("=", "!="):
            raise invalid_pattern()
        return _string_test(path, op, raw)
    number = float(raw)
    compare = {"=": float.__eq__, "!=": float.__ne__, ">": float.__gt__, "<": float.__lt__,
               ">=": float.__ge__, "<=": float.__le__}[op]

    def test(doc: Any) -> bool:
        found, value = _lookup(doc, path)
        if not found or isinstance(value, bool) or not isinstance(value, int | float):
            return False
        return bool(compare(float(value), number))

    return test


def _string_test(path: list[str | int], op: str, text: str) -> Callable[[Any], bool]:
    def test(doc: Any) -> bool:
        found, value = _lookup(doc, path)
        if not found or isinstance(value, dict | list):
            return False
        shown = json.dumps(value) if isinstance(value, bool) or value is None else str(value)
        equal = fnmatch.fnmatchcase(shown, text) if "*" in text else shown == text
        return equal if op == "=" else not equal

    return test


def _is_number(raw: str) -> bool:
    try:
        float(raw)
    except ValueError:
        return False
    return True
