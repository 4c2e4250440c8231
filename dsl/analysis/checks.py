"""Consistency checks of a policy: gaps, overlaps, shadowed rows, impossible requirements, ...

Contract: `check_policy(policy, method=..., budget=..., domain=...)` returns a
`ConsistencyReport` (`dsl.analysis.findings`). With method "auto" (the default) every rule the
solver can encode (`dsl.analysis.smt`) is checked exactly with z3: a finding is proved and its
counterexample is the exact boundary case; no finding means the defect is absent for every
complete case in the `Domain`. Rules the solver cannot encode are searched with Hypothesis
within the `Budget` (`dsl.analysis.search`), and the report lists them with the reason.
Method "hypothesis" searches everything (to compare the two); "exact" never searches.
Every counterexample is re-evaluated by the compiled policy (`Finding.confirmed`).

What is checked, per rule kind:
  beslissing  gat (no row applies and no `anders`); overlap of two rows under `uniek`;
              a row that can never apply; a row overschaduwd by earlier rows under first match
  eis         never satisfiable; always satisfied; an exception that can never apply, or that
              never makes a difference; a `van toepassing als` that is never true
  groep       requirements that contradict each other; never applicable
  termijn     a window that can never be met; two timelines whose order is impossible (one's
              bounds use the event of the other, or both constrain the same event)
  berekening  a division by zero anywhere; an amount, count, duration or percentage that can
              leave its range (negative, or a percentage above 100%)
  across      one boundary drawn on different sides by different rules; an eis and a decision
              row with the same condition and other boundaries (`dsl.analysis.crossrule`); two
              equivalent eisen, a row repeated in another decision (`dsl.analysis.redundancy`)
A gap or overlap the solver found carries its regions (`dsl.analysis.regions`): a proved box of
cases around the witness.
"""

from __future__ import annotations

from typing import assert_never

import z3

from dsl.analysis.crossrule import CrossRuleChecks
from dsl.analysis.findings import Checked, ConsistencyReport, Fallback, show_value
from dsl.analysis.redundancy import RedundancyChecks
from dsl.analysis.regions import around
from dsl.analysis.rulechecks import RuleChecks
from dsl.analysis.search import Budget
from dsl.analysis.smt import Domain
from dsl.analysis.solving import Undecided, rule_fields
from dsl.core.expr import Expr
from dsl.core.model import (
    ROW_NONE,
    ROW_OVERLAP,
    Calculation,
    Decision,
    Group,
    HitPolicy,
    Requirement,
    Row,
    Rule,
    Timeline,
)

__all__ = ["Undecided", "check_policy", "rule_fields"]

METHODS = ("auto", "exact", "hypothesis")


def check_policy(policy, *, method: str = "auto", budget: Budget | None = None,
                 domain: Domain | None = None, progress=None) -> ConsistencyReport:
    """Run every consistency check on a compiled policy (see the module docstring).
    `progress(done, total, rule name)`, if given, is called before each rule is checked."""
    if method not in METHODS:
        raise ValueError(f"method={method!r}: kies uit {', '.join(METHODS)}")
    ctx = _Checks(policy, method, budget or Budget(), domain or Domain())
    rules = list(policy.model.rules.values())
    for done, rule in enumerate(rules):
        if progress is not None:
            progress(done, len(rules), rule.name)
        ctx.check_rule(rule)
    ctx.check_order()
    ctx.check_divisions()
    ctx.check_boundaries()
    ctx.check_same_conditions()
    ctx.check_redundancy()
    model = policy.model
    return ConsistencyReport(model.title, model.filename, tuple(ctx.findings),
                             tuple(ctx.checked), tuple(ctx.fallbacks), tuple(ctx.notes), ctx.budget,
                             tuple(ctx.searches))


def _when(row: Row) -> Expr:
    """The condition of a decision row (every row but `anders` has one)."""
    if row.condition is None:
        raise TypeError(f"a row without a condition at {row.span}")
    return row.condition


def _row_is(name: str, marker: int):
    """A test of an outcome: did decision `name` end with row `marker` (ROW_NONE, ROW_OVERLAP)?"""
    return lambda outcome: outcome[name].row == marker


