"""Boundaries: where one gegeven's value can change a rule's outcome (for `dsl.explain.whatif`).

Contract: `Boundaries(model, outcome, explainer, data).of_rule(name)` gives, per gegeven, the
candidate values from one rule's own parts: its `van toepassing als`, its condition and
exceptions, a beslissing's row conditions, a termijn's subject and bounds (the rules it uses
have their own). A candidate is a boundary of a comparison, `x is ten minste 10`, `tussen`,
`een van`, a termijn's start and end, put on the type's grid with one unit either side (a cent;
0,01 or the finer places written, up to 6, for a percentage or getal; 1 for an aantal; a day;
a minute; one base unit of a duration, a minute when counted in seconds); a text or option is
the compared value itself; for `valt op`, the nearby window edges. The other side's value is
read from the trace (`Explainer.value`), a termijn's start and end from its outcome.

A gegeven inside arithmetic (`70% van plafond`, `binnen 3 weken na aanvraag`) is solved for with
exact Decimal or calendar arithmetic (never float); where that inverse is not exact (calendar
months, working days, a division, `afgerond`) three units either side are tried. A gegeven on
both sides of a comparison, inside `elk` or an aggregate, or where the arithmetic fails (a date
past the calendar) gives no boundary.

Order: per gegeven, the parts as written (gates first, a termijn's end before its start), and
per boundary the grid points at and around it first, then one step further either side in turn.
Candidates are not sorted, not deduplicated, and not checked against what a case may give: the
what-if search does that and verifies each by evaluating. Cached per rule and per condition (a
gate shared by a group's eisen is walked once).
"""

from __future__ import annotations

import contextlib
from datetime import date, datetime, timedelta
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from typing import Any, TypeGuard, assert_never

from dsl.core import expr as E
from dsl.core import model as M
from dsl.explain.steps import NOT_EVALUATED, Explainer
from dsl.runtime.calendar import shift as calendar_shift

__all__ = ["ORDERED", "Boundaries", "as_moment"]

ORDERED = frozenset({"bedrag", "percentage", "getal", "aantal", "duur", "datum", "tijdstip"})
_EXACT_UNITS = frozenset({"dagen", "seconden"})
_ONE = Decimal(1)
_INVERSE_FAILS = (ArithmeticError, OverflowError, ValueError)  # OutsideCalendar is a ValueError


