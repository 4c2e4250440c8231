"""Semantic difference between two versions of a policy, with what each comparison proved.

Contract: `diff_policies(old, new, budget=..., search=True, progress=None, mapping=None)` compares
two compiled policies and returns a `PolicyDiff`:
  changes   changes in meaning only (`dsl.analysis.textdiff.text_changes`, on the normal form of
            `dsl.analysis.normal`: an alias, an equivalent bound on an amount or a count, the
            order of the rows under `uniek` are no change; a `niet` is one): the validity, gegevens
            added, removed or retyped, rules added or removed, each changed threshold or date with
            its words, a row added, removed or moved under `eerste treffer`, a `van toepassing
            als`, or the old and new text of a part built differently. A change in a rule that z3
            proves equal is not here but in `rewritten`; what changed in text only (titles,
            bronnen, citaten, descriptions) is one line, `wording`.
  verdicts  one `Verdict` per rule present in both versions, in the old version's order:
              bewezen gelijk        the rule and all it uses have the same normal form
                                    (`unchanged`), or z3 proves that both versions give the same
                                    outcome (status and value; a keuze by its option's text) for
                                    every complete case of the solver's domain
                                    (`dsl.analysis.smt.Domain`; where a rule divides, for every
                                    case whose divisors are not zero, and one case with a zero
                                    divisor is evaluated apart)
              bewezen verschillend  a case on which the two versions differ, from z3's model or
                                    from the search, re-evaluated by both compiled policies
              gezocht               the rule could not be encoded (the reason is kept) and the
                                    search compared N cases without finding a difference: this
                                    proves nothing, and the report says so (and says when the
                                    time limit, a safety net only, cut the search short)
              niet vergeleken       a gegeven the rule reads changed type, or search=False
  cases     the differing cases (`DiffCase`), one per rule that differs
  seconds   how long the comparison took; `searched` the cases the searches compared, `cost()`
            both in a sentence
  concepts  with a koppeling (`mapping`, see `dsl.analysis.mapping`): per concept the rules of
            both policies compared under their paired names; the rules and gegevens added or
            removed are then only counted (`added`, `removed`: those the koppeling does not name)
`PolicyDiff.same` is True when there is no change in meaning, no differing case and, with a
koppeling, no concept that differs and no unpaired rule (`beleid verschil` exits 0 then, else 1);
`summary()` counts the verdicts. `diff_blocks(diff)` is the report as the blocks
`dsl.analysis.report.render` writes as text, Markdown or HTML.

Searches are bounded by a number of cases (`Budget.max_examples`) and drawn from a seed, so the
same command finds the same cases on any machine; `Budget.seconds` is a safety net.

Witnesses list only the gegevens the rule reads (in either version) and are minimised, keeping
both versions' outcomes as found: first every gegeven whose absence (unknown) keeps them is left
out, one at a time in declared order; then each value left is replaced by the simplest value
(`dsl.analysis.search.simpler`: 0, nee or the first option, then a threshold of either version,
then the value rounded) that keeps them. The search draws boundary-aware cases of both versions
for those gegevens, and around every bound that depends on the case
(`dsl.analysis.search.relative_bounds`: `binnen 10 werkdagen na X`, which the solver does not
encode) it also tries the day before, the day itself and the day after the bound each version
computed, so a moved deadline is found.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, assert_never

import attrs
import z3
from hypothesis import strategies as st

from dsl.analysis.interrupts import interruptible
from dsl.analysis.mapping import Mapping, concept_diffs
from dsl.analysis.report import case_text
from dsl.analysis.search import Budget, explore, nudged, relative_bounds, simpler, simplify
from dsl.analysis.smt import Encoder, Unsupported, check
from dsl.analysis.textdiff import Change, text_changes, unchanged, wording
from dsl.analysis.thresholds import thresholds
from dsl.case import CaseValueError, convert, written
from dsl.core.model import Calculation, Decision, Group, HitPolicy, Requirement, Rule, Timeline
from dsl.runtime.formatting import counted, format_duration_count
from dsl.testing.strategies import cases
from dsl.types import Type

__all__ = ["Change", "DiffCase", "PolicyDiff", "Verdict", "diff_blocks", "diff_policies"]

SAME, DIFFERENT, SEARCHED, NOT_COMPARED = "bewezen gelijk", "bewezen verschillend", "gezocht", "niet vergeleken"


@attrs.frozen
class DiffCase:
    """A case on which the versions differ: the rule's outcome in each (as the policy writes it)."""

    rule: str
    old: str
    new: str
    case: dict
    case_text: str
    method: str     # exact (z3) or zoektocht
    tried: int = 0  # cases the search compared before it found this one


