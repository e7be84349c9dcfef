"""A recursive-descent parser for DynamoDB's condition, projection and update expressions.

Trees are tuples tagged by their first element, cheap to walk:

    conditions  ("or", a, b) ("and", a, b) ("not", a) ("cmp", op, left, right)
                ("between", x, low, high) ("in", x, (choices...)) ("fn", name, (args...))
    operands    ("path", (element, ...)) ("value", ":v") ("size", path)
                ("if_not_exists", path, operand) ("list_append", a, b) ("+", a, b) ("-", a, b)

A path element is an attribute name, a "#placeholder" or an int list index. Precedence, lowest
first, as DynamoDB documents it: OR, AND, NOT, then comparisons, IN, BETWEEN and functions.
Parsing depends only on the expression text, so results are cached per text.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from pocketcloud.services.dynamodb.expressions.lexer import (
    EOF,
    IDENT,
    MAX_EXPRESSION_LENGTH,
    NAME_REF,
    NUMBER,
    OP,
    VALUE_REF,
    ExpressionError,
    Token,
    reserved_words,
    tokenize,
)

PARSED_EXPRESSIONS_CACHED = 4096
MAX_OPERATORS = 300  # DynamoDB's limit of operators and functions per expression
MAX_IN_OPERANDS = 100  # IN takes at most 100 values
MAX_PARENTHESES_DEPTH = 100  # bounds recursion; deeper nesting is refused, never a crash

COMPARATORS = frozenset(("=", "<>", "<", "<=", ">", ">="))
PREDICATES = {
    "attribute_exists": 1,
    "attribute_not_exists": 1,
    "attribute_type": 2,
    "begins_with": 2,
    "contains": 2,
}
_PATH_ONLY_FIRST = frozenset(("attribute_exists", "attribute_not_exists", "attribute_type"))
UPDATE_CLAUSES = ("SET", "REMOVE", "ADD", "DELETE")

Node = tuple[Any, ...]


@dataclass(frozen=True, slots=True)
class Parsed:
    tree: Any  # a condition, a list of paths, or {clause: [actions]}
    names: frozenset[str]  # the #placeholders it uses
    values: frozenset[str]  # the :placeholders it uses


@lru_cache(maxsize=PARSED_EXPRESSIONS_CACHED)
def parse_condition(text: str) -> Parsed:
    parser = _Parser(text)
    tree = parser.condition()
    parser.expect_end()
    return parser.parsed(tree)


@lru_cache(maxsize=PARSED_EXPRESSIONS_CACHED)
def parse_projection(text: str) -> Parsed:
    parser = _Parser(text)
    paths = [parser.path()]
    while parser.accept_op(","):
        paths.append(parser.path())
    parser.expect_end()
    return parser.parsed(tuple(paths))


@lru_cache(maxsize=PARSED_EXPRESSIONS_CACHED)
def parse_update(text: str) -> Parsed:
    parser = _Parser(text)
    clauses: dict[str, list[Node]] = {}
    while not parser.at_end() or not clauses:
        word = parser.peek()
        clause = word.text.upper() if word.kind == IDENT else ""
        if clause not in UPDATE_CLAUSES:
            raise parser.syntax_error(word)
        parser.advance()
        if clause in clauses:
            raise ExpressionError(
                f'The "{clause}" section can only be used once in an update expression;'
            )
        clauses[clause] = parser.update_actions(clause)
    return parser.parsed(clauses)


class _Parser:
    def __init__(self, text: str) -> None:
        if not text.strip():
            raise ExpressionError("The expression can not be empty;")
        self.text = text
        self.tokens = tokenize(text)
        self.index = 0
        self.names: set[str] = set()
        self.values: set[str] = set()
        self.operators = 0
        self.depth = 0
        if len(text) > MAX_EXPRESSION_LENGTH:
            raise ExpressionError(
                "Expression size has exceeded the maximum allowed size; "
                f"expression size: {len(text)}"
            )

    # -- tokens -----------------------------------------------------------------------------

    def peek(self, ahead: int = 0) -> Token:
        return self.tokens[min(self.index + ahead, len(self.tokens) - 1)]

    def advance(self) -> Token:
        token = self.tokens[self.index]
        if token.kind != EOF:
            self.index += 1
        return token

    def at_end(self) -> bool:
        return self.peek().kind == EOF

    def accept_op(self, op: str) -> bool:
        token = self.peek()
        if token.kind == OP and token.text == op:
            self.index += 1
            return True
        return False

    def accept_word(self, word: str) -> bool:
        token = self.peek()
        if token.kind == IDENT and token.text.upper() == word:
            self.index += 1
            return True
        return False

    def expect_op(self, op: str) -> None:
        if not self.accept_op(op):
            raise self.syntax_error(self.peek())

    def expect_end(self) -> None:
        if not self.at_end():
            raise self.syntax_error(self.peek())

    def syntax_error(self, token: Token) -> ExpressionError:
        at = self.tokens.index(token) if token in self.tokens else self.index
        near = " ".join(t.text for t in self.tokens[max(at - 1, 0) : at + 2] if t.kind != EOF)
        return ExpressionError(f'Syntax error; token: "{token.text}", near: "{near}"')

    def count_operator(self) -> None:
        self.operators += 1
        if self.operators > MAX_OPERATORS:
            raise ExpressionError(
                f"The expression contains too many operators; operator count: {self.operators}"
            )

    def parsed(self, tree: Any) -> Parsed:
        return Parsed(tree, frozenset(self.names), frozenset(self.values))

    # -- conditions -------------------------------------------------------------------------

    def condition(self) -> Node:
        left = self.conjunction()
        while self.accept_word("OR"):
            self.count_operator()
            left = ("or", left, self.conjunction())
        return left

    def conjunction(self) -> Node:
        left = self.negation()
        while self.accept_word("AND"):
            self.count_operator()
            left = ("and", left, self.negation())
        return left

    def negation(self) -> Node:
        if self.accept_word("NOT"):
            self.count_operator()
            self.depth += 1
            if self.depth > MAX_PARENTHESES_DEPTH:
                raise ExpressionError("The expression has too many nested operators")
            negated = self.negation()
            self.depth -= 1
            return ("not", negated)
        return self.predicate()

    def predicate(self) -> Node:
        if self.accept_op("("):
            self.depth += 1
            if self.depth > MAX_PARENTHESES_DEPTH:
                raise ExpressionError("The expression has too many nested parentheses")
            inner = self.condition()
            self.expect_op(")")
            self.depth -= 1
            return inner
        token = self.peek()
        if token.kind == IDENT and self.peek(1).text == "(" and self.peek(1).kind == OP:
            name = token.text
            if name in PREDICATES:
                self.advance()
                return self.predicate_function(name)
        left = self.operand()
        return self.comparison(left)

    def comparison(self, left: Node) -> Node:
        token = self.peek()
        if token.kind == OP and token.text in COMPARATORS:
            self.advance()
            self.count_operator()
            return ("cmp", token.text, left, self.operand())
        if self.accept_word("BETWEEN"):
            self.count_operator()
            low = self.operand()
            if not self.accept_word("AND"):
                raise self.syntax_error(self.peek())
            return ("between", left, low, self.operand())
        if self.accept_word("IN"):
            self.count_operator()
            self.expect_op("(")
            choices = [self.operand()]
            while self.accept_op(","):
                choices.append(self.operand())
            self.expect_op(")")
            if len(choices) > MAX_IN_OPERANDS:
                raise ExpressionError(
                    "The expression contains too many operands for IN; "
                    f"operand count: {len(choices)}"
                )
            return ("in", left, tuple(choices))
        if left[0] == "size":
            raise ExpressionError(
                "The function is not allowed to be used this way in an expression; function: size"
            )
        raise self.syntax_error(token)

    def predicate_function(self, name: str) -> Node:
        self.count_operator()
        args = self.arguments(name)
        if len(args) != PREDICATES[name]:
            raise ExpressionError(
                "Incorrect number of operands for operator or function; "
                f"operator or function: {name}, number of operands: {len(args)}"
            )
        if name in _PATH_ONLY_FIRST and args[0][0] != "path":
            raise ExpressionError(
                f"Operator or function requires a document path; operator or function: {name}"
            )
        token = self.peek()
        if (
            token.kind == OP
            and token.text in COMPARATORS
            or token.text.upper() in ("IN", "BETWEEN")
        ):
            raise ExpressionError(
                "The function is not allowed to be used this way in an expression; "
                f"function: {name}"
            )
        return ("fn", name, tuple(args))

    def arguments(self, name: str) -> list[Node]:
        self.expect_op("(")
        args = [self.operand()]
        while self.accept_op(","):
            args.append(self.operand())
        self.expect_op(")")
        return args

    # -- operands ---------------------------------------------------------------------------

    def operand(self) -> Node:
        token = self.peek()
        if token.kind == VALUE_REF:
            self.advance()
            self.values.add(token.text)
            return ("value", token.text)
        if token.kind == IDENT and self.peek(1).kind == OP and self.peek(1).text == "(":
            return self.operand_function(token)
        if token.kind in (IDENT, NAME_REF):
            return self.path()
        raise self.syntax_error(token)

    def operand_function(self, token: Token) -> Node:
        name = token.text
        self.advance()
        if name == "size":
            self.count_operator()
            args = self.arguments(name)
            if len(args) != 1:
                raise ExpressionError(
                    "Incorrect number of operands for operator or function; "
                    f"operator or function: size, number of operands: {len(args)}"
                )
            if args[0][0] != "path":
                raise ExpressionError(
                    "Operator or function requires a document path; operator or function: size"
                )
            return ("size", args[0])
        if name in PREDICATES:
            raise ExpressionError(
                "The function is not allowed to be used this way in an expression; "
                f"function: {name}"
            )
        raise ExpressionError(f"Invalid function name; function: {name}")

    def path(self) -> Node:
        elements: list[str | int] = [self.path_name()]
        while True:
            if self.accept_op("."):
                elements.append(self.path_name())
            elif self.accept_op("["):
                token = self.advance()
                if token.kind != NUMBER:
                    raise self.syntax_error(token)
                self.expect_op("]")
                elements.append(int(token.text))
            else:
                return ("path", tuple(elements))

    def path_name(self) -> str:
        token = self.advance()
        if token.kind == NAME_REF:
            self.names.add(token.text)
            return token.text
        if token.kind != IDENT:
            raise self.syntax_error(token)
        if token.text.upper() in reserved_words():
            raise ExpressionError(
                f"Attribute name is a reserved keyword; reserved keyword: {token.text}"
            )
        return token.text

    # -- update expressions -----------------------------------------------------------------

    def update_actions(self, clause: str) -> list[Node]:
        actions = [self.update_action(clause)]
        while self.accept_op(","):
            actions.append(self.update_action(clause))
        if not self.at_end() and self.peek().text.upper() not in UPDATE_CLAUSES:
            raise self.syntax_error(self.peek())
        return actions

    def update_action(self, clause: str) -> Node:
        target = self.path()
        if clause == "REMOVE":
            return target
        if clause == "SET":
            self.expect_op("=")
            return (target, self.set_value())
        value = self.operand()  # ADD and DELETE take a path and a value
        if value[0] != "value":
            raise ExpressionError(
                "Incorrect operand type for operator or function; "
                f"operator: {clause}, operand type: {value[0].upper()}"
            )
        return (target, value)

    def set_value(self) -> Node:
        left = self.set_operand()
        token = self.peek()
        if token.kind == OP and token.text in "+-":
            self.advance()
            self.count_operator()
            return (token.text, left, self.set_operand())
        return left

    def set_operand(self) -> Node:
        token = self.peek()
        if token.kind == IDENT and self.peek(1).kind == OP and self.peek(1).text == "(":
            name = token.text
            self.advance()
            self.count_operator()
            if name == "if_not_exists":
                args = self.update_arguments(name)
                if args[0][0] != "path":
                    raise ExpressionError(
                        "Operator or function requires a document path; "
                        "operator or function: if_not_exists"
                    )
                return ("if_not_exists", args[0], args[1])
            if name == "list_append":
                args = self.update_arguments(name)
                return ("list_append", args[0], args[1])
            if name in PREDICATES or name == "size":
                raise ExpressionError(
                    "The function is not allowed in an update expression; function: " + name
                )
            raise ExpressionError(f"Invalid function name; function: {name}")
        return self.operand()

    def update_arguments(self, name: str) -> list[Node]:
        self.depth += 1
        if self.depth > MAX_PARENTHESES_DEPTH:
            raise ExpressionError("The expression has too many nested functions")
        self.expect_op("(")
        args = [self.set_operand()]
        while self.accept_op(","):
            args.append(self.set_operand())
        self.expect_op(")")
        if len(args) != 2:
            raise ExpressionError(
                "Incorrect number of operands for operator or function; "
                f"operator or function: {name}, number of operands: {len(args)}"
            )
        self.depth -= 1
        return args
