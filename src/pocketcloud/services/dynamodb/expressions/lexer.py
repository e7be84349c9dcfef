"""Tokens of DynamoDB's expression language: names, #name and :value placeholders, operators."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from pocketcloud.errors import AwsError

MAX_EXPRESSION_LENGTH = 4096  # DynamoDB's limit on any one expression string

# Token kinds
IDENT = "ident"
NAME_REF = "name_ref"  # #name
VALUE_REF = "value_ref"  # :value
NUMBER = "number"  # only inside [ ] list indexes
OP = "op"
EOF = "eof"

_TWO_CHAR_OPS = ("<>", "<=", ">=")
_ONE_CHAR_OPS = frozenset("=<>()[],.+-")
_WORD_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")
_DIGITS = frozenset("0123456789")


@dataclass(frozen=True, slots=True)
class Token:
    kind: str
    text: str
    position: int


class ExpressionError(Exception):
    """A problem DynamoDB reports as 'Invalid <kind>Expression: <detail>'."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail

    def for_expression(self, kind: str) -> AwsError:
        return AwsError("ValidationException", f"Invalid {kind}: {self.detail}")


@cache
def reserved_words() -> frozenset[str]:
    text = (Path(__file__).resolve().parent.parent / "data" / "reserved_words.txt").read_text()
    words = (w for line in text.splitlines() if not line.startswith("#") for w in line.split())
    return frozenset(w.upper() for w in words)


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    i, length = 0, len(text)
    while i < length:
        char = text[i]
        if char.isspace():
            i += 1
            continue
        start = i
        if char in "#:":
            i += 1
            while i < length and text[i] in _WORD_CHARS:
                i += 1
            if i == start + 1:
                raise _syntax_error(text, tokens, char)
            tokens.append(Token(NAME_REF if char == "#" else VALUE_REF, text[start:i], start))
        elif char in _DIGITS:
            while i < length and text[i] in _DIGITS:
                i += 1
            tokens.append(Token(NUMBER, text[start:i], start))
        elif char.isascii() and (char.isalpha() or char == "_"):
            while i < length and text[i] in _WORD_CHARS:
                i += 1
            tokens.append(Token(IDENT, text[start:i], start))
        elif text[i : i + 2] in _TWO_CHAR_OPS:
            i += 2
            tokens.append(Token(OP, text[start:i], start))
        elif char in _ONE_CHAR_OPS:
            i += 1
            tokens.append(Token(OP, char, start))
        else:
            raise _syntax_error(text, tokens, char)
    tokens.append(Token(EOF, "<EOF>", length))
    return tokens


def _syntax_error(text: str, tokens: list[Token], char: str) -> ExpressionError:
    before = tokens[-1].text if tokens else ""
    near = f"{before}{' ' if before else ''}{char}"
    return ExpressionError(f'Syntax error; token: "{char}", near: "{near}"')
