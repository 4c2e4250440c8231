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
  beslissing  gat (no row applies and no `anders`; under `bewust onvolledig` a note); overlap of two rows where the hit policy makes
              it a finding (`HitPolicy.overlap`: under `uniek`, not under `eerste treffer`);
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
Every gap and every overlap the solver finds is listed region by region (`dsl.analysis.regions`:
`all_regions`): one finding per box of cases, each with its witness, until no case is left or the
count bound `Budget.max_regions` stopped the listing (the report says so). Whether two rows that
apply together are a finding is the hit policy's (`HitPolicy.overlap`, one table in dsl.core).
Unknown inputs are checked by `dsl.analysis.unknowns`. The solver and the search consider only cases
for which the policy's `aanname`s hold (`dsl.analysis.assumptions`); findings the policy records as
the document's own are marked known, and records that match nothing reported (`dsl.analysis.known`).
"""

from __future__ import annotations

from typing import assert_never

import z3

from dsl.analysis.crossrule import CrossRuleChecks
from dsl.analysis.findings import Checked, ConsistencyReport, Fallback, show_value
from dsl.analysis.interrupts import interruptible
from dsl.analysis.known import apply_known
from dsl.analysis.redundancy import RedundancyChecks
from dsl.analysis.regions import Boxes, all_regions
from dsl.analysis.rulechecks import RuleChecks
from dsl.analysis.search import Budget
from dsl.analysis.smt import Domain
from dsl.analysis.solving import Undecided, rule_fields
from dsl.analysis.thresholds import constant
from dsl.analysis.unknowns import UnknownChecks
from dsl.core.expr import Expr
from dsl.core.model import (
    ROW_NONE,
    ROW_OVERLAP,
    Calculation,
    Decision,
    Group,
    HitPolicy,
    Overlap,
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
    `progress(done, total, rule name)`, if given, is called before each rule is checked. A
    Ctrl-C anywhere in it ends it (`dsl.analysis.interrupts`)."""
    with interruptible():
        return _check_policy(policy, method=method, budget=budget, domain=domain, progress=progress)


def _check_policy(policy, *, method: str, budget: Budget | None, domain: Domain | None,
                  progress) -> ConsistencyReport:
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
    ctx.check_unknowns()
    ctx.notes.extend(ctx.enc.assumptions())   # what the proofs assume (lists of at most N elements)
    model = policy.model
    findings = apply_known(ctx, ctx.findings)   # the document's own findings, and records that no longer hold
    return ConsistencyReport(model.title, model.filename, tuple(findings),
                             tuple(ctx.checked), tuple(ctx.fallbacks), tuple(ctx.notes), ctx.budget,
                             tuple(ctx.searches), tuple(ctx.unknowns), tuple(ctx.region_limits))


def _when(row: Row) -> Expr:
    """The condition of a decision row (every row but `anders` has one)."""
    if row.condition is None:
        raise TypeError(f"a row without a condition at {row.span}")
    return row.condition


def _spread(boxes) -> str:
    """' (in 3 gebieden)' when a defect has more than one region, else ''."""
    return f" (in {len(boxes)} gebieden)" if len(boxes) > 1 else ""


def _cases(boxes) -> tuple:
    """(witness case, regions) per box."""
    return tuple((found[0], regions) for found, regions in boxes)


def _same_outcome(model, a: Row, b: Row) -> bool:
    """Whether two rows give the same outcome for every case: the same written outcomes of a table
    (`Row.agree`, every output), else the same constant."""
    if a.agree is not None and b.agree is not None:
        return a.agree == b.agree
    left, right = constant(a.outcome, model), constant(b.outcome, model)
    return left is not None and left == right


def _row_is(name: str, marker: int):
    """A test of an outcome: did decision `name` end with row `marker` (ROW_NONE, ROW_OVERLAP)?"""
    return lambda outcome: outcome[name].row == marker