@attrs.frozen
class Verdict:
    """What the comparison of one rule proved (see the module docstring)."""

    rule: str
    kind: str                       # SAME, DIFFERENT, SEARCHED or NOT_COMPARED
    method: str = ""                # exact (z3), zoektocht, or tekst (written alike, see `unchanged`)
    tried: int = 0                  # cases the search compared
    reason: str = ""                # why the solver could not compare the rule
    case: DiffCase | None = None
    divides: bool = False           # bewezen gelijk for the cases whose divisors are not zero
    cut: float = 0.0                # the search stopped at this time limit (s) before its cases were tried

    @property
    def text(self) -> str:
        if self.kind == SEARCHED:
            return f"gezocht, niets gevonden ({counted(self.tried, 'casus', 'casussen')})"
        return self.kind

    @property
    def how(self) -> str:
        """How the verdict was reached, in a few words."""
        if self.kind == SAME and self.method == "tekst":
            return "ongewijzigd: de regel en wat hij gebruikt betekenen hetzelfde"
        if self.kind == SAME:
            return "z3, voor elke volledige casus" + (" waarin geen deler nul is" if self.divides else "")
        if self.kind == DIFFERENT:
            found = "z3" if self.method == "exact" else f"zoektocht, bij casus {self.tried}"
            return f"{found}; de casus is door beide versies nagerekend"
        if self.kind == SEARCHED:
            cut = f"; afgebroken na {self.cut:g} s (tijdslimiet)" if self.cut else ""
            return f"niet exact te vergelijken: {self.reason}{cut}; niets vinden bewijst niets"
        return self.reason


@attrs.frozen
class PolicyDiff:
    old_title: str
    new_title: str
    old_file: str
    new_file: str
    changes: tuple
    cases: tuple
    notes: tuple = ()
    verdicts: tuple = ()
    budget: Budget | None = None
    added: tuple = ()       # names of the rules only the new version has
    removed: tuple = ()     # names of the rules only the old version has
    rewritten: tuple = ()   # changes in rules that z3 proves give the same outcome (not in `changes`)
    wording: str = ""       # what changed in text only (`dsl.analysis.textdiff.wording`)
    seconds: float = 0.0    # how long the comparison took
    concepts: tuple = ()    # with a koppeling: per concept, the thresholds of both (`dsl.analysis.mapping`)
    mapping: str = ""       # the koppeling's file, when one was used

    @property
    def same(self) -> bool:
        """No change in meaning and no case on which the versions differ."""
        unmapped = bool(self.mapping) and bool(self.added or self.removed)
        return not self.changes and not self.cases and not unmapped and not any(c.changed for c in self.concepts)

    @property
    def searched(self) -> int:
        """How many cases the searches compared, over all rules."""
        return sum(v.tried for v in self.verdicts if v.method == "zoektocht")

    def cost(self) -> str:
        """"Vergeleken in 1,2 s: 108 regels exact of ongewijzigd, 8 doorzocht (2400 casussen; ten hoogste
        300 per regel, zaad 0)": how long it took, what was proved and how much was searched."""
        exact = sum(1 for v in self.verdicts if v.method in ("exact", "tekst"))
        searched = sum(1 for v in self.verdicts if v.method == "zoektocht")
        text = f"Vergeleken in {_seconds(self.seconds)}: {counted(exact, 'regel', 'regels')} exact of ongewijzigd"
        if not searched:
            return text + ", geen zoektocht nodig"
        text += f", {searched} doorzocht ({counted(self.searched, 'casus', 'casussen')}"
        if self.budget is not None:
            text += f"; ten hoogste {self.budget.max_examples} per regel, zaad {self.budget.seed}"
        return text + ")"

    def count(self, kind: str) -> int:
        return sum(1 for v in self.verdicts if v.kind == kind)

    def summary(self) -> str:
        """"12 regels bewezen gelijk, 1 bewezen verschillend, 3 gezocht zonder verschil"."""
        parts = [f"{counted(self.count(SAME), 'regel', 'regels')} bewezen gelijk",
                 f"{self.count(DIFFERENT)} bewezen verschillend", f"{self.count(SEARCHED)} gezocht zonder verschil"]
        if self.count(NOT_COMPARED):
            parts.append(f"{self.count(NOT_COMPARED)} niet vergeleken")
        if self.concepts:
            changed = sum(1 for c in self.concepts if c.changed)
            parts.append(f"{counted(len(self.concepts), 'begrip', 'begrippen')} gekoppeld ({changed} verschillend)")
            parts.append(f"niet gekoppeld: {len(self.removed)} alleen oud, {len(self.added)} alleen nieuw")
        elif self.added or self.removed:
            parts.append(f"{counted(len(self.added), 'regel', 'regels')} toegevoegd, {len(self.removed)} verwijderd")
        return ", ".join(parts)


