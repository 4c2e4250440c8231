"""Checks across rules: one boundary drawn differently by two rules, and an eis and a decision
row that state the same condition with other boundaries (a mixin of `checks._Checks`).

Contract:
  bounds(model)        every comparison of a gegeven against a constant (`dsl.analysis.thresholds
                       .constant`: a written value, arithmetic over constants, a constant
                       berekening) in a rule's own `van toepassing als`, condition, exceptions or
                       decision rows, as a `Bound`: which side of the split the constant itself is
                       on. `ten minste c` and `kleiner dan c` put c in the upper band, `groter dan c`
                       and `ten hoogste c` in the lower one (a negation does not move the split).
  skeleton(expr)       the shape of a condition with its boundaries left out: the gegevens, the
                       direction of each comparison, keuze values and rule references stay.
  check_boundaries()   finding "grens": the same gegeven split at the same constant with the
                       constant on different sides in different rules (the 001 case: `groter dan
                       € 300.000` in an eis, `ten minste € 300.000` in the table), one finding per
                       gegeven and constant naming every rule on each side, with the value where
                       they disagree as its case. A rule that puts the constant on both sides is
                       inconsistent in itself (a gap or overlap of its own) and is left out.
  check_same_conditions()  finding "andere_grenzen": an eis and a decision row whose conditions
                       have the same skeleton (of at least two comparisons or tests) but are not
                       equivalent (z3), with a case on which one holds and the other does not. Pairs
                       whose only difference is the strictness at one constant are the "grens"
                       check's, and equivalent bounds (`groter dan € 250.000` and `ten minste
                       € 250.000,01`) are no finding.
Both compare rules, never rows of one decision with each other (that is the gap/overlap check).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import attrs
import z3

from dsl.analysis.findings import Region, show_value
from dsl.analysis.solving import CheckContext
from dsl.analysis.thresholds import constant, own_gate
from dsl.case import written
from dsl.core import expr as E
from dsl.core.expr import children, walk
from dsl.core.model import Decision, Policy, Requirement, Rule
from dsl.span import Span

__all__ = ["Bound", "CrossRuleChecks", "bounds", "conditions", "skeleton"]

_ORDERED = ("bedrag", "percentage", "getal", "aantal", "datum", "tijdstip", "duur")
_FLIP = {"<": ">", "<=": ">=", ">": "<", ">=": "<="}
_UPPER = {">=": True, "<": True, ">": False, "<=": False}   # is the constant in the upper band?


@attrs.frozen
class Bound:
    """`field` split at `value`; `upper`: the value itself belongs to the upper band."""

    rule: str
    where: str
    field: str
    value: Any
    upper: bool
    words: str
    span: Span
    node: Any = attrs.field(eq=False, repr=False)   # the Compare (or Between) it comes from


def conditions(rule: Rule) -> Iterator[tuple[str, E.Expr]]:
    """(label, condition) for the rule's own gate, its condition and exceptions, its rows."""
    gate = own_gate(rule)
    if gate is not None:
        yield "van toepassing als", gate
    if isinstance(rule, Requirement):
        yield "eis", rule.condition
        for k, exc in enumerate(rule.exceptions):
            yield f"uitzondering {k + 1}", exc.condition
    elif isinstance(rule, Decision):
        for j, row in enumerate(rule.rows):
            if row.condition is not None:
                yield f"rij {j + 1}", row.condition


def _key(value) -> tuple:
    if isinstance(value, datetime):
        return ("moment", value.toordinal() * 86400 + value.hour * 3600 + value.minute * 60 + value.second)
    if isinstance(value, date):
        return ("moment", value.toordinal() * 86400)
    return ("getal", Decimal(value)) if isinstance(value, (int, Decimal)) and not isinstance(value, bool) else ("", value)


