"""Solver encoding of whole rules: a mixin of `dsl.testing.smt.Encoder`.

Contract: `rule_value(name)` is a rule's value where another rule uses it (a requirement,
group or timeline as ja/nee: voldaan, gehaald and niet van toepassing count as ja, exactly as
the compiled code does); `applicability(rule)` the conjunction of the group's and the rule's
`van toepassing als` (or None); `requirement_holds`, `group_holds` and `timeline_met` the
rule's own condition for a complete case. `Unsupported` (defined here, re-exported by
`dsl.testing.smt`) marks what the solver does not encode.
"""

from __future__ import annotations

import z3

from dsl import ast


class Unsupported(Exception):
    """A construct the solver encoding does not cover; `reason` is Dutch."""

    def __init__(self, reason: str, span=None):
        super().__init__(reason)
        self.reason, self.span = reason, span


class RuleEncoding:
    def rule_value(self, name: str, span=None):
        """A rule's value where another rule uses it (requirements and timelines as ja/nee)."""
        if name in self._busy:
            raise Unsupported("regels die elkaar gebruiken", span)
        self._busy.append(name)
        try:
            rule = self.model.rules[name]
            if rule.kind == "berekening":
                if self.applicability(rule) is not None:
                    raise Unsupported(f"berekening '{name}' met 'van toepassing als'", span)
                return self.expr(rule.node.expr)
            if rule.kind == "beslissing":
                return self.decision_value(rule)
            holds = {"eis": self.requirement_holds, "groep": self.group_holds,
                     "termijn": self.timeline_met}[rule.kind](rule)
            app = self.applicability(rule)
            return holds if app is None else z3.Or(z3.Not(app), holds)
        finally:
            self._busy.pop()

    def applicability(self, rule):
        """The conjunction of the group's and the rule's `van toepassing als`, or None."""
        parts = []
        if rule.group is not None and self.model.rules[rule.group].node.meta.applicable is not None:
            parts.append(self.model.rules[rule.group].node.meta.applicable)
        if rule.node.meta.applicable is not None:
            parts.append(rule.node.meta.applicable)
        return z3.And(*[self.cond(p) for p in parts]) if parts else None

    def requirement_holds(self, rule):
        node = rule.node
        return z3.Or(self.cond(node.condition), *[self.cond(e.condition) for e in node.exceptions])

    def group_holds(self, rule):
        return z3.And(*[self.rule_value(r.name, r.span) for r in rule.node.requirements])

    def decision_value(self, rule):
        node = rule.node
        if node.otherwise is None or node.hit_policy != "eerste treffer":
            raise Unsupported(f"de uitkomst van beslissing '{rule.name}' kan ontbreken", node.span)
        t = rule.type
        value = self.expr(node.otherwise.outcome, want=t)
        for row in reversed(node.rows):
            value = z3.If(self.cond(row.condition), self.expr(row.outcome, want=t), value)
        return value

    def timeline_bounds(self, node: ast.Timeline):
        """(start, deadline, strict) as z3 terms or None, like `dsl.runtime.values.bounds`."""
        args, kind = node.args, node.kind
        if kind == "binnen":
            return self.expr(args[1]), self.expr(ast.Shift(args[0], args[1], +1, node.span)), False
        if kind == "ten minste voor":
            return None, self.expr(ast.Shift(args[0], args[1], -1, node.span)), False
        first = self.expr(args[0])
        second = self.expr(args[1]) if len(args) > 1 else None
        return {"uiterlijk": (None, first, False), "op": (None, first, False), "voor": (None, first, True),
                "niet voor": (first, None, False), "van tot en met": (first, second, False),
                "van tot": (first, second, True)}[kind]

    def bound_types(self, node: ast.Timeline):
        args = node.args
        if node.kind in ("binnen", "ten minste voor"):
            t = self.type_of(args[1])
            return (t if node.kind == "binnen" else None), t
        types = [self.type_of(a) for a in args]
        return {"niet voor": (types[0], None), "van tot en met": tuple(types), "van tot": tuple(types)}.get(
            node.kind, (None, types[0]))

    def timeline_met(self, rule):
        """`gehaald` for a case whose event date is known."""
        node = rule.node
        event, event_t = self.var(node.subject.name), self.model.fields[node.subject.name][1]
        start, deadline, strict = self.timeline_bounds(node)
        start_t, deadline_t = self.bound_types(node)
        parts = []
        if start is not None:
            e, s = self.moments(event, event_t, start, start_t, node)
            parts.append(e >= s)
        if deadline is not None:
            e, d = self.moments(event, event_t, deadline, deadline_t, node)
            parts.append(e == d if node.kind == "op" else (e < d if strict else e <= d))
        return z3.And(*parts)