def _seconds(value: float) -> str:
    return f"{value:.1f} s".replace(".", ",")


# ---------------------------------------------------------------- outcomes for the solver
# A rule's outcome as a pair of z3 terms (tag, value): the tag is its status, the value counts
# only where the tag is _VALUE (a decision's or calculation's value).
_VALUE, _YES, _NO, _NO_OUTCOME, _OVERLAP, _NVT = range(6)


def _outcome_term(enc: Encoder, rule: Rule) -> tuple[Any, Any]:
    """The (tag, value) of a rule for a complete case, as the compiled code evaluates it."""
    match rule:
        case Requirement() | Group() | Timeline():
            tag, value = z3.If(enc.holds(rule), z3.IntVal(_YES), z3.IntVal(_NO)), z3.IntVal(0)
        case Decision():
            tag, value = _decision_term(enc, rule)
        case Calculation():
            tag, value = z3.IntVal(_VALUE), enc.expr(rule.expr)
        case _:
            assert_never(rule)
    app = enc.applicability(rule)
    return (tag if app is None else z3.If(app, tag, z3.IntVal(_NVT))), value


def _decision_term(enc: Encoder, rule: Decision) -> tuple[Any, Any]:
    """A decision under first hit, priority or `uniek`: the first row that holds in the order the
    hit policy looks at them (`Decision.in_order`; under `uniek`, two rows that hold give "meerdere
    regels"), else `anders`, else "geen uitkomst". Other hit policies are not compared exactly."""
    if rule.hit_policy not in (HitPolicy.FIRST, HitPolicy.UNIQUE, HitPolicy.PRIORITY):
        raise Unsupported(f"de hit policy ({rule.hit_policy}) van beslissing '{rule.name}' wordt niet exact "
                          "vergeleken", rule.span)
    t = rule.type
    rows = [(enc.cond(r.condition), enc.expr(r.outcome, want=t)) for r in rule.in_order if r.condition is not None]
    if rule.otherwise is not None:
        tag, value = z3.IntVal(_VALUE), enc.expr(rule.otherwise.outcome, want=t)
    elif rows:
        tag, value = z3.IntVal(_NO_OUTCOME), rows[0][1]  # (any term of the right sort: it does not count)
    else:
        raise Unsupported(f"beslissing '{rule.name}' heeft geen rijen", rule.span)
    for condition, outcome in reversed(rows):
        tag, value = z3.If(condition, z3.IntVal(_VALUE), tag), z3.If(condition, outcome, value)
    if rule.hit_policy is HitPolicy.UNIQUE and len(rows) > 1:
        tag = z3.If(z3.Sum([z3.If(c, 1, 0) for c, _ in rows]) > 1, z3.IntVal(_OVERLAP), tag)
    return tag, value


def _differ_term(a: tuple[Any, Any], b: tuple[Any, Any], ta: Type, tb: Type):
    """Whether two outcomes differ; a keuze value is compared by its option's text, since the two
    versions may list the options in another order (a decision's outcomes in another row order)."""
    (ga, va), (gb, vb) = a, b
    if va.sort() != vb.sort() and not (z3.is_arith(va) and z3.is_arith(vb)):
        raise Unsupported("de uitkomsten van de twee versies zijn van een andere soort")
    equal = va == vb
    if ta.kind == "keuze" and tb.kind == "keuze" and ta.options != tb.options:
        same = [z3.And(va == i, vb == j) for i, x in enumerate(ta.options) for j, y in enumerate(tb.options) if x == y]
        equal = z3.Or(*same) if same else z3.BoolVal(False)
    return z3.Or(ga != gb, z3.And(ga == _VALUE, z3.Not(equal)))


