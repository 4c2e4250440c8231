"""The typed expressions of the core model: a closed union every back end matches exhaustively.

Contract: every node is frozen, compared by identity (a node *is* one place in the policy, so it
can key a trace or a cache), and carries
  - `type`: its value type (`dsl.types.Type`), decided once by the checker;
  - `span`: where it stands in the policy text;
  - `inputs`: the gegevens it reads, directly or through the rules it refers to.
Names are resolved: a gegeven is an `Input`, another rule's value a `RuleRef` (for an eis, a
group or a termijn that value is ja/nee: voldaan, gehaald and niet van toepassing count as ja).
Literals are normalised: a duration is a whole count in its family's base unit (days, calendar
months, seconds, working days), a whole number compared with an aantal is an `int`. Date
arithmetic is explicit: `Shift` moves a moment by a duration of one calendar (the unit says which),
`MomentDiff` measures between two moments. Nothing here refers to the syntax tree.

`Expr` is the union of all node classes; `match` on it with `assert_never` in the last arm, so
a new node class is a type error in every back end that forgets it.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any, Union

import attrs

from dsl.span import Span
from dsl.types import Type


@attrs.frozen(slots=True, eq=False)
class Input:
    """A gegeven of the case."""

    name: str
    type: Type
    span: Span
    inputs: frozenset[str]


@attrs.frozen(slots=True, eq=False)
class RuleRef:
    """The value of another rule as other rules see it (ja/nee for eis, groep and termijn)."""

    name: str
    type: Type
    span: Span
    inputs: frozenset[str]


@attrs.frozen(slots=True, eq=False)
class Peildatum:
    """The evaluation date of a case."""

    type: Type
    span: Span
    inputs: frozenset[str] = frozenset()


@attrs.frozen(slots=True, eq=False)
class Const:
    """A written value, normalised to its runtime form; `text` is how the author wrote it."""

    value: Any
    type: Type
    text: str
    span: Span
    inputs: frozenset[str] = frozenset()


@attrs.frozen(slots=True, eq=False)
class Compare:
    """`left op right`; `op` is one of < <= > >= == !=, `words` the Dutch phrase written.
    `moments` is true when both sides are dates or date-times (a date against a date-time on
    the same day cannot be decided)."""

    op: str
    words: str
    left: Expr
    right: Expr
    moments: bool
    type: Type
    span: Span
    inputs: frozenset[str]


@attrs.frozen(slots=True, eq=False)
class Member:
    operand: Expr
    options: tuple[Expr, ...]
    negated: bool
    type: Type
    span: Span
    inputs: frozenset[str]


@attrs.frozen(slots=True, eq=False)
class Between:
    """`operand` from `low` (included) to `high` (included when `high_inclusive`)."""

    operand: Expr
    low: Expr
    high: Expr
    high_inclusive: bool
    words: str
    type: Type
    span: Span
    inputs: frozenset[str]


@attrs.frozen(slots=True, eq=False)
class Each:
    """Every element of a list satisfies `op right` (Kleene: unknown if one is unknown)."""

    collection: Expr
    op: str
    words: str
    right: Expr
    type: Type
    span: Span
    inputs: frozenset[str]


@attrs.frozen(slots=True, eq=False)
class Weekly:
    """A moment falls on one of `days` (weekday numbers, Monday 0) and, when `start` is set,
    within the time of day `start`..`end` (seconds after midnight)."""

    operand: Expr
    days: tuple[int, ...]
    start: int | None
    end: int | None
    end_inclusive: bool
    words: str
    type: Type
    span: Span
    inputs: frozenset[str]

    @property
    def mask(self) -> int:
        return sum(1 << day for day in self.days)


@attrs.frozen(slots=True, eq=False)
class And:
    """Kleene conjunction: false as soon as one item is false, unknown if one is unknown."""

    items: tuple[Expr, ...]
    type: Type
    span: Span
    inputs: frozenset[str]


@attrs.frozen(slots=True, eq=False)
class Or:
    """Kleene disjunction: true as soon as one item is true, unknown if one is unknown."""

    items: tuple[Expr, ...]
    type: Type
    span: Span
    inputs: frozenset[str]


@attrs.frozen(slots=True, eq=False)
class Not:
    operand: Expr
    type: Type
    span: Span
    inputs: frozenset[str]


@attrs.frozen(slots=True, eq=False)
class Arith:
    """Numeric, money or percentage arithmetic (`+ - * /`); a division by zero is unknown."""

    op: str
    left: Expr
    right: Expr
    type: Type
    span: Span
    inputs: frozenset[str]


@attrs.frozen(slots=True, eq=False)
class Neg:
    operand: Expr
    type: Type
    span: Span
    inputs: frozenset[str]


@attrs.frozen(slots=True, eq=False)
class PercentOf:
    """`percent % van base` = percent × base / 100."""

    percent: Expr
    base: Expr
    type: Type
    span: Span
    inputs: frozenset[str]


@attrs.frozen(slots=True, eq=False)
class Shift:
    """A moment moved by a duration: `base + direction × amount` counted in `unit`, the base
    unit of the duration's family ("dagen", "maanden" (calendar months, the day clamped to a
    short month's end), "seconden", "werkdagen" (Algemene termijnenwet))."""

    base: Expr
    amount: Expr
    direction: int
    unit: str
    type: Type
    span: Span
    inputs: frozenset[str]


