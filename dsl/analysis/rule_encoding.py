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


def _condition(row) -> E.Expr:
    assert row.condition is not None  # only `anders` has none, and it is not among a beslissing's rows
    return row.condition


class Unsupported(Exception):
    """A construct the solver encoding does not cover; `reason` is Dutch."""

    def __init__(self, reason: str, span: Span | None = None):
        super().__init__(reason)
        self.reason, self.span = reason, span


class RuleEncoding:
    """Rules as z3 terms; the expressions come from the `Encoder` this is mixed into."""

    model: Policy
    guards: list
    _busy: list[str]
    _encoded: dict[str, tuple[Any, tuple] | Unsupported]   # rule name -> (value, its guards) or why not

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
        """A rule's value where another rule uses it (requirements and timelines as ja/nee).
        Each rule is encoded once: the rules it depends on first, one after another in the
        model's order (dependency order), so a long chain of rules each using the next needs no
        deep recursion. Using the value adds the division guards its encoding made."""
        if name not in self._encoded:
            for needed in self._unencoded(name):
                self._encode_rule(needed)
        found = self._encoded[name]
        if isinstance(found, Unsupported):
            raise Unsupported(found.reason, found.span or span)
        value, guards = found
        self.guards.extend(guards)
        return value

    def _unencoded(self, name: str) -> list[str]:
        """`name` and every rule it depends on that is not encoded yet, in model order."""
        found, stack = {name}, [name]
        while stack:
            for dep in self.model.rules[stack.pop()].deps:
                if dep not in found and dep not in self._encoded:
                    found.add(dep)
                    stack.append(dep)
        return sorted(found, key=lambda n: self.model.rules[n].index)

    def _encode_rule(self, name: str) -> None:
        """Encode one rule into `_encoded`: (value, guards), or the `Unsupported` it raised (its
        span None where the reason is the rule itself, to be replaced by where it is used)."""
        if name in self._encoded:
            return
        if name in self._busy:  # (the checker refuses rules that use each other; be safe all the same)
            raise Unsupported("regels die elkaar gebruiken")
        outer, self.guards = self.guards, []
        self._busy.append(name)
        try:
            value = self._rule_term(self.model.rules[name])
            self._encoded[name] = (value, tuple({g.get_id(): g for g in self.guards}.values()))
        except Unsupported as err:
            self._encoded[name] = err
        finally:
            self._busy.pop()
            self.guards = outer

    def _rule_term(self, rule: Rule):
        match rule:
            case Calculation():
                if rule.gates:
                    raise Unsupported(f"berekening '{rule.name}' met 'van toepassing als'")
                return self.expr(rule.expr)
            case Decision():
                return self.decision_value(rule)
            case Requirement() | Group() | Timeline():
                holds = self.holds(rule)
                app = self.applicability(rule)
                return holds if app is None else z3.Or(z3.Not(app), holds)
            case _:
                assert_never(rule)

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
        """The value of a beslissing that always has one: with `anders`, under a hit policy where no
        case gives `meerdere regels` (eerste treffer and voorrang: the first row in `in_order` that
        holds; som and aantal: the total of the rows that hold, `anders` when none does). Any
        other hit policy raises `Unsupported`, and the checks search instead."""
        if rule.otherwise is None or rule.hit_policy in (HitPolicy.UNIQUE, HitPolicy.ANY):
            raise Unsupported(f"de uitkomst van beslissing '{rule.name}' kan ontbreken", rule.span)
        t = rule.type
        value = self.expr(rule.otherwise.outcome, want=t)
        rows = rule.in_order
        if rule.hit_policy.single:
            for row in reversed(rows):
                value = z3.If(self.cond(_condition(row)), self.expr(row.outcome, want=t), value)
            return value
        if rule.hit_policy not in (HitPolicy.SUM, HitPolicy.COUNT):
            raise Unsupported(f"de hit policy ({rule.hit_policy}) van beslissing '{rule.name}' wordt niet in de "
                              "solver gecodeerd", rule.span)
        holds = [self.cond(_condition(row)) for row in rows]
        if rule.hit_policy is HitPolicy.COUNT:
            total = z3.Sum(*[z3.If(h, 1, 0) for h in holds])
        else:
            zero = self.expr(rule.otherwise.outcome, want=t) * 0
            total = z3.Sum(*[z3.If(h, self.expr(row.outcome, want=t), zero) for h, row in zip(holds, rows, strict=True)])
        return z3.If(z3.Or(*holds), total, value)

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