def _exact_case(old, new, name: str, seconds: float) -> tuple[dict | None, dict | None]:
    """(a case on which z3 finds that the versions of rule `name` differ, or None when there is
    none; when there is none but the rule divides, a case where a divisor is zero, which the
    proof leaves out, or None)."""
    eo, en = Encoder(old.model), Encoder(new.model)
    a, b = old.model.rules[name], new.model.rules[name]
    differ = _differ_term(_outcome_term(eo, a), _outcome_term(en, b), a.type, b.type)
    guards = [*eo.guards, *en.guards]
    solver = z3.Solver()
    solver.set("timeout", max(1, int(seconds * 1000)))
    solver.add(*eo.constraints(), *en.constraints())
    solver.push()
    solver.add(*guards, differ)
    answer = check(solver, seconds)
    if answer == z3.unknown:
        raise Unsupported("de solver kwam binnen de tijd niet tot een antwoord")
    if answer == z3.unsat:
        solver.pop()
        solver.add(z3.Not(z3.And(*guards)))
        found = check(solver, seconds) == z3.sat if guards else False
        return None, (_witness_case(solver, eo, en, a, b, seconds) if found else None)
    return _witness_case(solver, eo, en, a, b, seconds), None


def _witness_case(solver, eo: Encoder, en: Encoder, a: Rule, b: Rule, seconds: float) -> dict:
    """The gegevens both rules read, from the solver's model (after a satisfiable check), with
    readable values (hundredths, whole declared units) when the solver finds those too."""
    model = solver.model()
    solver.push()
    solver.add(*eo.grid(eo.vars), *en.grid(en.vars))
    if check(solver, seconds) == z3.sat:
        model = solver.model()
    solver.pop()
    case = eo.case(model, sorted(a.inputs))
    case.update(en.case(model, sorted(b.inputs)))
    return case


# ---------------------------------------------------------------- cases, evaluated by both versions
def _shown(result, policy) -> str:
    """A rule's outcome in Dutch: its status, or its value as the policy writes it (ja, € 1,00)."""
    if result.value is None or result.kind in ("eis", "groep", "termijn"):
        return result.status
    return policy.format(result.name, result.value)


def _apart(a, b) -> bool:
    """Whether two results of a rule differ in status or value."""
    return _key(a) != _key(b)


def _key(result) -> tuple:
    return (result.status, result.value)


def _write(t: Type, value) -> Any:
    """A runtime value as a case writes it (a duur in its declared unit, "16 minuten"), or None
    when a case cannot hold it."""
    shown = format_duration_count(value, t) if t.kind == "duur" and isinstance(value, int) else written(value, t)
    try:
        convert(shown, t)
    except (CaseValueError, ValueError, ArithmeticError):
        return None
    return shown


def _read(t: Type, value) -> Any:
    try:
        return convert(value, t)
    except (CaseValueError, ValueError, ArithmeticError):
        return value


