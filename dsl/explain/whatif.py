"""What-if: per rule outcome, the nearest changes of one gegeven that change it ("wat als").

Contract: `suggestions_for(outcome)` (any evaluated case) and `suggestions(evaluation)` (an
object with `policy`, `model` (the core `Policy`), `outcome` and `_explainer`, such as the
notebook's `Evaluation`) return `Suggestion`s for every eis, termijn and beslissing, whatever its
outcome now, and every gegeven it reads (also through its `van toepassing als` and the rules it
uses): the nearest values of that one gegeven that change the outcome, one per direction and
new outcome:
  - an ordered gegeven (bedrag, percentage, getal, aantal, duur, datum, tijdstip): the nearest
    value below and the nearest above, for each outcome it can change into on that side;
  - a keuze: each option that changes it; ja/nee: the opposite; tekst: each text it is compared with;
  - a missing gegeven: for each outcome it can give, the first boundary value that gives it.
The outcome of an eis or termijn is its status; of a beslissing the row that applies, or the rows
that hold together ("meerdere regels (regel 2 en 3)"), or that none does ("geen uitkomst"), or
that it does not apply: changes into and out of an overlap count. Onbekend is no outcome to
change into. Groups (the all-of of their eisen) and berekeningen (a value) are not targets.
Each suggestion says what the rule becomes; `Suggestion.to_dict()` is its JSON form, with the
values as a case file writes them ("€ 449.999,99"), so they can be pasted back into a case.

Candidates for a rule: the boundaries of the comparisons in it and in the rules it uses (its
outcome changes nowhere else): `x is ten minste 10`, `tussen`, `een van`, a termijn's start and
end, each on the type's grid with one unit either side (a cent; 0,01 or the finer places
written, up to 6, for a percentage or getal; 1 for an aantal; a day; a minute), and for `valt op`
the nearby window edges. The other side's value is read from the trace. A gegeven inside
arithmetic (`70% van plafond`, `binnen 3 weken na aanvraag`) is solved for with exact Decimal
or calendar arithmetic (never float); where that inverse is not exact (calendar months, working
days, a division, `afgerond`) three units either side are tried. A value a case may not give (a
negative bedrag) is no candidate. Each candidate is checked by evaluating the changed case
without a trace (about 20 µs for wijkverpleging), once per gegeven and value for all rules: a
suggestion is always a verified change, and found nearest first, the nearest of its kind. A
gegeven the solver cannot reach (on both sides of a comparison, inside `elk` or an aggregate)
gives no boundary, so such a change may be missed. Bound: the 200 nearest candidates per rule,
gegeven and direction (the shipped policies, on their cases, have at most 9).

Ranking, per rule (rules in evaluation order): by relative distance |new − old| / max(|old|, 1)
with 1 one whole unit of the type (€ 1, one percentage point, 1, one unit of a duration); a
moment, having no zero, by its distance in days over 365; a ja/nee flip, another option or a
value for a missing gegeven counts 1. Within one gegeven this is the order of absolute distance;
ties keep the gegevens in the policy's order, lower before higher.
"""

from __future__ import annotations

import contextlib
from datetime import date, datetime, timedelta
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from typing import Any, TypeGuard, assert_never

import attrs

from dsl.case import Case, CaseValueError, convert, written
from dsl.core import expr as E
from dsl.core import model as M
from dsl.core.model import Status
from dsl.explain.steps import NOT_EVALUATED, Explainer
from dsl.runtime.calendar import shift as calendar_shift

_ORDERED = frozenset({"bedrag", "percentage", "getal", "aantal", "duur", "datum", "tijdstip"})
_EACH_VALUE = frozenset({"keuze", "tekst"})   # each option or text is a change of its own
_EXACT_UNITS = frozenset({"dagen", "seconden"})
_DOWN, _UP, _ANY = "lager", "hoger", ""
_ONE = Decimal(1)
_MOST = 200  # candidates per rule, gegeven and direction, the nearest (module contract)
_INVERSE_FAILS = (ArithmeticError, OverflowError, ValueError)  # OutsideCalendar is a ValueError


