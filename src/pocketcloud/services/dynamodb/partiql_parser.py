"""PartiQL for DynamoDB, the common statement forms, parsed into DynamoDB expressions.

    SELECT * | path, ... FROM "table"[."index"] [WHERE condition]
    INSERT INTO "table" VALUE {'attr': value, ...}
    UPDATE "table" SET path = operand [, ...] | REMOVE path [...] WHERE condition
        [RETURNING ALL|MODIFIED OLD|NEW *]
    DELETE FROM "table" WHERE condition [RETURNING ALL OLD *]

A WHERE condition becomes a ConditionExpression string with its own attribute name and value
placeholders, so the statement runs through the same evaluator as the JSON API does.
Values are PartiQL literals ('text', 12.5, TRUE, NULL, {...}, [...], <<...>>) or `?`
parameters, taken in order from the request's Parameters.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from pocketcloud.errors import AwsError

STATEMENT_LENGTH_MAX = 8192  # characters, as DynamoDB allows
NESTING_MAX = 32
_TOKEN = re.compile(
    r"""\s*(?:
      (?P<string>'(?:[^']|'')*')
    | (?P<quoted>"(?:[^"]|"")*")
    | (?P<number>-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)
    | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
    | (?P<symbol><<|>>|<=|>=|<>|!=|[{}\[\](),.:=<>+\-*?])
    )""",
    re.VERBOSE,
)
_COMPARISONS = ("=", "<>", "!=", "<", "<=", ">", ">=")
_FUNCTIONS = ("begins_with", "contains", "attribute_type", "attribute_exists",
              "attribute_not_exists", "size")  # fmt: skip


def malformed(detail: str) -> AwsError:
    return AwsError(
        "ValidationException", f"Statement wasn't well formed, can't be processed: {detail}"
    )


@dataclass
class Token:
    kind: str  # string, quoted, number, word, symbol, end
    text: str


def tokenize(statement: str) -> list[Token]:
    if len(statement) > STATEMENT_LENGTH_MAX:
        raise AwsError(
            "ValidationException",
            f"1 validation error detected: Value at 'statement' failed to satisfy constraint: "
            f"Member must have length less than or equal to {STATEMENT_LENGTH_MAX}",
        )
    tokens, position = [], 0
    statement = statement.rstrip().rstrip(";")
    while position < len(statement):
        if statement[position:].strip() == "":
            break
        match = _TOKEN.match(statement, position)
        if match is None or match.end() == position:
            raise malformed(f"Unexpected character at position {position}")
        kind = match.lastgroup
        assert kind is not None
        tokens.append(Token(kind, match.group(kind)))
        position = match.end()
    tokens.append(Token("end", ""))
    return tokens


@dataclass
class Built:
    """An expression under construction: its text and placeholders."""

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


@dataclass
class Statement:
    kind: str  # SELECT, INSERT, UPDATE, DELETE, EXISTS (a transaction's condition check)
    table: str
    index: str | None = None
    descending: bool = False  # SELECT ... ORDER BY <sort key> DESC
    projection: list[str] | None = None  # expression paths; None for *
    where: str | None = None
    keys: dict[str, Any] = field(default_factory=dict)  # key attribute -> value, from WHERE
    item: dict[str, Any] | None = None  # INSERT's item
    sets: list[str] = field(default_factory=list)
    removes: list[str] = field(default_factory=list)
    returning: str | None = None  # ReturnValues
    built: Built = field(default_factory=Built)


class Parser:
    def __init__(self, statement: str, parameters: list[Any]) -> None:
        self.tokens = tokenize(statement)
        self.at = 0
        self.parameters = list(parameters)
        self.used = 0
        self.depth = 0
        self.equalities: list[tuple[list[str], Any]] = []

    # -- tokens ------------------------------------------------------------------------

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

    # -- statements --------------------------------------------------------------------

    def statement(self) -> Statement:
        token = self.peek()
        word = token.text.upper() if token.kind == "word" else ""
        parsers = {"SELECT": self.select, "INSERT": self.insert, "UPDATE": self.update,
                   "DELETE": self.delete, "EXISTS": self.exists}  # fmt: skip
        if word not in parsers:
            raise malformed(f"Unexpected keyword '{token.text}'")
        self.at += 1
        result = parsers[word]()
        if self.peek().kind != "end":
            raise malformed(f"Unexpected token '{self.peek().text}'")
        if self.used != len(self.parameters):
            raise AwsError(
                "ValidationException",
                "Number of parameters in request and statement don't match.",
            )
        return result

    def select(self) -> Statement:
        projection: list[str] | None = None
        built = Built()
        if self.is_symbol("*"):
            self.at += 1
        else:
            projection = [self.path(built)]
            while self.is_symbol(","):
                self.at += 1
                projection.append(self.path(built))
        self.expect_word("FROM")
        table = self.identifier()
        index = None
        if self.is_symbol("."):
            self.at += 1
            index = self.identifier()
        found = Statement("SELECT", table, index=index, projection=projection, built=built)
        self.where_clause(found, required=False)
        if self.is_word("ORDER"):
            self.at += 1
            self.expect_word("BY")
            self.identifier()  # the sort key: a partition's items come in its order
            if self.is_word("ASC", "DESC"):
                found.descending = self.next().text.upper() == "DESC"
        return found

    def exists(self) -> Statement:
        """EXISTS(SELECT * FROM table WHERE key and conditions), in ExecuteTransaction."""
        self.expect_symbol("(")
        self.expect_word("SELECT")
        inner = self.select()
        self.expect_symbol(")")
        inner.kind = "EXISTS"
        return inner

    def insert(self) -> Statement:
        self.expect_word("INTO")
        table = self.identifier()
        self.expect_word("VALUE")
        item = self.literal()
        if "M" not in item:
            raise malformed("INSERT VALUE must be a tuple of attributes")
        return Statement("INSERT", table, item=item["M"])

    def update(self) -> Statement:
        found = Statement("UPDATE", self.identifier())
        while self.is_word("SET", "REMOVE"):
            clause = self.next().text.upper()
            while True:
                if clause == "SET":
                    target = self.path(found.built)
                    self.expect_symbol("=")
                    found.sets.append(f"{target} = {self.update_operand(found.built)}")
                else:
                    found.removes.append(self.path(found.built))
                if not self.is_symbol(","):
                    break
                self.at += 1
        if not found.sets and not found.removes:
            raise malformed("Expected SET or REMOVE")
        self.where_clause(found, required=True)
        self.returning(found)
        return found

    def delete(self) -> Statement:
        self.expect_word("FROM")
        found = Statement("DELETE", self.identifier())
        self.where_clause(found, required=True)
        self.returning(found)
        return found

    def returning(self, found: Statement) -> None:
        if not self.is_word("RETURNING"):
            return
        self.at += 1
        scope = self.next().text.upper()
        image = self.next().text.upper()
        self.expect_symbol("*")
        names = {
            ("ALL", "OLD"): "ALL_OLD",
            ("ALL", "NEW"): "ALL_NEW",
            ("MODIFIED", "OLD"): "UPDATED_OLD",
            ("MODIFIED", "NEW"): "UPDATED_NEW",
        }
        if (scope, image) not in names:
            raise malformed(f"Unsupported RETURNING {scope} {image}")
        found.returning = names[(scope, image)]

    def where_clause(self, found: Statement, *, required: bool) -> None:
        if not self.is_word("WHERE"):
            if required:
                raise malformed("Expected WHERE")
            return
        self.at += 1
        self.equalities = []
        found.where = self.condition(found.built, top=True)
        for path, value in self.equalities:
            if len(path) == 1:
                found.keys.setdefault(path[0], value)

    # -- conditions ----------------------------------------------------------------------

    def condition(self, built: Built, top: bool = False) -> str:
        self.depth += 1
        if self.depth > NESTING_MAX:
            raise malformed("Statement nesting is too deep")
        parts = [self.conjunction(built, top)]
        while self.is_word("OR"):
            self.at += 1
            parts.append(self.conjunction(built, False))
        self.depth -= 1
        if len(parts) > 1 and top:
            self.equalities = []  # an OR: no equality is certain
        return " OR ".join(parts)

    def conjunction(self, built: Built, top: bool) -> str:
        parts = [self.negation(built, top)]
        while self.is_word("AND"):
            self.at += 1
            parts.append(self.negation(built, top))
        return " AND ".join(parts)

    def negation(self, built: Built, top: bool) -> str:
        if self.is_word("NOT"):
            self.at += 1
            return f"NOT {self.negation(built, False)}"
        if self.is_symbol("("):
            self.at += 1
            inner = self.condition(built)
            self.expect_symbol(")")
            return f"({inner})"
        return self.comparison(built, top)

    def comparison(self, built: Built, top: bool) -> str:
        if (
            self.peek().kind == "word"
            and self.peek().text.lower() in _FUNCTIONS
            and (self.peek(1).kind == "symbol" and self.peek(1).text == "(")
        ):
            left = self.function(built)
            if left.startswith("size("):
                return self.compare_rest(built, left, None, top)
            return left
        start = self.at
        left = self.operand(built)
        path = self._path_words(start) if self.tokens[start].kind in ("word", "quoted") else None
        return self.compare_rest(built, left, path, top)

    def compare_rest(self, built: Built, left: str, path: list[str] | None, top: bool) -> str:
        if self.is_word("IS"):
            self.at += 1
            negated = self.is_word("NOT")
            if negated:
                self.at += 1
            self.expect_word("MISSING")
            return f"attribute_exists({left})" if negated else f"attribute_not_exists({left})"
        if self.is_word("BETWEEN"):
            self.at += 1
            low = self.operand(built)
            self.expect_word("AND")
            return f"{left} BETWEEN {low} AND {self.operand(built)}"
        if self.is_word("IN"):
            self.at += 1
            closing = "]" if self.is_symbol("[") else ")"
            self.expect_symbol("[" if closing == "]" else "(")
            options = [self.operand(built)]
            while self.is_symbol(","):
                self.at += 1
                options.append(self.operand(built))
            self.expect_symbol(closing)
            return f"{left} IN ({', '.join(options)})"
        if not self.is_symbol(*_COMPARISONS):
            raise malformed(f"Expected a comparison, found '{self.peek().text or 'end'}'")
        operator = self.next().text
        right = self.operand(built)
        if operator == "=" and top and path is not None and right.startswith(":"):
            self.equalities.append((path, built.values[right]))  # key = value: maybe a key
        return f"{left} {'<>' if operator == '!=' else operator} {right}"

    def function(self, built: Built) -> str:
        name = self.next().text.lower()
        self.expect_symbol("(")
        arguments = [self.operand(built)]
        while self.is_symbol(","):
            self.at += 1
            arguments.append(self.operand(built))
        self.expect_symbol(")")
        return f"{name}({', '.join(arguments)})"

    def operand(self, built: Built) -> str:
        token = self.peek()
        if token.kind == "quoted" or (
            token.kind == "word" and token.text.upper() not in ("TRUE", "FALSE", "NULL")
        ):
            if token.kind == "word" and token.text.lower() == "size" and self.peek(1).text == "(":
                return self.function(built)
            return self.path(built)
        return built.value(self.literal())

    def update_operand(self, built: Built) -> str:
        if self.peek().kind == "word" and self.peek(1).text == "(":
            name = self.next().text
            if name.lower() not in ("list_append", "if_not_exists"):
                raise malformed(f"Unsupported function {name}")
            self.expect_symbol("(")
            first = self.operand(built)
            self.expect_symbol(",")
            second = self.operand(built)
            self.expect_symbol(")")
            left = f"{name.lower()}({first}, {second})"
        else:
            left = self.operand(built)
        if self.is_symbol("+", "-"):
            operator = self.next().text
            return f"{left} {operator} {self.operand(built)}"
        return left

    # -- paths and values ----------------------------------------------------------------

    def identifier(self) -> str:
        token = self.next()
        if token.kind == "quoted":
            return token.text[1:-1].replace('""', '"')
        if token.kind == "word":
            return token.text
        raise malformed(f"Expected identifier, found '{token.text or 'end'}'")

    def _path_words(self, start: int) -> list[str]:
        words, at = [], start
        while at < self.at:
            token = self.tokens[at]
            if token.kind == "quoted":
                words.append(token.text[1:-1].replace('""', '"'))
            elif token.kind == "word":
                words.append(token.text)
            elif token.text == "[":
                words.append("[")
            at += 1
        return words

    def path(self, built: Built) -> str:
        parts = [built.name(self.identifier())]
        while self.is_symbol(".", "["):
            if self.next().text == ".":
                parts.append("." + built.name(self.identifier()))
            else:
                number = self.next()
                if number.kind != "number" or not number.text.isdigit():
                    raise malformed("Expected a list index")
                self.expect_symbol("]")
                parts.append(f"[{number.text}]")
        return "".join(parts)

    def literal(self) -> Any:
        self.depth += 1
        if self.depth > NESTING_MAX:
            raise malformed("Statement nesting is too deep")
        try:
            return self._literal()
        finally:
            self.depth -= 1

    def _literal(self) -> Any:
        token = self.next()
        if token.kind == "string":
            return {"S": token.text[1:-1].replace("''", "'")}
        if token.kind == "number":
            return {"N": token.text}
        if token.kind == "symbol" and token.text == "-" and self.peek().kind == "number":
            return {"N": "-" + self.next().text}
        if token.kind == "word" and token.text.upper() in ("TRUE", "FALSE"):
            return {"BOOL": token.text.upper() == "TRUE"}
        if token.kind == "word" and token.text.upper() == "NULL":
            return {"NULL": True}
        if token.kind == "symbol" and token.text == "?":
            if self.used >= len(self.parameters):
                raise AwsError(
                    "ValidationException",
                    "Number of parameters in request and statement don't match.",
                )
            self.used += 1
            return self.parameters[self.used - 1]
        if token.kind == "symbol" and token.text == "{":
            return {"M": self._tuple()}
        if token.kind == "symbol" and token.text == "[":
            return {"L": self._sequence("]")}
        if token.kind == "symbol" and token.text == "<<":
            return self._set(self._sequence(">>"))
        raise malformed(f"Unexpected token '{token.text or 'end of statement'}'")

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
            members[key.text[1:-1].replace("''", "'")] = self.literal()
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
            values.append(self.literal())
            if self.is_symbol(closing):
                self.at += 1
                return values
            self.expect_symbol(",")

    def _set(self, values: list[Any]) -> dict[str, Any]:
        kinds = {next(iter(v)) for v in values}
        if len(kinds) != 1 or not kinds <= {"S", "N", "B"}:
            raise malformed("A set must hold strings, numbers or binaries, all of one type")
        kind = kinds.pop()
        return {kind + "S": [v[kind] for v in values]}


def parse(statement: str, parameters: list[Any] | None = None) -> Statement:
    return Parser(statement, parameters or []).statement()