class _Pair:
    """The two versions of one rule, compared case by case by both compiled policies."""

    def __init__(self, old, new, name: str, marks: dict[str, list]):
        self.old, self.new, self.name, self.marks = old, new, name, marks
        fields = {**old.model.fields, **new.model.fields}
        self.types: dict[str, Type] = {n: f.type for n, f in fields.items()}
        self.both = attrs.evolve(new.model, fields=fields)

    def retyped(self) -> str | None:
        """Why the cases of the two versions cannot be compared: a gegeven the rule reads changed type."""
        om, nm = self.old.model, self.new.model
        read = om.rules[self.name].inputs | nm.rules[self.name].inputs
        changed = sorted(n for n in read if n in om.fields and n in nm.fields and om.fields[n].type != nm.fields[n].type)
        return f"gegeven '{changed[0]}' heeft in de nieuwe versie een ander type" if changed else None

    def outcomes(self, case: dict, trace: bool = False) -> tuple:
        return tuple(p.evaluate({k: v for k, v in case.items() if k in p.model.fields}, trace=trace)
                     for p in (self.old, self.new))

    def differs(self, case: dict) -> bool:
        a, b = self.outcomes(case)
        return _apart(a[self.name], b[self.name])

    def write(self, name: str, value) -> Any:
        return _write(self.types[name], value)

    def witness(self, case: dict, method: str, tried: int = 0) -> DiffCase | None:
        """The case minimised (see the module docstring), if both versions really differ on it."""
        a, b = self.outcomes(case)
        if not _apart(a[self.name], b[self.name]):
            return None
        target = (_key(a[self.name]), _key(b[self.name]))

        def keeps(c: dict) -> bool:
            x, y = self.outcomes(c)
            return (_key(x[self.name]), _key(y[self.name])) == target

        case = self._dropped(case, keeps)
        extra = {n: v for n, v in case.items() if n not in self.types}   # the peildatum a search drew
        typed = {n: _read(self.types[n], v) for n, v in case.items() if n in self.types}
        options = {n: [c for c in simpler(typed[n], self.types[n], self.marks.get(n, ())) if self.write(n, c) is not None]
                   for n in sorted(typed)}
        best = simplify(typed, lambda c: keeps(self._written(c, case)), options)
        written = self._written(best, case)
        case = {n: written[n] for n in self.types if n in written}  # in the order the gegevens are declared
        case.update(extra)
        a, b = self.outcomes(case)
        return DiffCase(self.name, _shown(a[self.name], self.old), _shown(b[self.name], self.new), case,
                        case_text(self.both, case) or "elke casus (de regel leest geen gegeven)", method, tried)

    def _dropped(self, case: dict, keeps: Callable[[dict], bool]) -> dict:
        """`case` without every gegeven (in declared order, one at a time) whose absence keeps both
        outcomes as they are: what is left is what the difference needs."""
        kept = dict(case)
        for name in [n for n in self.types if n in case]:
            trial = {k: v for k, v in kept.items() if k != name}
            if keeps(trial):
                kept = trial
        return kept

    def _written(self, typed: dict, raw: dict) -> dict:
        out = {}
        for n, v in typed.items():
            shown = self.write(n, v)
            out[n] = raw[n] if shown is None else shown
        return out

    def search(self, budget: Budget) -> tuple[dict | None, int]:
        """Boundary-aware cases of both versions for the gegevens the rule reads, each also moved
        around the bounds that depend on the case; (the first that differs or None, cases tried)."""
        a, b = self.old.model.rules[self.name], self.new.model.rules[self.name]
        drawn = st.tuples(cases(self.old, fields=sorted(a.inputs)), cases(self.new, fields=sorted(b.inputs)),
                          st.booleans())
        strategy = drawn.map(lambda d: {**d[0], **d[1]} if d[2] else {**d[1], **d[0]})
        bounds = (relative_bounds(self.old.model, [self.name]), relative_bounds(self.new.model, [self.name]))
        return explore(strategy, lambda case, room: self._attempt(case, bounds, room), budget)

    def _attempt(self, case: dict, bounds: tuple, room: int) -> tuple[dict | None, int]:
        """The drawn case, then (within `room` cases) the same moved around each bound."""
        outcomes = self.outcomes(case, trace=bool(bounds[0] or bounds[1]))
        if _apart(outcomes[0][self.name], outcomes[1][self.name]):
            return case, 1
        near = [c for outcome, found in zip(outcomes, bounds) for c in nudged(case, outcome, found, self.write)]
        for tried, moved in enumerate(near[:room - 1], start=2):
            if self.differs(moved):
                return moved, tried
        return None, 1 + len(near[:room - 1])


def _compare(pair: _Pair, budget: Budget, search: bool) -> Verdict:
    """The verdict on one rule: proven by z3 where both versions encode it, else searched."""
    name = pair.name
    reason = pair.retyped()
    if reason is not None:
        return Verdict(name, NOT_COMPARED, reason=reason)
    if unchanged(pair.old, pair.new, name):
        return Verdict(name, SAME, "tekst")
    try:
        case, zero = _exact_case(pair.old, pair.new, name, min(budget.seconds, 10.0))
    except Unsupported as err:
        reason = err.reason
    except z3.Z3Exception:
        reason = "de solver kan deze regel niet uitdrukken"
    else:
        candidate = case if case is not None else zero
        found = pair.witness(candidate, "exact") if candidate is not None else None
        if found is not None:
            return Verdict(name, DIFFERENT, "exact", case=found)
        if case is None:
            return Verdict(name, SAME, "exact", divides=zero is not None)
        reason = "de casus van de solver geeft bij evaluatie geen verschil"
    if not search:
        return Verdict(name, NOT_COMPARED, reason=f"niet exact te vergelijken ({reason}); niet gezocht")
    case, tried = pair.search(budget)
    found = pair.witness(case, "zoektocht", tried) if case is not None else None
    if found is not None:
        return Verdict(name, DIFFERENT, "zoektocht", tried, reason, found)
    return Verdict(name, SEARCHED, "zoektocht", tried, reason, cut=budget.seconds if tried < budget.max_examples else 0.0)