@attrs.frozen
class Suggestion:
    rule: str
    target: str            # what it becomes, in Dutch ("'Maximaal 33% onderaanneming' wordt voldaan")
    field: str
    label: str
    current: str           # formatted current value
    proposed: str          # formatted new value
    raw: object            # the new value as a case value (`dsl.case.written`)
    distance: object = attrs.field(eq=False, repr=False)   # |new − old| (days for a moment; 1 for a flip)
    current_case: object = None   # the current value as a case file writes it (JSON-ready)
    proposed_case: object = None  # the new value as a case file writes it (JSON-ready)
    now: str = ""          # the rule's outcome now ("niet voldaan", '"standaardovereenkomst" (regel 5)')
    becomes: str = ""      # its outcome after the change
    direction: str = ""    # "lager", "hoger", or "" (no order, or nothing known now)
    relative: Decimal = attrs.field(default=_ONE, eq=False, repr=False)

    @property
    def sentence(self) -> str:
        return f"Als {self.label} {self.proposed} is (nu {self.current}), dan: {self.target}."

    def to_dict(self) -> dict[str, Any]:
        """The suggestion for `beleid evalueer --json --wat-als` (JSON-ready)."""
        return {"regel": self.rule, "gegeven": self.field, "huidig": self.current_case, "nieuw": self.proposed_case,
                "nu": self.now, "wordt": self.becomes, "zin": self.sentence}


@attrs.frozen
class _Evaluated:
    """The little an evaluated case needs for what-if: the policy, its model, the outcome."""

    policy: object
    model: object
    outcome: object
    _explainer: object


def suggestions_for(outcome) -> list[Suggestion]:
    """What-if suggestions for an evaluated case (evaluated again with a trace if needed)."""
    explainer = Explainer(outcome)
    outcome = explainer.outcome
    return suggestions(_Evaluated(outcome.policy, outcome.policy.model, outcome, explainer))


def suggestions(evaluation) -> list[Suggestion]:
    """The nearest single-gegeven changes of every rule's outcome (see the module contract)."""
    search = _Search(evaluation)
    return [s for rule in evaluation.model.rules.values() if isinstance(rule, _TARGETS) and rule.inputs
            for s in search.changes(rule)]


_TARGETS = (M.Requirement, M.Timeline, M.Decision)