class Boundaries:
    """The candidate values per gegeven of each rule's own parts, in one evaluated case."""

    def __init__(self, model: M.Policy, outcome, explainer: Explainer, data: dict[str, Any]):
        self.model, self.outcome, self.ex, self.data = model, outcome, explainer, data
        self._owned: dict[str, dict[str, list]] = {}   # by rule
        self._parts: dict[int, dict[str, list]] = {}   # by id of a condition

    def of_rule(self, name: str) -> dict[str, list]:
        """The candidate values per gegeven from one rule's own parts (once per rule)."""
        found = self._owned.get(name)
        if found is None:
            rule, found = self.model.rules[name], {}
            for part in (*(g.condition for g in rule.gates), *M.own_expressions(rule)):
                for field, values in self._part(part).items():
                    found.setdefault(field, []).extend(values)
            if isinstance(rule, M.Timeline):
                self._timeline(rule, found)
            self._owned[name] = found
        return found

    def _part(self, part: E.Expr) -> dict[str, list]:
        """The candidate values per gegeven from the comparisons in one condition (a gate shared
        by a group's eisen once)."""
        found = self._parts.get(id(part))
        if found is None:
            found = self._parts[id(part)] = {}
            for node in E.walk(part):
                self._node(node, found)
        return found

    def _node(self, node: E.Expr, out: dict[str, list]) -> None:
        match node:
            case E.Compare():
                self._pair(node.left, node.right, out)
            case E.Between():
                self._pair(node.operand, node.low, out)
                self._pair(node.operand, node.high, out)
            case E.Member():
                for option in node.options:
                    self._pair(node.operand, option, out)
            case E.Weekly():
                if isinstance(node.operand, E.Input):
                    out.setdefault(node.operand.name, []).extend(
                        _weekly_moments(node, self.data.get(node.operand.name)))
            case (E.Input() | E.RuleRef() | E.Peildatum() | E.Const() | E.Each() | E.And() | E.Or() | E.Not()
                  | E.Known() | E.Arith() | E.Neg() | E.PercentOf() | E.Shift() | E.MomentDiff() | E.DayOf() | E.Aggregate()
                  | E.Round() | E.YearDate() | E.Versions() | E.ListOf() | E.YearValue() | E.OnDay() | E.Throughout()
                  | E.PeriodDay()):
                pass  # no boundary of its own (an `elk` or aggregate runs over a lijst)
            case _:
                assert_never(node)

    def _timeline(self, rule: M.Timeline, out: dict[str, list]) -> None:
        detail = self.outcome.details[self.outcome.policy.index[rule.name]]
        if not isinstance(detail, tuple):
            return
        end, start = detail
        for bound, value in ((rule.end, end), (rule.start, start)):
            if bound is not None and value is not None:
                self._pair(rule.subject, bound, out, self.value(rule.subject), value)

    def _pair(self, a: E.Expr, b: E.Expr, out: dict[str, list], a_value=None, b_value=None) -> None:
        """`a` is compared with `b`: each gegeven on one side is solved for the other's value,
        and that boundary put on the gegeven's grid (a text is tried as it is)."""
        for side, other, target in ((a, b, b_value), (b, a, a_value)):
            target = self.value(other) if target is None else target
            if target is None:
                continue
            for field in side.inputs - other.inputs:
                solved = self._solve(side, field, target) if field in self.model.fields else None
                if solved is not None:
                    t = self.model.fields[field].type
                    values = _around(t, *solved, self.data.get(field)) if t.kind in ORDERED else [solved[0]]
                    out.setdefault(field, []).extend(values)

    def value(self, node: E.Expr):
        """A node's value in this case, or None (unknown, or never evaluated and not written)."""
        if isinstance(node, E.RuleRef):
            return self.outcome.value(node.name)
        value = self.ex.value(node)
        return E.constant_value(node) if value is NOT_EVALUATED else value

    # ------------------------------------------------------------ solving for a gegeven
    def _solve(self, node: E.Expr, field: str, target) -> tuple[Any, bool] | None:
        """The value of `field` that makes `node` equal `target` (and whether that is exact)."""
        exact = True
        while not isinstance(node, E.Input):
            try:
                step = self._inverse(node, field, target)
            except _INVERSE_FAILS:
                return None
            if step is None:
                return None
            node, target, exact = step[0], step[1], exact and step[2]
        return (target, exact) if node.name == field else None

    def _inverse(self, node: E.Expr, field: str, target) -> tuple[E.Expr, Any, bool] | None:
        """One step down towards `field`: the part holding it and the value that part must have."""
        match node:
            case E.RuleRef():
                rule = self.model.rules[node.name]
                return (rule.expr, target, True) if isinstance(rule, M.Calculation) and not rule.gates else None
            case E.Neg():
                return (node.operand, -target, True) if _number(target) else None
            case E.Arith():
                return self._inverse_arith(node, field, target)
            case E.PercentOf():
                inner, other = _split(node.percent, node.base, field)
                k = self.value(other) if other is not None else None
                if inner is None or not (_number(k) and _number(target)) or k == 0:
                    return None
                return inner, Decimal(target) * 100 / Decimal(k), False
            case E.Shift():
                return self._inverse_shift(node, field, target)
            case E.MomentDiff():
                inner, other = _split(node.left, node.right, field)
                k = self.value(other) if other is not None else None
                if inner is None or not isinstance(k, date) or not isinstance(target, int):
                    return None
                sign = 1 if inner is node.left else -1
                return inner, calendar_shift(k, sign * target, node.unit)[0], True
            case E.Round():  # the unrounded value near the target; the grid around it does the rest
                return node.operand, target, False
            case (E.Input() | E.Peildatum() | E.Const() | E.Compare() | E.Member() | E.Between() | E.Each()
                  | E.Weekly() | E.And() | E.Or() | E.Not() | E.Known() | E.DayOf() | E.Aggregate()
                  | E.YearDate() | E.Versions() | E.ListOf() | E.YearValue() | E.OnDay() | E.Throughout()
                  | E.PeriodDay()):
                return None
            case _:
                assert_never(node)

    def _inverse_arith(self, node: E.Arith, field: str, target) -> tuple[E.Expr, Any, bool] | None:
        inner, other = _split(node.left, node.right, field)
        k = self.value(other) if other is not None else None
        if inner is None or not (_number(k) and _number(target)):
            return None
        k, target, left = Decimal(k), Decimal(target), inner is node.left
        if node.op == "^":   # no exact inverse (a root): no boundary from a power
            return None
        if node.op == "+":
            return inner, target - k, True
        if node.op == "-":
            return inner, (target + k if left else k - target), True
        if node.op == "*":
            return (inner, target / k, False) if k else None
        if left:
            return inner, target * k, False
        return (inner, k / target, False) if target else None

    def _inverse_shift(self, node: E.Shift, field: str, target) -> tuple[E.Expr, Any, bool] | None:
        if not isinstance(target, date):
            return None
        inner, _ = _split(node.base, node.amount, field)
        amount, base = self.value(node.amount), self.value(node.base)
        if inner is node.base and isinstance(amount, int):
            moved = calendar_shift(target, -node.direction * amount, node.unit)[0]
            return node.base, moved, node.unit in _EXACT_UNITS
        if inner is node.amount and node.unit in _EXACT_UNITS and isinstance(base, date):
            delta = as_moment(target) - as_moment(base)
            seconds = delta.days * 86400 + delta.seconds
            count = seconds if node.unit == "seconden" else delta.days
            return node.amount, node.direction * count, True
        return None


