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
`MomentDiff` measures between two moments. Rounding is explicit too: `Round` keeps `places`
decimals (of euros for a bedrag, of percent points for a percentage) by a `RoundMode`, and
`round_decimal` is what that means, exactly, for every back end. Dates tied to the calculation
date are explicit too: `YearDate` is a day in the peildatum's year, and `Versions` gives the value
of the version of a rule in force on the peildatum (each version a test of `Peildatum` and a
choice). Nothing here refers to the syntax tree.

`Expr` is the union of all node classes; `match` on it with `assert_never` in the last arm, so
a new node class is a type error in every back end that forgets it.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import (
    ROUND_CEILING,
    ROUND_FLOOR,
    ROUND_HALF_EVEN,
    ROUND_HALF_UP,
    Context,
    Decimal,
    DecimalException,
    DivisionByZero,
    Inexact,
    InvalidOperation,
    Overflow,
)
from typing import Any, Union

import attrs

from dsl.literals import MONTHS
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
class PeriodLength(Compare):
    """`de periode van start tot en met end duurt <words> length`: the length of a period, as a
    comparison. It *is* its meaning, a `Compare` of moments: with E the first day after the period
    (`end` + 1 dag when the last day counts, `tot en met`; `end` itself with `tot`) and S = `start`
    shifted by `length` (calendar months with the end-of-month rule, or days), the period's
    length `op` length iff E `op` S. So with the last day counted, "duurt ten hoogste één jaar"
    is `end < start + 1 jaar`, and in days the length is end - start + 1. `left` is E and `right`
    S: every back end computes it as the comparison it is (a `case Compare()` covers it); a view
    that wants to say "de periode van ... duurt ..." reads `start`, `end`, `end_counted` and
    `length`. `words` is the comparison word as written ("ten hoogste"; "" for none: exactly)."""

    start: Expr
    end: Expr
    end_counted: bool
    length: Expr


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
class Known:
    """Whether `operand` has a value: ja when it is known, nee when it is onbekend (`negated`
    flips that: `x is onbekend`). Never onbekend itself, unlike every other test: the one way to
    turn an unknown value into ja or nee (DMN's meaning of a test on a missing input is
    `x is bekend en <test>`). `words` as written ("is bekend", "is onbekend", "is niet bekend")."""

    operand: Expr
    negated: bool
    words: str
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


@attrs.frozen(slots=True, eq=False)
class YearValue:
    """One calendar year's value of a gegeven with a value per year (`omzet : bedrag per jaar`):
    the year of the peildatum moved by `offset` (-1: the year before; `omzet in het vorige jaar`,
    and each year of `in elk van de afgelopen N jaar` and `... over de afgelopen N jaar`), or the
    calendar year `year` when `offset` is None (`omzet in 2023`). Onbekend when the case gives no
    value for that year (never zero), or without a peildatum for a relative year. `type` is the
    element type; `words` says the year as written or as its phrase stands for it ("in het
    vorige jaar"). The only node that reads a gegeven per jaar: `in elk van de afgelopen 3 jaar:
    c` is the `And` of c with each such gegeven read for offset -1, -2, -3, and `som van omzet
    over de afgelopen 3 jaar` an `Aggregate` over the `ListOf` of those three values."""

    name: str
    offset: int | None
    year: int | None
    words: str
    type: Type
    span: Span
    inputs: frozenset[str]


def history_year(peil: date | None, offset: int | None, year: int | None) -> int | None:
    """The calendar year a `YearValue` reads: `year`, or the peildatum's year moved by `offset`
    (None without a peildatum, or outside the years 1 to 9999)."""
    if offset is None:
        return year
    if peil is None:
        return None
    moved = peil.year + offset
    return moved if 1 <= moved <= 9999 else None


# The first day a plain value of a gegeven per periode holds from: a plain value holds on every day.
EVERY_DAY = date.min


@attrs.frozen(slots=True, eq=False)
class PeriodDay:
    """The day a `Throughout` tests its condition on (a datum): bound by that node, read by the
    `OnDay` nodes in its condition. Compared by identity: each `Throughout` has its own."""

    type: Type
    span: Span
    inputs: frozenset[str] = frozenset()