@attrs.frozen(slots=True, eq=False)
class MomentDiff:
    """`left - right` for two moments, in whole "dagen" or in "seconden"."""

    left: Expr
    right: Expr
    unit: str
    type: Type
    span: Span
    inputs: frozenset[str]


@attrs.frozen(slots=True, eq=False)
class DayOf:
    """Day `number` of a period starting on `base` (the start day is day 1)."""

    number: int
    base: Expr
    type: Type
    span: Span
    inputs: frozenset[str]


@attrs.frozen(slots=True, eq=False)
class Aggregate:
    """`func` ("som", "aantal", "minimum", "maximum", "gemiddelde") over a list, optionally
    only over the elements that pass `where_op where_bound`."""

    func: str
    operand: Expr
    where_op: str | None
    where_words: str | None
    where_bound: Expr | None
    type: Type
    span: Span
    inputs: frozenset[str]


Expr = Union[Input, RuleRef, Peildatum, Const, Compare, Member, Between, Each, Weekly,  # noqa: UP007
             And, Or, Not, Arith, Neg, PercentOf, Shift, MomentDiff, DayOf, Aggregate]
EXPR_CLASSES: tuple[type, ...] = Expr.__args__  # type: ignore[attr-defined]

# Nodes whose value is known without evaluating anything: the case's own facts and written values.
LEAVES = (Input, Peildatum, Const)


def children(expr: Expr) -> tuple[Expr, ...]:
    """The direct sub-expressions of a node, in the order they are written."""
    match expr:
        case Input() | RuleRef() | Peildatum() | Const():
            return ()
        case And(items=items) | Or(items=items):
            return items
        case Compare() | Arith():
            return (expr.left, expr.right)
        case MomentDiff():
            return (expr.left, expr.right)
        case Member():
            return (expr.operand, *expr.options)
        case Between():
            return (expr.operand, expr.low, expr.high)
        case Each():
            return (expr.collection, expr.right)
        case Weekly() | Not() | Neg():
            return (expr.operand,)
        case PercentOf():
            return (expr.percent, expr.base)
        case Shift():
            return (expr.base, expr.amount)
        case DayOf():
            return (expr.base,)
        case Aggregate():
            return (expr.operand,) if expr.where_bound is None else (expr.operand, expr.where_bound)
    raise TypeError(f"not a core expression: {type(expr).__name__}")


def walk(expr: Expr) -> Iterator[Expr]:
    """Every node of an expression, depth first, parents before children (iteratively, so a
    deeply nested expression cannot exhaust Python's stack)."""
    stack = [expr]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(reversed(children(current)))


def constant_value(expr: Expr) -> Any:
    """The value of an expression made of written values only (`€ 2.500.000`, `6,37% + 1,4%`,
    `-3`), or None when it depends on the case."""
    match expr:
        case Const():
            return expr.value
        case Neg():
            inner = constant_value(expr.operand)
            return None if inner is None else -inner
        case Arith():
            a, b = constant_value(expr.left), constant_value(expr.right)
            if a is None or b is None:
                return None
            if expr.op == "/":
                return None if b == 0 else Decimal(a) / Decimal(b)
            return {"+": a + b, "-": a - b, "*": a * b}[expr.op]
        case PercentOf():
            p, b = constant_value(expr.percent), constant_value(expr.base)
            return None if p is None or b is None else p * b / 100
    return None
