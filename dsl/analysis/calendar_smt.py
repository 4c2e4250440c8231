"""Calendar months and working days as z3 terms, exact over the whole calendar the runtime knows.

Contract: `add_months(day, n, years)` and `add_working_days(day, n)` take a z3 Int term `day` (an
ordinal day number as `date.toordinal()` counts) and a count `n` (a Python int; for working days
also a z3 term) and return `(result, known, facts)`: the ordinal of the day the runtime
(`dsl.runtime.calendar.add_months`, `add_working_days`) gives, a z3 Bool that is true exactly when
the runtime gives a day at all (false where it gives "onbekend": a month outside the years 1 to
9999, working days outside the years whose holidays are known), and facts that always hold (for
the solver's sake; `is_fact` recognises them). All are plain terms of the arguments (integer
arithmetic with division by a small constant, and `If`), without fresh variables, so they may be
negated, shared between two encoders and evaluated on any model. Each term is built once per count (over a free day variable,
`z3.substitute`d by the real day at each use): building a tree costs a few tenths of a second.

Calendar months (a written count n): the runtime's own `add_months(·, n)` on every day of the
years the base can lie in (the caller says which), as pieces (`_month_pieces`): from a month's first
day on, the result is the day plus a fixed offset, and where the target month is shorter, its last
day; adjacent pieces with one offset are merged (about 4500 pieces for 300 years and 6 months). The
term is a balanced `If` tree over the pieces, and facts say how many days n months add at least and at
most (over a whole 400-year cycle: for every day), which lets z3 prove most questions without
walking the tree. (Integer arithmetic on the day number with division by 146097, 36524, ... is exact
too, but z3 got lost in it: minutes on a query the tree answers in a tenth of a second.)

Working days: the runtime's calendar (`is_working_day`, the Algemene termijnenwet) from 1 January
of its first year to 31 December of its last, read once, as a sorted table of the weekdays that are
not working days (`holidays()`, about eight a year). `W(d)`, the number of working days up to day
`d`, is the number of weekdays up to `d` (arithmetic: five per week) minus the holidays up to `d`
(a balanced `If` tree over the table, so z3 decides it along one path of depth log2 of its size).
The n-th working day after `b` (n > 0) is the working day with `W = W(b) + n`; before `b` (n < 0)
the one with `W = W(b - 1) + n + 1` (the runtime skips a start that is not a working day in both
directions); and n = 0 gives `b` itself, also on a day that is not a working day. The working day
with a given `W = t` is found without search: the t-th working day is the (t + k)-th weekday, where
k is the number of holidays whose own `W` is below t (a second table).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from calendar import monthrange
from datetime import date, timedelta
from functools import cache

import z3

from dsl.analysis.term_memo import TermMemo
from dsl.runtime.calendar import FIRST_YEAR, LAST_YEAR, OutsideCalendar, is_working_day
from dsl.runtime.calendar import add_months as runtime_add_months

__all__ = ["add_months", "add_working_days", "holidays", "is_fact", "month_offsets", "working_index",
           "working_offsets"]

FIRST_DAY = date(FIRST_YEAR, 1, 1).toordinal()
LAST_DAY = date(LAST_YEAR, 12, 31).toordinal()


# ---------------------------------------------------------------- calendar months
def _month_index(d: date) -> int:
    return d.year * 12 + d.month - 1


def _month_start(index: int) -> date:
    return date(index // 12, index % 12 + 1, 1)


@cache
def _month_pieces(n: int, first_year: int, last_year: int) -> tuple[tuple[int, int | None, int | None], ...]:
    """The runtime's `add_months(·, n)` on the days of `first_year`..`last_year`, as pieces
    (first day, offset, value): from that day on the result is day + offset, or the fixed `value`
    (the last day of a shorter target month). Adjacent pieces with the same offset are one."""
    out: list[tuple[int, int | None, int | None]] = []
    for index in range(first_year * 12, last_year * 12 + 12):
        first = _month_start(index)
        length = monthrange(first.year, first.month)[1]
        try:
            target, _ = runtime_add_months(first, n)
        except OutsideCalendar:   # onbekend at run time (`_known_months` says so): any value
            out.append((first.toordinal(), None, None))
            continue
        target_length = monthrange(target.year, target.month)[1]
        offset = target.toordinal() - first.toordinal()
        if not out or out[-1][1] != offset:
            out.append((first.toordinal(), offset, None))
        if target_length < length:
            out.append((first.toordinal() + target_length, None, target.toordinal() + target_length - 1))
    return tuple(out)


@cache
def month_offsets(n: int) -> tuple[int, int] | None:
    """The least and the greatest number of days that `n` calendar months add, over one whole
    400-year cycle of the Gregorian calendar (so over every day); None where the cycle's results
    leave the calendar."""
    pieces = _month_pieces(n, 2000, 2399)
    if any(offset is None and value is None for _, offset, value in pieces):
        return None
    ends = [p[0] for p in pieces[1:]] + [date(2400, 1, 1).toordinal()]
    spans = []
    for (start, offset, value), end in zip(pieces, ends, strict=True):
        if offset is not None:
            spans.append(offset)
        elif value is not None:
            spans += [value - start, value - (end - 1)]
    return min(spans), max(spans)


class _Raw:
    """Builds an integer term node by node with z3's C API: the same terms as `z3.If`, `>=`, `+` and
    `z3.IntVal` make (z3 shares equal terms, so the result is the very same term), without their
    Python objects and coercions. A calendar table has thousands of nodes: six months over 300
    years took 0.96 s through the Python operators and takes 0.27 s so. Each node is held (its
    reference count raised) until `done` wraps the root: z3 frees a node nothing holds."""

    def __init__(self, term):
        self.term, self.ctx = term, term.ctx
        self.ref = self.ctx.ref()
        self.sort = z3.IntSort(self.ctx).ast
        self.held: list = []
        self.numbers: dict[int, object] = {}

    def _hold(self, node):
        z3.Z3_inc_ref(self.ref, node)
        self.held.append(node)
        return node

    def num(self, value: int):
        node = self.numbers.get(value)
        if node is None:
            node = self.numbers[value] = self._hold(z3.Z3_mk_numeral(self.ref, str(value), self.sort))
        return node

    def plus(self, offset: int):
        """`term + offset`."""
        return self._hold(z3.Z3_mk_add(self.ref, 2, (z3.Ast * 2)(self.term.as_ast(), self.num(offset))))

    def at_least(self, point: int, strict: bool = False):
        """`term >= point` (`term > point` when `strict`)."""
        make = z3.Z3_mk_gt if strict else z3.Z3_mk_ge
        return self._hold(make(self.ref, self.term.as_ast(), self.num(point)))

    def ite(self, cond, then, other):
        return self._hold(z3.Z3_mk_ite(self.ref, cond, then, other))

    def done(self, root) -> z3.ArithRef:
        out = z3.ArithRef(root, self.ctx)   # holds the root, and so the whole tree
        for node in self.held:
            z3.Z3_dec_ref(self.ref, node)
        self.held = []
        return out


def _piecewise(term, pieces):
    """The value of `pieces` (see `_month_pieces`) at `term`, as a balanced If tree."""
    raw = _Raw(term)

    def tree(lo: int, hi: int):
        if hi - lo == 1:
            _, offset, value = pieces[lo]
            return raw.plus(offset) if offset is not None else raw.num(value if value is not None else 0)
        mid = (lo + hi) // 2
        return raw.ite(raw.at_least(pieces[mid][0]), tree(mid, hi), tree(lo, mid))
    return raw.done(tree(0, len(pieces)))


def _known_months(day, n: int):
    """Whether `day` plus `n` months lies in the years 1..9999 (and `day` itself does)."""
    low, high = max(12, 12 - n), min(9999 * 12 + 11, 9999 * 12 + 11 - n)
    if low > high:
        return z3.BoolVal(False)
    last = _month_start(high)
    last_day = last.toordinal() + monthrange(last.year, last.month)[1] - 1
    return z3.And(day >= _month_start(low).toordinal(), day <= last_day)


def add_months(day, n: int, years: tuple[int, int]) -> tuple[z3.ArithRef, z3.BoolRef, list]:
    """`day` plus `n` (a written count) calendar months, the day clamped to the end of a shorter
    month, as the runtime's `add_months`, for a `day` in `years` (first, last; the caller knows
    the base lies there): (the day number, whether the runtime gives one, facts that always hold
    and help the solver: how many days `n` months add at least and at most). The day number reads a
    table of the runtime's own results (`_month_pieces`), built once per count and years."""
    value, known, facts = _add_months(n, (max(1, years[0]), min(9999, years[1])))
    return (z3.substitute(value, (_DAY, day)), z3.substitute(known, (_DAY, day)),
            _remember([z3.substitute(f, (_DAY, day)) for f in facts]))