@attrs.frozen(slots=True, eq=False)
class OnDay:
    """The value of a gegeven per periode (`toelating : ja/nee per periode`) on `day`: the
    `Peildatum` where it is read in an ordinary expression, the `PeriodDay` of the `Throughout`
    around it inside `gedurende ...`. A case gives it as (first day, value) pairs sorted by day; a
    value holds from its day until the next one; before the first day it is onbekend. Without a
    day (no peildatum) it is onbekend unless the history is one value from `EVERY_DAY` (a plain
    value). `type` is the element type; see `value_on`."""

    name: str
    day: Expr
    type: Type
    span: Span
    inputs: frozenset[str]


@attrs.frozen(slots=True, eq=False)
class Throughout:
    """`gedurende de periode van start tot en met end: condition` (`end_counted`; with `tot` the
    day `end` is not in the period): the condition holds on every day of the period, Kleene:
    niet voldaan as soon as it fails on a day in the period, voldaan when it holds on all of them,
    otherwise onbekend. The condition reads the day only through `OnDay(day=self.day)` of the
    gegevens per periode `histories`, so it can change only on their change days: it is evaluated
    on the first day and on each change day after it in the period (`test_days`). A bound onbekend:
    when every history is constant (`is_constant`) the value on any day, else onbekend. An empty
    period (its last day before its first) is onbekend. Also what an eis of a group with
    `gedurende de periode van ...` in its header lowers to. `words` is the period as written."""

    start: Expr
    end: Expr
    end_counted: bool
    day: PeriodDay
    condition: Expr
    histories: tuple[str, ...]
    words: str
    type: Type
    span: Span
    inputs: frozenset[str]


def value_on(history: tuple | None, day: date | None) -> Any:
    """The value a history ((first day, value) pairs sorted by day) holds on `day`: the value of
    the last pair starting on or before it; None (onbekend) before the first, for no history, and
    without a day unless the history is constant."""
    if history is None:
        return None
    if day is None:
        return history[0][1] if is_constant(history) else None
    found = None
    for start, value in history:
        if start > day:
            break
        found = value
    return found


def is_constant(history: tuple | None) -> bool:
    """One value on every day: no history (onbekend every day), or a plain value."""
    return history is None or (len(history) == 1 and history[0][0] == EVERY_DAY)


def last_day(start: date, end: date, end_counted: bool) -> date | None:
    """The last day of the period from `start` to `end` (None when it has no day)."""
    last = end if end_counted else (end - _ONE_DAY if end > date.min else None)
    return last if last is not None and last >= start else None


def test_days(start: date, last: date, histories: tuple) -> list[date]:
    """The days a `Throughout` evaluates its condition on: `start`, and every day after it up to
    `last` on which one of the histories changes, in order."""
    changes = {day for history in histories if history is not None for day, _ in history if start < day <= last}
    return [start, *sorted(changes)]


_ONE_DAY = timedelta(days=1)


@attrs.frozen(slots=True, eq=True, hash=True)
class ListOf:
    """`[a; 2; b]`: the list of its items' values; onbekend when one of them is."""

    items: tuple[Expr, ...]
    type: Type
    span: Span
    inputs: frozenset[str]


class RoundMode(enum.StrEnum):
    """How `afgerond op ...` rounds; the values are the Dutch words."""

    HALF_UP = "rekenkundig"        # a half away from zero: 2,345 -> 2,35 and -2,345 -> -2,35
    UP = "naar boven"              # toward +infinity (ceiling): -2,349 -> -2,34
    DOWN = "naar beneden"          # toward -infinity (floor): -2,341 -> -2,35
    HALF_EVEN = "half naar even"   # a half to the even neighbour: 2,345 -> 2,34, 2,355 -> 2,36

    @property
    def decimal_rounding(self) -> str:
        """The `decimal` module's name of this rounding (its ROUND_HALF_UP is away from zero)."""
        return _DECIMAL_ROUNDING[self]