def _marks(old, new) -> dict[str, list]:
    """Per gegeven, the thresholds either version compares it with."""
    out: dict[str, list] = {}
    for policy in (old, new):
        for name, found in thresholds(policy.model).items():
            out.setdefault(name, []).extend(t.value for t in found)
    return out


def diff_policies(old, new, *, budget: Budget | None = None, search: bool = True,
                  progress: Callable[[int, int, str], None] | None = None, mapping: Mapping | None = None) -> PolicyDiff:
    """Compare two compiled policies (see the module docstring). `progress(done, total, rule
    name)`, if given, is called before each rule is compared. With a koppeling (`mapping`, checked
    by `dsl.analysis.mapping.check_mapping`), the rules and gegevens added or removed are only
    counted, and `concepts` compares the rules per concept."""
    with interruptible():
        return _diff_policies(old, new, budget=budget, search=search, progress=progress, mapping=mapping)


def _diff_policies(old, new, *, budget: Budget | None, search: bool,
                   progress: Callable[[int, int, str], None] | None, mapping: Mapping | None) -> PolicyDiff:
    started = time.monotonic()
    budget = budget or Budget(max_examples=300)
    marks = _marks(old, new)
    shared = [n for n in old.model.rules if n in new.model.rules]
    verdicts = []
    for done, name in enumerate(shared):
        if progress is not None:
            progress(done, len(shared), name)
        verdicts.append(_compare(_Pair(old, new, name, marks), budget, search))
    om, nm = old.model, new.model
    found = tuple(v.case for v in verdicts if v.case is not None)
    proved = {v.rule for v in verdicts if v.kind == SAME and v.method == "exact"}
    changes = text_changes(old, new)
    concepts: tuple = ()
    if mapping is not None:
        concepts = concept_diffs(old, new, mapping)
        renamed = {p.old for p in mapping.fields}   # (a gegeven of the same name in the new policy is another one)
        changes = [c for c in changes if not _added_or_removed(c) and not (c.kind == "gegeven" and c.name in renamed)]
    paired = [p for c in mapping.concepts for p in c.rules] if mapping is not None else []
    paired_old, paired_new = {p.old for p in paired}, {p.new for p in paired}   # ("-" too: no counterpart)
    return PolicyDiff(om.title, nm.title, om.filename, nm.filename,
                      tuple(c for c in changes if c.rule not in proved), found, verdicts=tuple(verdicts), budget=budget,
                      added=tuple(n for n in nm.rules if n not in om.rules and n not in paired_new),
                      removed=tuple(n for n in om.rules if n not in nm.rules and n not in paired_old),
                      rewritten=tuple(c for c in changes if c.rule in proved), wording=wording(old, new),
                      concepts=concepts, mapping=mapping.filename if mapping is not None else "",
                      seconds=time.monotonic() - started)


def _added_or_removed(change: Change) -> bool:
    return change.kind in ("regel", "gegeven") and (" is toegevoegd" in change.text
                                                    or change.text.endswith(" is verwijderd"))


# ---------------------------------------------------------------- the report
_ORDER = (DIFFERENT, SEARCHED, NOT_COMPARED)


def _meaning(diff: PolicyDiff) -> str:
    text = ("Bewezen gelijk: de regel en wat hij gebruikt zijn ongewijzigd, of de solver (z3) bewijst dat beide "
            "versies voor elke volledige casus dezelfde uitkomst geven. Bewezen verschillend: er is een casus waarop "
            "ze verschillen, door beide versies nagerekend.")
    if diff.count(SEARCHED):
        budget = diff.budget
        limit = f" (ten hoogste {budget.max_examples} casussen of {budget.seconds:g} s per regel)" if budget else ""
        text += (" Gezocht, niets gevonden: de solver kon de regel niet uitdrukken en een zoektocht" + limit +
                 " vond geen verschil; dat bewijst niets.")
    return text


