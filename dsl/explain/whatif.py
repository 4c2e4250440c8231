"""What-if: the nearest change of one input that flips a failing rule ("wat zou moeten veranderen").

Contract: `suggestions_for(outcome)` (any evaluated case) and `suggestions(evaluation)` (an
object with `policy`, `model` (the core `Policy`), `outcome` and `_explainer`, such as the
notebook's `Evaluation`) return, for every requirement that is "niet voldaan", every timeline
that is "niet gehaald" and every decision row that did not apply, the changes of
a single gegeven that would flip it (requirement voldaan, timeline gehaald, that row chosen),
nearest to the current value first. Candidates come from the rule's own comparisons: for
`x is ten minste 10` the boundary 10 itself, for `x is groter dan € 250.000` the next value up
(€ 250.000,01; one unit of the type: a cent, 0,01%, a day, a minute; for a getal one unit in the
last decimal place written), for `x is een van ...` each option, for a ja/nee gegeven its
opposite; the other operand's value is read from the trace, so `x is ten minste 70% van
plafond` uses the computed boundary. Boundaries are exact Decimal or date arithmetic, never
float. Every candidate is checked by evaluating the changed case (without a trace); only
changes that really flip the rule are returned, each with a Dutch sentence.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import assert_never

import attrs

from dsl.case import written
from dsl.core import expr as E
from dsl.core import model as M
from dsl.core.model import Status
from dsl.errors import CaseError
from dsl.explain.steps import NOT_EVALUATED, Explainer
from dsl.explain.text import Form
from dsl.runtime.formatting import format_duration_count, format_value


@attrs.frozen
class Suggestion:
    rule: str
    target: str            # what flips, in Dutch ("Maximaal 33% onderaanneming wordt voldaan")
    field: str
    label: str
    current: str           # formatted current value
    proposed: str          # formatted new value
    raw: object            # the new value as a case value
    distance: object = attrs.field(eq=False, repr=False)

    @property
    def sentence(self) -> str:
        return f"Als {self.label} {self.proposed} is (nu {self.current}), dan: {self.target}."


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
    """All single-input changes that flip a failing rule (see the module contract)."""
    out: list[Suggestion] = []
    for name, rule in evaluation.model.rules.items():
        result = evaluation.outcome.results[name]
        for target, check, nodes in _targets(evaluation, rule, result):
            out.extend(_flips(evaluation, name, target, check, nodes))
    return out


def _targets(evaluation, rule: M.Rule, result):
    """(Dutch description, predicate on an outcome, condition nodes) per thing to flip."""
    name = rule.name
    if isinstance(rule, M.Requirement) and result.status is Status.NIET_VOLDAAN:
        yield (f"'{rule.title}' wordt voldaan", lambda o: o.status(name) is Status.VOLDAAN,
               (rule.condition, *(e.condition for e in rule.exceptions)))
    elif isinstance(rule, M.Timeline) and result.status is Status.NIET_GEHAALD:
        yield f"'{rule.title}' wordt gehaald", lambda o: o.status(name) is Status.GEHAALD, ("termijn",)
    elif isinstance(rule, M.Decision):
        ex = evaluation._explainer
        for row in rule.rows:
            if row.index == result.row:
                continue
            outcome_text = ex.fmt(row.outcome, ex.value(row.outcome))
            yield (f"'{rule.title}' wordt {outcome_text} (regel {row.index + 1})",
                   lambda o, i=row.index: o[name].row == i, (row.condition,))


def _flips(evaluation, name, target, check, nodes) -> list[Suggestion]:
    model = evaluation.model
    candidates: dict[str, list] = {}
    if nodes == ("termijn",):
        _timeline_candidates(evaluation, model.rules[name], candidates)
    else:
        for node in nodes:
            _candidates(evaluation, node, candidates)
    found = []
    for field, values in candidates.items():
        best = None
        current = evaluation.raw_value(field) if hasattr(evaluation, "raw_value") else \
            evaluation.outcome.case.data.get(field)
        for value in dict.fromkeys(values):
            if value is None or value == current or not _flips_with(evaluation, field, value, check):
                continue
            distance = _distance(current, value)
            if best is None or distance < best[0]:
                best = (distance, value)
        if best is not None:
            found.append(_suggestion(evaluation, name, target, field, current, best))
    return found


def _flips_with(evaluation, field: str, value, check) -> bool:
    data = dict(evaluation.outcome.case.data)
    data[field] = _as_raw(value, evaluation.model.fields[field].type)
    if evaluation.outcome.case.peil is not None:
        data["peildatum"] = evaluation.outcome.case.peil
    try:
        outcome = evaluation.policy.evaluate(evaluation.policy.load_case(_case_form(data, evaluation.model)))
    except CaseError:  # a candidate that does not fit the type is simply no candidate
        return False
    return bool(check(outcome))


def _case_form(data: dict, model) -> dict:
    """Typed runtime values back to what `convert` reads unchanged (`dsl.case.written`)."""
    out = {}
    for key, value in data.items():
        t = model.fields[key].type if key in model.fields else None
        out[key] = _as_raw(value, t) if t is not None else value
    return out


def _as_raw(value, t):
    """A runtime value as a case writes it: a duration as "N unit", a percentage between 0 and
    1 as "0,41%" (a bare Decimal 0.41 is refused as ambiguous)."""
    return value if t is None else written(value, t)


def _distance(current, value):
    if isinstance(current, (int, Decimal)) and isinstance(value, (int, Decimal)) and not isinstance(value, bool):
        return abs(Decimal(value) - Decimal(current))
    if isinstance(current, date) and isinstance(value, date):
        a = current if isinstance(current, datetime) else datetime(current.year, current.month, current.day)
        b = value if isinstance(value, datetime) else datetime(value.year, value.month, value.day)
        return Decimal(abs((b - a).total_seconds()))
    return Decimal(0)


def _fmt(value, t) -> str:
    if value is None:
        return "onbekend"
    if t.kind == "duur":
        return format_duration_count(value, t)
    if t.kind in ("tekst", "keuze"):
        return f'"{value}"'
    if t.kind == "lijst":
        return str(value)
    return format_value(value, t.kind)


def _suggestion(evaluation, name, target, field, current, best) -> Suggestion:
    t = evaluation.model.fields[field].type
    return Suggestion(name, target, field, evaluation.model.fields[field].description, _fmt(current, t),
                      _fmt(best[1], t), _as_raw(best[1], t), best[0])


# ---------------------------------------------------------------- candidates
def _field_of(node: E.Expr) -> str | None:
    return node.name if isinstance(node, E.Input) else None


def _value(evaluation, node: E.Expr):
    if isinstance(node, E.RuleRef):
        return evaluation.outcome.value(node.name)
    value = evaluation._explainer.value(node)
    return None if value is NOT_EVALUATED else value


def _candidates(evaluation, node: E.Expr, out: dict) -> None:
    """Add the values of single gegevens that sit at the edge of `node` to `out`."""
    fields = evaluation.model.fields
    form = evaluation._explainer.form(node)
    match form:
        case Form.JUNCTION:
            assert isinstance(node, (E.And, E.Or))
            for item in node.items:
                _candidates(evaluation, item, out)
        case Form.NOT:
            assert isinstance(node, E.Not)
            _candidates(evaluation, node.operand, out)
        case Form.FACT:
            assert isinstance(node, E.Input)
            if fields[node.name].type.kind == "ja/nee":
                out.setdefault(node.name, []).extend([True, False])
        case Form.COMPARE:
            assert isinstance(node, E.Compare)
            for side, other in ((node.left, node.right), (node.right, node.left)):
                field = _field_of(side)
                if field:
                    out.setdefault(field, []).extend(_boundary(fields[field].type, node.op,
                                                               _value(evaluation, other), side is node.right))
        case Form.BETWEEN:
            assert isinstance(node, E.Between)
            field = _field_of(node.operand)
            if field:
                t = fields[field].type
                low, high = _value(evaluation, node.low), _value(evaluation, node.high)
                out.setdefault(field, []).extend(
                    [low, high] + ([] if node.high_inclusive or high is None else [_step(high, t, -1)]))
        case Form.WEEKLY:
            assert isinstance(node, E.Weekly)
            field = _field_of(node.operand)
            if field:
                out.setdefault(field, []).extend(_weekly_moments(node, _value(evaluation, node.operand)))
        case Form.MEMBER:
            assert isinstance(node, E.Member)
            field = _field_of(node.operand)
            if field:
                out.setdefault(field, []).extend(_value(evaluation, o) for o in node.options)
        case Form.RULE | Form.SATISFIES | Form.WRITTEN | Form.PEIL | Form.EACH | Form.MOMENT | Form.OTHER:
            pass  # no single gegeven to move to an edge
        case _:
            assert_never(form)


def _weekly_moments(node: E.Weekly, value) -> list:
    """Moments within a week of `value` at the edges of `valt op ...`: the same time of day on
    each nearby day, and on each nearby day the window's start and end and a minute around them."""
    if not isinstance(value, date):
        return []
    if not isinstance(value, datetime):
        return [value + timedelta(days=offset) for offset in range(-7, 8) if offset]
    midnight = datetime(value.year, value.month, value.day)
    out = []
    for offset in range(-7, 8):
        day = midnight + timedelta(days=offset)
        out.append(value + timedelta(days=offset))
        for edge in (node.start, node.end):
            if edge is not None:
                moment = day + timedelta(seconds=edge)
                out += [moment - timedelta(minutes=1), moment, moment + timedelta(minutes=1)]
    return [m for m in out if m != value]