_DECIMAL_ROUNDING = {RoundMode.HALF_UP: ROUND_HALF_UP, RoundMode.UP: ROUND_CEILING,
                     RoundMode.DOWN: ROUND_FLOOR, RoundMode.HALF_EVEN: ROUND_HALF_EVEN}
_ROUND_TRAPS = [InvalidOperation]   # (quantize signals Inexact whenever it rounds: not an error)


def round_decimal(value: Decimal, places: int, mode: RoundMode) -> Decimal:
    """`value` rounded to `places` decimals by `mode`: exact, never more digits than it had plus
    one (a value with `places` decimals or fewer comes back as it is, not padded with zeros), and
    never a negative zero.

    >>> [str(round_decimal(Decimal(v), 2, RoundMode.HALF_UP)) for v in ("2.345", "-2.345", "2.3")]
    ['2.35', '-2.35', '2.3']
    >>> [str(round_decimal(Decimal("2.345"), 2, m)) for m in RoundMode]
    ['2.35', '2.35', '2.34', '2.34']
    >>> str(round_decimal(Decimal("-0.004"), 2, RoundMode.HALF_UP)), str(round_decimal(Decimal("-2.341"), 2, RoundMode.DOWN))
    ('0.00', '-2.35')
    """
    exponent = value.as_tuple().exponent
    if not isinstance(exponent, int) or exponent >= -places:
        return value
    context = Context(prec=max(1, value.adjusted() + places + 2), rounding=_DECIMAL_ROUNDING[mode],
                      Emax=999999, Emin=-999999, traps=_ROUND_TRAPS)
    try:
        rounded = value.quantize(Decimal(1).scaleb(-places), context=context)
    except DecimalException:  # the precision above always holds the result; kept for safety
        return value
    return rounded if rounded else rounded.copy_abs()   # -0.00 is 0.00


_POWER = Context(prec=38, Emax=37, Emin=-999999, traps=[Inexact, InvalidOperation, Overflow, DivisionByZero])
_POWER_QUOTIENT = Context(prec=28, Emax=37, Emin=-999999, traps=[InvalidOperation, Overflow, DivisionByZero])


def power_value(base: Decimal | int, exponent: Decimal | int, whole: bool) -> Decimal | int | None:
    """`base tot de macht exponent` (an Arith with op "^"), as every back end computes it: the
    exponent is whole (else None); for n >= 0 the power is exact, None from 10^38 on or beyond 38
    significant digits; for n < 0 it is 1 / base^-n rounded to 28 digits as a division is (None
    for 0). `whole`: an aantal, an int (n >= 0 only).

    >>> power_value(Decimal("1.5"), 2, False), power_value(2, -2, False), power_value(3, 2, True)
    (Decimal('2.25'), Decimal('0.25'), 9)
    >>> power_value(10, 38, False), power_value(2, Decimal("0.5"), False), power_value(0, -1, False)
    (None, None, None)
    """
    if exponent != int(exponent) or (whole and exponent < 0):
        return None
    n = int(exponent)
    if abs(Decimal(base)) > 1 and abs(n) > 4 * 38:   # certainly beyond the range: not computed
        return None
    if whole:
        value = int(base) ** n
        return value if abs(value) < 10 ** 38 else None
    try:
        raised = _POWER.power(Decimal(base), abs(n))
        return raised if n >= 0 else _POWER_QUOTIENT.divide(Decimal(1), raised)
    except DecimalException:
        return None


@attrs.frozen(slots=True, eq=False)
class Round:
    """`operand afgerond op ...`: `places` decimals kept (of euros for a bedrag: centen 2, hele
    euro's 0; of percent points for a percentage) by `mode`; `words` the suffix as written
    ("afgerond op centen"). The type is the operand's."""

    operand: Expr
    places: int
    mode: RoundMode
    words: str
    type: Type
    span: Span
    inputs: frozenset[str]


