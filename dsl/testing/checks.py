"""Consistency checks of a policy: gaps, overlaps, shadowed rows, impossible requirements, ...

Contract: `check_policy(policy, method=..., budget=..., domain=...)` returns a
`ConsistencyReport` (`dsl.testing.findings`). With method "auto" (the default) every rule the
solver can encode (`dsl.testing.smt`) is checked exactly with z3: a finding is proved and its
counterexample is the exact boundary case; no finding means the defect is absent for every
complete case in the `Domain`. Rules the solver cannot encode are searched with Hypothesis
within the `Budget` (`dsl.testing.search`), and the report lists them with the reason.
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
"""

from __future__ import annotations

import z3

from dsl.runtime import values as rtv
from dsl.testing.findings import Checked, ConsistencyReport, Fallback, Finding, show_value
from dsl.testing.rulechecks import RuleChecks
from dsl.testing.search import Budget, search, sweep
from dsl.testing.smt import Domain, Encoder, Unsupported, free_fields
from dsl.testing.strategies import date_span
from dsl.testing.thresholds import thresholds

__all__ = ["Undecided", "check_policy", "rule_fields"]

METHODS = ("auto", "exact", "hypothesis")


class Undecided(Exception):
    """z3 answered "unknown" (non-linear arithmetic); the rule goes to the search."""


def rule_fields(model, name: str, _seen=None) -> set[str]:
    """Every gegeven a rule depends on, directly or through other rules."""
    seen = set() if _seen is None else _seen
    out = set()
    for dep in model.rules[name].deps:
        if dep in model.fields:
            out.add(dep)
        elif dep in model.rules and dep not in seen:
            seen.add(dep)
            out |= rule_fields(model, dep, seen)
    return out


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
        getattr(ctx, "check_" + rule.kind)(rule)
    ctx.check_order()
    ctx.check_divisions()
    model = policy.model
    return ConsistencyReport(model.policy.header.title, model.policy.filename, tuple(ctx.findings),
                             tuple(ctx.checked), tuple(ctx.fallbacks), tuple(ctx.notes), ctx.budget)


