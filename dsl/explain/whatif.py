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

Candidates for a rule and gegeven: the boundaries of the rule and of the rules it uses (its
outcome changes nowhere else), from `dsl.explain.boundaries` (comparisons, a termijn's start
and end, `valt op`, a gegeven solved for inside arithmetic, exactly), and for a ja/nee the
opposite, for a keuze each option. A value a case may not give (a negative bedrag) is no
candidate. Each candidate is checked by evaluating the changed case without a trace (about 20 µs
for wijkverpleging), once per gegeven and value for all rules: a suggestion is always a verified
change, and found nearest first, the nearest of its kind. A gegeven with no boundary (on both
sides of a comparison, inside `elk` or an aggregate) may hide a change. Bound: the 200 nearest
candidates per rule, gegeven and direction (the shipped policies, on their cases, have at most 9).

Ranking, per rule (rules in evaluation order): by relative distance |new − old| / max(|old|, 1)
with 1 one whole unit of the type (€ 1, one percentage point, 1, one unit of a duration); a
moment, having no zero, by its distance in days over 365; a ja/nee flip, another option or a
value for a missing gegeven counts 1. Within one gegeven this is the order of absolute distance;
ties keep the gegevens in the policy's order, lower before higher.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import attrs

from dsl.case import Case, CaseValueError, convert, written
from dsl.core import model as M
from dsl.core.model import Status
from dsl.explain.boundaries import ORDERED, Boundaries, as_moment
from dsl.explain.steps import Explainer

_EACH_VALUE = frozenset({"keuze", "tekst"})   # each option or text is a change of its own
_DOWN, _UP, _ANY = "lager", "hoger", ""
_ONE = Decimal(1)
_MOST = 200  # candidates per rule, gegeven and direction, the nearest (module contract)


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
    """The candidates of each rule and gegeven (the boundaries of the rule and the rules it
    uses), and the changed cases, each evaluated once for all rules."""

    def __init__(self, evaluation):
        self.policy, self.model, self.outcome = evaluation.policy, evaluation.model, evaluation.outcome
        self.ex: Explainer = evaluation._explainer
        case = self.outcome.case
        self.names = tuple(self.model.fields)
        self.position = {name: i for i, name in enumerate(self.names)}
        self.values, self.peil, self.data = case.values, case.peil, case.data
        self.boundaries = Boundaries(self.model, self.outcome, self.ex, self.data)
        self._candidates: dict[tuple[str, str], dict[str, list]] = {}   # by rule and gegeven
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
                values += self.boundaries.of_rule(name).get(field, ())
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
        if current is None or self.model.fields[field].type.kind not in ORDERED:
            return {_ANY: values[:_MOST]}
        at = as_moment if isinstance(current, date) else _same  # a tijdstip may be given as a day
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


# ---------------------------------------------------------------- helpers
def _same(value):
    return value


def _distance(t, current, value) -> tuple[Decimal, Decimal]:
    """(absolute, relative) distance of a change (module contract: ranking)."""
    if current is None or t.kind not in ORDERED:
        return _ONE, _ONE
    if t.kind in ("datum", "tijdstip"):
        delta = abs(as_moment(value) - as_moment(current))
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