@attrs.frozen(slots=True, eq=False)
class YearDate:
    """Day `day` of month `month` of the year of the calculation date (the peildatum), moved by
    `offset` years: `1 oktober van het lopende jaar` (0), `van het vorige jaar` (-1), `van het
    volgende jaar` (+1). Onbekend without a peildatum. The checker admits only days that exist in
    every year (not 29 februari)."""

    month: int
    day: int
    offset: int
    text: str
    type: Type
    span: Span
    inputs: frozenset[str] = frozenset()

    def on(self, peil: date) -> date:
        """The date this stands for when the calculation date is `peil`."""
        return date(peil.year + self.offset, self.month, self.day)


@attrs.frozen(slots=True, eq=False)
class Version:
    """One version of a rule: the calculation dates it is in force (`valid_from`..`valid_until`,
    both included, None for an open end), its bron, the wijziging it was written in (its title),
    where it stands, how its validity is written, its own `van toepassing als` (lowered; also
    part of the rule's gate) and its title."""

    valid_from: date | None
    valid_until: date | None
    source: str | None
    amendment: str | None
    span: Span
    words: str = ""
    applicable: Expr | None = None
    title: str | None = None
    declared: Span | None = None     # the whole declaration of this version (`span` is its validity clause)

    def holds_on(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_until is None
                                                                        or day <= self.valid_until)

    @property
    def period(self) -> str:
        """How its period reads: "vanaf 23 oktober 2023", "tot en met 22 oktober 2023",
        "van 1 januari 2024 tot en met 31 december 2024", "altijd"."""
        def day(d: date) -> str:
            return f"{d.day} {MONTHS[d.month - 1]} {d.year}"
        if self.valid_from is not None and self.valid_until is not None:
            return f"van {day(self.valid_from)} tot en met {day(self.valid_until)}"
        if self.valid_from is not None:
            return f"vanaf {day(self.valid_from)}"
        return f"tot en met {day(self.valid_until)}" if self.valid_until is not None else "altijd"


@attrs.frozen(slots=True, eq=False)
class Versions:
    """The value of the version of a rule in force on the calculation date: `choices[i]` for the
    first i whose `conditions[i]` (a test of the peildatum against `versions[i]`'s period, written
    with `Compare`/`Between` on `Peildatum`) is ja; onbekend when none is (no peildatum, or a date
    outside every version). Only the chosen version is evaluated."""

    conditions: tuple[Expr, ...]
    choices: tuple[Expr, ...]
    versions: tuple[Version, ...]
    type: Type
    span: Span
    inputs: frozenset[str]


Expr = Union[Input, RuleRef, Peildatum, Const, Compare, PeriodLength, Member, Between, Each, Weekly,  # noqa: UP007
             And, Or, Not, Known, Arith, Neg, PercentOf, Shift, MomentDiff, DayOf, Aggregate, Round, YearDate, Versions,
             ListOf, YearValue, PeriodDay, OnDay, Throughout]
EXPR_CLASSES: tuple[type, ...] = Expr.__args__  # type: ignore[attr-defined]

# Nodes whose value is known without evaluating anything: the case's own facts and written values.
LEAVES = (Input, Peildatum, Const)


def children(expr: Expr) -> tuple[Expr, ...]:
    """The direct sub-expressions of a node, in the order they are written."""
    match expr:
        case Input() | RuleRef() | Peildatum() | Const() | YearDate() | YearValue() | PeriodDay():
            return ()
        case OnDay():
            return (expr.day,)
        case Throughout():
            return (expr.start, expr.end, expr.condition)
        case Versions():
            return (*expr.conditions, *expr.choices)
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
        case Weekly() | Not() | Known() | Neg() | Round():
            return (expr.operand,)
        case PercentOf():
            return (expr.percent, expr.base)
        case Shift():
            return (expr.base, expr.amount)
        case DayOf():
            return (expr.base,)
        case Aggregate():
            return (expr.operand,) if expr.where_bound is None else (expr.operand, expr.where_bound)
        case ListOf():
            return expr.items
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
        case Round():
            inner = constant_value(expr.operand)
            return inner if not isinstance(inner, Decimal) else round_decimal(inner, expr.places, expr.mode)
    return None
