"""Statements for each kind of rule (berekening, eis, groep, beslissing, termijn).

Contract: a mixin for `Generator`: `rule(rule)` returns the statements that compute one rule
into its locals, `result(rule)` the expression returned for it, and `rule_value(name)` the
value a rule has when another rule uses it (a requirement or timeline counts as ja/nee:
voldaan, gehaald and niet van toepassing are ja; onbekend stays onbekend).
"""

from __future__ import annotations

import ast as py

from dsl.compiler.pyast import _assign, _c, _call, _if, _is, _n, _or, _stamp
from dsl.runtime import values as rtv


def _eq(a, value):
    return py.Compare(left=a, ops=[py.Eq()], comparators=[_c(value)])


def _tuple(*elts):
    return py.Tuple(elts=list(elts), ctx=py.Load())


class RuleStatements:
    # ------------------------------------------------------------ values seen by other rules
    def rule_value(self, name: str) -> py.expr:
        rule = self.model.rules[name]
        local = _n(self.locals[name])
        if rule.kind in ("eis", "groep"):
            yes, no = (rtv.VOLDAAN, rtv.NVT), rtv.NIET_VOLDAAN
        elif rule.kind == "termijn":
            yes, no = (rtv.GEHAALD, rtv.NVT), rtv.NIET_GEHAALD
        else:
            return local
        return _if(_or(_eq(local, yes[0]), _eq(local, yes[1])), _c(True),
                   _if(_eq(local, no), _c(False), _c(None)))

    def result(self, rule) -> py.expr:
        local = self.locals[rule.name]
        if rule.kind == "berekening" and self.has_applicability(rule):
            return _tuple(_n(local), _n("a" + local[1:]))
        if rule.kind == "beslissing":
            return _tuple(_n(local), _n("i" + local[1:]))
        if rule.kind == "termijn":
            return _tuple(_n(local), _n("d" + local[1:]), _n("s" + local[1:]))
        return _n(local)

    def rule(self, rule) -> list:
        statements = getattr(self, "s_" + rule.kind)(rule)
        if self.traced:
            statements.append(py.Expr(value=self.record(rule.node, self.result(rule))))
        for statement in statements:
            _stamp(statement, rule.node.span)
        return statements

    def has_applicability(self, rule) -> bool:
        group = rule.group and self.model.rules[rule.group].node.meta.applicable
        return bool(group is not None and group) or rule.node.meta.applicable is not None

    def applicability(self, rule):
        """The Kleene `en` of the group's and the rule's own `van toepassing als`, or None."""
        conditions = []
        if rule.group is not None:
            group_app = self.model.rules[rule.group].node.meta.applicable
            if group_app is not None:
                conditions.append(group_app)
        if rule.node.meta.applicable is not None:
            conditions.append(rule.node.meta.applicable)
        if not conditions:
            return None
        exprs = [self.expr(c) for c in conditions]
        return exprs[0] if len(exprs) == 1 else self.kleene(True, exprs)

    def gated(self, rule, when_applicable, not_applicable, unknown):
        """`not_applicable if app is False else (unknown if app is None else when_applicable)`."""
        app = self.applicability(rule)
        if app is None:
            return when_applicable
        first, later = self.bind(app)
        return _if(_is(first, _c(False)), not_applicable, _if(_is(later, _c(None)), unknown, when_applicable))

    # ------------------------------------------------------------ kinds
    def s_berekening(self, rule):
        local = self.locals[rule.name]
        app = self.applicability(rule)
        if app is None:
            return [_assign(local, self.expr(rule.node.expr))]
        flag = "a" + local[1:]   # the applicability is returned too: "niet van toepassing" vs "onbekend"
        return [_assign(flag, app),
                _assign(local, _if(_is(_n(flag), _c(True)), self.expr(rule.node.expr), _c(None)))]

    def s_eis(self, rule):
        node = rule.node
        parts = [self.expr(node.condition)] + [self.expr(e.condition) for e in node.exceptions]
        cond = parts[0] if len(parts) == 1 else self.kleene(False, parts)
        first, later = self.bind(cond)
        status = _if(_is(first, _c(True)), _c(rtv.VOLDAAN),
                     _if(_is(later, _c(False)), _c(rtv.NIET_VOLDAAN), _c(rtv.ONBEKEND)))
        value = self.gated(rule, status, _c(rtv.NVT), _c(rtv.ONBEKEND))
        return [_assign(self.locals[rule.name], value)]

    def s_groep(self, rule):
        members = _tuple(*[_n(self.locals[r.name]) for r in rule.node.requirements])
        status = _if(py.Compare(left=_c(rtv.NIET_VOLDAAN), ops=[py.In()], comparators=[members]),
                     _c(rtv.NIET_VOLDAAN),
                     _if(py.Compare(left=_c(rtv.ONBEKEND), ops=[py.In()], comparators=[members]),
                         _c(rtv.ONBEKEND), _c(rtv.VOLDAAN)))
        value = self.gated(rule, status, _c(rtv.NVT), _c(rtv.ONBEKEND))
        return [_assign(self.locals[rule.name], value)]

    def s_termijn(self, rule):
        node, local = rule.node, self.locals[rule.name][1:]
        first, second = self.timeline_bounds(node)
        call = _call("timeline", _c(node.kind), self.expr(node.subject), first, second, _n("peil"))
        value = self.gated(rule, call, _tuple(_c(rtv.NVT), _c(None), _c(None)),
                           _tuple(_c(rtv.ONBEKEND), _c(None), _c(None)))
        target = py.Tuple(elts=[_n(p + local, store=True) for p in "rds"], ctx=py.Store())
        return [py.Assign(targets=[target], value=value)]

    def timeline_bounds(self, node):
        args = node.args
        if node.kind == "binnen":
            return self.shift(args[0], args[1], +1), self.expr(args[1])
        if node.kind == "ten minste voor":
            return self.shift(args[0], args[1], -1), _c(None)
        if len(args) == 2:
            return self.expr(args[0]), self.expr(args[1])
        return self.expr(args[0]), _c(None)

    def s_beslissing(self, rule):
        node, local = rule.node, self.locals[rule.name][1:]
        value, row = "r" + local, "i" + local

        def pick(outcome, index):
            return [_assign(value, outcome), _assign(row, _c(index))]

        rows = list(node.rows)
        if node.otherwise is not None:
            fallback = pick(self.expr(node.otherwise.outcome), len(rows))
        else:
            fallback = pick(_c(None), rtv.ROW_NONE)
        unknown = pick(_c(None), rtv.ROW_UNKNOWN)
        if node.hit_policy == "uniek":
            body = self.unique_rows(rows, value, row, pick, fallback, unknown)
        else:
            body = self.first_rows(rows, pick, fallback, unknown)
        app = self.applicability(rule)
        if app is None:
            return body
        not_applicable = pick(_c(None), rtv.ROW_NVT)
        flag = self.temp()
        return [_assign(flag, app),
                py.If(test=_is(_n(flag), _c(True)), body=body,
                      orelse=[py.If(test=_is(_n(flag), _c(False)), body=not_applicable, orelse=unknown)])]

    def first_rows(self, rows, pick, fallback, unknown):
        body = fallback
        for index in reversed(range(len(rows))):
            flag = self.temp()
            test = self.expr(rows[index].condition)
            body = [_assign(flag, test),
                    py.If(test=_is(_n(flag), _c(True)), body=pick(self.expr(rows[index].outcome), index),
                          orelse=[py.If(test=_is(_n(flag), _c(False)), body=body, orelse=unknown)])]
        return body

    def unique_rows(self, rows, value, row, pick, fallback, unknown):
        flag = self.temp()
        matches = _tuple(*[self.expr(r.condition) for r in rows])
        chain = fallback
        for index in reversed(range(len(rows))):
            chain = [py.If(test=_eq(_n(flag), index), body=pick(self.expr(rows[index].outcome), index),
                           orelse=chain)]
        overlap = pick(_c(None), rtv.ROW_OVERLAP)
        return [_assign(flag, _call("unique_pick", matches)),
                py.If(test=_eq(_n(flag), rtv.ROW_OVERLAP), body=overlap,
                      orelse=[py.If(test=_eq(_n(flag), rtv.ROW_UNKNOWN), body=unknown, orelse=chain)])]