# every fact handed out (a bounded number: a fact forgotten is only no longer recognised by
# `is_fact`, which makes a proof slower, not different)
_FACTS = TermMemo(4096)


def _remember(facts: list) -> list:
    for f in facts:
        _FACTS.of(f)["fact"] = True
    return facts


def is_fact(term) -> bool:
    """Whether `term` is one of the facts `add_months` or `add_working_days` gave. A fact is true for
    every day the caller's domain allows, so a proof that a formula holds for every case need not
    prove it again (`dsl.analysis.regions`)."""
    return _FACTS.get(term, "fact") is True


# the free variables of the terms built once (`_add_months`, `_add_working_days`), substituted at each use
_DAY, _COUNT, _TARGET = z3.Int("__dag"), z3.Int("__aantal"), z3.Int("__index")


@cache
def _add_months(n: int, years: tuple[int, int]) -> tuple[z3.ArithRef, z3.BoolRef, list]:
    value = _piecewise(_DAY, _month_pieces(n, *years))
    known = _known_months(_DAY, n)
    offsets = month_offsets(n)
    facts = [] if offsets is None else [z3.Implies(known, z3.And(value - _DAY >= offsets[0],
                                                                 value - _DAY <= offsets[1]))]
    return value, known, facts


# ---------------------------------------------------------------- working days
@cache
def holidays() -> tuple[int, ...]:
    """The ordinals of the weekdays that are not working days, in the runtime's calendar."""
    out = []
    day = date(FIRST_YEAR, 1, 1)
    last = date(LAST_YEAR, 12, 31)
    step = timedelta(days=1)
    while day <= last:
        if day.weekday() < 5 and not is_working_day(day):
            out.append(day.toordinal())
        day += step
    return tuple(out)


