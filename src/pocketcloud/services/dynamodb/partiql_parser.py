"""The PartiQL grammar for DynamoDB: tokens parsed into DynamoDB expressions.

    SELECT * | path, ... FROM "table"[."index"] [WHERE condition] [ORDER BY key [ASC|DESC], ...]
    INSERT INTO "table" VALUE {'attr': value, ...}
    UPDATE "table" SET path = operand [, ...] | REMOVE path [...] WHERE condition
        [RETURNING ALL|MODIFIED OLD|NEW *]
    DELETE FROM "table" WHERE condition [RETURNING ALL OLD *]
    EXISTS(SELECT * FROM "table" WHERE condition)   (in ExecuteTransaction only)

A WHERE condition becomes a ConditionExpression string with its own attribute name and value
placeholders, so the statement runs through the same evaluator as the JSON API does; beside it
the parser keeps the condition's shape (ANDs, ORs, `name = value`, `name IN [...]`), from which
the key conditions are read. Values are PartiQL literals (partiql_values) or `?` parameters.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pocketcloud.errors import AwsError
from pocketcloud.services.dynamodb.partiql_lexer import Token, malformed, tokenize
from pocketcloud.services.dynamodb.partiql_values import Built, LiteralReader

IN_OPERANDS_MAX = 100  # DynamoDB's limit on an IN list
_COMPARISONS = ("=", "<>", "!=", "<", "<=", ">", ">=")
_FUNCTIONS = ("begins_with", "contains", "attribute_type", "attribute_exists",
              "attribute_not_exists", "size")  # fmt: skip
_RETURNING = {("ALL", "OLD"): "ALL_OLD", ("ALL", "NEW"): "ALL_NEW",
              ("MODIFIED", "OLD"): "UPDATED_OLD", ("MODIFIED", "NEW"): "UPDATED_NEW"}  # fmt: skip
OTHER: tuple[Any, ...] = ("other",)  # a condition that pins no key


@dataclass
class Column:
    """A projected path: its expression text, its placeholder path for resolving, and the
    name DynamoDB gives it in the result (its last named step and any indexes after it)."""

    expression: str
    path: tuple[Any, ...]
    name: str


@dataclass
class Statement:
    kind: str  # SELECT, INSERT, UPDATE, DELETE, EXISTS (a transaction's condition check)
    table: str
    index: str | None = None
    projection: list[Column] | None = None  # None for *
    where: str | None = None
    shape: tuple[Any, ...] = OTHER  # the WHERE condition's shape, for its key conditions
    order: list[tuple[str, bool]] = field(default_factory=list)  # ORDER BY (name, descending)
    item: dict[str, Any] | None = None  # INSERT's item
    sets: list[str] = field(default_factory=list)
    removes: list[str] = field(default_factory=list)
    adds: list[str] = field(default_factory=list)  # from SET x = set_add(x, <<...>>)
    deletes: list[str] = field(default_factory=list)  # from SET x = set_delete(x, <<...>>)
    returning: str | None = None  # ReturnValues
    built: Built = field(default_factory=Built)


class Parser(LiteralReader):
    def __init__(self, statement: str, parameters: list[Any]) -> None:
        super().__init__(tokenize(statement), parameters)

    # -- statements --------------------------------------------------------------------

    def statement(self) -> Statement:
        token = self.peek()
        word = token.text.upper() if token.kind == "word" else ""
        parsers = {"SELECT": self.select, "INSERT": self.insert, "UPDATE": self.update,
                   "DELETE": self.delete, "EXISTS": self.exists}  # fmt: skip
        if word not in parsers:
            raise malformed("Expected data manipulation")
        self.at += 1
        result = parsers[word]()
        if self.peek().kind != "end":
            raise malformed("Unexpected token after expression")
        self.check_parameters_used()
        return result

    def select(self) -> Statement:
        projection: list[Column] | None = None
        built = Built()
        if self.is_symbol("*"):
            self.at += 1
        else:
            projection = [self.column(built)]
            while self.is_symbol(","):
                self.at += 1
                projection.append(self.column(built))
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
            found.order = [self.ordering()]
            while self.is_symbol(","):
                self.at += 1
                found.order.append(self.ordering())
        return found

    def ordering(self) -> tuple[str, bool]:
        name = self.identifier()
        descending = False
        if self.is_word("ASC", "DESC"):
            descending = self.next().text.upper() == "DESC"
        return name, descending

    def exists(self) -> Statement:
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
        self.item_roots = True
        item = self.literal()
        self.item_roots = False
        if "M" not in item:
            raise AwsError(
                "ValidationException",
                "Unsupported format in item expression. Please use struct format {...} to "
                "express item values for insert statement.",
            )
        if self.is_word("RETURNING"):
            raise AwsError("ValidationException", "RETURNING is not supported in INSERT")
        return Statement("INSERT", table, item=item["M"])

    def update(self) -> Statement:
        found = Statement("UPDATE", self.identifier())
        while self.is_word("SET", "REMOVE"):
            clause = self.next().text.upper()
            while True:
                if clause == "SET":
                    self.assignment(found)
                else:
                    found.removes.append(self.path(found.built)[0])
                if not self.is_symbol(","):
                    break
                self.at += 1
        if not (found.sets or found.removes or found.adds or found.deletes):
            raise malformed("Expected SET or REMOVE")
        self.where_clause(found, required=True)
        self.returning(found)
        return found

    def delete(self) -> Statement:
        self.expect_word("FROM")
        found = Statement("DELETE", self.identifier())
        self.where_clause(found, required=True)
        self.returning(found)
        if found.returning not in (None, "ALL_OLD"):
            wanted = next(f"{s} {i}" for (s, i), v in _RETURNING.items() if v == found.returning)
            raise AwsError(
                "ValidationException",
                f"Invalid returning clause: RETURNING {wanted} *. Only RETURNING ALL OLD * is "
                "allowed in DELETE statements.",
            )
        return found

    def returning(self, found: Statement) -> None:
        if not self.is_word("RETURNING"):
            return
        self.at += 1
        scope = self.next().text.upper()
        image = self.next().text.upper()
        if (scope, image) not in _RETURNING:
            raise malformed(f"Unsupported RETURNING {scope} {image}")
        if not self.is_symbol("*"):
            raise AwsError(
                "ValidationException",
                "Expected '*' after ( MODIFIED | ALL ) ( NEW | OLD ) in RETURNING clause",
            )
        self.at += 1
        found.returning = _RETURNING[(scope, image)]

    def where_clause(self, found: Statement, *, required: bool) -> None:
        if not self.is_word("WHERE"):
            if required:
                raise AwsError(
                    "ValidationException",
                    "Where clause does not contain a mandatory equality on all key attributes",
                )
            return
        self.at += 1
        found.where, found.shape = self.condition(found.built)

    # -- UPDATE's assignments ----------------------------------------------------------

    def assignment(self, found: Statement) -> None:
        target, _ = self.path(found.built)
        self.expect_symbol("=")
        token = self.peek()
        name = token.text.lower() if token.kind == "word" else ""
        if name in ("set_add", "set_delete") and self.peek(1).text == "(":
            self.at += 1
            value = self.set_function(found.built, token, target)
            (found.adds if name == "set_add" else found.deletes).append(f"{target} {value}")
            return
        found.sets.append(f"{target} = {self.update_operand(found.built)}")

    def set_function(self, built: Built, token: Token, target: str) -> str:
        """set_add(x, <<...>>) and set_delete(x, <<...>>): an ADD or DELETE of x's members."""
        upper = token.text.upper()
        self.expect_symbol("(")
        start = self.at
        first = self.operand(built)
        if not self.is_symbol(","):
            raise AwsError("ValidationException", f"{upper} must have exactly two arguments")
        self.at += 1
        second = self.operand(built)
        self.expect_symbol(")")
        if first != target or self.tokens[start].kind not in ("word", "quoted"):
            raise AwsError(
                "ValidationException",
                f"The first argument to {upper} must equal the assignment value at {token.at()}",
            )
        if not second.startswith(":") or next(iter(built.values[second])) not in (
            "SS", "NS", "BS",
        ):  # fmt: skip
            raise AwsError(
                "ValidationException",
                f"The second argument to {upper} must be a value with type SET at {token.at()}",
            )
        return second

    def update_operand(self, built: Built) -> str:
        if self.peek().kind == "word" and self.peek(1).text == "(":
            name = self.next().text
            if name.lower() not in ("list_append", "if_not_exists"):
                raise AwsError("ValidationException", f"Unrecognized function: {name}")
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

    # -- conditions: (expression text, shape) ------------------------------------------

    def condition(self, built: Built) -> tuple[str, tuple[Any, ...]]:
        self.enter()
        parts = [self.conjunction(built)]
        while self.is_word("OR"):
            self.at += 1
            parts.append(self.conjunction(built))
        self.depth -= 1
        if len(parts) == 1:
            return parts[0]
        return " OR ".join(p[0] for p in parts), ("or", tuple(p[1] for p in parts))

    def conjunction(self, built: Built) -> tuple[str, tuple[Any, ...]]:
        parts = [self.negation(built)]
        while self.is_word("AND"):
            self.at += 1
            parts.append(self.negation(built))
        if len(parts) == 1:
            return parts[0]
        return " AND ".join(p[0] for p in parts), ("and", tuple(p[1] for p in parts))

    def negation(self, built: Built) -> tuple[str, tuple[Any, ...]]:
        if self.is_word("NOT"):
            self.at += 1
            inner, _ = self.negation(built)
            return f"NOT {inner}", OTHER
        if self.is_symbol("("):
            self.at += 1
            inner, shape = self.condition(built)
            self.expect_symbol(")")
            return f"({inner})", shape
        return self.comparison(built)

    def comparison(self, built: Built) -> tuple[str, tuple[Any, ...]]:
        token = self.peek()
        if token.kind == "word" and token.text.lower() in _FUNCTIONS and self.peek(1).text == "(":
            left = self.function(built)
            if left.startswith("size("):
                return self.compare_rest(built, left, None)
            return left, OTHER
        left = self.operand(built)
        bare = left.startswith("#") and "." not in left and "[" not in left
        return self.compare_rest(built, left, built.names[left] if bare else None)

    def compare_rest(
        self, built: Built, left: str, name: str | None
    ) -> tuple[str, tuple[Any, ...]]:
        if self.is_word("IS"):
            return self.is_test(built, left), OTHER
        if self.is_word("BETWEEN"):
            self.at += 1
            low = self.operand(built)
            self.expect_word("AND")
            return f"{left} BETWEEN {low} AND {self.operand(built)}", OTHER
        if self.is_word("IN"):
            self.at += 1
            return self.in_list(built, left, name)
        if not self.is_symbol(*_COMPARISONS):
            raise malformed(f"Expected a comparison, found '{self.peek().text or 'end'}'")
        operator = self.next().text
        right = self.operand(built)
        shape = OTHER
        if operator == "=" and name is not None and right.startswith(":"):
            shape = ("eq", name, built.values[right])
        return f"{left} {'<>' if operator == '!=' else operator} {right}", shape

    def is_test(self, built: Built, left: str) -> str:
        """IS [NOT] MISSING and IS [NOT] NULL."""
        self.at += 1
        negated = self.is_word("NOT")
        if negated:
            self.at += 1
        if self.is_word("MISSING"):
            self.at += 1
            return f"attribute_exists({left})" if negated else f"attribute_not_exists({left})"
        if self.is_word("NULL"):
            self.at += 1
            test = f"attribute_type({left}, {built.value({'S': 'NULL'})})"
            return f"NOT {test}" if negated else test
        raise malformed(f"Unsupported type after IS: '{self.peek().text or 'end'}'")

    def in_list(self, built: Built, left: str, name: str | None) -> tuple[str, tuple[Any, ...]]:
        closing = "]" if self.is_symbol("[") else ")"
        self.expect_symbol("[" if closing == "]" else "(")
        options = [self.operand(built)]
        while self.is_symbol(","):
            self.at += 1
            options.append(self.operand(built))
        self.expect_symbol(closing)
        if len(options) > IN_OPERANDS_MAX:
            raise AwsError(
                "ValidationException",
                "The IN operator is provided with too many operands; "
                f"number of operands: {len(options)}",
            )
        shape = OTHER
        if name is not None and all(o.startswith(":") for o in options):
            shape = ("in", name, tuple(built.values[o] for o in options))
        return f"{left} IN ({', '.join(options)})", shape

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
            return self.path(built)[0]
        return built.value(self.literal())

    # -- names and paths ---------------------------------------------------------------

    def identifier(self) -> str:
        token = self.next()
        name = self.identifier_of(token)
        if name is None:
            raise malformed(f"Expected identifier, found '{token.text or 'end'}'")
        return name

    @staticmethod
    def identifier_of(token: Token) -> str | None:
        if token.kind == "quoted":
            return token.text[1:-1].replace('""', '"')
        if token.kind == "word":
            return token.text
        return None

    def path(self, built: Built) -> tuple[str, Column]:
        """A document path a.b[0].c: its expression text and its result column."""
        first = self.identifier()
        text, name = [built.name(first)], first
        steps: list[Any] = [built.name(first)]
        while self.is_symbol(".", "["):
            if self.next().text == ".":
                part = self.identifier()
                text.append("." + built.name(part))
                steps.append(built.name(part))
                name = part
            else:
                index = self.list_index()
                text.append(f"[{index}]")
                steps.append(index)
                name += f"[{index}]"
        expression = "".join(text)
        return expression, Column(expression, tuple(steps), name)

    def column(self, built: Built) -> Column:
        return self.path(built)[1]

    def list_index(self) -> int:
        token = self.next()
        negative = token.kind == "symbol" and token.text == "-"
        number = self.next() if negative else token
        if number.kind != "number" or not number.text.isdigit():
            raise malformed("Expected a list index")
        index = -int(number.text) if negative else int(number.text)
        if not 0 <= index <= 2**31 - 1:
            raise AwsError(
                "ValidationException",
                f"List index is not within the allowable range; index: [{index}] at {number.at()}",
            )
        self.expect_symbol("]")
        return index


def parse(statement: str, parameters: list[Any] | None = None) -> Statement:
    return Parser(statement, parameters or []).statement()
