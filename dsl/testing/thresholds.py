"""Comparison thresholds per gegeven, read from a checked policy's AST.

Contract: `thresholds(model)` returns, for every gegeven that some rule compares against a
constant, the sorted `Threshold`s (runtime value, the comparison words, the span of the
comparison). A constant is a literal, a negated literal, arithmetic over constants, or a
berekening whose expression is constant (`6,37% + 1,4%`). Timelines contribute their fixed
moments (`van 15 mei 2023 tot en met 15 juni 2023 17:00 uur`, `uiterlijk 10 november 2023`).
Comparisons of a gegeven against another gegeven or a derived value (`x is ten minste 70% van y`)
have no fixed threshold: the SMT encoding (`dsl.testing.smt`) handles those exactly.
`neighbours(value, t, kind)` gives the values just below, at and just above a threshold in the
smallest step the type knows (a cent, 0,01%, one day, one minute, one unit of a duration).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import attrs

from dsl import ast
from dsl.ast import walk
from dsl.compiler.generator import duration_count

__all__ = ["Threshold", "constant", "expressions", "neighbours", "step", "thresholds"]


@attrs.frozen
class Threshold:
    field: str
    value: object
    words: str
    span: ast.Span


def expressions(model):
    """Yield (rule name, expression) for every top-level expression of every rule."""
    for name, rule in model.rules.items():
        node = rule.node
        if node.meta.applicable is not None:
            yield name, node.meta.applicable
        if rule.kind == "eis":
            yield name, node.condition
            for exc in node.exceptions:
                yield name, exc.condition
        elif rule.kind == "berekening":
            yield name, node.expr
        elif rule.kind == "beslissing":
            for row in node.rows:
                yield name, row.condition
                yield name, row.outcome
            if node.otherwise is not None:
                yield name, node.otherwise.outcome
        elif rule.kind == "termijn":
            yield name, node.subject
            yield from ((name, arg) for arg in node.args)


def constant(node, model, _seen=()):
    """The runtime value of a constant expression, or None when it depends on a case."""
    if isinstance(node, ast.Literal):
        return duration_count(node.value) if node.kind == "duur" else node.value
    if isinstance(node, ast.Neg):
        value = constant(node.operand, model, _seen)
        return -value if isinstance(value, (Decimal, int)) else None
    if isinstance(node, ast.Arith):
        left, right = constant(node.left, model, _seen), constant(node.right, model, _seen)
        if not all(isinstance(v, (Decimal, int)) and not isinstance(v, bool) for v in (left, right)):
            return None
        if node.op == "/" and right == 0:
            return None
        return {"+": lambda: left + right, "-": lambda: left - right, "*": lambda: left * right,
                "/": lambda: Decimal(left) / Decimal(right)}[node.op]()
    if isinstance(node, ast.PercentOf):
        p, base = constant(node.percent, model, _seen), constant(node.base, model, _seen)
        return None if p is None or base is None else Decimal(p) * base / 100
    if isinstance(node, ast.Name) and node.name in model.rules and node.name not in _seen:
        rule = model.rules[node.name]
        if rule.kind == "berekening" and rule.node.meta.applicable is None:
            return constant(rule.node.expr, model, _seen + (node.name,))
    return None


def _field(node, model) -> str | None:
    return node.name if isinstance(node, ast.Name) and node.name in model.fields else None


def _pairs(node, model):
    """(field, constant value, words) for each field-against-constant comparison in `node`."""
    if isinstance(node, ast.Compare):
        for a, b in ((node.left, node.right), (node.right, node.left)):
            name, value = _field(a, model), constant(b, model)
            if name and value is not None:
                yield name, value, node.words
    elif isinstance(node, ast.Between):
        name = _field(node.operand, model)
        for bound in (node.low, node.high):
            value = constant(bound, model)
            if name and value is not None:
                yield name, value, node.words
    elif isinstance(node, ast.Weekly):
        name = _field(node.operand, model)
        if name:
            kind = model.fields[name][1].kind
            yield from ((name, moment, node.words) for moment in _weekly_edges(node, model, kind))
    elif isinstance(node, ast.Each):
        value = constant(node.right, model)
        if isinstance(node.collection, ast.Name) and node.collection.name in model.fields and value is not None:
            yield node.collection.name, value, node.words


def _weekly_edges(node: ast.Weekly, model, kind: str) -> list:
    """The edges of a weekly window in one reference week (the week the policy starts in, else
    the first week of 2024): the first listed day at the start time and the last at the end time
    (midnight when no times are given), so `neighbours` gives the moments just inside and outside."""
    first = getattr(model.policy.header.valid_from, "value", None) or date(2024, 1, 1)
    first = first.date() if isinstance(first, datetime) else first
    monday = first - timedelta(days=first.weekday())
    start_day = monday + timedelta(days=node.days[0])
    end_day = start_day + timedelta(days=len(node.days) - 1)
    if kind == "datum":
        return [start_day, end_day]
    if node.start is None:
        return [datetime(start_day.year, start_day.month, start_day.day),
                datetime(end_day.year, end_day.month, end_day.day) + timedelta(days=1)]
    return [datetime(d.year, d.month, d.day) + timedelta(seconds=sec)
            for d in (start_day, end_day) for sec in (node.start, node.end)]


def _timeline_pairs(node: ast.Timeline, model):
    subject = node.subject.name
    moments = node.args[1:] if node.kind in ("binnen", "ten minste voor") else node.args
    for arg in moments:
        value = constant(arg, model)
        if value is not None and subject in model.fields:
            yield subject, value, node.kind


def thresholds(model) -> dict[str, list[Threshold]]:
    """Every constant each gegeven is compared against, per gegeven, sorted and unique."""
    found: dict[str, dict] = {}
    for name, expr in expressions(model):
        for node in walk(expr):
            for field, value, words in _pairs(node, model):
                found.setdefault(field, {}).setdefault(_key(value), Threshold(field, value, words, node.span))
    for rule in model.rules.values():
        if rule.kind == "termijn":
            for field, value, words in _timeline_pairs(rule.node, model):
                found.setdefault(field, {}).setdefault(_key(value), Threshold(field, value, words, rule.node.span))
    return {f: [v for _, v in sorted(items.items())] for f, items in found.items()}


def _key(value):
    """A sort key that orders dates and date-times together."""
    if isinstance(value, datetime):
        return (value.toordinal(), value.hour * 3600 + value.minute * 60 + value.second, str(value))
    if isinstance(value, date):
        return (value.toordinal(), -1, str(value))
    return (value, 0, str(value))


def step(value, kind: str):
    """The smallest step for a type: € 0,01, 0,01%, 1, one day, one minute."""
    if kind in ("bedrag", "percentage"):
        return Decimal("0.01")
    if kind == "getal":
        exponent = value.as_tuple().exponent if isinstance(value, Decimal) else 0
        return Decimal(1).scaleb(min(-2, exponent))
    if kind == "datum":
        return timedelta(days=1)
    if kind == "tijdstip":
        return timedelta(minutes=1)
    return 1


def neighbours(value, kind: str) -> list:
    """t − ε, t, t + ε for a threshold `t` against a gegeven of type `kind`.

    >>> neighbours(Decimal("250000"), "bedrag")
    [Decimal('249999.99'), Decimal('250000'), Decimal('250000.01')]
    >>> [str(v) for v in neighbours(date(2024, 1, 1), "tijdstip")]
    ['2023-12-31 23:59:00', '2024-01-01 00:00:00', '2024-01-01 23:59:00', '2024-01-02 00:00:00']
    """
    if isinstance(value, (str, bool)):
        return [value]
    if kind == "tijdstip" and not isinstance(value, datetime):
        day = datetime(value.year, value.month, value.day)
        minute = timedelta(minutes=1)
        return [day - minute, day, day + timedelta(days=1) - minute, day + timedelta(days=1)]
    if kind == "datum" and isinstance(value, datetime):
        value = value.date()
    if kind == "aantal" and isinstance(value, Decimal):
        value = int(value)  # an aantal compared with 2,5 has neighbours 2 and 3
        return [value - 1, value, value + 1] if value >= 1 else [value, value + 1]
    if kind == "getal" and isinstance(value, int):
        value = Decimal(value)
    eps = step(value, kind)
    return [value - eps, value, value + eps]