class _Checks(RuleChecks):
    def __init__(self, policy, method, budget, domain):
        self.policy, self.model, self.method, self.budget = policy, policy.model, method, budget
        self.enc = Encoder(policy.model, domain)
        self.solver = z3.Solver()
        self.solver.add(*self.enc.constraints())
        self.findings, self.checked, self.fallbacks, self.notes = [], [], [], []
        self.date_span = date_span(policy.model, thresholds(policy.model))

    # ------------------------------------------------------------ solving
    def sat(self, *formulas) -> bool:
        self.solver.push()
        self.solver.add(*formulas)
        answer = self.solver.check()
        self.solver.pop()
        if answer == z3.unknown:
            raise Undecided(self.solver.reason_unknown())
        return answer == z3.sat

    def witness(self, rule_name: str, *formulas):
        """(case dict, relevant gegevens, z3 model) for formulas, or None when unsatisfiable."""
        relevant = set()
        for f in formulas:
            relevant |= free_fields(f)
        relevant &= set(self.model.fields)
        s = self.solver
        s.push()
        s.add(*formulas)
        if s.check() != z3.sat:
            s.pop()
            return None
        s.push()
        s.add(*self.enc.grid(relevant), *self.enc.near(relevant, *self.date_span))
        m = s.model() if s.check() == z3.sat else None
        s.pop()
        m = m or s.model()
        s.pop()
        names = rule_fields(self.model, rule_name) | relevant
        ordered = [n for n in self.model.fields if n in names]
        return self.enc.case(m, ordered), tuple(n for n in ordered if n in relevant), m

    def encode(self, rule, build):
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

    def confirm(self, case, test) -> bool | None:
        if case is None:
            return None
        try:
            return bool(test(self.policy.evaluate(case)))
        except Exception:  # a counterexample the case loader refuses is reported, not raised
            return False

    def add(self, kind, rule, message, spans, found=None, test=None, method="exact", detail=None):
        case, relevant = (found[0], found[1]) if found else (None, ())
        confirmed = self.confirm(case, test) if test else None
        self.findings.append(Finding(kind, rule, message, tuple(spans), case, relevant, method,
                                     confirmed, detail))

    # ------------------------------------------------------------ decisions
    def check_beslissing(self, rule):
        node = rule.node

        def build():
            app = self.enc.applicability(rule)
            return ([app] if app is not None else []), [self.enc.cond(r.condition) for r in node.rows]

        encoded = self.encode(rule, build)
        if encoded is None:
            return self.search_decision(rule)
        (base, conds), guards = encoded
        base = base + guards
        try:
            if node.otherwise is None:
                self.decision_gap(rule, base, conds)
            if node.hit_policy == "uniek":
                self.decision_overlaps(rule, base, conds)
            self.decision_rows(rule, base, conds)
        except Undecided as err:
            self.fallbacks.append(Fallback(rule.name, f"de solver kon niet beslissen ({err})", node.span))
            return self.search_decision(rule)
        self.checked.append(Checked(rule.name, "gat, overlap, overschaduwde regels", "exact"))

    def decision_gap(self, rule, base, conds):
        gap = z3.Not(z3.Or(*conds)) if conds else z3.BoolVal(True)
        found = self.witness(rule.name, *base, gap)
        if found is None:
            return
        pinned = self.pinned(base + [gap], found)
        detail = None
        if pinned:
            detail = "Het gat bestaat alleen bij " + " en ".join(
                f"{n} = {show_value(self.model, n, found[0][n])}" for n in pinned) + "."
        self.add("gat", rule.name, f"Beslissing '{rule.name}' heeft een gat: voor deze casus geldt geen "
                 "enkele regel, en er is geen 'anders'.", [("beslissing", rule.node.span)], found,
                 lambda o: o[rule.name].row == rtv.ROW_NONE, detail=detail)

    def pinned(self, formulas, found) -> list[str]:
        """The gegevens that have one single value in every case satisfying `formulas`."""
        m, out = found[2], []
        for name in found[1]:
            v = self.enc.vars[name]
            if z3.is_bool(v) or self.model.fields[name][1].kind in ("keuze", "tekst"):
                continue
            if not self.sat(*formulas, v != m.eval(v, model_completion=True)):
                out.append(name)
        return out

    def decision_overlaps(self, rule, base, conds):
        rows = rule.node.rows
        for i in range(len(conds)):
            for j in range(i + 1, len(conds)):
                found = self.witness(rule.name, *base, conds[i], conds[j])
                if found is not None:
                    self.add("overlap", rule.name, f"Rij {i + 1} en rij {j + 1} van beslissing '{rule.name}' "
                             "kunnen tegelijk gelden, terwijl de beslissing 'uniek' is.",
                             [(f"rij {i + 1}", rows[i].span), (f"rij {j + 1}", rows[j].span)], found,
                             lambda o: o[rule.name].row == rtv.ROW_OVERLAP)

    def decision_rows(self, rule, base, conds):
        rows = rule.node.rows
        for j, cond in enumerate(conds):
            span = [(f"rij {j + 1}", rows[j].span)]
            if not self.sat(*base, cond):
                self.add("onmogelijke_regel", rule.name, f"Rij {j + 1} van beslissing '{rule.name}' kan nooit "
                         "gelden: haar voorwaarde is voor geen enkele casus waar.", span,
                         self.witness(rule.name, *base), lambda o: o[rule.name].row != j)
            elif rule.node.hit_policy != "uniek" and j and not self.sat(*base, cond, z3.Not(z3.Or(*conds[:j]))):
                by = [i for i in range(j) if not self.sat(*base, cond, z3.Not(conds[i]))]
                who = f"rij {by[0] + 1}" if by else "de rijen " + ", ".join(str(i + 1) for i in range(j)) + " samen"
                self.add("overschaduwd", rule.name, f"Rij {j + 1} van beslissing '{rule.name}' wordt nooit "
                         f"gekozen: elke casus waarvoor zij geldt, valt al onder {who} (eerste treffer).",
                         span + [(f"rij {i + 1}", rows[i].span) for i in by[:1]],
                         self.witness(rule.name, *base, cond), lambda o: 0 <= o[rule.name].row < j)

    def search_decision(self, rule):
        node, fields = rule.node, sorted(rule_fields(self.model, rule.name))
        kinds = []
        if node.otherwise is None:
            kinds.append(("gat", rtv.ROW_NONE, f"Beslissing '{rule.name}' heeft een gat: voor deze casus geldt "
                          "geen enkele regel, en er is geen 'anders'."))
        if node.hit_policy == "uniek":
            kinds.append(("overlap", rtv.ROW_OVERLAP, f"Meerdere rijen van beslissing '{rule.name}' gelden "
                          "tegelijk, terwijl de beslissing 'uniek' is."))
        for kind, marker, message in kinds:
            case = search(self.policy, lambda o, m=marker: o[rule.name].row == m, self.budget, fields=fields)
            if case is not None:
                self.add(kind, rule.name, message, [("beslissing", node.span)], (case, tuple(fields)),
                         lambda o, m=marker: o[rule.name].row == m, method="zoektocht")
        self.unreached_rows(rule, fields)
        self.checked.append(Checked(rule.name, "gat en overlap", "zoektocht"))

    def unreached_rows(self, rule, fields):
        seen: set = set()
        count = sweep(self.policy, lambda c, o: seen.add(o[rule.name].row), self.budget, fields=fields)
        for j in range(len(rule.node.rows)):
            if j not in seen:
                self.notes.append(f"Rij {j + 1} van beslissing '{rule.name}' werd in {count} gezochte casussen "
                                  "nooit gekozen (mogelijk overschaduwd; niet bewezen).")