class _Checks(RuleChecks, CrossRuleChecks, RedundancyChecks, UnknownChecks):
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
        if rule.name != rule.lead:   # another output of a table: checked once, under its lead
            self.checked.append(Checked(rule.name, f"als deel van tabel '{rule.table}' (onder '{rule.lead}')",
                                        "exact"))
            return None

        def build():
            app = self.enc.applicability(rule)
            return ([app] if app is not None else []), [self.enc.cond(_when(r)) for r in rule.rows]

        encoded = self.encode(rule, build)
        if encoded is None:
            return self.search_decision(rule)
        (base, conds), guards = encoded
        base = base + guards
        try:
            if rule.otherwise is None and rule.partial:
                self.partial_note(rule, bool(self.sat(*base, z3.Not(z3.Or(*conds)) if conds else z3.BoolVal(True))))
            elif rule.otherwise is None and rule.hit_policy.gap_is_finding:
                self.decision_gap(rule, base, conds)
            self.decision_overlaps(rule, base, conds)
            self.decision_rows(rule, base, conds)
        except Undecided as err:
            self.fallbacks.append(Fallback(rule.name, f"de solver kon niet beslissen ({err})", rule.span))
            return self.search_decision(rule)
        self.checked.append(Checked(rule.name, "gat, overlap, overschaduwde regels", "exact"))

    def partial_note(self, rule: Decision, gap: bool, searched: bool = False) -> None:
        """A deliberately partial beslissing (`bewust onvolledig`): a case no row applies to is a
        note, not a finding."""
        why = f" ({rule.partial_note})" if rule.partial_note else ""
        if gap:
            found = "de zoektocht vond" if searched else "er zijn"
            self.notes.append(f"Beslissing '{rule.name}' is bewust onvolledig{why}: {found} casussen waarvoor geen "
                              "regel geldt; dat is geen bevinding.")
        elif not searched:
            self.notes.append(f"Beslissing '{rule.name}' heet bewust onvolledig{why}, maar beslist elke casus.")

    def regions_of(self, rule: Decision, what: str, formulas: list) -> Boxes:
        """Every region of a defect of `rule` (see the module docstring); a note when the count
        bound stopped the listing."""
        limit = self.budget.max_regions
        boxes = all_regions(self, rule.name, formulas, limit)
        if boxes.stopped:
            self.region_limits.append((rule.name, what))
            self.notes.append(f"De gebieden van {what} in beslissing '{rule.name}' zijn niet alle genoemd: de "
                              f"telgrens van {limit} gebieden (Budget.max_regions) hield de opsomming tegen.")
        return boxes

    def decision_gap(self, rule, base, conds):
        gap = z3.Not(z3.Or(*conds)) if conds else z3.BoolVal(True)
        boxes = self.regions_of(rule, "het gat", [*base, gap]).boxes
        if not boxes:
            return
        found, regions = boxes[0]
        pinned = self.pinned([*base, gap], found)
        detail = None
        if pinned:
            detail = "Het gat bestaat alleen bij " + " en ".join(
                f"{n} = {show_value(self.model, n, found[0][n])}" for n in pinned) + "."
        self.add("gat", rule.name, f"Beslissing '{rule.name}' heeft een gat{_spread(boxes)}: voor deze "
                 "casus geldt geen enkele regel, en er is geen 'anders'.", [("beslissing", rule.span)], found,
                 lambda o: o[rule.name].row == ROW_NONE, detail=detail, regions=regions, boxes=_cases(boxes))

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
        """Two rows that can apply together, where the hit policy makes that a finding."""
        policy = rule.hit_policy.overlap
        if policy is Overlap.ALLOWED:
            return
        rows = rule.rows
        for i in range(len(conds)):
            for j in range(i + 1, len(conds)):
                if policy is Overlap.WHEN_DIFFERENT and _same_outcome(self.model, rows[i], rows[j]):
                    continue
                formulas = [*base, conds[i], conds[j]]
                if not self.sat(*formulas):
                    continue
                boxes = self.regions_of(rule, f"de overlap van rij {i + 1} en rij {j + 1}", formulas).boxes
                found, regions = boxes[0]
                self.add("overlap", rule.name, f"Rij {i + 1} en rij {j + 1} van beslissing '{rule.name}' "
                         f"kunnen tegelijk gelden{_spread(boxes)}, terwijl de beslissing '{rule.hit_policy}' is.",
                         [(f"rij {i + 1}", rows[i].span), (f"rij {j + 1}", rows[j].span)], found,
                         lambda o: o[rule.name].row == ROW_OVERLAP, regions=regions, boxes=_cases(boxes))

    def decision_rows(self, rule: Decision, base, conds):
        rows = rule.rows
        for j, cond in enumerate(conds):
            span = [(f"rij {j + 1}", rows[j].span)]
            if not self.sat(*base, cond):
                self.add("onmogelijke_regel", rule.name, f"Rij {j + 1} van beslissing '{rule.name}' kan nooit "
                         "gelden: haar voorwaarde is voor geen enkele casus waar.", span,
                         self.witness(rule.name, *base), lambda o, j=j: o[rule.name].row != j)
            elif rule.hit_policy is HitPolicy.FIRST and j and not self.sat(*base, cond, z3.Not(z3.Or(*conds[:j]))):
                by = [i for i in range(j) if not self.sat(*base, cond, z3.Not(conds[i]))]
                who = f"rij {by[0] + 1}" if by else "de rijen " + ", ".join(str(i + 1) for i in range(j)) + " samen"
                self.add("overschaduwd", rule.name, f"Rij {j + 1} van beslissing '{rule.name}' wordt nooit "
                         f"gekozen: elke casus waarvoor zij geldt, valt al onder {who} (eerste treffer).",
                         span + [(f"rij {i + 1}", rows[i].span) for i in by[:1]],
                         self.witness(rule.name, *base, cond), lambda o, j=j: 0 <= o[rule.name].row < j)

    def search_decision(self, rule: Decision):
        fields = sorted(rule_fields(self.model, rule.name))
        kinds = []
        if rule.otherwise is None and rule.partial:
            gap = self.search(rule.name, "gat", _row_is(rule.name, ROW_NONE), fields)
            self.partial_note(rule, gap is not None, searched=True)
        elif rule.otherwise is None:
            kinds.append(("gat", ROW_NONE, f"Beslissing '{rule.name}' heeft een gat: voor deze casus geldt "
                          "geen enkele regel, en er is geen 'anders'."))
        if rule.hit_policy.overlap is not Overlap.ALLOWED:
            kinds.append(("overlap", ROW_OVERLAP, f"Meerdere rijen van beslissing '{rule.name}' gelden "
                          f"tegelijk, terwijl de beslissing '{rule.hit_policy}' is."))
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
