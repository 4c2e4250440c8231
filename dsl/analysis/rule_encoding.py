"""Solver encoding of whole rules: a mixin of `dsl.analysis.smt.Encoder`.

Contract: `rule_value(name)` is a rule's value where another rule uses it (a requirement,
group or timeline as ja/nee: voldaan, gehaald and niet van toepassing count as ja, exactly as
the compiled code does); `applicability(rule)` the conjunction of the rule's gates (its group's
and its own `van toepassing als`), or None; `requirement_holds`, `group_holds` and
`timeline_met` the rule's own condition for a complete case. `Unsupported` (defined here,
re-exported by `dsl.analysis.smt`) marks what the solver does not encode.
"""

from __future__ import annotations

from abc import abstractmethod
from typing import TYPE_CHECKING, Any, assert_never

import z3

from dsl.core import expr as E
from dsl.core.model import Calculation, Decision, Group, HitPolicy, Policy, Requirement, Rule, Timeline
from dsl.types import Type

if TYPE_CHECKING:
    from dsl.span import Span


class Unsupported(Exception):
    """A construct the solver encoding does not cover; `reason` is Dutch."""

    def __init__(self, reason: str, span: Span | None = None):
        super().__init__(reason)
        self.reason, self.span = reason, span


class RuleEncoding:
    """Rules as z3 terms; the expressions come from the `Encoder` this is mixed into."""

    model: Policy
    _busy: list[str]

    # ------------------------------------------------------------ provided by `dsl.analysis.smt.Encoder`
    @abstractmethod
    def expr(self, node: E.Expr, want: Type | None = None) -> Any:
        """The z3 term of an expression."""

    @abstractmethod
    def cond(self, node: E.Expr) -> Any:
        """The z3 term of a condition (a Bool)."""

    @abstractmethod
    def moments(self, left: Any, lt: Type | None, right: Any, rt: Type | None, span: Span) -> tuple:
        """Two moments brought to one scale."""

    # ------------------------------------------------------------ rules

    def rule_value(self, name: str, span: Span | None = None):
        """A rule's value where another rule uses it (requirements and timelines as ja/nee)."""
        if name in self._busy:
            raise Unsupported("regels die elkaar gebruiken", span)
        self._busy.append(name)
        try:
            rule = self.model.rules[name]
            match rule:
                case Calculation():
                    if rule.gates:
                        raise Unsupported(f"berekening '{name}' met 'van toepassing als'", span)
                    return self.expr(rule.expr)
                case Decision():
                    return self.decision_value(rule)
                case Requirement() | Group() | Timeline():
                    holds = self.holds(rule)
                    app = self.applicability(rule)
                    return holds if app is None else z3.Or(z3.Not(app), holds)
                case _:
                    assert_never(rule)
        finally:
            self._busy.pop()

    def holds(self, rule: Requirement | Group | Timeline):
        """Voldaan (or gehaald) for a complete case where the rule applies."""
        match rule:
            case Requirement():
                return self.requirement_holds(rule)
            case Group():
                return self.group_holds(rule)
            case Timeline():
                return self.timeline_met(rule)
            case _:
                assert_never(rule)

    def applicability(self, rule: Rule):
        """The conjunction of the rule's gates (its group's, then its own), or None."""
        return z3.And(*[self.cond(g.condition) for g in rule.gates]) if rule.gates else None

    def requirement_holds(self, rule: Requirement):
        return z3.Or(self.cond(rule.condition), *[self.cond(e.condition) for e in rule.exceptions])

    def group_holds(self, rule: Group):
        return z3.And(*[self.rule_value(m, self.model.rules[m].span) for m in rule.members])

    def decision_value(self, rule: Decision):
        if rule.otherwise is None or rule.hit_policy is not HitPolicy.FIRST:
            raise Unsupported(f"de uitkomst van beslissing '{rule.name}' kan ontbreken", rule.span)
        t = rule.type
        value = self.expr(rule.otherwise.outcome, want=t)
        for row in reversed(rule.rows):
            assert row.condition is not None  # only `anders` has none
            value = z3.If(self.cond(row.condition), self.expr(row.outcome, want=t), value)
        return value

    def timeline_met(self, rule: Timeline):
        """`gehaald` for a case whose event moment is known: on or after the start, and no later
        than the end (before it when strict, exactly on it when exact)."""
        event, event_t = self.expr(rule.subject), rule.subject.type
        parts = []
        if rule.start is not None:
            e, s = self.moments(event, event_t, self.expr(rule.start), rule.start.type, rule.span)
            parts.append(e >= s)
        if rule.end is not None:
            e, d = self.moments(event, event_t, self.expr(rule.end), rule.end.type, rule.span)
            parts.append(e == d if rule.exact else (e < d if rule.strict else e <= d))
        return z3.And(*parts)
