"""The state one consistency check of a policy works in: its solver, its encoder, its findings.

Contract: `CheckContext(policy, method, budget, domain)` holds a z3 solver loaded with the
`Domain` of every gegeven and the policy's `aanname`s (`dsl.analysis.assumptions`), the policy's encoder (`CheckEncoder`: a beslissing that can give no
outcome stays exact where another rule uses it, guarded like a division), and the lists a `ConsistencyReport` is made
of (findings, what was checked, fallbacks to the search, notes). The checks (`dsl.analysis.checks`
for decisions, `dsl.analysis.rulechecks` for the other kinds) build on it:
  sat(*formulas)             satisfiable together with the domain? (`Undecided` when z3 says
                             "unknown")
  witness(rule, *formulas)   a readable satisfying case (hundredths, whole declared units, dates
                             near the policy's own), as (case dict, relevant gegevens, z3 model)
  encode(rule, build)        run an encoding; on `Unsupported` record a fallback and give None
  add(kind, rule, ...)       record a finding; its case is re-evaluated by the compiled policy
  search(rule, what, predicate, fields)   a bounded search (`dsl.analysis.search`), recorded
                             as `Searched` (cases tried, time cap hit); gives the case found or None
  sweep(rule, what, observe, fields)      the same for a sweep; gives the number of cases
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import z3

from dsl.analysis.assumptions import assumption_constraints
from dsl.analysis.findings import Checked, Fallback, Finding, Searched
from dsl.analysis.search import Budget, Run, search_run, sweep_run
from dsl.analysis.smt import Domain, Encoder, Unsupported, check, free_fields
from dsl.analysis.thresholds import date_span, thresholds
from dsl.core.model import Decision, HitPolicy, Policy, Rule

__all__ = ["CheckContext", "CheckEncoder", "Undecided", "rule_fields"]


class Undecided(Exception):
    """z3 answered "unknown" (non-linear arithmetic); the rule goes to the search."""


def rule_fields(model: Policy, name: str) -> set[str]:
    """Every gegeven a rule depends on, directly, through its gates or through other rules."""
    return set(model.rules[name].inputs)


class CheckEncoder(Encoder):
    """The encoder of the checks: a beslissing that may give no outcome (no `anders`) or more than one
    (`uniek`) is still exact where another rule uses it. Its value is the outcome of the row that
    decides, and a guard (like `divisor ≠ 0`) keeps the witnesses to cases where it decides: where
    it does not, the rule that uses it is onbekend, and the beslissing's own gap or overlap is
    reported by its own check."""

    def decision_value(self, rule: Decision):
        if rule.hit_policy not in (HitPolicy.FIRST, HitPolicy.UNIQUE) or not rule.rows:
            return super().decision_value(rule)
        if rule.otherwise is not None and rule.hit_policy is HitPolicy.FIRST:
            return super().decision_value(rule)
        t = rule.type
        conds = [self.cond(row.condition) for row in rule.rows if row.condition is not None]
        outcomes = [self.expr(row.outcome, want=t) for row in rule.rows]
        value = (self.expr(rule.otherwise.outcome, want=t) if rule.otherwise is not None
                 else z3.FreshConst(outcomes[0].sort(), f"{rule.name}?geen"))
        for cond, outcome in zip(reversed(conds), reversed(outcomes), strict=True):
            value = z3.If(cond, outcome, value)
        hits = z3.Sum(*[z3.If(c, 1, 0) for c in conds])
        if rule.hit_policy is HitPolicy.UNIQUE:
            self.guards.append(hits <= 1 if rule.otherwise is not None else hits == 1)
        else:
            self.guards.append(z3.Or(*conds))
        return value


class CheckContext:
    """See the module docstring."""

    def __init__(self, policy: Any, method: str, budget: Budget, domain: Domain):
        self.policy, self.model, self.method, self.budget = policy, policy.model, method, budget
        self.enc = CheckEncoder(policy.model, domain)
        self.solver = z3.Solver()
        self.solver.add(*self.enc.constraints())
        self.assumptions = assumption_constraints(self.enc, policy.model)   # only cases the document expects
        self.solver.add(*self.assumptions.formulas)
        self.findings: list[Finding] = []
        self.checked: list[Checked] = []
        self.fallbacks: list[Fallback] = []
        self.notes: list[str] = self.assumptions.notes()
        self.searches: list[Searched] = []
        self.region_limits: list[tuple[str, str]] = []   # (rule, what): region listings the count bound stopped
        self.thresholds = thresholds(policy.model)   # per gegeven, the constants it is compared with
        self.date_span = date_span(policy.model, self.thresholds)
        self._fields_of: dict[int, tuple[Any, set[str]]] = {}   # term id -> (term, its gegevens)

    def sat(self, *formulas) -> bool:
        self.solver.push()
        self.solver.add(*formulas)
        answer = check(self.solver)
        self.solver.pop()
        if answer == z3.unknown:
            raise Undecided(self.solver.reason_unknown())
        return answer == z3.sat

    def witness(self, rule_name: str, *formulas) -> tuple[dict, tuple[str, ...], Any] | None:
        """(case dict, relevant gegevens, z3 model) for formulas, or None when unsatisfiable."""
        relevant: set[str] = set()
        for f in formulas:
            relevant |= self.fields_of(f)
        relevant &= set(self.model.fields)
        s = self.solver
        s.push()
        s.add(*formulas)
        if check(s) != z3.sat:
            s.pop()
            return None
        s.push()
        s.add(*self.enc.grid(relevant), *self.enc.near(relevant, *self.date_span))
        m = s.model() if check(s) == z3.sat else None
        s.pop()
        m = m or s.model()
        s.pop()
        names = rule_fields(self.model, rule_name) | relevant
        ordered = [n for n in self.model.fields if n in names]
        return self.enc.case(m, ordered), tuple(n for n in ordered if n in relevant), m

    def fields_of(self, term) -> set[str]:
        """`free_fields(term)`, remembered for the terms a check asks about again and again (the
        term is kept with it, so its id is not reused)."""
        key = term.get_id()
        if key not in self._fields_of:
            self._fields_of[key] = (term, free_fields(term))
        return self._fields_of[key][1]

    def encode(self, rule: Rule, build: Callable[[], Any]) -> tuple[Any, list] | None:
        """Run `build()` (which encodes), returning (result, guards) or None after a fallback."""
        if self.method == "hypothesis":
            return None
        self.enc.guards = []
        try:
            result = build()
        except Unsupported as err:
            fallback = Fallback(rule.name, err.reason, err.span)
            if fallback not in self.fallbacks:
                self.fallbacks.append(fallback)
            return None
        return result, list(self.enc.guards)

    def confirm(self, case: dict | None, test: Callable[[Any], Any], trace: bool = False) -> bool | None:
        """Whether `test(outcome)` holds for the case (None when there is no case or the test
        cannot tell); `trace` evaluates with a trace, for a test that reads one."""
        if case is None:
            return None
        try:
            answer = test(self.policy.evaluate(case, trace=trace))
        except Exception:  # a counterexample the case loader refuses is reported, not raised
            return False
        return None if answer is None else bool(answer)

    def add(self, kind: str, rule: str, message: str, spans, found=None, test=None, method: str = "exact",
            detail: str | None = None, *, others: tuple = (), regions: tuple = (), trace: bool = False,
            boxes: tuple = ()) -> None:
        """Record a finding (see the module docstring); `others` are further rules it is about,
        `regions` where it lies (`boxes`: every region, with its witness), `trace` says the test
        reads the evaluation's trace."""
        case, relevant = (found[0], found[1]) if found else (None, ())
        confirmed = self.confirm(case, test, trace) if test else None
        self.findings.append(Finding(kind, rule, message, tuple(spans), case, relevant, method,
                                     confirmed, detail, others, regions, boxes=boxes))

    def _record(self, rule: str, what: str, run: Run) -> Run:
        self.searches.append(Searched(rule, what, run.cases, run.timed_out))
        return run

    def search(self, rule: str, what: str, predicate: Callable[[Any], Any], fields=None) -> dict | None:
        """The first searched case whose outcome satisfies `predicate`, or None (see the module)."""
        return self._record(rule, what, search_run(self.policy, predicate, self.budget, fields=fields)).found

    def sweep(self, rule: str, what: str, observe: Callable[[Any, Any], Any], fields=None) -> int:
        """Evaluate the budget's cases, calling `observe(case, outcome)`; the number of cases."""
        return self._record(rule, what, sweep_run(self.policy, observe, self.budget, fields=fields)).cases
