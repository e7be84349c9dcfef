"""PartiQL values: literals ('text', 12.5, -1e3, TRUE, NULL, {'k': v}, [..], <<..>>) and `?`
parameters read into DynamoDB AttributeValues, and the placeholders an expression is built
with."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pocketcloud.errors import AwsError
from pocketcloud.services.dynamodb.partiql_lexer import Token, malformed
from pocketcloud.services.dynamodb.values import clean_value, normal_number

NESTING_MAX = 32  # a statement's parentheses and literal nesting, bounded before recursion
_PARAMETERS_MISMATCH = "Number of parameters in request and statement don't match."


@dataclass
class Built:
    """An expression under construction: its text's placeholders."""

    names: dict[str, str] = field(default_factory=dict)  # placeholder -> attribute name
    values: dict[str, Any] = field(default_factory=dict)  # placeholder -> AttributeValue
    _by_name: dict[str, str] = field(default_factory=dict)

    def name(self, attribute: str) -> str:
        found = self._by_name.get(attribute)
        if found is None:
            found = self._by_name[attribute] = f"#p{len(self._by_name)}"
            self.names[found] = attribute
        return found

    def value(self, value: Any) -> str:
        placeholder = f":p{len(self.values)}"
        self.values[placeholder] = value
        return placeholder


class LiteralReader:
    """Token navigation and the value grammar, shared by the statement grammar."""

    def __init__(self, tokens: list[Token], parameters: list[Any]) -> None:
        self.tokens = tokens
        self.at = 0
        self.parameters = [clean_value(p) for p in parameters]  # refused before the statement
        self.used = 0
        self.depth = 0
        self.value_path: list[str] = []  # where a literal is inside its root value
        self.bags = 0  # how many <<...>> the reader is inside
        self.item_roots = False  # INSERT's VALUE: each attribute's value is a root

    def peek(self, offset: int = 0) -> Token:
        return self.tokens[min(self.at + offset, len(self.tokens) - 1)]

    def next(self) -> Token:
        token = self.peek()
        self.at += 1
        return token

    def is_word(self, *words: str) -> bool:
        token = self.peek()
        return token.kind == "word" and token.text.upper() in words

    def is_symbol(self, *symbols: str) -> bool:
        token = self.peek()
        return token.kind == "symbol" and token.text in symbols

    def expect_word(self, word: str) -> None:
        if not self.is_word(word):
            raise malformed(f"Expected {word}, found '{self.peek().text or 'end of statement'}'")
        self.at += 1

    def expect_symbol(self, symbol: str) -> None:
        if not self.is_symbol(symbol):
            raise malformed(f"Expected '{symbol}', found '{self.peek().text or 'end'}'")
        self.at += 1

    def enter(self) -> None:
        self.depth += 1
        if self.depth > NESTING_MAX:
            raise AwsError("ValidationException", "Nesting Levels have exceeded supported limits")

    def check_parameters_used(self) -> None:
        if self.used != len(self.parameters):
            raise AwsError("ValidationException", _PARAMETERS_MISMATCH)

    # -- literals ------------------------------------------------------------------------

    def literal(self) -> Any:
        self.enter()
        try:
            return self._literal()
        finally:
            self.depth -= 1

    def _literal(self) -> Any:
        token = self.next()
        kind, text = token.kind, token.text
        if kind == "string":
            return {"S": text[1:-1].replace("''", "'")}
        if kind == "number":
            return {"N": normal_number(text)}
        if kind == "symbol" and text in ("-", "+"):
            return self._signed(text == "-")
        if kind == "word" and text.upper() in ("TRUE", "FALSE"):
            return {"BOOL": text.upper() == "TRUE"}
        if kind == "word" and text.upper() == "NULL":
            return {"NULL": True}
        if kind == "symbol" and text == "?":
            return self._parameter(token)
        if kind == "symbol" and text == "{":
            return {"M": self._tuple()}
        if kind == "symbol" and text == "[":
            return {"L": self._sequence("]")}
        if kind == "symbol" and text == "<<":
            return self._set(self._sequence(">>"))
        raise malformed(f"Unexpected token '{text or 'end of statement'}'")

    def _signed(self, negative: bool) -> dict[str, str]:
        """A number after one or more signs: `- - 1` is 1, `-1e3` is -1000."""
        while self.is_symbol("-", "+"):
            negative ^= self.next().text == "-"
        number = self.next()
        if number.kind != "number":
            raise malformed(f"Expected a number after a sign, found '{number.text or 'end'}'")
        return {"N": normal_number(("-" if negative else "") + number.text)}

    def _parameter(self, token: Token) -> Any:
        """A `?` stands for a whole value: never a member of a set, list or map literal."""
        if self.bags:
            raise _bag_type_error()
        if self.value_path:
            raise AwsError(
                "ValidationException",
                f"Unsupported data type: Parameter under key root{''.join(self.value_path)} "
                f"at {token.at()}",
            )
        if self.used >= len(self.parameters):
            raise AwsError("ValidationException", _PARAMETERS_MISMATCH)
        self.used += 1
        return self.parameters[self.used - 1]

    def _tuple(self) -> dict[str, Any]:
        members: dict[str, Any] = {}
        if self.is_symbol("}"):
            self.at += 1
            return members
        while True:
            key = self.next()
            if key.kind != "string":
                raise malformed("Expected a quoted attribute name in a tuple")
            self.expect_symbol(":")
            name = key.text[1:-1].replace("''", "'")
            if name in members:
                raise AwsError(
                    "ValidationException", f"Duplicate keys in tuple. Key: {name} under root"
                )
            roots = self.item_roots and self.depth == 1
            if not roots:
                self.value_path.append(f".{name}")
            members[name] = self.literal()
            if not roots:
                self.value_path.pop()
            if self.is_symbol("}"):
                self.at += 1
                return members
            self.expect_symbol(",")

    def _sequence(self, closing: str) -> list[Any]:
        values: list[Any] = []
        if self.is_symbol(closing):
            self.at += 1
            return values
        while True:
            self.value_path.append(f"[{len(values)}]")
            self.bags += closing == ">>"
            values.append(self.literal())
            self.bags -= closing == ">>"
            self.value_path.pop()
            if self.is_symbol(closing):
                self.at += 1
                return values
            self.expect_symbol(",")

    @staticmethod
    def _set(values: list[Any]) -> dict[str, Any]:
        if not values:
            raise AwsError("ValidationException", "Empty bags are not supported")
        kinds = {next(iter(v)) for v in values}
        if len(kinds) != 1 or not kinds <= {"S", "N"}:
            raise _bag_type_error()
        kind = kinds.pop()
        members = [v[kind] for v in values]
        if len(set(members)) != len(members):
            raise AwsError(
                "ValidationException",
                "One or more parameter values were invalid: Input collection "
                f"[{', '.join(members)}] contains duplicates.",
            )
        return {kind + "S": members}


def _bag_type_error() -> AwsError:
    return AwsError(
        "ValidationException",
        "Unsupported data type in Bag. DynamoDB only supports either numbers or strings in bags",
    )
