"""CloudWatch Logs Insights' query language: a tokenizer and a recursive-descent parser.

    fields @timestamp, @message | filter level = "ERROR" and latency > 50
    | parse @message "user=* action=*" as user, action
    | stats count(*) as n, avg(latency) by bin(5m), user | sort n desc | limit 20

`parse_query` answers a list of commands (plain data: expressions are `Expr` trees that
insights_eval.py evaluates). A syntax error is AWS's MalformedQueryException, with the
position of the offending symbol in queryCompileError, as AWS reports it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from pocketcloud.errors import AwsError

QUERY_CHARS_MAX = 10_000
COMMANDS = ("fields", "display", "filter", "stats", "sort", "limit", "parse", "dedup")
KEYWORDS = ("and", "or", "not", "in", "like", "as", "by", "asc", "desc")
COMPARISONS = ("=", "!=", "<", "<=", ">", ">=")
DURATION_UNITS = {"ms": 0.001, "s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "hr": 3600,
                  "d": 86400, "w": 604800}
_TOKEN_RE = re.compile(r"""
    (?P<space>\s+|\#[^\n]*)
  | (?P<string>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")
  | (?P<backtick>`[^`]*`)
  | (?P<duration>\d+(?:\.\d+)?(?:ms|sec|min|hr|s|m|h|d|w)\b)
  | (?P<number>\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)
  | (?P<name>[@A-Za-z_][\w.@$]*)
  | (?P<op>=~|!=|<=|>=|[=<>|(),\[\]+\-*/%])
""", re.VERBOSE)


@dataclass(frozen=True)
class Token:
    kind: str  # string, name, number, duration, regex, op, end
    text: str
    start: int


@dataclass
class Expr:
    kind: str  # field, literal, regex, call, binary, unary, in, like
    value: Any = None  # field name, literal value, regex source, function name, operator
    args: list[Expr] = field(default_factory=list)
    source: str = ""  # the query text it came from: the column name AWS shows


@dataclass
class Command:
    name: str
    items: list[tuple[Expr, str]] = field(default_factory=list)  # (expression, column)
    by: list[tuple[Expr, str]] = field(default_factory=list)  # stats ... by
    condition: Expr | None = None  # filter
    order: list[tuple[Expr, bool]] = field(default_factory=list)  # sort: (key, descending)
    count: int = 0  # limit
    pattern: Any = None  # parse: a compiled regex with named or numbered groups
    names: list[str] = field(default_factory=list)  # parse ... as names


def malformed(message: str, start: int, end: int) -> AwsError:
    return AwsError("MalformedQueryException", message, fields={"queryCompileError": {
        "location": {"startCharOffset": start, "endCharOffset": end}, "message": message}})


def _unexpected(query: str, token: Token) -> AwsError:
    line = query.count("\n", 0, token.start) + 1
    column = token.start - (query.rfind("\n", 0, token.start) + 1)
    shown = token.text or "end of query"
    return malformed(f"unexpected symbol found {shown} at line {line} and position {column}",
                     token.start, token.start + max(len(token.text), 1) - 1)


def tokenize(query: str) -> list[Token]:
    tokens: list[Token] = []
    index = 0
    while index < len(query):
        if query[index] == "/" and _operand_expected(tokens):
            end = _regex_end(query, index)
            tokens.append(Token("regex", query[index + 1:end], index))
            index = end + 1
            continue
        match = _TOKEN_RE.match(query, index)
        if match is None:
            raise _unexpected(query, Token("op", query[index], index))
        kind = match.lastgroup or ""
        if kind != "space":
            tokens.append(Token(kind, match.group(), index))
        index = match.end()
    tokens.append(Token("end", "", len(query)))
    return tokens


def _operand_expected(tokens: list[Token]) -> bool:
    if not tokens:
        return True
    last = tokens[-1]
    if last.kind == "op":
        return last.text not in (")", "]")
    return last.kind == "name" and last.text.lower() in ("like", "not", "and", "or", "in") \
        or (last.kind == "name" and len(tokens) >= 2 and tokens[-2].text.lower() == "parse")


def _regex_end(query: str, start: int) -> int:
    index = start + 1
    while index < len(query):
        if query[index] == "\\":
            index += 2
            continue
        if query[index] == "/":
            return index
        index += 1
    raise malformed(f"unterminated regular expression at position {start}", start, start)


class Parser:
    def __init__(self, query: str) -> None:
        self.query = query
        self.tokens = tokenize(query)
        self.at = 0

    # -- token helpers ---------------------------------------------------------------------

    def peek(self, offset: int = 0) -> Token:
        return self.tokens[min(self.at + offset, len(self.tokens) - 1)]

    def word(self) -> str:
        token = self.peek()
        return token.text.lower() if token.kind == "name" else token.text

    def take(self) -> Token:
        token = self.peek()
        if token.kind == "end":
            raise _unexpected(self.query, token)
        self.at += 1
        return token

    def expect(self, text: str) -> Token:
        token = self.peek()
        if (token.text.lower() if token.kind == "name" else token.text) != text:
            raise _unexpected(self.query, token)
        return self.take()

    def accept(self, text: str) -> bool:
        if self.peek().kind in ("op", "name") and self.word() == text:
            self.at += 1
            return True
        return False

    def source(self, start: int) -> str:
        """The query text from token `start` up to the last token taken."""
        first, last = self.tokens[start], self.tokens[self.at - 1]
        end = last.start + len(last.text) + (2 if last.kind == "regex" else 0)
        return " ".join(self.query[first.start:end].split())

    # -- commands --------------------------------------------------------------------------

    def commands(self) -> list[Command]:
        parsed = [self.command()]
        while self.accept("|"):
            parsed.append(self.command())
        if self.peek().kind != "end":
            raise _unexpected(self.query, self.peek())
        return parsed

    def command(self) -> Command:
        token = self.peek()
        name = self.word()
        if token.kind != "name" or name not in COMMANDS:
            raise _unexpected(self.query, token)
        self.take()
        return getattr(self, "_" + name)()

    def _fields(self) -> Command:
        return Command("fields", items=self.named_list())

    def _display(self) -> Command:
        return Command("display", items=self.named_list())

    def _dedup(self) -> Command:
        return Command("dedup", items=self.named_list())

    def _filter(self) -> Command:
        return Command("filter", condition=self.expression())

    def _stats(self) -> Command:
        command = Command("stats", items=self.named_list())
        if not all(item[0].kind == "call" for item in command.items):
            raise malformed("stats requires aggregation functions", 0, len(self.query) - 1)
        if self.accept("by"):
            command.by = self.named_list()
        return command

    def _sort(self) -> Command:
        order = []
        while True:
            start = self.at
            key = self.expression()
            key.source = self.source(start)
            descending = self.accept("desc")
            if not descending:
                self.accept("asc")
            order.append((key, descending))
            if not self.accept(","):
                return Command("sort", order=order)

    def _limit(self) -> Command:
        token = self.take()
        if token.kind != "number" or not token.text.isdigit() or not \
                1 <= int(token.text) <= 10_000:
            raise _unexpected(self.query, token)
        return Command("limit", count=int(token.text))

    def _parse(self) -> Command:
        start = self.at
        subject = self.primary()
        subject.source = self.source(start)
        token = self.take()
        if token.kind == "regex":
            return Command("parse", items=[(subject, subject.source)],
                           pattern=compile_regex(token.text, self.query, token.start))
        if token.kind != "string":
            raise _unexpected(self.query, token)
        self.expect("as")
        names = [self.field_name()]
        while self.accept(","):
            names.append(self.field_name())
        pattern = glob_regex(_unquote(token.text))
        if pattern.groups != len(names):
            raise malformed("the number of fields in parse does not match the pattern",
                            token.start, token.start + len(token.text) - 1)
        return Command("parse", items=[(subject, subject.source)], pattern=pattern,
                       names=names)

    def named_list(self) -> list[tuple[Expr, str]]:
        items = []
        while True:
            start = self.at
            expr = self.expression()
            expr.source = self.source(start)
            column = self.field_name() if self.accept("as") else expr.source
            items.append((expr, column))
            if not self.accept(","):
                return items

    def field_name(self) -> str:
        token = self.take()
        if token.kind == "backtick":
            return token.text[1:-1]
        if token.kind != "name" or token.text.lower() in KEYWORDS:
            raise _unexpected(self.query, token)
        return token.text

    # -- expressions -----------------------------------------------------------------------

    def expression(self) -> Expr:
        left = self.conjunction()
        while self.accept("or"):
            left = Expr("binary", "or", [left, self.conjunction()])
        return left

    def conjunction(self) -> Expr:
        left = self.negation()
        while self.accept("and"):
            left = Expr("binary", "and", [left, self.negation()])
        return left

    def negation(self) -> Expr:
        if self.accept("not"):
            return Expr("unary", "not", [self.negation()])
        return self.comparison()

    def comparison(self) -> Expr:
        left = self.additive()
        negate = self.accept("not")
        if self.peek().kind == "op" and self.peek().text in COMPARISONS and not negate:
            return Expr("binary", self.take().text, [left, self.additive()])
        if self.accept("like") or (not negate and self.accept("=~")):
            found = Expr("like", None, [left, self.like_operand()])
        elif self.accept("in"):
            found = Expr("in", None, [left, *self.list_literal()])
        elif negate:
            raise _unexpected(self.query, self.peek())
        else:
            return left
        return Expr("unary", "not", [found]) if negate else found

    def like_operand(self) -> Expr:
        token = self.take()
        if token.kind == "regex":
            return Expr("regex", compile_regex(token.text, self.query, token.start))
        if token.kind == "string":
            return Expr("literal", _unquote(token.text))
        raise _unexpected(self.query, token)

    def list_literal(self) -> list[Expr]:
        self.expect("[")
        values = [self.additive()]
        while self.accept(","):
            values.append(self.additive())
        self.expect("]")
        return values

    def additive(self) -> Expr:
        left = self.term()
        while self.peek().kind == "op" and self.peek().text in ("+", "-"):
            left = Expr("binary", self.take().text, [left, self.term()])
        return left

    def term(self) -> Expr:
        left = self.unary()
        while self.peek().kind == "op" and self.peek().text in ("*", "/", "%"):
            left = Expr("binary", self.take().text, [left, self.unary()])
        return left

    def unary(self) -> Expr:
        if self.accept("-"):
            return Expr("binary", "-", [Expr("literal", 0), self.unary()])
        return self.primary()

    def primary(self) -> Expr:
        token = self.take()
        if token.kind == "number":
            number = float(token.text)
            return Expr("literal", int(number) if number.is_integer() else number)
        if token.kind == "string":
            return Expr("literal", _unquote(token.text))
        if token.kind == "duration":
            return Expr("literal", duration_s(token.text))
        if token.kind == "backtick":
            return Expr("field", token.text[1:-1])
        if token.kind == "op" and token.text == "(":
            inner = self.expression()
            self.expect(")")
            return inner
        if token.kind == "name" and token.text.lower() not in KEYWORDS:
            if self.peek().text == "(":
                return self.call(token.text.lower())
            return Expr("field", token.text)
        raise _unexpected(self.query, token)

    def call(self, name: str) -> Expr:
        self.expect("(")
        args: list[Expr] = []
        if self.accept("*"):
            args.append(Expr("literal", "*"))
        elif self.peek().text != ")":
            args.append(self.expression())
            while self.accept(","):
                args.append(self.expression())
        self.expect(")")
        return Expr("call", name, args)


def duration_s(text: str) -> float:
    match = re.fullmatch(r"(\d+(?:\.\d+)?)([a-z]+)", text)
    if match is None or match.group(2) not in DURATION_UNITS:
        raise malformed(f"invalid duration {text}", 0, 0)
    return float(match.group(1)) * DURATION_UNITS[match.group(2)]


def _unquote(text: str) -> str:
    body = text[1:-1]
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), body)


def compile_regex(source: str, query: str = "", at: int = 0) -> Any:
    """RE2 (linear time, whatever the message): Insights' (?<name>...) becomes (?P<name>...)."""
    import re2  # type: ignore[import-untyped]

    options = re2.Options()
    options.log_errors = False
    translated = re.sub(r"\(\?<(?![=!])", "(?P<", source)
    try:
        return re2.compile(translated, options)
    except re2.error:
        raise malformed(f"invalid regular expression /{source}/", at,
                        at + len(source) + 1) from None


def glob_regex(glob: str) -> Any:
    """parse's glob form: each * captures (the last one as much as it can)."""
    pieces = glob.split("*")
    parts = [re.escape(pieces[0])]
    for index, piece in enumerate(pieces[1:], start=1):
        parts.append("(.*)" if index == len(pieces) - 1 else "(.*?)")
        parts.append(re.escape(piece))
    return compile_regex("".join(parts))


def parse_query(query: str) -> list[Command]:
    if not query.strip():
        raise malformed("the query is empty", 0, 0)
    if len(query) > QUERY_CHARS_MAX:
        raise AwsError("InvalidParameterException", "1 validation error detected: Value at "
                       "'queryString' failed to satisfy constraint: Member must have length "
                       f"less than or equal to {QUERY_CHARS_MAX}")
    return Parser(query).commands()
