"""The PartiQL lexer: statement text to tokens, each with its line and column (DynamoDB's
messages point at them as `at line:column:length`). Comments (`--` to the end of the line,
`/* ... */`) and one trailing `;` are skipped, as DynamoDB does."""

from __future__ import annotations

import re
from dataclasses import dataclass

from pocketcloud.errors import AwsError

STATEMENT_LENGTH_MAX = 8192  # characters, as DynamoDB allows
_TOKEN = re.compile(
    r"""(?:
      (?P<string>'(?:[^']|'')*')
    | (?P<quoted>"(?:[^"]|"")*")
    | (?P<number>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)
    | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
    | (?P<symbol><<|>>|<=|>=|<>|!=|[{}\[\](),.:=<>+\-*?;])
    )""",
    re.VERBOSE,
)
_SPACE = re.compile(r"\s+")


def malformed(detail: str) -> AwsError:
    return AwsError(
        "ValidationException", f"Statement wasn't well formed, can't be processed: {detail}"
    )


@dataclass
class Token:
    kind: str  # string, quoted, number, word, symbol, end
    text: str
    line: int = 0
    column: int = 0

    def at(self) -> str:
        """DynamoDB's pointer to this token in a message: line:column:length."""
        return f"{self.line}:{self.column}:{len(self.text)}"


def _check_length(statement: str) -> None:
    if len(statement) > STATEMENT_LENGTH_MAX:
        raise AwsError(
            "ValidationException",
            f"1 validation error detected: Value at 'statement' failed to satisfy constraint: "
            f"Member must have length less than or equal to {STATEMENT_LENGTH_MAX}",
        )


def _skip(statement: str, position: int) -> int:
    """The position after any white space and comments from `position`."""
    while True:
        space = _SPACE.match(statement, position)
        if space:
            position = space.end()
        if statement.startswith("--", position):
            end = statement.find("\n", position)
            position = len(statement) if end < 0 else end
        elif statement.startswith("/*", position):
            end = statement.find("*/", position + 2)
            if end < 0:
                raise malformed("Unterminated comment")
            position = end + 2
        else:
            return position


def tokenize(statement: str) -> list[Token]:
    _check_length(statement)
    tokens: list[Token] = []
    position = _skip(statement, 0)
    while position < len(statement):
        match = _TOKEN.match(statement, position)
        if match is None:
            raise malformed(f"Unexpected character at position {position}")
        kind = match.lastgroup
        assert kind is not None
        line = statement.count("\n", 0, position) + 1
        column = position - statement.rfind("\n", 0, position)
        tokens.append(Token(kind, match.group(kind), line, column))
        position = _skip(statement, match.end())
    if tokens and tokens[-1].text == ";" and tokens[-1].kind == "symbol":
        tokens.pop()  # one statement may end with a semicolon
    tokens.append(Token("end", ""))
    return tokens
