"""Comparison thresholds per gegeven, read from a policy's core model.

Contract: `thresholds(model)` returns, for every gegeven that some rule compares against a
constant, the sorted `Threshold`s (runtime value, the comparison words, the span of the
comparison). A constant is a written value, a negated one, arithmetic over constants, or a
berekening without gates whose expression is constant (`6,37% + 1,4%`, also rounded). A gegeven
compared after rounding (`x afgerond op centen is ten minste € 5`) has the constant and the values
half a rounding step either side of it (€ 4,995 and € 5,005) as thresholds. Timelines contribute
their fixed moments (`van 15 mei 2023 tot en met 15 juni 2023 17:00 uur`, `uiterlijk 10 november
2023`, the date a `binnen` counts from). Comparisons of a gegeven against another gegeven or a
derived value (`x is ten minste 70% van y`) have no fixed threshold: the SMT encoding
(`dsl.analysis.smt`) handles those exactly. `expressions(model)` lists every top-level expression
of every rule once. `neighbours(value, kind)` gives the values just below, at and just above a
threshold in the smallest step the type knows (a cent, 0,01%, one day, one minute, one unit of a
duration); `date_span(model, thresholds)` the dates worth drawing from.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import attrs

from dsl.core import expr as E
from dsl.core.expr import round_decimal, walk
from dsl.core.model import Calculation, Decision, Group, Policy, Requirement, Rule, Timeline
from dsl.span import Span

__all__ = ["Threshold", "constant", "date_span", "validity_days", "expressions", "neighbours", "own_gate", "rule_constant", "step",
           "thresholds"]

_DEFAULT_SPAN = (date(2020, 1, 1), date(2030, 12, 31))


@attrs.frozen
class Threshold:
    field: str
    value: object
    words: str
    span: Span


def own_gate(rule: Rule) -> E.Expr | None:
    """The rule's own `van toepassing als` (its group's gate belongs to the group), or None."""
    return next((g.condition for g in rule.gates if g.name == rule.name), None)


def timeline_moments(rule: Timeline) -> list[E.Expr]:
    """The moments a termijn is written with: its start, its end and the moment a duration
    counts from, each once (a `binnen` starts at its base, and its end is a shift of it)."""
    out: list[E.Expr] = []
    for moment in (rule.start, rule.end, rule.base):
        if moment is not None and not any(moment is m for m in out):
            out.append(moment)
    return out


def _written(rule: Timeline) -> list[E.Expr]:
    """The top-level expressions of a termijn's bounds, none nested in another."""
    moments = timeline_moments(rule)
    return [m for m in moments if not any(m is not o and any(n is m for n in walk(o)) for o in moments)]


def expressions(model: Policy) -> Iterator[tuple[str, E.Expr]]:
    """Yield (rule name, expression) for every top-level expression of every rule."""
    for name, rule in model.rules.items():
        gate = own_gate(rule)
        if gate is not None:
            yield name, gate
        match rule:
            case Requirement():
                yield name, rule.condition
                for exc in rule.exceptions:
                    yield name, exc.condition
            case Calculation():
                yield name, rule.expr
            case Decision():
                for row in rule.rows:
                    if row.condition is not None:
                        yield name, row.condition
                    yield name, row.outcome
                if rule.otherwise is not None:
                    yield name, rule.otherwise.outcome
            case Timeline():
                yield name, rule.subject
                yield from ((name, bound) for bound in _written(rule))
            case Group():
                pass


def _number(value: Any) -> bool:
    return isinstance(value, (Decimal, int)) and not isinstance(value, bool)


def constant(node: E.Expr, model: Policy) -> Any:
    """The runtime value of a constant expression, or None when it depends on a case."""
    match node:
        case E.Const():
            return node.value
        case E.Neg():
            value = constant(node.operand, model)
            return -value if isinstance(value, (Decimal, int)) else None
        case E.Arith():
            left, right = constant(node.left, model), constant(node.right, model)
            if not (_number(left) and _number(right)) or (node.op == "/" and right == 0):
                return None
            if node.op == "/":
                return Decimal(left) / Decimal(right)
            if node.op == "^":
                return E.power_value(left, right, whole=node.type.kind == "aantal")
            return {"+": left + right, "-": left - right, "*": left * right}[node.op]
        case E.PercentOf():
            p, base = constant(node.percent, model), constant(node.base, model)
            return None if p is None or base is None else Decimal(p) * base / 100
        case E.Round():
            value = constant(node.operand, model)
            return round_decimal(value, node.places, node.mode) if isinstance(value, Decimal) else value
        case E.RuleRef():
            return rule_constant(node.name, model)
    return None


# the constant value (or None) of each rule of a model, once per model
_RULE_CONSTANTS: weakref.WeakKeyDictionary[Policy, dict[str, Any]] = weakref.WeakKeyDictionary()


def rule_constant(name: str, model: Policy) -> Any:
    """The value of a berekening without gates whose expression is constant, else None. The
    berekeningen it uses are valued first, one after another in the model's order (dependency
    order), so a long chain of berekeningen each using the next needs no deep recursion."""
    known = _RULE_CONSTANTS.setdefault(model, {})
    if name not in known:
        for needed in _unvalued(name, model, known):
            known[needed] = None  # (a rule reached again while it is valued has no constant value)
            rule = model.rules[needed]
            if isinstance(rule, Calculation) and not rule.gates:
                known[needed] = constant(rule.expr, model)
    return known[name]