class _Search:
    """The candidates of each rule and gegeven (from the rule and the rules it uses), and the
    changed cases, each evaluated once for all rules."""

    def __init__(self, evaluation):
        self.policy, self.model, self.outcome = evaluation.policy, evaluation.model, evaluation.outcome
        self.ex: Explainer = evaluation._explainer
        case = self.outcome.case
        self.names = tuple(self.model.fields)
        self.position = {name: i for i, name in enumerate(self.names)}
        self.values, self.peil, self.data = case.values, case.peil, case.data
        self._candidates: dict[tuple[str, str], dict[str, list]] = {}   # by rule and gegeven
        self._owned: dict[str, dict[str, list]] = {}                     # by rule
        self._parts: dict[int, dict[str, list]] = {}                     # by id of a condition
        self._changed: dict[tuple[str, Any], Any] = {}                   # by gegeven and value
        self._fit: dict[tuple[str, Any], bool] = {}                      # by gegeven and value
        self._traced: dict[tuple[str, Any] | None, Any] = {None: self.ex.outcome}

    # ------------------------------------------------------------ the changes of one rule
    def changes(self, rule: M.Rule) -> list[Suggestion]:
        i = self.policy.index[rule.name]
        now = self.key(self.outcome, rule, i, None)
        found: list[Suggestion] = []
        for field in self.names:
            if field in rule.inputs:
                for direction, values in self.candidates(rule, field).items():
                    found += self._scan(rule, i, now, field, direction, values)
        found.sort(key=lambda s: s.relative)  # stable: gegevens in policy order, nearest first
        return found

    def _scan(self, rule: M.Rule, i: int, now: tuple, field: str, direction: str, values: list) -> list[Suggestion]:
        """Walk the candidates nearest first; keep the first value giving each new outcome."""
        seen: set[tuple] = set()
        each = self.model.fields[field].type.kind in _EACH_VALUE
        same = now[0] if not isinstance(rule, M.Decision) else None  # (most rules: only the status counts)
        out = []
        for value in values:
            changed = self.changed(field, value)
            if changed.statuses[i] is same:
                continue
            key = self.key(changed, rule, i, (field, value))
            if key == now or key[0] is Status.ONBEKEND or (key in seen and not each):
                continue
            seen.add(key)
            out.append(self._suggestion(rule, i, field, value, direction, (now, key), changed))
        return out

    def _suggestion(self, rule: M.Rule, i: int, field: str, value, direction: str, keys: tuple, changed) -> Suggestion:
        t = self.model.fields[field].type
        current = self.data.get(field)
        verb, becomes = self.words(rule, changed, i, keys[1])
        distance, relative = _distance(t, current, value)
        return Suggestion(rule.name, f"'{rule.display}' {verb} {becomes}", field, self.model.fields[field].description,
                          self.fmt(current, t), self.fmt(value, t), written(value, t), distance,
                          current_case=case_text(current, t), proposed_case=case_text(value, t),
                          now=self.words(rule, self.outcome, i, keys[0])[1], becomes=becomes,
                          direction=direction, relative=relative)

    # ------------------------------------------------------------ outcomes
    def changed(self, field: str, value):
        """The outcome of the case with `field` set to `value` (evaluated once, without a trace)."""
        key = (field, value)
        found = self._changed.get(key)
        if found is None:
            found = self._changed[key] = self.policy.evaluate(self._case(field, value))
        return found

    def _case(self, field: str, value) -> Case:
        values = list(self.values)
        values[self.position[field]] = value
        return Case.of(tuple(values), self.peil, self.names)

    def key(self, outcome, rule: M.Rule, i: int, change: tuple[str, Any] | None) -> tuple:
        """What counts as the rule's outcome: its status; for a beslissing also the row, or the
        rows that hold together (read from a traced evaluation, only for an overlap)."""
        status = outcome.statuses[i]
        if not isinstance(rule, M.Decision):
            return (status,)
        if status is Status.MEERDERE:
            trace = self._trace(change)
            return (status, tuple(r.index for r in rule.rows if trace.value_of(r.condition) is True))
        return (status, outcome.details[i])

    def _trace(self, change: tuple[str, Any] | None):
        traced = self._traced.get(change)
        if traced is None:
            assert change is not None
            traced = self._traced[change] = self.policy.evaluate(self._case(*change), trace=True)
        return traced.trace

    def words(self, rule: M.Rule, outcome, i: int, key: tuple) -> tuple[str, str]:
        """(verb, outcome) in Dutch: ("wordt", "voldaan"), ("geeft", "meerdere regels (regel 2 en 3)")."""
        status = key[0]
        if isinstance(rule, M.Decision) and status is Status.BEPAALD:
            row = key[1]
            which = "anders" if row == len(rule.rows) else f"regel {row + 1}"
            return "wordt", f"{self.fmt(outcome.values[i], rule.type)} ({which})"
        if status is Status.MEERDERE:
            rows = [str(r + 1) for r in key[1]]
            listed = " en ".join([", ".join(rows[:-1]), rows[-1]]) if len(rows) > 1 else "".join(rows)
            return "geeft", f"meerdere regels (regel {listed})"
        if status is Status.GEEN_UITKOMST:
            return "geeft", str(status)
        return ("is" if status is Status.NOG_NIET else "wordt"), str(status)

    def fmt(self, value, t) -> str:
        return "onbekend" if value is None else self.ex.format(value, t)

    # ------------------------------------------------------------ candidates
    def candidates(self, rule: M.Rule, field: str) -> dict[str, list]:
        """The values of `field` to try for `rule`, by direction, nearest first: the boundaries
        of the rule and the rules it uses (its outcome changes nowhere else)."""
        found = self._candidates.get((rule.name, field))
        if found is None:
            values = self._type_values(field)
            for name in self._closure(rule.name):
                values += self._own(name).get(field, ())
            found = self._candidates[(rule.name, field)] = self._order(field, [v for v in dict.fromkeys(values)
                                                                               if self._fits(field, v)])
        return found

    def _fits(self, field: str, value) -> bool:
        """Whether a case may give `value` for `field` (its type and range), once per value."""
        fits = self._fit.get((field, value))
        if fits is None:
            t = self.model.fields[field].type
            try:
                fits = convert(written(value, t), t) == value
            except CaseValueError:
                fits = False
            self._fit[(field, value)] = fits
        return fits

    def _type_values(self, field: str) -> list:
        t, current = self.model.fields[field].type, self.data.get(field)
        if t.kind == "ja/nee":
            return [not current] if current is not None else [True, False]
        return list(t.options) if t.kind == "keuze" else []

    def _order(self, field: str, values: list) -> dict[str, list]:
        current = self.data.get(field)
        values = [v for v in values if v != current]
        if current is None or self.model.fields[field].type.kind not in _ORDERED:
            return {_ANY: values[:_MOST]}
        at = _as_moment if isinstance(current, date) else _same  # a tijdstip may be given as a day
        here = at(current)
        return {_DOWN: sorted((v for v in values if at(v) < here), key=at, reverse=True)[:_MOST],
                _UP: sorted((v for v in values if at(v) > here), key=at)[:_MOST]}

    def _closure(self, name: str) -> list[str]:
        """`name` and every rule it uses, directly or through others."""
        found, stack = {name}, [name]
        while stack:
            for dep in self.model.rules[stack.pop()].deps:
                if dep not in found:
                    found.add(dep)
                    stack.append(dep)
        return sorted(found)

    def _own(self, name: str) -> dict[str, list]:
        """The candidate values per gegeven from one rule's own parts (once per rule)."""
        found = self._owned.get(name)
        if found is None:
            rule, found = self.model.rules[name], {}
            for part in (*(g.condition for g in rule.gates), *_body(rule)):
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
                  | E.Arith() | E.Neg() | E.PercentOf() | E.Shift() | E.MomentDiff() | E.DayOf() | E.Aggregate()
                  | E.Round()):
                pass  # no boundary of its own (an `elk` or aggregate runs over a lijst)
            case _:
                assert_never(node)

    def _timeline(self, rule: M.Timeline, out: dict[str, list]) -> None:
        detail = self.outcome.details[self.policy.index[rule.name]]
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
                    values = _around(t, *solved, self.data.get(field)) if t.kind in _ORDERED else [solved[0]]
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
                  | E.Weekly() | E.And() | E.Or() | E.Not() | E.DayOf() | E.Aggregate()):
                return None
            case _:
                assert_never(node)

    def _inverse_arith(self, node: E.Arith, field: str, target) -> tuple[E.Expr, Any, bool] | None:
        inner, other = _split(node.left, node.right, field)
        k = self.value(other) if other is not None else None
        if inner is None or not (_number(k) and _number(target)):
            return None
        k, target, left = Decimal(k), Decimal(target), inner is node.left
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
            delta = _as_moment(target) - _as_moment(base)
            seconds = delta.days * 86400 + delta.seconds
            count = seconds if node.unit == "seconden" else delta.days
            return node.amount, node.direction * count, True
        return None


