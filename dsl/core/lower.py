"""Lowering: a checked syntax tree (`dsl.checker.Model`) -> the core model (`dsl.core.Policy`).

Contract: `lower(checked)` runs only on a policy the checker accepted, so every name resolves and
every expression has a type; it decides each rule's meaning once (see `dsl.core.model`) and never
reports a user mistake. This module and the checker are the only ones after the parser that
read the syntax tree; every back end and view reads what this returns.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from dsl import ast
from dsl import types as T
from dsl.core import expr as E
from dsl.core import model as M

_YES_NO_KINDS = ("eis", "groep", "termijn")


def lower(checked) -> M.Policy:
    """The core model of a checked policy."""
    return _Lowering(checked).policy()


def _unit(t: T.Type) -> str:
    if t.unit is None:  # the checker gives every duration its family
        raise TypeError(f"a {t} without a unit")
    return t.unit


def _typed(t: T.Type | None, name: str) -> T.Type:
    if t is None:  # the checker types every rule of a policy it accepts
        raise TypeError(f"rule '{name}' has no type")
    return t


def literal_value(node, t: T.Type | None = None) -> Any:
    """The runtime value of a value written in a voorbeeld (`onbekend` is None), converted to
    the type `t` it is given for (an aantal is an int; a duration a count in its base unit)."""
    if isinstance(node, ast.UnknownLiteral):
        return None
    if isinstance(node, ast.ListLiteral):
        element = t.element if t is not None and t.kind == "lijst" else None
        return tuple(literal_value(i, element) for i in node.items)
    if node.kind == "duur":
        return T.duration_count(*node.value)
    if t is not None and t.kind == "aantal" and node.value is not None:
        return int(node.value)
    return node.value


def _quotes(row: ast.Row) -> tuple[tuple[str, ...], tuple[ast.Span, ...]]:
    """The texts of a row's `citaat`s and where they stand."""
    return tuple(q.text for q in row.quotes), tuple(q.span for q in row.quotes)