def _compare_bounds(node: E.Compare, model: Policy) -> Iterator[tuple[str, Any, bool]]:
    if node.op not in _UPPER:
        return
    for field, other, op in ((node.left, node.right, node.op), (node.right, node.left, _FLIP[node.op])):
        value = constant(other, model)
        if isinstance(field, E.Input) and field.type.kind in _ORDERED and value is not None \
                and not isinstance(value, (bool, str)):
            yield field.name, value, _UPPER[op]


def _between_bounds(node: E.Between, model: Policy) -> Iterator[tuple[str, Any, bool]]:
    if not (isinstance(node.operand, E.Input) and node.operand.type.kind in _ORDERED):
        return
    low, high = constant(node.low, model), constant(node.high, model)
    if low is not None:
        yield node.operand.name, low, True
    if high is not None:
        yield node.operand.name, high, not node.high_inclusive


def bounds(model: Policy) -> list[Bound]:
    """Every `Bound` of the model, in rule order (see the module docstring)."""
    out = []
    for rule in model.rules.values():
        for where, condition in conditions(rule):
            for node in walk(condition):
                if isinstance(node, E.Compare):
                    found = _compare_bounds(node, model)
                elif isinstance(node, E.Between):
                    found = _between_bounds(node, model)
                else:
                    continue
                out += [Bound(rule.name, where, f, v, up, node.words, node.span, node) for f, v, up in found]
    return out


def skeleton(node: E.Expr) -> Any:
    """The shape of a condition without its boundaries (see the module docstring)."""
    match node:
        case E.Const():
            kind = node.type.kind if node.type is not None else None
            return "#" if kind in _ORDERED else ("const", repr(node.value))
        case E.Input():
            return ("in", node.name)
        case E.RuleRef():
            return ("regel", node.name)
        case E.Compare():
            left, right, op = node.left, node.right, node.op
            if isinstance(left, E.Const) and op in _FLIP:
                left, right, op = right, left, _FLIP[op]
            direction = {"<": "onder", "<=": "onder", ">": "boven", ">=": "boven"}.get(op, op)
            return ("vergelijk", direction, skeleton(left), skeleton(right))
        case E.Between():
            return ("tussen", skeleton(node.operand), skeleton(node.low), skeleton(node.high))
        case E.And() | E.Or():
            return (type(node).__name__, tuple(sorted((skeleton(i) for i in node.items), key=repr)))
        case E.Member():
            return ("lid", node.negated, skeleton(node.operand), tuple(sorted(repr(skeleton(o)) for o in node.options)))
        case _:
            return (type(node).__name__, tuple(skeleton(c) for c in children(node)))


def _atoms(node: E.Expr) -> int:
    """How many comparisons, tests and yes/no facts a condition combines."""
    if isinstance(node, (E.And, E.Or)):
        return sum(_atoms(i) for i in node.items)
    if isinstance(node, E.Not):
        return _atoms(node.operand)
    return 1


def _constants(node: E.Expr) -> list:
    return [_key(n.value) for n in walk(node) if isinstance(n, E.Const) and n.type is not None
            and n.type.kind in _ORDERED]


