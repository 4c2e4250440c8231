"""The normal form of what a rule means, for comparing two versions of it (or two policies).

Contract: `Normaliser(text, names)` turns a core rule, row, gate condition or expression into a
normal form: nested tuples whose leaves are `Written` values (the written constants: their type's
kind, runtime value, how they were written and on which line). `shape(form)` is the form with
every written value replaced by a marker of its kind; `written(form)` lists the written values in
the order of the form. Two parts whose normal forms are equal give the same outcome for every
complete case of the solver's domain (`dsl.analysis.smt`: an amount in whole cents, a count or a
duration in whole units, a date in whole days, a moment in whole seconds); two with the same shape
differ at most in their written values, which the caller can list one by one.

What the normal form leaves out or puts in one order:
  - how something is written: places, titles, sources, notes, quotes, the party a rule binds, and
    the words of a keyword (`tenminste` is `ten minste`, `met uitzondering van` is `tenzij`,
    `zes maanden` is `6 maanden`: the value counts, not its spelling);
  - the comparison a written value bounds belongs to the value (`groter dan € 5` against `ten
    minste € 7` is one changed bound, not a changed structure);
  - which side a written value stands on (`€ 5 is kleiner dan x` is `x is groter dan € 5`);
  - a strict bound on a gegeven counted in whole steps becomes the inclusive one a step further
    (`omzet is groter dan € 250.000` is `omzet is ten minste € 250.000,01`); a percentage or a
    getal has no smallest step, so there the two stay different;
  - `niet` before a comparison turns the comparison round (`niet (x is ten minste 5)` is `x is
    kleiner dan 5`, unknown staying unknown), and `niet niet a` is `a`; `x is onbekend`, `x is
    niet bekend` and `niet (x is bekend)` are one form;
  - the order of the items of `en` and `of` (Kleene's tables are symmetric), of the options of
    `is een van`, of the `tenzij`s of an eis, of the eisen of a group, and of the rows of a
    decision where their order changes nothing (`HitPolicy.row_order_matters`: under `uniek`,
    `om het even`, `som`, `aantal`, `minimum`, `maximum` every row is tested); under `eerste
    treffer`, `voorrang` and the lists in rule order the order of the rows counts;
  - which table an outcome of a beslissing with several outcomes belongs to (display only).
`names` renames gegevens and rules (old name → new name) so that a rule of one policy can be
compared with a rule of another (`dsl.analysis.mapping`).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, assert_never

import attrs

from dsl.core import expr as E
from dsl.core.model import Decision, Rule
from dsl.span import Span
from dsl.types import Type

__all__ = ["Normaliser", "Written", "key", "same_form", "shape", "written"]

# What two versions may differ in without the meaning changing (see the module docstring); gates
# are compared on their own, what is derived (types, inputs, dependencies) follows the rest.
_IGNORED = frozenset({"span", "title", "source", "note", "gates", "deps", "inputs", "index", "type", "group",
                      "text", "quotes", "quote_spans", "bound", "words", "where_words", "name", "amendment",
                      "declared", "table", "outputs"})
_UNORDERED = frozenset({"exceptions", "members", "advice"})
_FLIPPED = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "==", "!=": "!="}
_NEGATED = {"<": ">=", "<=": ">", ">": "<=", ">=": "<", "==": "!=", "!=": "=="}


@attrs.frozen
class Written:
    """A written value in a normal form: compared on `kind` and `value`; `shown` (how the author
    wrote it, with the words of the comparison it bounds) and `line` are for the report."""

    kind: str
    value: Any
    shown: str = attrs.field(eq=False)
    line: int = attrs.field(eq=False)
    op: str = ""    # the comparison it bounds (< <= > >= == !=), after normalising


def _step(t: Type) -> Any:
    """The smallest step between two values of a gegeven of type `t` in the solver's domain, or
    None when values are not counted in steps (percentage, getal, ...)."""
    return {"bedrag": Decimal("0.01"), "aantal": 1, "duur": 1, "datum": timedelta(days=1),
            "tijdstip": timedelta(seconds=1)}.get(t.kind)


def _stepped(value: Any, step: Any, up: bool) -> Any:
    """`value` one `step` up or down, or None when that is not a value of the same kind."""
    if isinstance(value, bool) or not isinstance(value, (int, Decimal, date)):
        return None
    if isinstance(value, date) != isinstance(step, timedelta):
        return None
    if isinstance(value, date) and not isinstance(value, datetime) and step != timedelta(days=1):
        return None
    try:
        return value + step if up else value - step
    except (OverflowError, ArithmeticError):
        return None


class Normaliser:
    """Normal forms of the parts of one policy (see the module docstring)."""

    def __init__(self, text: str = "", names: Mapping[str, str] | None = None):
        self.text, self.names = text, dict(names or {})

    # ------------------------------------------------------------ rules and their parts
    def rule(self, rule: Rule) -> Any:
        """A rule without its gates (see `gate`)."""
        return self._node(rule)

    def part(self, node: Any) -> Any:
        """Any part: a rule, a row, an expression, None."""
        return self._any(node, "")

    def _node(self, node: Any) -> Any:
        out: list[Any] = [type(node).__name__]
        for field in attrs.fields(type(node)):
            if field.name in _IGNORED:
                continue
            value = self._any(getattr(node, field.name), field.name)
            if field.name in _UNORDERED or (field.name == "rows" and _unique(node)):
                value = tuple(sorted(value, key=key))
            out.append(value)
        return tuple(out)

    def _any(self, value: Any, field: str) -> Any:
        if isinstance(value, E.EXPR_CLASSES):
            return self.expr(value)  # type: ignore[arg-type]  # (isinstance over the union's classes)
        if isinstance(value, tuple):
            return tuple(self._any(v, field) for v in value)
        if isinstance(value, frozenset):
            return tuple(sorted(value, key=repr))
        if isinstance(value, Span):   # where something is written is never its meaning
            return None
        if isinstance(value, enum.Enum):
            return str(value.value)
        if field in _UNORDERED and isinstance(value, str):
            return self.names.get(value, value)
        if attrs.has(type(value)) and not isinstance(value, (Span, Type)):
            return self._node(value)
        return value

    # ------------------------------------------------------------ expressions
    def expr(self, node: E.Expr) -> Any:
        match node:
            case E.Const():
                return Written(node.type.kind, node.value, node.text, node.span.line)
            case E.Input():
                return ("gegeven", self.names.get(node.name, node.name))
            case E.RuleRef():
                return ("regel", self.names.get(node.name, node.name))
            case E.Peildatum():
                return ("peildatum",)
            case E.Compare():
                return self._compare(node.op, node.left, node.right, node)
            case E.And() | E.Or():
                return (type(node).__name__, *sorted(self._flat(node), key=key))
            case E.Not():
                return self._not(node)
            case E.Known():   # `is onbekend` and `is niet bekend` mean the same
                return ("Known", node.negated, self.expr(node.operand))
            case E.Member():
                options = tuple(sorted((self.expr(o) for o in node.options), key=key))
                return ("Member", node.negated, self.expr(node.operand), options)
            case (E.Between() | E.Each() | E.Weekly() | E.Arith() | E.Neg() | E.PercentOf() | E.Shift()
                  | E.MomentDiff() | E.DayOf() | E.Aggregate() | E.Round() | E.YearDate() | E.Versions()
                  | E.ListOf() | E.YearValue() | E.OnDay() | E.Throughout() | E.PeriodDay()):
                return self._node(node)
            case _:
                assert_never(node)

    def _flat(self, node: E.And | E.Or) -> list[Any]:
        """The items of nested `en`s (or nested `of`s) as one list."""
        out = []
        for item in node.items:
            if type(item) is type(node):
                out.extend(self._flat(item))
            else:
                out.append(self.expr(item))
        return out

    def _not(self, node: E.Not) -> Any:
        inner = node.operand
        match inner:
            case E.Not():
                return self.expr(inner.operand)
            case E.Compare():
                return self._compare(_NEGATED[inner.op], inner.left, inner.right, inner, negated=True)
            case E.Member():
                options = tuple(sorted((self.expr(o) for o in inner.options), key=key))
                return ("Member", not inner.negated, self.expr(inner.operand), options)
            case E.Known():
                return ("Known", not inner.negated, self.expr(inner.operand))
        return ("Not", self.expr(inner))

    def _compare(self, op: str, left: E.Expr, right: E.Expr, node: E.Compare, negated: bool = False) -> Any:
        if isinstance(left, E.Const) and not isinstance(right, E.Const):
            op, left, right = _FLIPPED[op], right, left
        if not isinstance(right, E.Const):
            return ("Compare", op, node.moments, self.expr(left), self.expr(right))
        value = right.value
        step = _step(left.type) if isinstance(left, E.Input) else None
        if step is not None and op in ("<", ">"):
            moved = _stepped(value, step, up=op == ">")
            if moved is not None:
                op, value = op + "=", moved
        words = ("niet " if negated else "") + node.words
        shown = f"{words} {right.text}" if node.right is right else self._snippet(node.span)
        return ("Compare", node.moments, self.expr(left), Written(right.type.kind, value, shown, right.span.line, op))

    def _snippet(self, span: Span) -> str:
        from dsl.analysis.coverage import snippet

        return snippet(self.text, span) if self.text else ""


def _unique(node: Any) -> bool:
    """Whether the order of a decision's rows means nothing (`HitPolicy.row_order_matters`)."""
    return isinstance(node, Decision) and not node.hit_policy.row_order_matters


def shape(form: Any) -> Any:
    """The form with each written value replaced by a marker of its kind."""
    if isinstance(form, Written):
        return ("waarde", form.kind)
    if isinstance(form, tuple):
        return tuple(shape(f) for f in form)
    return form


def written(form: Any) -> list[Written]:
    """The written values of a form, in its order."""
    out: list[Written] = []
    stack = [form]
    while stack:
        current = stack.pop()
        if isinstance(current, Written):
            out.append(current)
        elif isinstance(current, tuple):
            stack.extend(reversed(current))
    return out


def key(form: Any) -> str:
    """A total order on forms (for the parts whose order does not count)."""
    return repr((shape(form), [(w.kind, w.op, _plain(w.value)) for w in written(form)]))


def _plain(value: Any) -> Any:
    """One spelling per value: € 250.000 and € 250.000,00 are the same Decimal."""
    return value.normalize() if isinstance(value, Decimal) and value.is_finite() else value


def same_form(a: Any, b: Any) -> bool:
    """Whether two normal forms are equal: the same shape and the same written values."""
    return shape(a) == shape(b) and written(a) == written(b)