def _unvalued(name: str, model: Policy, known: dict[str, Any]) -> list[str]:
    """`name` and the berekeningen it uses (directly or through others) not valued yet, in model order."""
    found, stack = {name}, [name]
    while stack:
        rule = model.rules[stack.pop()]
        if not isinstance(rule, Calculation) or rule.gates:
            continue
        for dep in rule.deps:
            if dep not in found and dep not in known:
                found.add(dep)
                stack.append(dep)
    return sorted(found, key=lambda n: model.rules[n].index)


def _field(node: E.Expr) -> str | None:
    return node.name if isinstance(node, (E.Input, E.YearValue, E.OnDay)) else None   # a year's value: its gegeven


def _rounding_edges(node: E.Expr, value: Any) -> list:
    """The values a gegeven rounded by `node` (`x afgerond op centen`) turns over at when the
    rounded value is compared with `value`: half a rounding step either side of it."""
    if not (isinstance(node, E.Round) and isinstance(value, Decimal)):
        return []
    half = Decimal(5).scaleb(-node.places - 1)
    return [value - half, value + half]


def _pairs(node: E.Expr, model: Policy) -> Iterator[tuple[str, Any, str]]:
    """(field, constant value, words) for each field-against-constant comparison in `node`; a
    rounded gegeven (`x afgerond op centen is ten minste € 5`) also against where it turns over."""
    match node:
        case E.Compare():
            for a, b in ((node.left, node.right), (node.right, node.left)):
                inner = a.operand if isinstance(a, E.Round) else a
                name, value = _field(inner), constant(b, model)
                if name and value is not None:
                    yield name, value, node.words
                    yield from ((name, edge, node.words) for edge in _rounding_edges(a, value))
        case E.Between():
            name = _field(node.operand)
            for bound in (node.low, node.high):
                value = constant(bound, model)
                if name and value is not None:
                    yield name, value, node.words
        case E.Weekly():
            name = _field(node.operand)
            if name:
                kind = node.operand.type.kind
                yield from ((name, moment, node.words) for moment in _weekly_edges(node, model, kind))
        case E.Each():
            name, value = _field(node.collection), constant(node.right, model)
            if name and value is not None:
                yield name, value, node.words


def _weekly_edges(node: E.Weekly, model: Policy, kind: str) -> list:
    """The edges of a weekly window in one reference week (the week the policy starts in, else
    the first week of 2024): the first listed day at the start time and the last at the end time
    (midnight when no times are given), so `neighbours` gives the moments just inside and outside."""
    first: date = model.valid_from or date(2024, 1, 1)
    first = first.date() if isinstance(first, datetime) else first
    monday = first - timedelta(days=first.weekday())
    start_day = monday + timedelta(days=node.days[0])
    end_day = start_day + timedelta(days=len(node.days) - 1)
    if kind == "datum":
        return [start_day, end_day]
    if node.start is None or node.end is None:
        return [datetime(start_day.year, start_day.month, start_day.day),
                datetime(end_day.year, end_day.month, end_day.day) + timedelta(days=1)]
    return [datetime(d.year, d.month, d.day) + timedelta(seconds=sec)
            for d in (start_day, end_day) for sec in (node.start, node.end)]


def _timeline_pairs(rule: Timeline, model: Policy) -> Iterator[tuple[str, Any, str]]:
    subject = _field(rule.subject)
    for moment in timeline_moments(rule):
        value = constant(moment, model)
        if value is not None and subject:
            yield subject, value, str(rule.words)


def thresholds(model: Policy) -> dict[str, list[Threshold]]:
    """Every constant each gegeven is compared against, per gegeven, sorted and unique."""
    found: dict[str, dict] = {}
    for _name, expr in expressions(model):
        for node in walk(expr):
            for field, value, words in _pairs(node, model):
                found.setdefault(field, {}).setdefault(_key(value), Threshold(field, value, words, node.span))
    for rule in model.rules.values():
        if isinstance(rule, Timeline):
            for field, value, words in _timeline_pairs(rule, model):
                found.setdefault(field, {}).setdefault(_key(value), Threshold(field, value, words, rule.span))
    return {f: [v for _, v in sorted(items.items())] for f, items in found.items()}


def validity_days(model: Policy) -> list[date]:
    """The first and last days of the policy's validity and of every rule version's (`geldig ...`)."""
    days = [d for d in (model.valid_from, model.valid_until) if d is not None]
    for rule in model.rules.values():
        days += [d for v in rule.versions for d in (v.valid_from, v.valid_until) if d is not None]
    return days


def date_span(model: Policy, found: dict[str, list[Threshold]]) -> tuple[date, date]:
    """Dates worth drawing from: the policy's validity, the rules' own validities (a rule valid
    from 1 januari 2024 draws around 2024, not 1900) and every date threshold in `found`, widened
    by 400 days (2020..2030 where the policy names no dates)."""
    days = [*validity_days(model), model.valid_from or _DEFAULT_SPAN[0], model.valid_until or _DEFAULT_SPAN[1]]
    moments = [t.value for ts in found.values() for t in ts if isinstance(t.value, date)]
    days += [m.date() if isinstance(m, datetime) else m for m in moments]
    return min(days) - timedelta(days=400), max(days) + timedelta(days=400)


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
        return Decimal(1).scaleb(min(-2, exponent if isinstance(exponent, int) else 0))
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
