"""Running a parsed Logs Insights query over records: expressions, aggregations, the pipeline.

A record is a dict of fields (@timestamp, @message, @logStream, @log, @ptr and the fields of
a JSON message, flattened with dots). Values compare as numbers when both sides are numbers
(or numeric text, as parse produces), otherwise as text; a missing field matches nothing.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from pocketcloud.services.logs.insights_parser import Command, Expr, malformed

Row = dict[str, Any]
Compiled = Callable[[Row], Any]
AGGREGATES = ("count", "sum", "avg", "min", "max", "count_distinct", "earliest", "latest",
              "pct", "stddev")


class Stamp(int):
    """A time in epoch milliseconds: shown as AWS shows times, "2024-05-01 12:00:00.000"."""


def to_number(value: Any) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return float(value)
    try:
        number = float(str(value))
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def show(value: Any) -> str:
    if isinstance(value, Stamp):
        moment = datetime.fromtimestamp(int(value) / 1000, UTC)
        return moment.strftime("%Y-%m-%d %H:%M:%S.") + f"{int(value) % 1000:03d}"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(round(value, 6))
    return str(value)


def _compare(op: str, left: Any, right: Any) -> bool:
    if left is None or right is None:
        return False
    a, b = to_number(left), to_number(right)
    pair: tuple[Any, Any] = (a, b) if a is not None and b is not None else (
        show(left), show(right))
    x, y = pair
    return bool({"=": x == y, "!=": x != y, "<": x < y, "<=": x <= y, ">": x > y,
                 ">=": x >= y}[op])


def _arithmetic(op: str, left: Any, right: Any) -> Any:
    a, b = to_number(left), to_number(right)
    if a is None or b is None:
        return None
    if op in ("/", "%") and b == 0:
        return None
    result = {"+": a + b, "-": a - b, "*": a * b, "/": a / b, "%": math.fmod(a, b)}[op]
    return int(result) if result.is_integer() and op != "/" else result


def compile_expr(expr: Expr) -> Compiled:
    kind = expr.kind
    if kind == "field":
        name = expr.value
        return lambda row: row.get(name)
    if kind in ("literal", "regex"):
        constant = expr.value
        return lambda row: constant
    if kind == "unary":
        inner = compile_expr(expr.args[0])
        return lambda row: not _truthy(inner(row))
    if kind == "like":
        return _like(expr)
    if kind == "in":
        subject, *choices = [compile_expr(a) for a in expr.args]
        return lambda row: any(_compare("=", subject(row), c(row)) for c in choices)
    if kind == "binary":
        return _binary(expr)
    return _call(expr)


def _binary(expr: Expr) -> Compiled:
    op = expr.value
    left, right = (compile_expr(a) for a in expr.args)
    if op == "and":
        return lambda row: _truthy(left(row)) and _truthy(right(row))
    if op == "or":
        return lambda row: _truthy(left(row)) or _truthy(right(row))
    if op in ("=", "!=", "<", "<=", ">", ">="):
        return lambda row: _compare(op, left(row), right(row))
    return lambda row: _arithmetic(op, left(row), right(row))


def _like(expr: Expr) -> Compiled:
    subject = compile_expr(expr.args[0])
    operand = expr.args[1]
    if operand.kind == "regex":
        regex = operand.value
        return lambda row: (value := subject(row)) is not None and \
            regex.search(show(value)) is not None
    text = str(operand.value)
    return lambda row: (value := subject(row)) is not None and text in show(value)


def _truthy(value: Any) -> bool:
    return value is not None and value is not False and value != ""


_FUNCTIONS: dict[str, Callable[..., Any]] = {
    "ispresent": lambda v: v is not None,
    "isempty": lambda v: v is None or v == "",
    "isblank": lambda v: v is None or str(v).strip() == "",
    "strlen": lambda v: None if v is None else len(show(v)),
    "tolower": lambda v: None if v is None else show(v).lower(),
    "toupper": lambda v: None if v is None else show(v).upper(),
    "trim": lambda v: None if v is None else show(v).strip(),
    "abs": lambda v: None if to_number(v) is None else abs(to_number(v) or 0),
    "floor": lambda v: None if to_number(v) is None else math.floor(to_number(v) or 0),
    "ceil": lambda v: None if to_number(v) is None else math.ceil(to_number(v) or 0),
    "tonumber": to_number,
    "concat": lambda *vs: "".join(show(v) for v in vs if v is not None),
    "coalesce": lambda *vs: next((v for v in vs if v is not None), None),
    "strcontains": lambda v, s: None if v is None else int(show(s) in show(v)),
    "greatest": lambda *vs: max((n for v in vs if (n := to_number(v)) is not None),
                                default=None),
    "least": lambda *vs: min((n for v in vs if (n := to_number(v)) is not None),
                             default=None),
}


def _call(expr: Expr) -> Compiled:
    name = expr.value
    args = [compile_expr(a) for a in expr.args]
    if name == "bin":
        if len(expr.args) != 1 or expr.args[0].kind != "literal":
            raise malformed("bin requires a time period such as 5m", 0, 0)
        period_ms = int(float(expr.args[0].value) * 1000) or 1
        return lambda row: Stamp(int(row["@timestamp"]) // period_ms * period_ms)
    function = _FUNCTIONS.get(name)
    if function is None:
        where = "only in stats" if name in AGGREGATES else "not a known function"
        raise malformed(f"{name} is {where}", 0, 0)
    return lambda row: function(*(a(row) for a in args))


# --- aggregation ----------------------------------------------------------------------------

class Aggregate:
    def __init__(self, name: str, args: list[Expr]) -> None:
        if name not in AGGREGATES:
            raise malformed(f"{name} is not an aggregation function", 0, 0)
        self.name = name
        self.star = bool(args) and args[0].kind == "literal" and args[0].value == "*"
        self.value = compile_expr(args[0]) if args and not self.star else (lambda row: 1)
        self.percent = float(args[1].value) if name == "pct" and len(args) > 1 else 50.0

    def start(self) -> list[Any]:
        return []

    def add(self, state: list[Any], row: Row) -> None:
        value = self.value(row)
        if value is None:
            return
        if self.name in ("earliest", "latest"):
            state.append((int(row.get("@timestamp") or 0), value))
        elif self.name in ("count", "count_distinct"):
            state.append(value if self.name == "count_distinct" else 1)
        elif (number := to_number(value)) is not None:
            state.append(number)

    def result(self, state: list[Any]) -> Any:
        name = self.name
        if name == "count":
            return len(state)
        if name == "count_distinct":
            return len({show(v) for v in state})
        if not state:
            return None
        if name in ("earliest", "latest"):
            pick = min if name == "earliest" else max
            return pick(state, key=lambda pair: pair[0])[1]
        return _numeric(name, state, self.percent)


def _numeric(name: str, values: list[float], percent: float) -> float:
    if name == "sum":
        return sum(values)
    if name == "avg":
        return sum(values) / len(values)
    if name == "min":
        return min(values)
    if name == "max":
        return max(values)
    if name == "stddev":
        mean = sum(values) / len(values)
        return math.sqrt(sum((v - mean) ** 2 for v in values) / max(len(values) - 1, 1))
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * percent / 100))]


def run_stats(command: Command, rows: list[Row]) -> list[Row]:
    aggregates = [Aggregate(expr.value, expr.args) for expr, _ in command.items]
    keys = [(compile_expr(expr), column) for expr, column in command.by]
    groups: dict[tuple[str, ...], tuple[Row, list[list[Any]]]] = {}
    for row in rows:
        values = {column: key(row) for key, column in keys}
        group_key = tuple(show(v) for v in values.values())
        if group_key not in groups:
            groups[group_key] = (values, [a.start() for a in aggregates])
        states = groups[group_key][1]
        for aggregate, state in zip(aggregates, states, strict=True):
            aggregate.add(state, row)
    result = []
    for group_key in sorted(groups):
        values, states = groups[group_key]
        row = {column: value for column, value in values.items() if value is not None}
        for (_, column), aggregate, state in zip(command.items, aggregates, states, strict=True):
            row[column] = aggregate.result(state)
        result.append(row)
    return result