# ---------------------------------------------------------------- helpers
def _body(rule: M.Rule) -> tuple[E.Expr, ...]:
    match rule:
        case M.Requirement():
            return (rule.condition, *(e.condition for e in rule.exceptions))
        case M.Decision():
            return tuple(row.condition for row in rule.rows if row.condition is not None)
        case M.Calculation():
            return (rule.expr,)
        case M.Timeline():
            return (rule.subject, *rule.bounds)
        case M.Group():
            return ()
        case _:
            assert_never(rule)


def _split(a: E.Expr, b: E.Expr, field: str) -> tuple[E.Expr | None, E.Expr | None]:
    """(the operand holding `field`, the other), or (None, None) when both or neither hold it."""
    in_a, in_b = field in a.inputs, field in b.inputs
    if in_a == in_b:
        return None, None
    return (a, b) if in_a else (b, a)


def _number(value) -> TypeGuard[int | Decimal]:
    return isinstance(value, (int, Decimal)) and not isinstance(value, bool)


def _same(value):
    return value


def _as_moment(value: date) -> datetime:
    return value if isinstance(value, datetime) else datetime(value.year, value.month, value.day)


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
        moment = _as_moment(bound)
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


def _distance(t, current, value) -> tuple[Decimal, Decimal]:
    """(absolute, relative) distance of a change (module contract: ranking)."""
    if current is None or t.kind not in _ORDERED:
        return _ONE, _ONE
    if t.kind in ("datum", "tijdstip"):
        delta = abs(_as_moment(value) - _as_moment(current))
        days = Decimal(delta.days * 86400 + delta.seconds) / 86400
        return days, days / 365
    change = abs(Decimal(value) - Decimal(current))
    return change, change / max(abs(Decimal(current)), _ONE)


def case_text(value, t):
    """A value as a case file writes it, JSON-ready and read back unchanged: "€ 449.999,99",
    "33%", "3,5", 12, "14 dagen", "2024-03-22", "2024-03-22T10:00:00", true, "zzp"."""
    if value is None:
        return None
    value = written(value, t)
    if isinstance(value, (list, tuple)):
        return [case_text(item, t.element) for item in value]
    if isinstance(value, date):
        return value.isoformat()
    if not isinstance(value, Decimal):
        return value
    text = _dutch_number(value, 2 if t.kind == "bedrag" else 0)
    return {"bedrag": f"€ {text}", "percentage": f"{text}%"}.get(t.kind, text)


def _dutch_number(value: Decimal, places: int) -> str:
    """Exact Dutch notation: thousands with '.', decimals after ',', at least `places` of them."""
    sign, plain = ("-" if value < 0 else ""), format(abs(value), "f")
    whole, _, fraction = plain.partition(".")
    fraction = fraction.ljust(places, "0")
    head = len(whole) % 3 or 3   # (not int(whole): Python refuses to print an int of 4,300+ digits)
    groups = ".".join([whole[:head], *(whole[i:i + 3] for i in range(head, len(whole), 3))])
    return sign + groups + (f",{fraction}" if fraction else "")


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