def _boundary(t, op: str, bound, mirrored: bool) -> list:
    """Values of a gegeven at the edge of `gegeven op bound` (or `bound op gegeven`)."""
    if bound is None:
        return []
    if mirrored:  # bound op x  ==  x op' bound
        op = {"<": ">", "<=": ">=", ">": "<", ">=": "<="}.get(op, op)
    if t.kind == "aantal" and isinstance(bound, Decimal):
        floor, ceil = int(bound // 1), int(-(-bound // 1))
        return [ceil, floor, ceil + 1, floor - 1]
    if op in ("<=", ">=", "=="):
        return [bound, _step(bound, t, 1 if op == ">=" else -1)]
    if op == ">":
        return [_step(bound, t, 1)]
    if op == "<":
        return [_step(bound, t, -1)]
    return [_step(bound, t, 1), _step(bound, t, -1)]  # !=


def _step(value, t, direction: int):
    """`value` moved by one unit of its type (a cent, 0,01, a day, a minute)."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, datetime):
        return value + direction * timedelta(minutes=1)
    if isinstance(value, date):
        return value + direction * timedelta(days=1)
    if isinstance(value, int):
        return value + direction
    if isinstance(value, Decimal):
        exponent = value.as_tuple().exponent
        assert isinstance(exponent, int)  # a case never holds NaN or infinity
        places = min(-2, exponent) if t.kind == "getal" else -2
        return value + direction * Decimal(1).scaleb(places)
    return None


def _timeline_candidates(evaluation, rule: M.Timeline, out: dict) -> None:
    field = _field_of(rule.subject)
    if field is None:
        return
    t = evaluation.model.fields[field].type
    end, start = evaluation.outcome.details[evaluation.policy.index[rule.name]]
    values = []
    for bound in (end, start):
        if bound is not None:
            values += [bound, _step(bound, t, -1), _step(bound, t, 1)]
    out[field] = [_as_kind(v, t.kind) for v in values if v is not None]


def _as_kind(value, kind: str):
    """A bound as a value of the event's type: a date for datum, a datetime for tijdstip."""
    if kind == "datum" and isinstance(value, datetime):
        return value.date()
    if kind == "tijdstip" and not isinstance(value, datetime):
        return datetime(value.year, value.month, value.day)
    return value