# ---------------------------------------------------------------- helpers
def as_moment(value: date) -> datetime:
    """A datum as the moment its day starts; a tijdstip as it is."""
    return value if isinstance(value, datetime) else datetime(value.year, value.month, value.day)


def _split(a: E.Expr, b: E.Expr, field: str) -> tuple[E.Expr | None, E.Expr | None]:
    """(the operand holding `field`, the other), or (None, None) when both or neither hold it."""
    in_a, in_b = field in a.inputs, field in b.inputs
    if in_a == in_b:
        return None, None
    return (a, b) if in_a else (b, a)


def _number(value) -> TypeGuard[int | Decimal]:
    return isinstance(value, (int, Decimal)) and not isinstance(value, bool)


def _unit(t, values: tuple) -> Any:
    """One step of the grid candidates lie on: a cent, 0,01 (or the finer places written, up
    to 6), 1, a day, a minute; for a duration one base unit (a minute when counted in seconds)."""
    kind = t.kind
    if kind in ("percentage", "getal"):
        return _ONE.scaleb(-min(max([2, *map(_places, values)]), 6))
    return {"bedrag": Decimal("0.01"), "aantal": 1, "datum": timedelta(days=1),
            "tijdstip": timedelta(minutes=1)}.get(kind) or (60 if t.unit == "seconden" else 1)


def _grid(t, bound, step) -> tuple[Any, Any] | None:
    """The grid points at or just below and at or just above `bound`, as values of type `t`."""
    kind = t.kind
    if kind in ("datum", "tijdstip"):
        if not isinstance(bound, date):
            return None
        moment = as_moment(bound)
        low = moment.replace(hour=0, minute=0, second=0, microsecond=0) if kind == "datum" else \
            moment.replace(second=0, microsecond=0)
        high = low if low == moment else low + step
        return (low.date(), high.date()) if kind == "datum" else (low, high)
    if not _number(bound):
        return None
    scaled = Decimal(bound) / step
    low, high = scaled.to_integral_value(ROUND_FLOOR) * step, scaled.to_integral_value(ROUND_CEILING) * step
    return (int(low), int(high)) if isinstance(step, int) else (_tidy(low), _tidy(high))


def _places(value) -> int:
    """The decimal places a value is written with (0 for anything but a finite Decimal)."""
    exponent = value.as_tuple().exponent if isinstance(value, Decimal) else 0
    return -exponent if isinstance(exponent, int) else 0


def _tidy(value: Decimal) -> Decimal:
    """Without trailing zeros (33 rather than 33.00), never in exponent form (250000, not 2.5E+5)."""
    return Decimal(format(value.normalize(), "f"))


def _around(t, bound, exact: bool, current) -> list:
    """`bound` on the type's grid and one step either side (three when the inverse was not
    exact): the boundary itself first, so a missing gegeven gets the plain boundary value."""
    step = _unit(t, (bound, current))
    try:
        grid = _grid(t, bound, step)
    except _INVERSE_FAILS:  # a moment in the calendar's last day, a number beyond Decimal's precision
        return []
    if grid is None:
        return []
    low, high = grid
    out = [low, high]
    for k in range(1, 2 if exact else 4):
        for start, sign in ((low, -1), (high, 1)):
            with contextlib.suppress(*_INVERSE_FAILS):  # a date next to either end of the calendar
                out.append(start + sign * k * step)
    return out


def _weekly_moments(node: E.Weekly, value) -> list:
    """Moments within a week of `value` at the edges of `valt op ...`: the same time of day on
    each nearby day, and on each nearby day the window's start and end and a minute around them."""
    if not isinstance(value, date):
        return []
    out: list = []
    for offset in range(-7, 8):
        with contextlib.suppress(OverflowError):  # the calendar ends within the week
            out.append(value + timedelta(days=offset))
            if isinstance(value, datetime):
                day = datetime(value.year, value.month, value.day) + timedelta(days=offset)
                for edge in (node.start, node.end):
                    if edge is not None:
                        moment = day + timedelta(seconds=edge)
                        out += [moment - timedelta(minutes=1), moment, moment + timedelta(minutes=1)]
    return [m for m in out if m != value]
