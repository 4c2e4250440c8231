"""Rules that say the same thing twice (a mixin of `checks._Checks`).

Contract:
  check_redundancy()   finding "dubbele_eis": two eisen whose conditions (with their exceptions)
                       and whose applicability (their `van toepassing als`, their group's) are
                       equivalent for every complete case, proved by z3; an eis that refers to the
                       other (`voldoet aan`), or is only a reference to another rule, restates it
                       on purpose and is left out.
                       finding "herhaalde_rij": a row of one decision repeated in another decision,
                       with the same outcome and, under both decisions' applicability, an
                       equivalent condition (z3).
Only pairs that read the same gegevens are compared (equivalent conditions of different gegevens
are rare and the pairs would be many); what the solver cannot encode is not compared.
"""

from __future__ import annotations

from typing import Any

import z3

from dsl.analysis.solving import CheckContext
from dsl.analysis.thresholds import constant
from dsl.core import expr as E
from dsl.core.model import Decision, Policy, Requirement, Rule

__all__ = ["RedundancyChecks"]


def _outcome_key(expr: E.Expr, model: Policy) -> Any:
    """Rows with equal keys have the same outcome: a constant's value (an outcome computed from the
    case only equals itself)."""
    value = constant(expr, model)
    return ("node", id(expr)) if value is None else ("waarde", repr(value))


def _alias(rule: Requirement) -> bool:
    """An eis that only refers to another (`vereist voldoet aan x`) restates it on purpose."""
    return isinstance(rule.condition, E.RuleRef) and not rule.exceptions


class RedundancyChecks(CheckContext):
    """See the module docstring."""

    def check_redundancy(self) -> None:
        if self.method == "hypothesis":
            return
        self.duplicate_requirements()
        self.repeated_rows()

    def uses(self) -> dict[str, set[str]]:
        """Per rule every rule it uses, directly or through others (the model is in dependency
        order, so one pass suffices)."""
        if not hasattr(self, "_uses"):
            found: dict[str, set[str]] = {}
            for rule in self.model.rules.values():
                found[rule.name] = set(rule.deps).union(*[found.get(d, set()) for d in rule.deps])
            self._uses = found
        return self._uses

    def _equivalent(self, owner: Rule, left, right) -> tuple | None:
        """A witness-free verdict: () when `left(enc)` and `right(enc)` (each a list of z3 terms,
        taken as one conjunction) are equivalent, None when not or not encodable."""
        encoded = self.encode(owner, lambda: (z3.And(*left()), z3.And(*right())))
        if encoded is None:
            return None
        (a, b), guards = encoded
        return None if self.sat(*guards, a != b) else ()

    def _applies(self, rule: Rule) -> list:
        app = self.enc.applicability(rule)
        return [app] if app is not None else []

    # ------------------------------------------------------------ eisen
    def duplicate_requirements(self) -> None:
        reqs = [r for r in self.model.rules.values() if isinstance(r, Requirement) and not _alias(r)]
        by_inputs: dict[frozenset, list[Requirement]] = {}
        for r in reqs:
            reads = r.condition.inputs.union(*[e.condition.inputs for e in r.exceptions])
            by_inputs.setdefault(reads, []).append(r)
        uses = self.uses()
        for group in by_inputs.values():
            for i, a in enumerate(group):
                for b in group[i + 1:]:
                    if a.name not in uses[b.name] and b.name not in uses[a.name]:
                        first, second = sorted((a, b), key=lambda r: (r.span.line, r.span.column))
                        self.compare_requirements(first, second)

    def _holds(self, r: Requirement) -> list:
        return [z3.Or(self.enc.cond(r.condition), *[self.enc.cond(e.condition) for e in r.exceptions])]

    def compare_requirements(self, a: Requirement, b: Requirement) -> None:
        same_condition = self._equivalent(a, lambda: self._holds(a), lambda: self._holds(b))
        if same_condition is None or self._equivalent(a, lambda: self._applies(a), lambda: self._applies(b)) is None:
            return
        self.add("dubbele_eis", a.name, f"Eis '{b.name}' herhaalt eis '{a.name}' (eerder in het beleid): voor elke casus "
                 "zijn ze allebei voldaan of allebei niet, en ze gelden in dezelfde gevallen.",
                 [(a.name, a.span), (b.name, b.span)], others=(b.name,))

    # ------------------------------------------------------------ rows
    def repeated_rows(self) -> None:
        uses = self.uses()
        rows: dict[tuple, list[tuple[Decision, int]]] = {}
        for d in self.model.rules.values():
            if isinstance(d, Decision):
                for j, row in enumerate(d.rows):
                    if row.condition is not None:
                        rows.setdefault((row.condition.inputs, _outcome_key(row.outcome, self.model)), []).append((d, j))
        for group in rows.values():
            for i, (d1, j1) in enumerate(group):
                for d2, j2 in group[i + 1:]:
                    if d1 is not d2 and d1.name not in uses[d2.name] and d2.name not in uses[d1.name]:
                        self.compare_rows(d1, j1, d2, j2)

    def compare_rows(self, d1: Decision, j1: int, d2: Decision, j2: int) -> None:
        c1, c2 = d1.rows[j1].condition, d2.rows[j2].condition
        if c1 is None or c2 is None:
            return
        same = self._equivalent(d1, lambda: [*self._applies(d1), self.enc.cond(c1)],
                                lambda: [*self._applies(d2), self.enc.cond(c2)])
        if same is None:
            return
        self.add("herhaalde_rij", d1.name, f"Rij {j2 + 1} van beslissing '{d2.name}' herhaalt rij {j1 + 1} van "
                 f"beslissing '{d1.name}': dezelfde voorwaarde (voor elke casus) met dezelfde uitkomst.",
                 [(f"{d1.name} (rij {j1 + 1})", d1.rows[j1].span), (f"{d2.name} (rij {j2 + 1})", d2.rows[j2].span)],
                 others=(d2.name,))