class _Checks(RuleChecks, CrossRuleChecks, RedundancyChecks):
    """Every check of one policy: the decision checks here, the others in `RuleChecks`, across
    rules in `CrossRuleChecks` and `RedundancyChecks`."""

    def check_rule(self, rule: Rule) -> None:
        match rule:
            case Decision():
                self.check_decision(rule)
            case Requirement():
                self.check_requirement(rule)
            case Group():
                self.check_group(rule)
            case Timeline():
                self.check_timeline(rule)
            case Calculation():
                self.check_calculation(rule)
            case _:
                assert_never(rule)

    # ------------------------------------------------------------ decisions
    def check_decision(self, rule: Decision):
        def build():
            app = self.enc.applicability(rule)
            return ([app] if app is not None else []), [self.enc.cond(_when(r)) for r in rule.rows]

        encoded = self.encode(rule, build)
        if encoded is None:
            return self.search_decision(rule)
        (base, conds), guards = encoded
        base = base + guards
        try:
            if rule.otherwise is None:
                self.decision_gap(rule, base, conds)
            if rule.hit_policy is HitPolicy.UNIQUE:
                self.decision_overlaps(rule, base, conds)
            self.decision_rows(rule, base, conds)
        except Undecided as err:
            self.fallbacks.append(Fallback(rule.name, f"de solver kon niet beslissen ({err})", rule.span))
            return self.search_decision(rule)
        self.checked.append(Checked(rule.name, "gat, overlap, overschaduwde regels", "exact"))

    def decision_gap(self, rule, base, conds):
        gap = z3.Not(z3.Or(*conds)) if conds else z3.BoolVal(True)
        found = self.witness(rule.name, *base, gap)
        if found is None:
            return
        pinned = self.pinned([*base, gap], found)
        detail = None
        if pinned:
            detail = "Het gat bestaat alleen bij " + " en ".join(
                f"{n} = {show_value(self.model, n, found[0][n])}" for n in pinned) + "."
        self.add("gat", rule.name, f"Beslissing '{rule.name}' heeft een gat: voor deze casus geldt geen "
                 "enkele regel, en er is geen 'anders'.", [("beslissing", rule.span)], found,
                 lambda o: o[rule.name].row == ROW_NONE, detail=detail, regions=around(self, [*base, gap], found))

    def pinned(self, formulas, found) -> list[str]:
        """The gegevens that have one single value in every case satisfying `formulas`."""
        m, out = found[2], []
        for name in found[1]:
            v = self.enc.vars[name]
            if z3.is_bool(v) or self.model.fields[name].type.kind in ("keuze", "tekst"):
                continue
            if not self.sat(*formulas, v != m.eval(v, model_completion=True)):
                out.append(name)
        return out

    def decision_overlaps(self, rule: Decision, base, conds):
        rows = rule.rows
        for i in range(len(conds)):
            for j in range(i + 1, len(conds)):
                found = self.witness(rule.name, *base, conds[i], conds[j])
                if found is not None:
                    self.add("overlap", rule.name, f"Rij {i + 1} en rij {j + 1} van beslissing '{rule.name}' "
                             "kunnen tegelijk gelden, terwijl de beslissing 'uniek' is.",
                             [(f"rij {i + 1}", rows[i].span), (f"rij {j + 1}", rows[j].span)], found,
                             lambda o: o[rule.name].row == ROW_OVERLAP,
                             regions=around(self, [*base, conds[i], conds[j]], found))

    def decision_rows(self, rule: Decision, base, conds):
        rows = rule.rows
        for j, cond in enumerate(conds):
            span = [(f"rij {j + 1}", rows[j].span)]
            if not self.sat(*base, cond):
                self.add("onmogelijke_regel", rule.name, f"Rij {j + 1} van beslissing '{rule.name}' kan nooit "
                         "gelden: haar voorwaarde is voor geen enkele casus waar.", span,
                         self.witness(rule.name, *base), lambda o, j=j: o[rule.name].row != j)
            elif rule.hit_policy is not HitPolicy.UNIQUE and j and not self.sat(*base, cond, z3.Not(z3.Or(*conds[:j]))):
                by = [i for i in range(j) if not self.sat(*base, cond, z3.Not(conds[i]))]
                who = f"rij {by[0] + 1}" if by else "de rijen " + ", ".join(str(i + 1) for i in range(j)) + " samen"
                self.add("overschaduwd", rule.name, f"Rij {j + 1} van beslissing '{rule.name}' wordt nooit "
                         f"gekozen: elke casus waarvoor zij geldt, valt al onder {who} (eerste treffer).",
                         span + [(f"rij {i + 1}", rows[i].span) for i in by[:1]],
                         self.witness(rule.name, *base, cond), lambda o, j=j: 0 <= o[rule.name].row < j)

    def search_decision(self, rule: Decision):
        fields = sorted(rule_fields(self.model, rule.name))
        kinds = []
        if rule.otherwise is None:
            kinds.append(("gat", ROW_NONE, f"Beslissing '{rule.name}' heeft een gat: voor deze casus geldt "
                          "geen enkele regel, en er is geen 'anders'."))
        if rule.hit_policy is HitPolicy.UNIQUE:
            kinds.append(("overlap", ROW_OVERLAP, f"Meerdere rijen van beslissing '{rule.name}' gelden "
                          "tegelijk, terwijl de beslissing 'uniek' is."))
        for kind, marker, message in kinds:
            shows = _row_is(rule.name, marker)
            case = self.search(rule.name, kind, shows, fields)
            if case is not None:
                self.add(kind, rule.name, message, [("beslissing", rule.span)], (case, tuple(fields)), shows,
                         method="zoektocht")
        self.unreached_rows(rule, fields)
        self.checked.append(Checked(rule.name, "gat en overlap", "zoektocht"))

    def unreached_rows(self, rule: Decision, fields):
        seen: set = set()
        count = self.sweep(rule.name, "rijen", lambda c, o: seen.add(o[rule.name].row), fields)
        for j in range(len(rule.rows)):
            if j not in seen:
                self.notes.append(f"Rij {j + 1} van beslissing '{rule.name}' werd in {count} gezochte casussen "
                                  "nooit gekozen (mogelijk overschaduwd; niet bewezen).")