def asides(diff: PolicyDiff) -> list[str]:
    """What changed without changing a meaning, said apart from the changes: rules rewritten that
    z3 proves give the same outcome, and changes in wording only."""
    out = []
    if diff.rewritten:
        rules = list(dict.fromkeys(c.rule for c in diff.rewritten))
        out.append("Anders geschreven, met dezelfde uitkomst voor elke volledige casus (bewezen door z3): "
                   + ", ".join(rules) + ".")
    if diff.wording:
        out.append(f"Alleen tekst gewijzigd, zonder gevolg voor een uitkomst: {diff.wording}.")
    return out


def diff_blocks(diff: PolicyDiff) -> list:
    """The report of a difference as `dsl.analysis.report` blocks: summary and cost, changes in
    meaning, the concepts of a koppeling, what was rewritten or reworded only, the differing cases
    and the verdict per rule."""
    blocks: list[tuple] = [("h1", f"Verschil: {diff.old_title} → {diff.new_title}"),
                           ("p", f"Oud: {diff.old_file}; nieuw: {diff.new_file}"
                                 + (f"; koppeling: {diff.mapping}" if diff.mapping else "")),
                           ("p", f"Samenvatting: {diff.summary()}."), ("p", f"{diff.cost()}.")]
    if diff.same:
        blocks.append(("p", "Geen inhoudelijke verschillen gevonden." + (
            " Let op: niet elke regel is bewezen gelijk." if diff.count(SEARCHED) or diff.count(NOT_COMPARED) else "")))
    if diff.changes:
        blocks += [("h2", "Wijzigingen in de betekenis"), ("list", [c.text for c in diff.changes])]
    if diff.concepts:
        blocks += _concept_blocks(diff)
    blocks += [("p", line) for line in asides(diff)]
    if diff.cases:
        blocks.append(("h2", "Casussen met een andere uitkomst"))
        rows = [[c.rule, c.old, c.new, c.case_text, c.method] for c in diff.cases]
        blocks.append(("table", ["regel", "oud", "nieuw", "casus", "gevonden"], rows))
    if diff.verdicts:
        blocks += [("h2", "Oordeel per regel"), ("p", _meaning(diff))]
        rest = sorted((v for v in diff.verdicts if v.kind != SAME), key=lambda v: _ORDER.index(v.kind))
        if rest:
            blocks.append(("table", ["regel", "oordeel", "hoe"], [[v.rule, v.text, v.how] for v in rest]))
        same: dict[str, list[str]] = {}
        for v in diff.verdicts:
            if v.kind == SAME:
                same.setdefault(v.how, []).append(v.rule)
        blocks += [("p", f"Bewezen gelijk ({how}): {', '.join(names)}.") for how, names in same.items()]
    if diff.notes:
        blocks += [("h2", "Opmerkingen"), ("list", list(diff.notes))]
    return blocks


def _concept_blocks(diff: PolicyDiff) -> list[tuple]:
    """Per concept of the koppeling: both rules, what each says and what differs."""
    rows = []
    for concept in diff.concepts:
        for pair in concept.pairs:
            what = "; ".join(pair.changes) if pair.changes else pair.verdict
            if pair.changes and pair.verdict == "anders opgebouwd":
                what = f"anders opgebouwd; {what}"
            rows.append([concept.title, f"{pair.old}: {pair.old_text}" if pair.old_text else "—",
                         f"{pair.new}: {pair.new_text}" if pair.new_text else "—", what])
    note = ("Per begrip uit de koppeling: wat elk beleid zegt, genormaliseerd vergeleken (gegevens en regels "
            "onder hun gekoppelde naam). Dit vergelijkt de tekst van de regels, geen casussen.")
    unmapped = (f"Niet gekoppeld: {counted(len(diff.removed), 'regel', 'regels')} alleen in het oude beleid, "
                f"{len(diff.added)} alleen in het nieuwe.")
    return [("h2", "Per begrip"), ("p", note), ("table", ["begrip", "oud", "nieuw", "verschil"], rows),
            ("p", unmapped)]