class _Lowering:
    def __init__(self, checked):
        self.checked = checked
        self.syntax: ast.Policy = checked.policy
        self.types: dict = checked.types
        self.fields: dict[str, M.Field] = {
            name: M.Field(name, t, f.label, f.span, i, f.judgement and f.judgement.by, f.judgement and f.judgement.note)
            for i, (name, (f, t)) in enumerate(checked.fields.items())}
        self.rules: dict[str, M.Rule] = {}
        self.gates: dict[str, M.Gate] = {}

    # ------------------------------------------------------------ policy
    def policy(self) -> M.Policy:
        header = self.syntax.header
        for name, rule in self.checked.rules.items():
            self.rules[name] = self.rule(rule, len(self.rules))
        return M.Policy(
            title=header.title, insurer=header.insurer, care_type=header.care_type,
            valid_from=getattr(header.valid_from, "value", None),
            valid_until=getattr(header.valid_until, "value", None),
            source=header.source, note=header.note, filename=self.syntax.filename, text=self.syntax.text,
            fields=self.fields, rules=self.rules, gates=tuple(self.gates.values()),
            examples=tuple(self.example(e) for e in self.syntax.examples))

    # ------------------------------------------------------------ rules
    def gate(self, name: str, meta: ast.Meta) -> M.Gate | None:
        if meta.applicable is None:
            return None
        if name not in self.gates:
            self.gates[name] = M.Gate(name, self.expr(meta.applicable), meta.applicable.span)
        return self.gates[name]

    def common(self, rule, index: int) -> dict:
        node = rule.node
        group = self.checked.rules[rule.group].node if rule.group else None
        gates = [g for g in ((self.gate(group.name, group.meta) if group else None),
                             self.gate(node.name, node.meta)) if g is not None]
        source = node.meta.source or (group.meta.source if group else None) or self.syntax.header.source
        deps = frozenset(d for d in rule.deps if d in self.checked.rules)
        inputs = frozenset().union(*(g.condition.inputs for g in gates), *(self.rules[d].inputs for d in deps),
                                   (d for d in rule.deps if d in self.fields))
        bound = node.meta.bound or (group.meta.bound if group else None)
        return {"name": node.name, "title": getattr(node, "title", None), "source": source, "note": node.meta.note,
                "gates": tuple(gates), "deps": deps, "inputs": inputs, "span": node.span, "index": index,
                "quotes": tuple(q.text for q in node.meta.quotes),
                "quote_spans": tuple(q.span for q in node.meta.quotes),
                "bound": M.Party(bound.party) if bound else None}

    def rule(self, rule, index: int) -> M.Rule:
        node, common = rule.node, self.common(rule, index)
        if rule.kind == "eis":
            strength = M.Strength.HARD if node.strength == "vereist" else M.Strength.SOFT
            return M.Requirement(condition=self.expr(node.condition), group=rule.group, type=T.JANEE,
                                 exceptions=tuple(M.Exception_(e.words, self.expr(e.condition), e.span)
                                                  for e in node.exceptions), strength=strength, **common)
        if rule.kind == "groep":  # only the hard eisen decide the group; the soft ones are advice
            return M.Group(members=tuple(r.name for r in node.requirements if r.strength == "vereist"),
                           advice=tuple(r.name for r in node.requirements if r.strength != "vereist"),
                           type=T.JANEE, **common)
        if rule.kind in ("berekening", "bevoegdheid"):
            if node.power is not None and common["bound"] is None:  # a power is the insurer's unless said
                common["bound"] = M.Party.VERZEKERAAR
            return M.Calculation(expr=self.expr(node.expr), type=_typed(rule.type, rule.name), power=node.power,
                                 **common)
        if rule.kind == "beslissing":
            rows = tuple(M.Row(i, self.expr(r.condition), self.expr(r.outcome), r.source, r.span,
                               *_quotes(r)) for i, r in enumerate(node.rows))
            otherwise = node.otherwise and M.Row(len(rows), None, self.expr(node.otherwise.outcome),
                                                 node.otherwise.source, node.otherwise.span, *_quotes(node.otherwise))
            return M.Decision(hit_policy=M.HitPolicy(node.hit_policy), rows=rows, otherwise=otherwise or None,
                              type=_typed(rule.type, rule.name), **common)
        if rule.kind == "termijn":
            return self.timeline(node, common)
        raise TypeError(f"unknown rule kind {rule.kind}")

    def timeline(self, node: ast.Timeline, common: dict) -> M.Timeline:
        kind = M.TimelineKind(node.kind)
        args = [self.expr(a) for a in node.args]
        start = end = base = None
        if kind in (M.TimelineKind.UITERLIJK, M.TimelineKind.VOOR, M.TimelineKind.OP):
            end = args[0]
        elif kind is M.TimelineKind.NIET_VOOR:
            start = args[0]
        elif kind is M.TimelineKind.BINNEN:
            base = start = args[1]
            end = self.shift(args[1], args[0], +1, node.span)
        elif kind is M.TimelineKind.TEN_MINSTE_VOOR:
            base = args[1]
            end = self.shift(args[1], args[0], -1, node.span)
        else:
            start, end = args
        strict = kind in (M.TimelineKind.VOOR, M.TimelineKind.VAN_TOT)
        return M.Timeline(subject=self.expr(node.subject), words=kind, start=start, end=end, base=base,
                          strict=strict, exact=kind is M.TimelineKind.OP, type=T.JANEE, **common)

    # ------------------------------------------------------------ examples
    def example(self, example: ast.Example) -> M.Example:
        givens = {}
        peil = None
        for given in example.givens:
            if given.name == "peildatum":
                peil = literal_value(given.value)
            else:
                givens[given.name] = literal_value(given.value, self.fields[given.name].type)
        expectations = []
        for e in example.expectations:
            rule = self.rules[e.name]
            if e.status is not None or e.value is None:  # the parser gives either a status or a value
                value, text = None, e.status or ""
            else:
                value, text = literal_value(e.value, getattr(rule, "type", None)), e.value.text
            expectations.append(M.Expectation(e.name, M.Status(e.status) if e.status else None, value, text, e.span))
        return M.Example(example.title, givens, peil, tuple(expectations), example.meta.source, example.span)

    # ------------------------------------------------------------ expressions
    def type_of(self, node) -> T.Type:
        t = self.types.get(node)
        if t is None:
            raise TypeError(f"untyped expression at {node.span}: the checker must type every expression")
        return t

    def shift(self, base: E.Expr, amount: E.Expr, direction: int, span) -> E.Shift:
        unit = _unit(amount.type)
        return E.Shift(base, amount, direction, unit, base.type if unit != "seconden" else T.TIJDSTIP, span,
                       base.inputs | amount.inputs)

    def expr(self, node) -> E.Expr:
        method = _LOWERINGS.get(type(node))
        if method is None:  # every expression class of the syntax tree has a lowering; a missing one is a bug
            raise TypeError(f"no lowering for {type(node).__name__}")
        return method(self, node)

    def many(self, nodes) -> tuple[tuple[E.Expr, ...], frozenset[str]]:
        lowered = tuple(self.expr(n) for n in nodes)
        return lowered, frozenset().union(*(e.inputs for e in lowered))

    def x_Name(self, node: ast.Name) -> E.Expr:
        if node.name in self.fields:
            return E.Input(node.name, self.fields[node.name].type, node.span, frozenset((node.name,)))
        rule = self.rules[node.name]
        seen = T.JANEE if rule.kind in _YES_NO_KINDS else _typed(getattr(rule, "type", None), rule.name)
        return E.RuleRef(node.name, seen, node.span, rule.inputs)

    def x_Satisfies(self, node: ast.Satisfies) -> E.Expr:
        rule = self.rules[node.name]
        ref = E.RuleRef(node.name, T.JANEE, node.span, rule.inputs)
        return E.Not(ref, T.JANEE, node.span, ref.inputs) if node.negated else ref

    def x_Peildatum(self, node: ast.Peildatum) -> E.Expr:
        return E.Peildatum(T.DATUM, node.span)

    def x_Literal(self, node: ast.Literal) -> E.Expr:
        t = self.type_of(node)
        value: Any = node.value
        if isinstance(node.value, tuple):  # a duur: (amount, unit)
            value = T.duration_count(*node.value)
        elif t == T.AANTAL and isinstance(node.value, Decimal):
            value = int(node.value)
        return E.Const(value, t, node.text, node.span)

    def x_Compare(self, node: ast.Compare) -> E.Expr:
        left, right = self.expr(node.left), self.expr(node.right)
        moments = left.type.kind in T.MOMENTS or right.type.kind in T.MOMENTS
        return E.Compare(node.op, node.words, left, right, moments, T.JANEE, node.span, left.inputs | right.inputs)

    def x_Member(self, node: ast.Member) -> E.Expr:
        (operand, *options), inputs = self.many((node.operand, *node.options))
        return E.Member(operand, tuple(options), node.negated, T.JANEE, node.span, inputs)

    def x_Between(self, node: ast.Between) -> E.Expr:
        (operand, low, high), inputs = self.many((node.operand, node.low, node.high))
        return E.Between(operand, low, high, node.high_inclusive, node.words, T.JANEE, node.span, inputs)

    def x_Each(self, node: ast.Each) -> E.Expr:
        (collection, right), inputs = self.many((node.collection, node.right))
        return E.Each(collection, node.op, node.words, right, T.JANEE, node.span, inputs)

    def x_Weekly(self, node: ast.Weekly) -> E.Expr:
        operand = self.expr(node.operand)
        return E.Weekly(operand, tuple(node.days), node.start, node.end, node.end_inclusive, node.words,
                        T.JANEE, node.span, operand.inputs)

    def x_BoolOp(self, node: ast.BoolOp) -> E.Expr:
        items, inputs = self.many(node.items)
        cls = E.And if node.op == "en" else E.Or
        return cls(items, T.JANEE, node.span, inputs)

    def x_Not(self, node: ast.Not) -> E.Expr:
        operand = self.expr(node.operand)
        return E.Not(operand, T.JANEE, node.span, operand.inputs)

    def x_Arith(self, node: ast.Arith) -> E.Expr:
        left, right = self.expr(node.left), self.expr(node.right)
        t = self.type_of(node)
        if left.type.kind in T.MOMENTS and right.type.kind == "duur":
            shifted = self.shift(left, right, -1 if node.op == "-" else +1, node.span)
            return E.Shift(shifted.base, shifted.amount, shifted.direction, shifted.unit, t, node.span,
                           shifted.inputs)
        if left.type.kind in T.MOMENTS and right.type.kind in T.MOMENTS:
            return E.MomentDiff(left, right, _unit(t), t, node.span, left.inputs | right.inputs)
        return E.Arith(node.op, left, right, t, node.span, left.inputs | right.inputs)

    def x_Neg(self, node: ast.Neg) -> E.Expr:
        operand = self.expr(node.operand)
        return E.Neg(operand, self.type_of(node), node.span, operand.inputs)

    def x_PercentOf(self, node: ast.PercentOf) -> E.Expr:
        (percent, base), inputs = self.many((node.percent, node.base))
        return E.PercentOf(percent, base, self.type_of(node), node.span, inputs)

    def x_Shift(self, node: ast.Shift) -> E.Expr:
        base, amount = self.expr(node.base), self.expr(node.amount)
        return E.Shift(base, amount, node.direction, _unit(amount.type), self.type_of(node), node.span,
                       base.inputs | amount.inputs)

    def x_DayOf(self, node: ast.DayOf) -> E.Expr:
        base = self.expr(node.base)
        return E.DayOf(node.number, base, self.type_of(node), node.span, base.inputs)

    def x_Aggregate(self, node: ast.Aggregate) -> E.Expr:
        operand = self.expr(node.operand)
        bound = self.expr(node.where_bound) if node.where_bound is not None else None
        inputs = operand.inputs | (bound.inputs if bound is not None else frozenset())
        return E.Aggregate(node.func, operand, node.where_op, node.where_words, bound, self.type_of(node),
                           node.span, inputs)

    def x_Round(self, node: ast.Round) -> E.Expr:
        operand = self.expr(node.operand)
        if node.places is None:  # the parser reports a number of decimals that is not whole
            raise TypeError(f"rounding without a number of decimals at {node.span}")
        return E.Round(operand, node.places, E.RoundMode(node.mode), node.words, self.type_of(node), node.span,
                       operand.inputs)


# The lowering of each expression class of the syntax tree (tests check that none is missing).
_LOWERINGS: dict[type, Callable[[_Lowering, Any], E.Expr]] = {
    ast.Name: _Lowering.x_Name, ast.Satisfies: _Lowering.x_Satisfies, ast.Peildatum: _Lowering.x_Peildatum,
    ast.Literal: _Lowering.x_Literal, ast.Compare: _Lowering.x_Compare, ast.Member: _Lowering.x_Member,
    ast.Between: _Lowering.x_Between, ast.Each: _Lowering.x_Each, ast.Weekly: _Lowering.x_Weekly,
    ast.BoolOp: _Lowering.x_BoolOp, ast.Not: _Lowering.x_Not, ast.Arith: _Lowering.x_Arith,
    ast.Neg: _Lowering.x_Neg, ast.PercentOf: _Lowering.x_PercentOf, ast.Shift: _Lowering.x_Shift,
    ast.DayOf: _Lowering.x_DayOf, ast.Aggregate: _Lowering.x_Aggregate, ast.Round: _Lowering.x_Round,
}
LOWERED_CLASSES = frozenset(_LOWERINGS)