def _weekdays(day):
    """Mondays to Fridays among the ordinals 1..day (ordinal 1 is a Monday)."""
    rest = day % 7
    return 5 * (day / 7) + z3.If(rest > 5, 5, rest)


def _weekday_number(u):
    """The ordinal of the u-th weekday (u >= 1), the inverse of `_weekdays` on weekdays."""
    return 7 * ((u - 1) / 5) + (u - 1) % 5 + 1


def _count_at_most(term, points: tuple[int, ...], strict: bool = False):
    """How many of the sorted `points` are <= term (< term when `strict`), as a balanced If tree."""
    raw = _Raw(term)

    def tree(lo: int, hi: int):
        # every point before lo counts, none from hi on
        if lo == hi:
            return raw.num(lo)
        mid = (lo + hi) // 2
        return raw.ite(raw.at_least(points[mid], strict), tree(mid + 1, hi), tree(lo, mid))
    return raw.done(tree(0, len(points)))


@cache
def _holiday_indices() -> tuple[int, ...]:
    """Per holiday (in `holidays()` order), its working-day index `W`."""
    found = holidays()
    return tuple(working_index(h) for h in found)


def working_index(day: int) -> int:
    """`W(day)` computed in Python: weekdays up to `day` minus the holidays up to it."""
    weekdays = 5 * (day // 7) + min(day % 7, 5)
    return weekdays - bisect_right(holidays(), day)


@cache
def _w_term() -> z3.ArithRef:
    return _weekdays(_DAY) - _count_at_most(_DAY, holidays())


@cache
def _before_term() -> z3.ArithRef:
    return _count_at_most(_TARGET, _holiday_indices(), strict=True)


def _w(day):
    """`W(day)`: the working days up to `day` (see the module docstring)."""
    return z3.substitute(_w_term(), (_DAY, day))


@cache
def _working_days() -> tuple[int, ...]:
    """The ordinals of every working day of the runtime's calendar, in order."""
    off = set(holidays())
    return tuple(d for d in range(FIRST_DAY, LAST_DAY + 1) if (d - 1) % 7 < 5 and d not in off)


@cache
def working_offsets(n: int) -> tuple[int, int] | None:
    """The least and the greatest number of calendar days that `n` working days move a day of the
    calendar, where the result is in it too; None when none is."""
    if n == 0:
        return 0, 0
    work = _working_days()
    spans = []
    for d in range(FIRST_DAY, LAST_DAY + 1):
        k = bisect_right(work, d) + n - 1 if n > 0 else bisect_left(work, d) + n
        if 0 <= k < len(work):
            spans.append(work[k] - d)
    return (min(spans), max(spans)) if spans else None


def add_working_days(day, n, *, sign: int | None = None) -> tuple[z3.ArithRef, z3.BoolRef, list]:
    """See `_add_working_days`; the terms are built once per count (or sign) and filled in."""
    key = n if isinstance(n, int) else None
    value, known, facts = _add_working_days(key, sign)
    pairs = [(_DAY, day)] + ([] if key is not None else [(_COUNT, n)])
    return (z3.substitute(value, *pairs), z3.substitute(known, *pairs),
            _remember([z3.substitute(f, *pairs) for f in facts]))


@cache
def _add_working_days(n: int | None, sign: int | None) -> tuple[z3.ArithRef, z3.BoolRef, list]:
    """The n-th working day after `day` (before it for n < 0; `day` itself for n = 0), as the
    runtime's `add_working_days`: (the day number, whether the runtime gives one: n = 0 or both
    `day` and the result lie in the years of its calendar, facts that always hold and help the
    solver: for a written count, how many calendar days it moves at least and at most). `sign`
    (1 or -1) says which way when it is known in advance, so one branch is built. In terms of the
    free variables `_DAY` and `_COUNT` (the count when `n` is None)."""
    day = _DAY
    if n is None:
        n = _COUNT
    if isinstance(n, int):
        sign = 1 if n > 0 else -1
    if sign is None:
        target = z3.If(n > 0, _w(day) + n, _w(day - 1) + n + 1)
    else:
        target = _w(day) + n if sign > 0 else _w(day - 1) + n + 1
    before = z3.substitute(_before_term(), (_TARGET, target))
    result = _weekday_number(target + before)
    inside = z3.And(day >= FIRST_DAY, day <= LAST_DAY, result >= FIRST_DAY, result <= LAST_DAY)
    if isinstance(n, int):
        if n == 0:
            return day, z3.BoolVal(True), []
        offsets = working_offsets(n)
        if offsets is None:
            return result, z3.BoolVal(False), []
        return result, inside, [z3.Implies(inside, z3.And(result - day >= offsets[0], result - day <= offsets[1]))]
    return z3.If(n == 0, day, result), z3.Or(n == 0, inside), []