class CrossRuleChecks(CheckContext):
    """The checks across rules (see the module docstring)."""

    # ------------------------------------------------------------ one boundary, two sides
    def check_boundaries(self) -> None:
        groups: dict[tuple, list[Bound]] = {}
        for b in bounds(self.model):
            groups.setdefault((b.field, _key(b.value)), []).append(b)
        for found in groups.values():
            sides: dict[str, set[bool]] = {}
            for b in found:
                sides.setdefault(b.rule, set()).add(b.upper)
            upper = [r for r, s in sides.items() if s == {True}]
            lower = [r for r, s in sides.items() if s == {False}]
            if upper and lower:
                self.boundary_finding([b for b in found if b.rule in upper or b.rule in lower], upper, lower)

    def boundary_finding(self, found: list[Bound], upper: list[str], lower: list[str]) -> None:
        b0 = found[0]
        field, value = b0.field, b0.value
        t = self.model.fields[field].type
        shown = show_value(self.model, field, value)
        rules = sorted({*upper, *lower}, key=lambda n: self.model.rules[n].index)

        def words(names):
            return "; ".join(f"'{n}' ({', '.join(sorted({b.words for b in found if b.rule == n}))})" for n in names)

        message = (f"De regels trekken de grens bij {field} = {shown} verschillend: in {words(upper)} hoort "
                   f"{shown} bij de bovenkant, in {words(lower)} bij de onderkant. Bij precies {shown} "
                   f"zeggen ze dus iets anders.")
        case = {field: written(value if t.kind != "datum" or not isinstance(value, datetime) else value.date(), t)}
        spans = [(f"{b.rule} ({b.where})", b.span) for b in found]
        self.add("grens", rules[0], message, spans, (case, (field,)), lambda o: self._disagree(o, found),
                 method="regels", others=tuple(rules[1:]), regions=(Region(field, value, value),), trace=True)

    @staticmethod
    def _disagree(outcome, found: list[Bound]) -> bool | None:
        """Whether the traced evaluation shows the comparisons disagree at the split value: an
        upper-band comparison and a lower-band one that both were evaluated, with the value on
        different sides. None when the trace does not show both."""
        seen: dict[bool, set[bool]] = {}
        for b in found:
            if not isinstance(b.node, E.Compare):
                continue
            value = outcome.trace.value_of(b.node, None)
            if isinstance(value, bool):
                op = b.node.op if isinstance(b.node.left, E.Input) else _FLIP[b.node.op]
                in_upper = value if op in (">", ">=") else not value
                seen.setdefault(b.upper, set()).add(in_upper)
        if True not in seen or False not in seen:
            return None
        return seen[True] == {True} and seen[False] == {False}

    # ------------------------------------------------------------ an eis and a row, other bounds
    def check_same_conditions(self) -> None:
        if self.method == "hypothesis":
            return
        shapes: dict[Any, list[tuple[Rule, str, E.Expr]]] = {}
        for rule in self.model.rules.values():
            if isinstance(rule, (Requirement, Decision)):
                for where, condition in conditions(rule):
                    if where != "van toepassing als" and _atoms(condition) >= 2:
                        shapes.setdefault(skeleton(condition), []).append((rule, where, condition))
        for items in shapes.values():
            eisen = [i for i in items if isinstance(i[0], Requirement)]
            rows = [i for i in items if isinstance(i[0], Decision)]
            for eis in eisen:
                for row in rows:
                    if _constants(eis[2]) != _constants(row[2]):
                        self.compare_conditions(eis, row)

    def compare_conditions(self, eis, row) -> None:
        (r1, w1, c1), (r2, w2, c2) = eis, row
        encoded = self.encode(r2, lambda: (self.enc.cond(c1), self.enc.cond(c2)))
        if encoded is None:
            return
        (a, b), guards = encoded
        differ = z3.Xor(a, b)
        found = self.witness(r1.name, *guards, differ)
        if found is None:
            return
        message = (f"Eis '{r1.name}' en {w2} van beslissing '{r2.name}' beschrijven dezelfde voorwaarde met "
                   f"andere grenzen: voor deze casus geldt de ene wel en de andere niet.")
        self.add("andere_grenzen", r1.name, message, [(f"{r1.name} ({w1})", c1.span), (f"{r2.name} ({w2})", c2.span)],
                 found, lambda o: _differ(o, c1, c2), others=(r2.name,), trace=True)


def _differ(outcome, one: E.Expr, other: E.Expr) -> bool | None:
    """Whether two traced conditions had different values (None when one was not evaluated)."""
    a, b = outcome.trace.value_of(one, None), outcome.trace.value_of(other, None)
    if not isinstance(a, bool) or not isinstance(b, bool):
        return None
    return a != b
